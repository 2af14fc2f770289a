"""How a Jira Cloud site appears in `pmhub.yaml`: `sources.jira` and a project's `jira:` links."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, SecretStr, field_validator

from models.config import ContainerLink, HttpUrl, Name, SourceConfig, ToolConfig, matching
from pipelines.sources.jira.fields import CUSTOM_FIELD_ID

ProjectKey = Annotated[str, matching(re.compile(r"^[A-Z][A-Z0-9_]{0,31}$"), "Jira project key")]


class JiraSource(SourceConfig):
    """One Jira Cloud site reached with an API token (HTTP Basic email:token)."""

    url: HttpUrl
    email: SecretStr
    token: SecretStr
    projects: list[ProjectKey] | None = None
    story_points_field: str | None = None
    overlap_hours: float = Field(default=12.0, ge=0, le=24 * 30)

    @field_validator("story_points_field")
    @classmethod
    def _field_id(cls, value: str | None) -> str | None:
        if value is not None and not CUSTOM_FIELD_ID.fullmatch(value):
            raise ValueError(f"story_points_field {value!r} must look like customfield_10016")
        return value

    def location(self) -> str:
        return self.url


class JiraRef(ContainerLink):
    """A Jira project of a configured site."""

    source_key = "site"
    container_key = "project"
    site: Name
    project: ProjectKey


CONFIG = ToolConfig(name="jira", label="Jira", source=JiraSource, link=JiraRef)
