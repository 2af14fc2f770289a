"""Jira Cloud: issues with their whole changelogs, worklogs, boards, sprints and field metadata."""

from __future__ import annotations

from connectors.jira import JiraClient
from models.config import JiraSource, PmhubConfig
from pipelines.sources.jira.extract import extract_jira
from pipelines.sources.jira.state import JiraState, held_state
from pipelines.sources.tool import Tool


def _sources(config: PmhubConfig) -> list[JiraSource]:
    return list(config.sources.jira)


def _client(source_id: str, s: JiraSource) -> JiraClient:
    return JiraClient.from_credentials(source_id, s.url, s.email.get_secret_value(), s.token.get_secret_value())


TOOL = Tool("jira", _sources, _client, extract_jira, JiraState, held_state)
