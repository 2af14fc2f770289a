"""Trello: boards, lists, cards (archived too), members, custom fields and the full action history."""

from __future__ import annotations

from connectors.trello import TrelloClient
from models.config import PmhubConfig, TrelloSource
from pipelines.sources.tool import Tool
from pipelines.sources.trello.extract import extract_trello
from pipelines.sources.trello.state import TrelloState, held_state


def _sources(config: PmhubConfig) -> list[TrelloSource]:
    return list(config.sources.trello)


def _client(source_id: str, s: TrelloSource) -> TrelloClient:
    return TrelloClient.from_credentials(
        source_id, s.url, key=s.key.get_secret_value(), token=s.token.get_secret_value()
    )


TOOL = Tool("trello", _sources, _client, extract_trello, TrelloState, held_state)
