"""Dagster code location of pmhub (`dagster dev -m pipelines.definitions`, `dg check defs`).

Set PMHUB_CONFIG to the path of a pmhub.yaml; its secrets come from the environment when a run
starts.
"""

from __future__ import annotations

import dagster as dg

from pipelines.defs.checks import core_ids_unique
from pipelines.defs.extract_assets import confluence_landing, jira_landing, trello_landing
from pipelines.defs.jobs import sync_job
from pipelines.defs.resources import PmhubResource
from pipelines.defs.warehouse_assets import core_tables, mart_tables, raw_tables

ASSETS = [jira_landing, trello_landing, confluence_landing, raw_tables, core_tables, mart_tables]
CHECKS = [core_ids_unique]


def build_definitions(pmhub: PmhubResource) -> dg.Definitions:
    return dg.Definitions(assets=ASSETS, asset_checks=CHECKS, jobs=[sync_job], resources={"pmhub": pmhub})


defs = build_definitions(PmhubResource(config_path=dg.EnvVar("PMHUB_CONFIG")))
