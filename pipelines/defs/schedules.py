"""The nightly schedule of the `sync` job, running as soon as the code location loads.

Its cron and time zone are the `schedule:` section of the config file named by PMHUB_CONFIG
(default `0 2 * * *` in UTC: 02:00 every night). The definitions are built at import time, when no
secret may be needed (`dg check defs` runs with no config at all), so only that section is parsed,
without resolving any `${VAR}` of the rest of the file:

- PMHUB_CONFIG unset, or naming a file that cannot be read → the defaults (a warning says so; runs
  would fail on the missing file anyway, with their own message);
- a file that is not YAML, or whose `schedule:` section is invalid → the code location does not
  load and says why, because a nightly sync silently run at another time than configured is worse.

A config change takes effect when the code location is reloaded (`dagster dev` restart, or
"Reload" in the UI).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import dagster as dg

from models.config import ConfigError, Schedule
from pipelines.config_outline import read_schedule
from pipelines.defs.jobs import sync_job

SCHEDULE_NAME = "nightly_sync"
log = logging.getLogger(__name__)


def schedule_from_env(env: Mapping[str, str] | None = None) -> Schedule:
    """The schedule of the config file PMHUB_CONFIG names, or the defaults (see the module docstring)."""
    path = (os.environ if env is None else env).get("PMHUB_CONFIG")
    if not path:
        return Schedule()
    if not os.access(path, os.R_OK):
        log.warning("PMHUB_CONFIG=%s cannot be read; the nightly sync uses the default schedule", path)
        return Schedule()
    try:
        return read_schedule(path)
    except ConfigError as exc:
        # Definitions are loaded by Dagster, which shows this message as the code location's error.
        raise dg.DagsterInvalidDefinitionError(f"nightly schedule: {exc}") from None


def nightly_schedule(spec: Schedule) -> dg.ScheduleDefinition:
    """A RUNNING schedule that asks for one run of the whole `sync` job per tick of `spec.cron`."""

    @dg.schedule(
        name=SCHEDULE_NAME,
        job=sync_job,
        cron_schedule=spec.cron,
        execution_timezone=spec.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Sync every source and rebuild the marts at `{spec.cron}` ({spec.timezone}).",
    )
    def nightly_sync(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        # The tick time as run key: a tick evaluated twice (daemon restart) still starts one run.
        when = context.scheduled_execution_time
        return dg.RunRequest(run_key=when.isoformat() if when else None)

    return nightly_sync
