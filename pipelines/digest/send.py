"""Send a run's digest to the webhooks of `publish:`: once per sync run and channel, whatever
retries and re-sends happen (the ledger says what went out), and never with a webhook URL in a
message (it is a secret).

Slack through `slack_sdk`'s webhook client; Teams takes a plain JSON POST of an Adaptive Card.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from slack_sdk.webhook import WebhookClient

from models.config import PmhubConfig
from pipelines.digest.content import Digest, failure_digest, success_digest
from pipelines.digest.ledger import read_sent, record_sent
from pipelines.digest.messages import slack_payload, teams_payload
from pipelines.run_log import utc_stamp

TIMEOUT = 30.0


class DigestError(RuntimeError):
    """A webhook refused or did not answer; one line, without the URL."""


def _slack(url: str, digest: Digest) -> None:
    payload = slack_payload(digest)
    try:
        response = WebhookClient(url, timeout=int(TIMEOUT)).send(text=payload["text"], blocks=payload["blocks"])
    except OSError as exc:
        raise DigestError(f"slack webhook did not answer: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise DigestError(f"slack webhook answered HTTP {response.status_code}: {str(response.body)[:200]}")


def _teams(url: str, digest: Digest) -> None:
    try:
        response = requests.post(url, json=teams_payload(digest), timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise DigestError(f"teams webhook did not answer: {type(exc).__name__}") from None
    if response.status_code not in (200, 202):  # a workflow webhook accepts with 202
        raise DigestError(f"teams webhook answered HTTP {response.status_code}: {response.text[:200]}")


def _channels(config: PmhubConfig) -> list[tuple[str, str, Callable[[str, Digest], None]]]:
    publish = config.publish
    channels: list[tuple[str, str, Any]] = []
    if publish.slack:
        channels.append(("slack", publish.slack.webhook.get_secret_value(), _slack))
    if publish.teams:
        channels.append(("teams", publish.teams.webhook.get_secret_value(), _teams))
    return channels


def announce_run(config: PmhubConfig, warehouse: Path, run_key: str, success: bool, reason: str = "") -> list[str]:
    """Send the digest of sync run `run_key` (its first run, when retried) to every configured
    channel that has not had it; returns the channels it went to. A failed run gets its reason."""
    channels = _channels(config)
    sent = read_sent(warehouse)
    due = [c for c in channels if not any(s.run_key == run_key and s.channel == c[0] for s in sent)]
    if not due:
        return []
    if success:
        previous = next((s for s in reversed(sent) if s.success), None)
        digest = success_digest(warehouse, run_key, previous, config.publish.p85_move_days)
    else:
        digest = failure_digest(run_key, reason)
    delivered: list[str] = []
    for name, url, post in due:
        post(url, digest)
        record_sent(warehouse, digest.sent(name, utc_stamp()))
        delivered.append(name)
    return delivered
