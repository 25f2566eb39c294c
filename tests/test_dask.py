"""Scale-out (issue 11): the nightly job, unchanged, with its steps on a ``dask.distributed``
cluster (two worker processes on 127.0.0.1, non-daemonic) gives the same warehouse as
``xxgk run`` in process. The parse stage fans out in shards run by the workers, which write
the parse results into the shared data directory; the one load step reads them.

The job is reconstructed from ``pipelines.definitions`` as a deployment's run worker would,
with ``XXGK_EXECUTOR=dask`` and the deployment variables; the workers inherit them."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import dask
import duckdb
import pytest
from dagster._core.definitions.reconstruct import ReconstructableRepository
from distributed import Client, LocalCluster

from pipelines.jobs import deployment_executor
from pipelines.resources import CrawlSettings
from pipelines.run import run_nightly
from tests.conftest import CORPUS, SEEDS
from tests.dask_probe import LOG
from xxgk.parse.batch import RESULT_SUFFIX, result_dir

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [SEEDS / f"{s}.txt" for s in ("000_c1eaaf8cdc2dffbd", "001_39cbfd32513a2536", "002_258c9fe9a95a7785",
                                          "003_fff17be27cddb8b3", "004_3ea6a6549f11e7d9")] + [
    CORPUS / "pingtan_2023.html", CORPUS / "pingtan_2025.html"]
PER_STEP = 3  # 7 documents: shards of 3, 3 and 1
SHARDS = 3
RUN_SECONDS = 240  # the Dask run's bound (it takes about 40 s on an idle 2-core box)
# Columns that say when or in which run a row was written, not what it holds
PER_RUN_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE")
PER_RUN_COLUMNS = {"run_id", "build_id"}
PER_RUN_TABLES = {"mart_input", "mart_body_input"}  # digests of what the marts read, first-seen times included


def warehouse_rows(db: Path) -> dict[str, list[tuple]]:
    """Every table of a warehouse, its rows sorted, without the columns that date the run."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                            "'main' AND table_type = 'BASE TABLE' ORDER BY 1").fetchall()
                  if t not in PER_RUN_TABLES]
        out = {}
        for t in tables:
            cols = [f'"{c}"' for c, typ in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [t]).fetchall()
                if typ not in PER_RUN_TYPES and c not in PER_RUN_COLUMNS]
            out[t] = con.execute(f'SELECT {", ".join(cols)} FROM "{t}" ORDER BY ALL').fetchall()
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("dask")
    folder = base / "inbox"
    folder.mkdir()
    for f in DOCUMENTS:
        shutil.copy(f, folder / f.name)
    sources = base / "sources.toml"
    sources.write_text('[[source]]\nid = "inbox"\nfamily = "directory"\nregion_code = "330400"\n'
                       'region_name = "嘉兴市"\nagency = "嘉兴市"\npath = "inbox"\n', encoding="utf-8")
    return sources


@pytest.fixture
def deployment_env(monkeypatch, tmp_path, inbox):
    """The variables a Dask deployment sets for the run and every worker."""
    data = tmp_path / "shared"
    env = {"XXGK_EXECUTOR": "dask", "XXGK_DATA_DIR": str(data),
           "XXGK_WAREHOUSE": str(data / "warehouse" / "xxgk.duckdb"), "XXGK_SOURCES": str(inbox),
           "XXGK_CONNECT_TO": "", "XXGK_ALLOW_HTTP": "", "XXGK_PARSE_STEP_DOCUMENTS": str(PER_STEP),
           "XXGK_PARSE_WORKERS": "1"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    (data / "warehouse").mkdir(parents=True)  # DuckDB does not create folders
    return data


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """A ``TimeoutError`` in this (the main) thread after ``seconds``: a run waiting on a stuck
    worker ends the test instead of hanging it."""
    def expire(_signo, _frame):
        raise TimeoutError(f"the Dask run took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _events(result: dg.ExecuteJobResult, kind: str) -> list[dg.DagsterEvent]:
    return [e for e in result.all_events if e.event_type_value == kind]


def test_dask_run_gives_the_in_process_warehouse(deployment_env, tmp_path, inbox):
    shared = deployment_env
    # the same night in process (xxgk run), the parse stage in the same shards
    out = io.StringIO()
    local = run_nightly(tmp_path / "local", CrawlSettings(sources_file=str(inbox)), out=out)
    assert local.success, out.getvalue()
    # still one progress line for the parse stage, however many steps it took
    (stage_line,) = [ln for ln in out.getvalue().splitlines() if " parsed_reports " in ln]
    assert stage_line.startswith("[2/") and "parsed 7, reports 7," in stage_line, stage_line
    assert f"parse_steps {SHARDS}" in stage_line

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "pipelines" / "dagster.yaml", home / "dagster.yaml")  # pool duckdb: one slot
    with deadline(RUN_SECONDS), dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address="127.0.0.1:0", memory_limit="2GiB", timeout=60) as cluster, \
            Client(cluster) as client, dg.DagsterInstance.from_config(str(home)) as instance:
        worker_pids = set(client.run(os.getpid).values())
        os.environ["XXGK_DASK_ADDRESS"] = cluster.scheduler_address
        try:
            job = ReconstructableRepository.for_module("pipelines.definitions", "defs", str(ROOT)) \
                .get_reconstructable_job("nightly")
            result = dg.execute_job(job, instance=instance, raise_on_error=False)
        finally:
            del os.environ["XXGK_DASK_ADDRESS"]
        assert result.success, [e.message for e in _events(result, "STEP_FAILURE")]

    assert deployment_executor().name == "dask"
    # every step ran in a Dask worker, one task per step; the parse stage in three shards
    started = {e.step_key: int(e.event_specific_data.metadata["pid"].value)
               for e in _events(result, "STEP_WORKER_STARTED")}
    shards = sorted(k for k in started if k.startswith("parsed_reports.parse_shard["))
    assert shards == [f"parsed_reports.parse_shard[shard_{n}]" for n in range(SHARDS)]
    assert set(started.values()) <= worker_pids and os.getpid() not in started.values()
    # the workers wrote one result per document into the shared data directory ...
    results = sorted(result_dir(shared / "parsed").glob(f"*{RESULT_SUFFIX}"))
    assert len(results) == len(DOCUMENTS)
    assert [p.read_bytes() for p in results] == [
        p.read_bytes() for p in sorted(result_dir(tmp_path / "local" / "parsed").glob(f"*{RESULT_SUFFIX}"))]
    # ... and the one load step read them all
    loaded = {e.step_key: e.event_specific_data.materialization.metadata
              for e in _events(result, "ASSET_MATERIALIZATION")}
    assert loaded["cells"]["loaded"].value == len(DOCUMENTS)
    assert loaded["parsed_reports.parse_summary"]["parse_steps"].value == SHARDS
    # the step values the shards exchanged are gone with the run
    assert not (shared / "steps" / result.run_id).exists()

    dask_rows = warehouse_rows(shared / "warehouse" / "xxgk.duckdb")  # the published file holds views only
    local_rows = warehouse_rows(local.warehouse)
    assert dask_rows.keys() == local_rows.keys()
    assert sum(len(r) for r in dask_rows.values()) > 1000
    for table, rows in local_rows.items():
        assert dask_rows[table] == rows, table


def test_dask_executor_keeps_pools_and_blocking_checks(monkeypatch, tmp_path):
    """What dagster-dask's executor does not do (docs/deployment.md): one step at a time in a pool
    of one slot, nothing run downstream of a failed blocking check. Here on a local cluster the
    executor starts for the run (no address given)."""
    log = tmp_path / "steps.jsonl"
    monkeypatch.setenv(LOG, str(log))
    monkeypatch.delenv("XXGK_DASK_ADDRESS", raising=False)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "pipelines" / "dagster.yaml", home / "dagster.yaml")
    job = ReconstructableRepository.for_module("tests.dask_probe", "defs", str(ROOT)).get_reconstructable_job("probe")
    with deadline(RUN_SECONDS), dg.DagsterInstance.from_config(str(home)) as instance:
        result = dg.execute_job(job, instance=instance, raise_on_error=False,
                                run_config={"execution": {"config": {"local": {"n_workers": 2, "timeout": 60}}}})
    assert not result.success
    assert [e.step_key for e in _events(result, "STEP_FAILURE")] == ["first_first_is_fine"]  # blocking, failed
    records = {r["step"]: r for r in map(json.loads, log.read_text(encoding="utf-8").splitlines())}
    assert set(records) == {"first", "second"}  # after_first never ran
    a, b = sorted((records["first"], records["second"]), key=lambda r: r["start"])
    assert a["end"] <= b["start"]  # pool duckdb: never both at once
    assert os.getpid() not in {r["pid"] for r in records.values()}
