"""Checks that decide whether tonight may be published (:mod:`xxgk.quality.health`).

Both are blocking with ``ERROR`` severity: when one fails, nothing downstream runs, the run
fails, and the previous published warehouse stays in place.
"""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.resources import XxgkPaths
from xxgk.quality.health import crawl_health, reports_kept


@dg.asset_check(asset="documents", blocking=True, pool="duckdb",
                description="sources answer (a night where none does is a network problem, not news)")
def crawl_health_check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        h = crawl_health(con)
    table = dg.MetadataValue.md("| source | fetches | answered | ok | failed | robots | answered last night |\n"
                                "|---|---|---|---|---|---|---|\n" + "\n".join(
                                    f"| {s.source_id} | {s.fetches} | {s.answered} | {s.ok} | {s.failed} | "
                                    f"{s.robots or ''} | {'yes' if s.answered_last_night else 'no'} |"
                                    for s in h.sources))
    return dg.AssetCheckResult(passed=h.ok, severity=dg.AssetCheckSeverity.ERROR, description=h.reason,
                               metadata={"night": h.night or "", "sources": len(h.sources),
                                         "unreachable": len(h.unreachable), "reason": h.reason, "per_source": table})


@dg.asset_check(asset="rule_results", blocking=True, pool="duckdb",
                description="the warehouse keeps every report the published copy has")
def no_reports_lost(paths: XxgkPaths, duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        k = reports_kept(con, paths.published)
    return dg.AssetCheckResult(passed=k.ok, severity=dg.AssetCheckSeverity.ERROR, description=k.reason,
                               metadata={"reports": k.warehouse, "published_reports": k.published or 0,
                                         "reason": k.reason})
