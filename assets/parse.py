"""Stage 2, parse: stored documents → parse results (one gzipped JSON file per document).

The stage is a graph of steps so that an executor with several processes or machines (Dask,
Kubernetes: docs/deployment.md) parses in parallel: one step lists the pending documents (it reads the
warehouse, so it is in pool ``duckdb``) and hands them on in shards; one step per shard parses
its documents through the worker pool of :mod:`xxgk.parse.batch` and writes the results to the
parsed-results folder under the data directory (shared by every step); a last step adds up the
shards. The load stage (``cells``) then reads the results, the one step that writes them to
the warehouse. In ``xxgk run`` (in-process executor) the same steps run one after the other,
each shard on all cores.
"""

# no ``from __future__ import annotations``: Dagster checks the ``context`` annotation of an op
# against its context classes, and a string annotation fails that check
import shutil

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.resources import ParseSettings, XxgkPaths
from xxgk.parse.api import FAILURES
from xxgk.parse.batch import BatchSummary, DocumentRef, parse_documents
from xxgk.warehouse.load import pending_documents


@dg.op(ins={"documents": dg.In(dg.Nothing)}, out=dg.DynamicOut(list), pool="duckdb")
def pending_shards(paths: XxgkPaths, duckdb: DuckDBResource, parse_settings: ParseSettings):
    """Documents not yet parsed by the current parser version, in shards of
    ``documents_per_step`` (none at all on a night with nothing new)."""
    with duckdb.get_connection() as con:
        pending = pending_documents(con, paths.parsed_dir)
    size = max(1, parse_settings.documents_per_step)
    for n, start in enumerate(range(0, len(pending), size)):
        yield dg.DynamicOutput(pending[start:start + size], mapping_key=f"shard_{n}")


@dg.op
def parse_shard(paths: XxgkPaths, parse_settings: ParseSettings, docs: list[DocumentRef]) -> BatchSummary:
    """Parse one shard, each document in a worker process under time and memory limits. A
    document that fails is recorded with its outcome (``failed``), never a failure of the step."""
    return parse_documents(docs, paths.raw_store, paths.parsed_dir, parse_settings.limits())


@dg.op(out=dg.Out(dg.Nothing))
def parse_summary(context: dg.OpExecutionContext, paths: XxgkPaths, shards: list[BatchSummary]) -> None:
    """What the shards parsed, as the asset's metadata. The shards' inputs and outputs (kept by
    the IO manager under ``<data_dir>/steps/<run_id>``) are no longer needed and are removed."""
    s = BatchSummary.total(shards)
    failures = ", ".join(f"{k} {n}" for k, n in sorted(s.outcomes.items()) if k in FAILURES)
    context.add_output_metadata({
        "parsed": s.parsed, "reports": s.reports, "not_reports": s.not_reports,
        "unreadable": s.unreadable, "failed": f"{s.failed} ({failures})" if failures else 0,
        "already_parsed": s.skipped, "parse_steps": len(shards),
    })
    run_values = paths.step_values / context.run_id
    for step in run_values.glob("parsed_reports.*"):
        shutil.rmtree(step, ignore_errors=True)
    if run_values.is_dir() and not any(run_values.iterdir()):
        run_values.rmdir()


@dg.graph_asset(group_name="parse", ins={"documents": dg.AssetIn(dagster_type=dg.Nothing)})
def parsed_reports(documents):
    """Parse results of every document not yet parsed by the current parser version, one gzipped JSON
    file per document under ``<data_dir>/parsed/v<PARSER_VERSION>/``, failures included."""
    return parse_summary(pending_shards(documents).map(parse_shard).collect())
