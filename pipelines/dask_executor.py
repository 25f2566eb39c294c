"""An executor that runs a job's steps on a ``dask.distributed`` cluster, orchestrated by Dagster.

It is Dagster's step-delegating executor (the orchestration ``k8s_job_executor`` is built on:
Dagster's own ``ActiveExecution`` decides what runs next, so concurrency pools, blocking asset
checks, dynamic outputs and retries behave exactly as in process) with a step handler that
submits each step to Dask. A Dask worker runs the step as ``dagster api execute_step`` would,
in its own process: the code location is imported once per worker, not once per step, and the
step writes its events to the Dagster instance, where the orchestrator reads them.

Why not ``dagster_dask.dask_executor`` (dagster-dask 0.29.27, the release for dagster 1.13.27)?
Each point was reproduced on this job and on a three-asset job (docs/deployment.md):

* it hands Dask the ``DagsterRun`` as a task argument; Dask 2026.8 walks tuples looking for
  futures, and the run of a job with a concurrency pool holds a record that refuses iteration,
  so every run of this job fails before its first step ("Iteration is not allowed on `@record`
  RunOpConcurrency");
* with that worked around, it submits every step at the start and runs each whatever happened
  upstream: pool ``duckdb`` (limit 1) is not enforced, so two warehouse steps ran at once, and a
  step ran after its asset's blocking check failed (a failed crawl-health or rules check would
  not stop publication);
* it plans only the steps known before the run starts: the parse shards (a dynamic output) and
  everything after them were left out and the run still reported success.

Where the cluster is: the executor's ``address`` config, else ``XXGK_DASK_ADDRESS`` (read when
the run starts), else a ``LocalCluster`` started for the run. Workers must not be daemonic
processes (``distributed.worker.daemon: false``, or ``DASK_DISTRIBUTED__WORKER__DAEMON=False``
for ``dask worker``): the parse stage starts its own worker processes. Every Dask worker needs
the deployment's environment (``XXGK_*``), the code installed, the data directory at the same
path (the shared storage where parse results are written and step values kept) and access to
the Dagster instance's storage (the run's events).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Any

import dagster as dg
from dagster._core.events import DagsterEvent, EngineEventData
from dagster._core.execution.retries import RetryMode, get_retries_config
from dagster._core.executor.step_delegating import (
    CheckStepHealthResult,
    StepDelegatingExecutor,
    StepHandler,
    StepHandlerContext,
)
from dagster_shared.serdes import serialize_value

#: Step tag naming the Dask worker resources a step needs, e.g. ``{"warehouse": 1}`` to run
#: DuckDB steps only on the worker that holds the warehouse disk (the tag dagster-dask reads).
RESOURCES_TAG = "dagster-dask/resource_requirements"


def run_step(execute_step_args: str) -> None:
    """On a Dask worker: run one step as ``dagster api execute_step`` does (its events go to the
    Dagster instance named in the arguments)."""
    if multiprocessing.current_process().daemon:
        raise RuntimeError("this Dask worker is a daemonic process, so the parse stage cannot start its worker "
                           "processes: start workers with distributed.worker.daemon = false "
                           "(DASK_DISTRIBUTED__WORKER__DAEMON=False)")
    from dagster._cli.api import execute_step_command

    execute_step_command.callback(input_json=execute_step_args, compressed_input_json=None)


class DaskStepHandler(StepHandler):
    """Submits steps to a Dask scheduler (``address``, else ``XXGK_DASK_ADDRESS``), or to a local
    cluster started for the run."""

    def __init__(self, address: str | None, local: Mapping[str, Any]) -> None:
        self._address = address
        self._local = dict(local)
        self._client = None
        self._futures: dict[str, Any] = {}

    @property
    def name(self) -> str:
        return "DaskStepHandler"

    @contextmanager
    def connected(self) -> Iterator[None]:
        # dask is imported here, not at module level: the code location stays cheap to import
        import dask
        from dask.distributed import Client, LocalCluster

        with ExitStack() as stack:
            target: Any = self._address or os.environ.get("XXGK_DASK_ADDRESS", "").strip()
            if not target:
                # set for good in this process, not for the block: a nanny reads it again whenever
                # it restarts a worker
                dask.config.set({"distributed.worker.daemon": False})
                defaults = {"threads_per_worker": 1, "host": "127.0.0.1", "dashboard_address": "127.0.0.1:0"}
                target = stack.enter_context(LocalCluster(**{**defaults, **self._local}))
            self._client = stack.enter_context(Client(target))
            try:
                yield
            finally:
                self._client = None
                self._futures.clear()

    @staticmethod
    def _step_key(ctx: StepHandlerContext) -> str:
        keys = ctx.execute_step_args.step_keys_to_execute or []
        if len(keys) != 1:
            raise ValueError(f"one step per Dask task, got {keys}")
        return keys[0]

    def launch_step(self, step_handler_context: StepHandlerContext) -> Iterator[DagsterEvent]:
        if self._client is None:
            raise RuntimeError("DaskStepHandler used outside DaskExecutor.execute")
        step_key = self._step_key(step_handler_context)
        resources = json.loads(step_handler_context.step_tags[step_key].get(RESOURCES_TAG, "{}"))
        task_key = f"{step_key}-{uuid.uuid4().hex[:8]}"  # a retried step is a new task, never a cached result
        self._futures[step_key] = self._client.submit(
            run_step, serialize_value(step_handler_context.execute_step_args), key=task_key, pure=False,
            resources=resources or None)
        yield DagsterEvent.step_worker_starting(
            step_handler_context.get_step_context(step_key),
            message=f'Executing step "{step_key}" on the Dask cluster at {self._client.scheduler.address}.',
            metadata={"dask_task": dg.MetadataValue.text(task_key)},
        )

    def check_step_health(self, step_handler_context: StepHandlerContext) -> CheckStepHealthResult:
        future = self._futures.get(self._step_key(step_handler_context))
        if future is None:  # e.g. a step in flight when an earlier orchestrator died: run it again
            return CheckStepHealthResult.unhealthy("not submitted to Dask by this run's executor")
        if future.status == "error":
            return CheckStepHealthResult.unhealthy(f"the Dask task failed: {future.exception()!r}")
        if future.status in ("cancelled", "lost"):
            return CheckStepHealthResult.unhealthy(f"the Dask task was {future.status}")
        return CheckStepHealthResult.healthy()

    def terminate_step(self, step_handler_context: StepHandlerContext) -> Iterator[DagsterEvent]:
        step_key = self._step_key(step_handler_context)
        future = self._futures.pop(step_key, None)
        yield DagsterEvent.engine_event(
            step_handler_context.get_step_context(step_key),
            message=f"Cancelling the Dask task of step {step_key} (a task already running finishes its step)",
            event_specific_data=EngineEventData(),
        )
        if future is not None:
            future.cancel()


class DaskExecutor(StepDelegatingExecutor):
    """The step-delegating executor, connected to the Dask cluster for the length of a run."""

    def __init__(self, handler: DaskStepHandler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._dask = handler

    def execute(self, plan_context, execution_plan):
        with self._dask.connected():
            yield from super().execute(plan_context, execution_plan)


@dg.executor(
    name="dask",
    requirements=dg.multiple_process_executor_requirements(),
    config_schema={
        "address": dg.Field(dg.StringSource, is_required=False,
                            description="Address of a running Dask scheduler (tcp://host:8786). Unset: "
                                        "XXGK_DASK_ADDRESS, else a LocalCluster started for the run."),
        "local": dg.Field(dg.Permissive(), is_required=False, default_value={},
                          description="Keyword arguments of distributed.LocalCluster when no address is given "
                                      "(n_workers, memory_limit, ...; defaults: threads_per_worker 1, "
                                      "host and dashboard on 127.0.0.1)."),
        "max_concurrent": dg.Field(dg.IntSource, is_required=False,
                                   description="Most steps in flight at once (default: no limit but the cluster's)."),
        "poll_seconds": dg.Field(float, is_required=False, default_value=0.5,
                                 description="How often the orchestrator reads the steps' events."),
        "retries": get_retries_config(),
    },
)
def dask_executor(init_context: dg.InitExecutorContext) -> DaskExecutor:
    """Runs each step on a Dask cluster; pools, blocking checks, dynamic outputs and retries as in-process."""
    cfg = init_context.executor_config
    return DaskExecutor(DaskStepHandler(cfg.get("address"), cfg["local"]),
                        retries=RetryMode.from_config(cfg["retries"]),
                        max_concurrent=cfg.get("max_concurrent"), sleep_seconds=cfg["poll_seconds"])
