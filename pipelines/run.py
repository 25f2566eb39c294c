"""Running the nightly job once, in this process, with one progress line per stage.

``xxgk run`` and ``make run`` come here. The job is the same Dagster job the schedule runs;
only the logger differs: instead of Dagster's event-per-line console output, a progress
logger prints each stage's result as it finishes, and a summary closes the run.

Crash and restart: every stage is idempotent, so a killed run is finished by running again.
Two things would otherwise stand in the way, and both are handled here before the job starts:
a run of this data folder still in progress (a lock file held by its process, which the
kernel releases when it dies: the new run says whose run it waits for), and the ``duckdb``
pool slot a killed run still holds in a persistent ``DAGSTER_HOME`` (runs started here carry
their process id; when that process is gone the run is marked failed and its slots freed).
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.definitions import defs
from pipelines.resources import CrawlSettings, make_resources

PID_TAG, HOST_TAG = "xxgk/pid", "xxgk/host"
ACTIVE = (dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
          dg.DagsterRunStatus.STARTED)


@dataclass
class RunSummary:
    success: bool
    seconds: float
    warehouse: Path
    published: Path
    data_docs: Path
    dashboard: Path
    published_now: bool = False  # this run replaced the published warehouse
    failures: list[str] = field(default_factory=list)  # why the run failed
    checks: dict[str, tuple[bool, str]] = field(default_factory=dict)  # check -> (passed, severity)
    reports: dict[str, int] = field(default_factory=dict)
    cells: int = 0
    failing_rules: dict[str, int] = field(default_factory=dict)
    excluded_from_marts: int = 0
    mart_rows: int = 0


_NOT_IN_PROGRESS = {"dagster/row_count", "dagster/column_schema", "dagster/table_name", "outcomes", "warehouse",
                    "data_docs", "per_source"}


class _ProgressHandler(logging.Handler):
    """Turns Dagster events into short lines: one per stage, failed checks and waits listed."""

    def __init__(self, out, stages: list[str], instance: dg.DagsterInstance) -> None:
        super().__init__(logging.DEBUG)
        self.out = out
        self.stages = stages
        self.instance = instance
        self.started: dict[str, float] = {}
        self.failed_checks: list[str] = []
        self.blocking_failures: list[str] = []
        self.checks: dict[str, tuple[bool, str]] = {}  # check name -> (passed, severity)

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        ev = meta.get("dagster_event")
        if ev is None:
            if record.levelno >= logging.WARNING:  # crawl alerts and the like
                print(f"      ! {meta.get('orig_message', record.getMessage())}", file=self.out, flush=True)
            return
        step = ev.step_key
        kind = ev.event_type_value
        if kind == "STEP_START":  # a graph-backed asset's steps are "<asset>.<op>": the asset starts with the first
            self.started.setdefault(_stage_of(step), time.monotonic())
        elif kind == "ASSET_MATERIALIZATION":
            md = ev.event_specific_data.materialization.metadata
            facts = ", ".join(f"{k} {v.value}" for k, v in md.items()
                              if k not in _NOT_IN_PROGRESS and not k.endswith("_rows"))
            self._line(ev.event_specific_data.materialization.asset_key.to_user_string(), facts)
        elif kind == "ASSET_CHECK_EVALUATION":
            data = ev.event_specific_data
            self.checks[data.check_name] = (data.passed, data.severity.value)
            if not data.passed:
                n = data.metadata.get("failing_reports")
                if n is not None:
                    self.failed_checks.append(f"{data.check_name} ({n.value} reports)")
                elif data.blocking:
                    reason = data.description or data.check_name
                    self.blocking_failures.append(f"{data.check_name}: {reason}")
                    print(f"      ! check {data.check_name} FAILED: {reason}", file=self.out, flush=True)
        elif kind == "STEP_SUCCESS" and step == "rule_checks":
            print(f"      rules failing: {', '.join(self.failed_checks) or 'none'}", file=self.out, flush=True)
        elif kind == "STEP_FAILURE":
            err = ev.event_specific_data.error
            if err and "blocking asset check failed" in err.message:
                return  # already said by the check's own line
            self._line(_stage_of(step), f"FAILED: {err.message.strip() if err else 'see the Dagster event log'}")
        elif kind == "ENGINE_EVENT" and "blocked by limit for pool" in (ev.message or ""):
            pool = ev.message.rsplit(" ", 1)[-1]
            print(f"      waiting: {step} needs pool {pool}, held by {_holders(self.instance, pool)}",
                  file=self.out, flush=True)

    def _line(self, stage: str, text: str) -> None:
        n = self.stages.index(stage) + 1 if stage in self.stages else "?"
        secs = time.monotonic() - self.started.get(stage, time.monotonic())
        print(f"[{n}/{len(self.stages)}] {stage:<20} {text} ({secs:.1f} s)", file=self.out, flush=True)


def _stage_of(step_key: str) -> str:
    return step_key.split(".", 1)[0]


def _holders(instance: dg.DagsterInstance, pool: str) -> str:
    info = instance.event_log_storage.get_concurrency_info(pool)
    out = []
    for run_id in sorted(info.active_run_ids):
        run = instance.get_run_by_id(run_id)
        tags = run.tags if run else {}
        who = f"pid {tags[PID_TAG]}" if PID_TAG in tags else "the Dagster daemon or UI"
        out.append(f"run {run_id[:8]} ({run.job_name if run else '?'}, {who})")
    return ", ".join(out) or "no run (slots not yet freed)"


def _progress_logger(out, stages: list[str], instance: dg.DagsterInstance):
    @dg.logger
    def progress(_init_context):
        log = logging.getLogger("xxgk.progress")
        log.setLevel(logging.DEBUG)
        log.propagate = False
        log.handlers = [_ProgressHandler(out, stages, instance)]
        return log

    return progress


def free_dead_runs(instance: dg.DagsterInstance, out=sys.stdout) -> list[str]:
    """Mark runs started by ``xxgk run`` processes that no longer exist as failed, and free
    their concurrency slots. Runs of the daemon or UI (no pid tag) are left alone."""
    freed = []
    host = socket.gethostname()
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=list(ACTIVE), tags={HOST_TAG: host})):
        pid = int(run.tags.get(PID_TAG, "0"))
        if pid and _alive(pid):
            continue
        instance.report_run_failed(run, f"xxgk run process {pid} is gone (killed or crashed)")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        freed.append(run.run_id)
        print(f"      freed run {run.run_id[:8]} of a process that is gone (pid {pid})", file=out, flush=True)
    return freed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def data_dir_lock(root: Path, out=sys.stdout) -> Iterator[None]:
    """One ``xxgk run`` per data folder at a time; the next one says whose run it waits for.
    The kernel releases the lock when its process dies, however it dies."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".xxgk-run.lock", "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            print(f"      waiting: another xxgk run is working on {root} ({holder})", file=out, flush=True)
            fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        f.flush()
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def stage_names(definitions: dg.Definitions) -> list[str]:
    """The job's assets in dependency order (the progress lines' numbering)."""
    graph = definitions.resolve_asset_graph()
    return [k.to_user_string() for k in graph.toposorted_asset_keys if graph.get(k).is_materializable]


def run_nightly(data_dir: str | os.PathLike[str] | None = None, crawl: CrawlSettings | None = None,
                out=sys.stdout) -> RunSummary:
    definitions = defs()
    resources = make_resources(data_dir, crawl)
    paths = resources["paths"]
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    stages = stage_names(definitions)
    job = definitions.resolve_job_def("nightly").with_logger_defs(
        {"progress": _progress_logger(out, stages, instance)})
    published_before = paths.published.stat().st_mtime_ns if paths.published.exists() else None
    started = time.monotonic()
    with data_dir_lock(paths.root, out):
        free_dead_runs(instance, out)
        result = job.execute_in_process(
            instance=instance, resources=resources, run_config={"loggers": {"progress": {}}}, raise_on_error=False,
            tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()})
    handler = next(h for h in logging.getLogger("xxgk.progress").handlers if isinstance(h, _ProgressHandler))
    failures = list(handler.blocking_failures)
    if not result.success and not failures:
        failures = [f"step {e.step_key} failed" for e in result.all_events if e.is_step_failure] or ["see the log"]
    summary = RunSummary(not failures, time.monotonic() - started, paths.warehouse, paths.published,
                         paths.data_docs / "index.html", paths.quality_pages / "index.html", failures=failures,
                         checks=dict(handler.checks))
    summary.published_now = paths.published.exists() and paths.published.stat().st_mtime_ns != published_before
    if paths.published.exists():
        _fill_summary(summary, paths.published)
    return summary


def _fill_summary(s: RunSummary, db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        s.reports = dict(con.execute("SELECT parse_status, count(*) FROM report GROUP BY 1 ORDER BY 1").fetchall())
        s.cells = con.execute("SELECT count(*) FROM cell").fetchone()[0]
        s.failing_rules = dict(con.execute(
            "SELECT rule, count(DISTINCT report_id) FROM rule_result WHERE status = 'fail' GROUP BY 1 ORDER BY 1"
        ).fetchall())
        s.excluded_from_marts = con.execute(
            "SELECT count(*) FROM v_report WHERE NOT in_marts AND parse_status IN ('parsed', 'partial')"
        ).fetchall()[0][0]
        s.mart_rows = con.execute("SELECT count(*) FROM mart_region_year").fetchall()[0][0]
    finally:
        con.close()


def print_summary(s: RunSummary, out=sys.stdout) -> None:
    if s.success:
        print(f"\nRun finished in {s.seconds:.1f} s", file=out)
    else:
        print(f"\nRun FAILED in {s.seconds:.1f} s: {'; '.join(s.failures)}", file=out)
        print("  nothing published: the previous published warehouse stays in place" if not s.published_now
              else "  (the published warehouse was replaced before the failure)", file=out)
        if not s.reports:
            return
        print("  the published warehouse (from an earlier night) holds:", file=out)
    reports = ", ".join(f"{n} {k}" for k, n in s.reports.items()) or "none"
    rules = ", ".join(f"{r} {n}" for r, n in s.failing_rules.items()) or "none"
    print(f"  reports        {reports}", file=out)
    print(f"  cells          {s.cells}", file=out)
    print(f"  rule failures  {rules} (reports per rule)", file=out)
    print(f"  marts          mart_region_year {s.mart_rows} rows; {s.excluded_from_marts} reports excluded "
          "for error-severity failures", file=out)
    print(f"  warehouse      {s.published}  (analysts' copy; the run writes {s.warehouse})", file=out)
    print(f"  quality pages  {s.dashboard}", file=out)
    print(f"  data docs      {s.data_docs}", file=out)
