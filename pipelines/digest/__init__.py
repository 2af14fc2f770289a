"""The nightly digest to Slack and Microsoft Teams (`publish.slack`, `publish.teams`): RAG changes
since the last digest, P85 forecast moves, failed or stale sources; one message per sync run.

`content` decides what to say, `messages` shapes it for each channel, `send` delivers it once per
run and channel, `ledger` remembers what went out.
"""

from pipelines.digest.send import DigestError, announce_run

__all__ = ["DigestError", "announce_run"]
