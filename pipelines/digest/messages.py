"""A digest as the payloads of Slack's incoming webhooks (text plus Block Kit sections) and of a
Microsoft Teams workflow webhook (an Adaptive Card)."""

from __future__ import annotations

from typing import Any

from pipelines.digest.content import Digest


def lines(digest: Digest) -> tuple[str, list[str]]:
    """The digest as a title and its lines, the same for every channel."""
    if not digest.success:
        return "pmhub sync failed", [digest.failure]
    title = f"pmhub portfolio digest, data as of {digest.as_of}"
    out = [
        f"{c.name}: {c.before or 'new'} → {c.after}" + (f" ({c.reason})" if c.reason else "")
        for c in digest.rag_changes
    ]
    out += [f"{m.name}: P85 finish {m.before} → {m.after} ({m.days:+d} days)" for m in digest.forecast_moves]
    out += [f"stale or missing source: {p}" for p in digest.source_problems]
    out = out or ["no RAG change, no forecast move beyond the threshold, every source current"]
    return title, out + [f"status page: {url}" for url in digest.page_urls]


def slack_payload(digest: Digest) -> dict[str, Any]:
    title, body = lines(digest)
    return {
        "text": f"{title}\n" + "\n".join(body),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(f"• {line}" for line in body)}},
        ],
    }


def teams_payload(digest: Digest) -> dict[str, Any]:
    title, body = lines(digest)
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True},
            *({"type": "TextBlock", "text": f"- {line}", "wrap": True} for line in body),
        ],
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }
