"""The one ``Definitions`` of the project: assets by stage, the rule checks, the nightly job."""

from __future__ import annotations

import dagster as dg

from assets import ingest, marts, parse, warehouse
from pipelines.jobs import nightly_job
from pipelines.resources import make_resources
from pipelines.schedules import nightly_schedule

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([ingest, parse, warehouse, marts]),
    asset_checks=[warehouse.consistency_rules],
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    resources=make_resources(),
)
