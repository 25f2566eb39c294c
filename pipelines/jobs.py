"""Jobs. The nightly run executes in one process on purpose.

Every step touches the DuckDB file (one writer at a time) and the rule step imports Great
Expectations; the multiprocess executor would serialise on the ``duckdb`` pool anyway and pay
the GX import in a fresh process per step (stack notes: 53–82 s vs 10 s per run).
"""

from __future__ import annotations

import dagster as dg

nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Ingest → parse → load → rule checks → marts → publish.",
)
