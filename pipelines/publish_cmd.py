"""`pmhub publish`: the portfolio's status page (`publish.confluence`, created or updated in place)
and the digest of the warehouse's last sync to the webhooks of `publish:` (Slack, Microsoft Teams),
once per sync. Dagster runs publish the page in the `status_page` asset and are announced by the
run sensors as they finish; this command is for syncs run with `pmhub sync`, and for a channel
that could not be reached then."""

from __future__ import annotations

from pathlib import Path

from models.config import PmhubConfig
from pipelines.config_file import load_config, warehouse_path
from pipelines.digest import announce_run
from pipelines.run_log import read_runs, run_log_file
from pipelines.sources import TOOLS
from pipelines.status_pages import record_status_page_urls


class PublishError(RuntimeError):
    """Nothing can be announced as asked; one line."""


def publish_status_pages(config: PmhubConfig, warehouse: Path) -> list[str]:
    """Publish the status page into each tool `publish:` names, and keep its URL for the digest;
    one line each."""
    lines, urls = [], {}
    for tool in TOOLS.values():
        if tool.status_page is not None and getattr(config.publish, tool.name, None) is not None:
            lines.append((published := tool.status_page(config, warehouse))[0])
            urls[tool.name] = published[1]
    if urls:
        record_status_page_urls(warehouse, urls)
    return lines


def run_publish(config_path: Path) -> list[str]:
    """Announce the last sync; the lines to print. PublishError when a requested step cannot run."""
    config = load_config(config_path)
    warehouse = warehouse_path(config_path, config, None)
    lines = publish_status_pages(config, warehouse)
    if config.publish.slack or config.publish.teams:
        runs, _unreadable = read_runs(run_log_file(warehouse))
        syncs = [r for r in runs if r.job == "sync"]
        if not syncs:
            raise PublishError(f"{warehouse}: no sync in the run log yet; run `pmhub sync` first")
        last = syncs[-1]
        sent = announce_run(config, warehouse, last.sync_key, last.success, last.message)
        outcome = "succeeded" if last.success else "failed"
        lines.append(
            f"digest of sync {last.sync_key} ({outcome}) sent to {', '.join(sent)}"
            if sent
            else f"digest of sync {last.sync_key} was sent already"
        )
    else:
        lines.append("no Slack or Teams webhook under publish:, no digest to send")
    return lines
