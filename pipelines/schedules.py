"""Schedules: the nightly run at 02:00 Beijing time, after portals publish their day's posts."""

from __future__ import annotations

import dagster as dg

from pipelines.jobs import nightly_job

nightly_schedule = dg.ScheduleDefinition(
    job=nightly_job, cron_schedule="0 2 * * *", execution_timezone="Asia/Shanghai",
)
