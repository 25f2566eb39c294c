"""Stage 4, marts and publication: region/year aggregates and the analysts' copy."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.resources import XxgkPaths
from xxgk.quality.dashboard import write_dashboard
from xxgk.warehouse.marts import build_marts, load_regions
from xxgk.warehouse.publish import publish


@dg.asset(group_name="marts", deps=["rule_results"], pool="duckdb", kinds={"duckdb"})
def mart_region_year(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Region × year figures from reports without error-severity rule failures."""
    with duckdb.get_connection() as con:
        load_regions(con)
        counts = build_marts(con)
        excluded = con.execute("SELECT coalesce(sum(reports_excluded), 0) FROM mart_region_year").fetchone()[0]
    return dg.MaterializeResult(metadata={"rows": counts["mart_region_year"], "reports_excluded": int(excluded)})


@dg.asset(group_name="marts", deps=["mart_region_year", "quality_dashboard"], pool="duckdb")
def published_warehouse(paths: XxgkPaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """A copy of the warehouse that analysts can hold open while the next run writes."""
    with duckdb.get_connection() as con:
        target = publish(con, paths.warehouse, paths.published)
    return dg.MaterializeResult(metadata={"path": str(target)})


@dg.asset(group_name="marts", deps=["mart_region_year"], pool="duckdb")
def quality_dashboard(paths: XxgkPaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Static quality pages: rules, failing reports, documents set aside, coverage."""
    with duckdb.get_connection() as con:
        board = write_dashboard(con, paths.quality_pages, paths.data_docs / "index.html")
    return dg.MaterializeResult(metadata={"path": str(board.path), "reports_with_errors": board.failing_reports})
