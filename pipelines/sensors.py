"""Sensors: a failed night is recorded where people look (the quality pages), not only in the
Dagster event log."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import dagster as dg

from pipelines.jobs import nightly_job
from pipelines.resources import XxgkPaths


@dg.run_failure_sensor(monitored_jobs=[nightly_job], default_status=dg.DefaultSensorStatus.RUNNING,
                       description="writes each failed night to data/quality/failures/ for the quality pages")
def nightly_failure(context: dg.RunFailureSensorContext, paths: XxgkPaths) -> None:
    run = context.dagster_run
    steps = [{"step": e.step_key, "error": (e.event_specific_data.error.message.strip()
                                            if e.event_specific_data and e.event_specific_data.error else "")}
             for e in context.get_step_failure_events()]
    record = {"run_id": run.run_id, "job": run.job_name, "recorded_at": datetime.now(UTC).isoformat(),
              "message": context.failure_event.message or "", "steps": steps}
    folder = paths.quality_pages / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{run.run_id}.tmp"
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / f"{run.run_id}.json")
    context.log.info(f"recorded failed run {run.run_id} in {folder}")
