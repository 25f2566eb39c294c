"""Stage 1, ingest: crawl the sources into the raw store and the ``document`` table."""

from dataclasses import replace

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.resources import CrawlSettings, XxgkPaths
from xxgk.crawl.run import crawl
from xxgk.crawl.sources import Pacing, load_sources
from xxgk.warehouse.db import apply_ddl


@dg.asset(group_name="ingest", pool="duckdb", kinds={"duckdb"})
def documents(context: dg.AssetExecutionContext, paths: XxgkPaths, crawl_settings: CrawlSettings,
              duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Every report document we hold: raw bytes content-addressed, one provenance row each.

    One asset for all sources rather than one partition per source: the crawler already runs
    hosts in parallel and each host politely in series, and an unpartitioned asset keeps the
    nightly job a single run that `materialize --select '*'` can execute. One portal is retried
    or backfilled alone with ``crawl_settings.only`` in the run's config.
    """
    registry = load_sources(crawl_settings.sources_file).only(crawl_settings.only.split())
    if crawl_settings.min_gap is not None or crawl_settings.jitter is not None:
        default = registry.pacing
        pacing = Pacing(min_gap=default.min_gap if crawl_settings.min_gap is None else crawl_settings.min_gap,
                        jitter=default.jitter if crawl_settings.jitter is None else crawl_settings.jitter)
        registry = replace(registry, pacing=pacing, sources=tuple(replace(s, pacing=None) for s in registry.sources))
    with duckdb.get_connection() as con:
        apply_ddl(con)
        summary = crawl(registry, paths.raw_store, con, connect_to=crawl_settings.connect_rules,
                        allow_http=crawl_settings.plain_http, night=crawl_settings.night, log=context.log.debug)
        total = con.execute("SELECT count(DISTINCT sha256) FROM document").fetchone()[0]
    for alert in summary.alerts:
        context.log.warning(alert)
    return dg.MaterializeResult(metadata={
        "new": summary.count("new"), "changed": summary.count("changed"), "unchanged": summary.count("unchanged"),
        "gone": summary.count("gone"), "alerts": len(summary.alerts), "documents": total,
        "outcomes": ", ".join(f"{k} {v}" for k, v in sorted(summary.outcomes.items())),
    })
