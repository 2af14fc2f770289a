"""How a Jira Cloud site appears in `pmhub.yaml`: `sources.jira` and a project's `jira:` links."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, SecretStr, ValidationInfo, field_validator

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
    # The risk register: issues of this type (e.g. "Risk") are risks (core.risks), not work items.
    # None: the site has no risk issues. Probability, impact and mitigation fields are found by
    # name per site (pipelines.sources.jira.risk_fields); these override them.
    risk_issue_type: str | None = Field(default=None, min_length=1, max_length=255)
    risk_probability_field: str | None = None
    risk_impact_field: str | None = None
    risk_mitigation_field: str | None = None

    @field_validator("story_points_field", "risk_probability_field", "risk_impact_field", "risk_mitigation_field")
    @classmethod
    def _field_id(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not CUSTOM_FIELD_ID.fullmatch(value):
            raise ValueError(f"{info.field_name} {value!r} must look like customfield_10016")
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
