"""The sync job: every asset, extract through marts."""

from __future__ import annotations

import dagster as dg

# Run retries (docs.dagster.io/deployment/execution/run-retries): when a run of this job fails, the
# daemon launches a new run of the failed steps and what depends on them (FROM_FAILURE: extracts
# that landed their batch are not read again), at most twice. The HTTP layer already retries 429s,
# 5xx and dropped connections per request (honouring Retry-After), so what reaches this level is an
# outage longer than that, or a run worker that died (OOM, host restart). The instance must enable
# run retries (`run_retries.enabled` in dagster_home/dagster.yaml); in-process runs (`pmhub sync`)
# are not retried: the CLI reports the failure at once and whoever called it decides.
SYNC_RUN_RETRIES = {"dagster/max_retries": "2", "dagster/retry_strategy": "FROM_FAILURE"}

sync_job = dg.define_asset_job(
    "sync",
    selection=dg.AssetSelection.all(),
    description="Extract every configured source, load, and rebuild core and mart tables.",
    tags=SYNC_RUN_RETRIES,
)
