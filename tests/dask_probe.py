"""A three-asset job for the Dask executor's orchestration test (tests/test_dask.py): two assets
in pool ``duckdb`` that record when they ran, one asset behind a blocking check that fails.
A module of its own so that Dask workers can import it by name."""

from __future__ import annotations

import json
import os
import time

import dagster as dg

from pipelines.dask_executor import dask_executor

LOG = "XXGK_PROBE_LOG"  # the file each step appends its record to


def _record(step: str, started: float) -> None:
    with open(os.environ[LOG], "a", encoding="utf-8") as f:
        f.write(json.dumps({"step": step, "start": started, "end": time.time(), "pid": os.getpid()}) + "\n")


@dg.asset(pool="duckdb")
def first() -> None:
    t = time.time()
    time.sleep(1.5)
    _record("first", t)


@dg.asset(pool="duckdb")
def second() -> None:
    t = time.time()
    time.sleep(1.5)
    _record("second", t)


@dg.asset_check(asset="first", blocking=True)
def first_is_fine() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, description="planted failure")


@dg.asset(deps=["first"])
def after_first() -> None:
    _record("after_first", time.time())


defs = dg.Definitions(assets=[first, second, after_first], asset_checks=[first_is_fine],
                      jobs=[dg.define_asset_job("probe", executor_def=dask_executor)])
