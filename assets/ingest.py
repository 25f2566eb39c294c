"""Stage 1, ingest: documents into the raw store and the ``document`` table."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.resources import XxgkPaths
from xxgk.ingest import ingest_directory
from xxgk.warehouse.db import apply_ddl


@dg.asset(group_name="ingest", pool="duckdb", kinds={"duckdb"})
def documents(paths: XxgkPaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Every report document we hold: raw bytes content-addressed, one provenance row each."""
    with duckdb.get_connection() as con:
        apply_ddl(con)
        summary = ingest_directory(con, paths.raw_store, "bundled", Path(paths.inputs_dir))
        total = con.execute("SELECT count(DISTINCT sha256) FROM document").fetchone()[0]
    return dg.MaterializeResult(metadata={"seen": summary.seen, "new": summary.new, "documents": total})
