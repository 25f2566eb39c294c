"""Running the nightly job once, in this process, with one progress line per stage.

``xxgk run`` and ``make run`` come here. The job is the same Dagster job the schedule runs;
only the logger differs: instead of Dagster's event-per-line console output, a progress
logger prints each stage's result as it finishes, and a summary closes the run.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.definitions import defs
from pipelines.resources import CrawlSettings, make_resources

STAGE_ORDER = ["documents", "parsed_reports", "cells", "consistency_rules", "region", "agency", "mart_region_year",
               "mart_agency_year", "mart_hierarchy_check", "mart_publication", "mart_series", "quality_dashboard",
               "published_warehouse"]


@dataclass
class RunSummary:
    success: bool
    seconds: float
    warehouse: Path
    published: Path
    data_docs: Path
    dashboard: Path
    reports: dict[str, int] = field(default_factory=dict)
    cells: int = 0
    failing_rules: dict[str, int] = field(default_factory=dict)
    excluded_from_marts: int = 0
    mart_rows: int = 0


_NOT_IN_PROGRESS = {"outcomes"}  # long details stay in the Dagster event log


class _ProgressHandler(logging.Handler):
    """Turns Dagster events into short lines: one per stage, check failures listed."""

    def __init__(self, out) -> None:
        super().__init__(logging.DEBUG)
        self.out = out
        self.started: dict[str, float] = {}
        self.failed_checks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        ev = meta.get("dagster_event")
        if ev is None:
            if record.levelno >= logging.WARNING:  # crawl alerts and the like
                print(f"      ! {meta.get('orig_message', record.getMessage())}", file=self.out, flush=True)
            return
        step = ev.step_key
        kind = ev.event_type_value
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
        elif kind == "ASSET_MATERIALIZATION":
            md = ev.event_specific_data.materialization.metadata
            facts = ", ".join(f"{'rows' if k == 'dagster/row_count' else k} {v.value}" for k, v in md.items()
                              if k not in _NOT_IN_PROGRESS)
            self._line(step, facts)
        elif kind == "ASSET_CHECK_EVALUATION":
            data = ev.event_specific_data
            if not data.passed:
                n = data.metadata.get("failing_reports")
                self.failed_checks.append(f"{data.check_name} ({n.value if n else '?'} reports)")
        elif kind == "STEP_SUCCESS" and step == "consistency_rules":
            self._line(step, "failing: " + (", ".join(self.failed_checks) or "none"))
        elif kind == "STEP_FAILURE":
            err = ev.event_specific_data.error
            self._line(step, f"FAILED: {err.message.strip() if err else 'see the Dagster event log'}")

    def _line(self, step: str, text: str) -> None:
        n = STAGE_ORDER.index(step) + 1 if step in STAGE_ORDER else "?"
        secs = time.monotonic() - self.started.get(step, time.monotonic())
        print(f"[{n}/{len(STAGE_ORDER)}] {step:<20} {text} ({secs:.1f} s)", file=self.out, flush=True)


def _progress_logger(out):
    @dg.logger
    def progress(_init_context):
        log = logging.getLogger("xxgk.progress")
        log.setLevel(logging.DEBUG)
        log.propagate = False
        log.handlers = [_ProgressHandler(out)]
        return log

    return progress


def run_nightly(data_dir: str | os.PathLike[str] | None = None, crawl: CrawlSettings | None = None,
                out=sys.stdout) -> RunSummary:
    resources = make_resources(data_dir, crawl)
    paths = resources["paths"]
    job = defs.resolve_job_def("nightly").with_logger_defs({"progress": _progress_logger(out)})
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    started = time.monotonic()
    result = job.execute_in_process(
        instance=instance, resources=resources, run_config={"loggers": {"progress": {}}}, raise_on_error=False)
    summary = RunSummary(result.success, time.monotonic() - started, paths.warehouse, paths.published,
                         paths.data_docs / "index.html", paths.quality_pages / "index.html")
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
    reports = ", ".join(f"{n} {k}" for k, n in s.reports.items()) or "none"
    rules = ", ".join(f"{r} {n}" for r, n in s.failing_rules.items()) or "none"
    print(f"\n{'Run finished' if s.success else 'Run FAILED'} in {s.seconds:.1f} s", file=out)
    print(f"  reports        {reports}", file=out)
    print(f"  cells          {s.cells}", file=out)
    print(f"  rule failures  {rules} (reports per rule)", file=out)
    print(f"  marts          mart_region_year {s.mart_rows} rows; {s.excluded_from_marts} reports excluded "
          "for error-severity failures", file=out)
    print(f"  warehouse      {s.published}  (analysts' copy; the run writes {s.warehouse})", file=out)
    print(f"  quality pages  {s.dashboard}", file=out)
    print(f"  data docs      {s.data_docs}", file=out)
