"""Stage 2, parse: stored documents → parse results (one JSON file per document)."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.resources import ParseSettings, XxgkPaths
from xxgk.parse.api import FAILURES
from xxgk.parse.batch import parse_documents
from xxgk.warehouse.load import pending_documents


@dg.asset(group_name="parse", deps=["documents"], pool="duckdb")
def parsed_reports(paths: XxgkPaths, duckdb: DuckDBResource, parse_settings: ParseSettings) -> dg.MaterializeResult:
    """Parse results of every document not yet parsed by the current parser version, each
    document in a worker process under time and memory limits. A document that fails is
    recorded with its outcome (``failed``), never a failure of this step."""
    with duckdb.get_connection() as con:
        pending = pending_documents(con, paths.parsed_dir)
    s = parse_documents(pending, paths.raw_store, paths.parsed_dir, parse_settings.limits())
    failures = ", ".join(f"{k} {n}" for k, n in sorted(s.outcomes.items()) if k in FAILURES)
    return dg.MaterializeResult(metadata={
        "parsed": s.parsed, "reports": s.reports, "not_reports": s.not_reports,
        "unreadable": s.unreadable, "failed": f"{s.failed} ({failures})" if failures else 0,
        "already_parsed": s.skipped,
    })
