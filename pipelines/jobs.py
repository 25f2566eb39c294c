"""Jobs, and the executor a deployment runs them on.

There is one job, ``nightly``; where its steps run is the deployment's choice, made with
``XXGK_EXECUTOR`` when the definitions load (:func:`deployment_executor`):

* ``in_process`` (unset): every step in the run's own process. Every step but the parse shards
  touches the DuckDB file (one writer at a time) and the rule step imports Great Expectations;
  the multiprocess executor would serialise on the ``duckdb`` pool anyway and pay the GX import
  in a fresh process per step (stack notes: 53–82 s vs 10 s per run). ``xxgk run`` always runs
  in process, whatever the variable says.
* ``dask``: each step on a ``dask.distributed`` cluster (:mod:`pipelines.dask_executor`; the
  scheduler's address in ``XXGK_DASK_ADDRESS``), so the parse shards run on many machines.
* ``k8s``: each step in its own Kubernetes Job (``dagster_k8s.k8s_job_executor``, configured by
  the run launcher's settings: image, volumes, ``XXGK_*`` variables); see ``deploy/``.

In every case pool ``duckdb`` (limit 1 in the instance's ``dagster.yaml``) keeps one step at a
time on the warehouse.
"""

from __future__ import annotations

import os

import dagster as dg

nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    description="Ingest → parse → load → rule checks → marts → publish.",
)

EXECUTORS = ("in_process", "dask", "k8s")


def deployment_executor() -> dg.ExecutorDefinition:
    """The executor named by ``XXGK_EXECUTOR`` (default ``in_process``). Read where the
    definitions load: the run's process and every step's process load them in the same
    environment, so they agree."""
    name = os.environ.get("XXGK_EXECUTOR", "").strip() or "in_process"
    if name == "in_process":
        return dg.in_process_executor
    if name == "dask":
        from pipelines.dask_executor import dask_executor

        return dask_executor
    if name == "k8s":
        from dagster_k8s import k8s_job_executor  # the deployment's image installs xxgk[k8s]

        return k8s_job_executor
    raise ValueError(f"XXGK_EXECUTOR={name!r}: expected one of {', '.join(EXECUTORS)}")
