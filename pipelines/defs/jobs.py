"""The sync job: every asset, extract through marts."""

from __future__ import annotations

import dagster as dg

sync_job = dg.define_asset_job(
    "sync",
    selection=dg.AssetSelection.all(),
    description="Extract every configured source, load, and rebuild core and mart tables.",
)
