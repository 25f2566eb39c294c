"""Stage 4, the analysts' warehouse: dimensions (region, agency), marts, quality pages, publication.

The asset graph follows docs/contracts.md: rule results → ``region``, ``agency`` → marts →
``quality_dashboard`` → ``published_warehouse``. Every asset writes the warehouse, so every one
is in pool ``duckdb``.
"""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.resources import CrawlSettings, XxgkPaths
from xxgk.crawl.sources import load_sources
from xxgk.quality.dashboard import write_dashboard
from xxgk.warehouse.dimensions import build_agencies, load_reference, load_regions
from xxgk.warehouse.marts import apply_views, build_mart
from xxgk.warehouse.publish import publish

# The asset the blocking rule checks are attached to: the marts wait for the checks.
RULES_ASSET = "rule_results"


@dg.asset(group_name="marts", deps=[RULES_ASSET], pool="duckdb", kinds={"duckdb"})
def region(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Administrative divisions 1981–2024 (vendored areacodes dataset), the template's labels and
    the measure definitions."""
    with duckdb.get_connection() as con:
        n = load_regions(con)
        ref = load_reference(con)
    return dg.MaterializeResult(metadata={"dagster/row_count": n, "template_labels": ref["template_label"],
                                          "measures": ref["measure"]})


@dg.asset(group_name="marts", deps=["region"], pool="duckdb", kinds={"duckdb"})
def agency(duckdb: DuckDBResource, crawl_settings: CrawlSettings) -> dg.MaterializeResult:
    """One row per reporting body, each report placed in its report year's division; the views
    (report_current, report_ok, v_*) over them."""
    try:
        sources = {s.id: s.region_code for s in load_sources(crawl_settings.sources_file).sources}
    except (OSError, ValueError):
        sources = {}
    with duckdb.get_connection() as con:
        s = build_agencies(con, sources)
        apply_views(con)
    return dg.MaterializeResult(metadata={"dagster/row_count": s.agencies, "unresolved": s.unresolved,
                                          "reports_placed": s.reports_placed})


def _mart(name: str, deps: list[str], doc: str) -> dg.AssetsDefinition:
    @dg.asset(name=name, group_name="marts", deps=deps, pool="duckdb", kinds={"duckdb"}, description=doc)
    def _build(duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as con:
            counts = build_mart(con, name)
            mode, bodies, regions, deleted, inserted = con.execute(
                "SELECT mode, bodies, regions, rows_deleted, rows_inserted FROM mart_state WHERE mart = ?",
                [name]).fetchone()
        return dg.MaterializeResult(metadata={"dagster/row_count": counts[name],
                                              **{k: v for k, v in counts.items() if k != name},
                                              "build": mode, "bodies_rebuilt": bodies, "regions_rebuilt": regions,
                                              "rows_deleted": deleted, "rows_inserted": inserted})
    return _build


# Each rebuilds only the keys whose inputs changed since its last build (xxgk.warehouse.marts).
mart_region_year = _mart("mart_region_year", ["agency"],
                         "Region × year roll-ups (county, city, province) counting every body once.")
mart_agency_year = _mart("mart_agency_year", ["agency"],
                         "Body × year figures, outcome shares, corrected rates, year-over-year changes.")
mart_hierarchy_check = _mart("mart_hierarchy_check", ["mart_region_year"],
                             "Area reports against the sum of the bodies inside their area.")
mart_publication = _mart("mart_publication", ["agency"],
                         "On time, late, missing and silently edited reports per body and year.")
mart_series = _mart("mart_series", ["agency"], "Long-format measure series across templates.")
MARTS = ["mart_region_year", "mart_agency_year", "mart_hierarchy_check", "mart_publication", "mart_series"]


@dg.asset(group_name="marts", deps=MARTS, pool="duckdb")
def quality_dashboard(paths: XxgkPaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Static quality pages: rules, failing reports, documents set aside, coverage, unresolved bodies."""
    with duckdb.get_connection() as con:
        board = write_dashboard(con, paths.quality_pages, paths.data_docs / "index.html")
    return dg.MaterializeResult(metadata={"path": str(board.path), "reports_with_errors": board.failing_reports})


@dg.asset(group_name="marts", deps=[*MARTS, "quality_dashboard"], pool="duckdb")
def published_warehouse(paths: XxgkPaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """The analysts' warehouse: Parquet per table and report year (unchanged partitions linked from
    the previous build, not written) and a small DuckDB file of views over it, made current by
    one atomic rename; readers of the previous one are never disturbed."""
    with duckdb.get_connection() as con:
        pub = publish(con, paths.warehouse, paths.published)
    return dg.MaterializeResult(metadata={"path": str(pub.path), "build": pub.build.name,
                                          "parquet": str(pub.path.parent / "parquet"),
                                          "files_written": pub.written, "files_reused": pub.reused})
