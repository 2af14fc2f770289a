"""How a Trello account appears in `pmhub.yaml`: `sources.trello` and a project's `trello:` links."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import SecretStr

from models.config import ContainerLink, HttpUrl, Name, SourceConfig, ToolConfig, matching

TrelloId = Annotated[str, matching(re.compile(r"^[0-9a-fA-F]{24}$"), "Trello board id")]
ListCategoryName = Literal["todo", "in_progress", "done"]


class TrelloSource(SourceConfig):
    """One Trello member's token plus the API key it belongs to."""

    url: HttpUrl = "https://api.trello.com"
    key: SecretStr
    token: SecretStr
    boards: list[TrelloId] | None = None
    done_lists: list[str] | None = None
    # List name → todo / in_progress / done; wins over every rule (pipelines.sources.trello.lists).
    list_categories: dict[str, ListCategoryName] | None = None

    def location(self) -> str:
        return self.url


class TrelloRef(ContainerLink):
    """A board a configured Trello account can read."""

    container_key = "board"
    source: Name
    board: TrelloId


CONFIG = ToolConfig(name="trello", label="Trello", source=TrelloSource, link=TrelloRef)
