"""Trello: boards, lists, cards (archived too), members, custom fields and the full action history."""

from __future__ import annotations

from functools import partial
from typing import Any

from connectors.trello import TrelloClient
from pipelines.landing import RawEntity
from pipelines.sources.tool import Tool, ToolCheck
from pipelines.sources.trello.config import CONFIG, TrelloSource
from pipelines.sources.trello.extract import extract_trello
from pipelines.sources.trello.meta import unmapped_list_problems, write_trello_meta
from pipelines.sources.trello.state import TrelloState, held_state

RAW_ENTITIES = tuple(
    RawEntity(f"trello_{kind}")
    for kind in (
        "boards",
        "lists",
        "cards",
        "card_tombstones",
        "actions",
        "members",
        "custom_fields",
        "labels",
        "checklists",
    )
)


def _client(source_id: str, s: TrelloSource, **http: Any) -> TrelloClient:
    return TrelloClient.from_credentials(
        source_id, s.url, key=s.key.get_secret_value(), token=s.token.get_secret_value(), **http
    )


def _probe(source_id: str, s: TrelloSource) -> str:
    """Sign in and list the boards the config names (`pmhub check`)."""
    trello = _client(source_id, s, max_attempts=2)
    me = trello.me()
    seen = [b["id"] for b in trello.iter_boards(s.boards)]
    return f"signed in as {me.get('fullName') or me.get('username')}, {len(seen)} boards visible"


TOOL = Tool(
    config=CONFIG,
    client=_client,
    extract=extract_trello,
    state=TrelloState,
    held_state=held_state,
    probe=_probe,
    raw_entities=RAW_ENTITIES,
    package=__name__,
    prepare=write_trello_meta,
    # Trello object ids start with their creation time as 8 hex digits.
    macros=("""CREATE OR REPLACE TEMP MACRO trello_id_ts(i) AS to_timestamp(('0x' || substr(i, 1, 8))::BIGINT)""",),
    problems=partial(unmapped_list_problems, portfolio_only=False),
    checks=(
        ToolCheck(
            "trello_lists_mapped",
            "Every list holding cards on a portfolio board has a status category",
            partial(unmapped_list_problems, portfolio_only=True),
        ),
    ),
)
