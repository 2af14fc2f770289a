"""Dagster code location of pmhub (`dagster dev -m pipelines.definitions`, `dg check defs`).

Set PMHUB_CONFIG to the path of a pmhub.yaml; its secrets come from the environment when a run
starts. Its `schedule:` section (read at load, without secrets) sets the nightly schedule; the
run-log sensors write every finished run beside the warehouse (`pmhub status` reads it).
"""

from __future__ import annotations

import dagster as dg

from models.config import Schedule
from pipelines.defs.checks import CHECKS
from pipelines.defs.extract_assets import EXTRACT_ASSETS
from pipelines.defs.jobs import sync_job
from pipelines.defs.resources import PmhubResource, SourceClients
from pipelines.defs.schedules import nightly_schedule, schedule_from_env
from pipelines.defs.sensors import RUN_LOG_SENSORS
from pipelines.defs.warehouse_assets import WAREHOUSE_ASSETS

ASSETS = [*EXTRACT_ASSETS.values(), *WAREHOUSE_ASSETS]


def build_definitions(
    pmhub: PmhubResource, schedule: Schedule | None = None, clients: SourceClients | None = None
) -> dg.Definitions:
    """pmhub's Dagster definitions on one config; `clients` builds the sources' clients (tests may
    give fakes)."""
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=CHECKS,
        jobs=[sync_job],
        schedules=[nightly_schedule(schedule or Schedule())],
        sensors=RUN_LOG_SENSORS,
        resources={"pmhub": pmhub, "clients": clients or SourceClients()},
    )


defs = build_definitions(PmhubResource(config_path=dg.EnvVar("PMHUB_CONFIG")), schedule_from_env())
