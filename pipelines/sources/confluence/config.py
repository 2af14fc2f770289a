"""How a Confluence Cloud site appears in `pmhub.yaml`: `sources.confluence` and a project's
`confluence:` links (a space, and which page is the project's charter)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, SecretStr, model_validator

from models.config import ContainerLink, HttpUrl, Name, PmhubConfig, SourceConfig, ToolConfig, matching

# Confluence stores labels lower-cased, without spaces; quotes, commas and brackets would end a CQL value.
PageLabel = Annotated[str, matching(re.compile(r"^[^\sA-Z\"'\\(),:]{1,255}$"), "Confluence page label")]


class ConfluenceSource(SourceConfig):
    """One Confluence Cloud site (`.../wiki`) or gateway base, HTTP Basic email:token."""

    url: HttpUrl
    email: SecretStr
    token: SecretStr
    spaces: list[Name] | None = None

    def location(self) -> str:
        return self.url


class ConfluenceRef(ContainerLink):
    """A project's Confluence space, and which of its pages is the charter: named by title, or the
    one page that carries `page_label`; and where its risks are written (`risk_label`, `risk_register`)."""

    # A space holds documents, which several projects may share.
    exclusive = False
    container_key = "space"
    source: Name
    space: Name
    page_title: str | None = None
    page_label: PageLabel | None = None
    # The project's risk register in this space: every live page carrying `risk_label` is one risk
    # (its Page Properties), and the page titled `risk_register` holds a table, one risk per row.
    risk_label: PageLabel | None = None
    risk_register: str | None = Field(default=None, min_length=1, max_length=255)

    @model_validator(mode="after")
    def _one_charter(self) -> ConfluenceRef:
        if self.page_title is not None and self.page_label is not None:
            raise ValueError("name the charter page by page_title or by page_label, not both")
        return self


CONFIG = ToolConfig(name="confluence", label="Confluence", source=ConfluenceSource, link=ConfluenceRef)


def page_links(config: PmhubConfig, *fields: str) -> list[tuple[str | None, ...]]:
    """(project id, source id, space key, each of `fields` of the link) for every Confluence link of
    the portfolio that sets any of `fields` (ConfluenceRef attributes naming pages)."""
    return [
        (p.id, f"{CONFIG.name}:{c.source}", c.space, *(getattr(c, f) for f in fields))
        for p in config.portfolio
        for c in p.links(CONFIG.name)
        if isinstance(c, ConfluenceRef) and any(getattr(c, f) for f in fields)
    ]
