"""The project's Definitions, loaded the way ``dg`` projects load them (a decorated function).

Assets come from the stage modules in ``assets/``, checks with them; resources from
:mod:`pipelines.resources` (the one place they are configured); the executor from
``XXGK_EXECUTOR`` (:mod:`pipelines.jobs`); the published warehouse
carries the freshness policy of a nightly product: materialised every night by 06:00 Beijing
time, after the 02:00 run.
"""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from assets import health, ingest, marts, parse, warehouse
from pipelines import resources as deployment
from pipelines.jobs import deployment_executor, nightly_job
from pipelines.schedules import nightly_schedule
from pipelines.sensors import nightly_failure

STAGES = [ingest, parse, warehouse, marts, health]
PUBLISHED_FRESHNESS = dg.FreshnessPolicy.cron(deadline_cron="0 6 * * *", lower_bound_delta=timedelta(hours=4),
                                              timezone="Asia/Shanghai")


def _freshness(spec: dg.AssetSpec) -> dg.AssetSpec:
    return dg.apply_freshness_policy(spec, PUBLISHED_FRESHNESS) if spec.key.path == ["published_warehouse"] else spec


@dg.definitions
def defs() -> dg.Definitions:
    pipeline = dg.Definitions(
        assets=dg.map_asset_specs(_freshness, dg.load_assets_from_modules(STAGES)),
        asset_checks=dg.load_asset_checks_from_modules(STAGES),
        jobs=[nightly_job],
        schedules=[nightly_schedule],
        sensors=[nightly_failure],
        executor=deployment_executor(),
    )
    return dg.Definitions.merge(pipeline, deployment.resources())
