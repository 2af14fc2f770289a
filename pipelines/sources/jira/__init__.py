"""Jira Cloud: issues with their whole changelogs, worklogs, boards, sprints and field metadata."""

from __future__ import annotations

from connectors.jira import JiraClient
from models.config import JiraSource, PmhubConfig
from pipelines.landing import RawEntity
from pipelines.sources.jira.extract import extract_jira
from pipelines.sources.jira.migration import split_embedded_histories
from pipelines.sources.jira.state import JiraState, held_state
from pipelines.sources.tool import Tool
from pipelines.warehouse import Migration

RAW_ENTITIES = (
    RawEntity("jira_fields"),
    RawEntity("jira_statuses"),
    RawEntity("jira_projects"),
    RawEntity("jira_boards"),
    RawEntity("jira_sprints"),
    RawEntity("jira_issues"),
    # millions of small rows on a large site: no primary-key index (see RawEntity)
    RawEntity("jira_issue_histories", indexed=False),
    RawEntity("jira_issue_tombstones"),
    RawEntity("jira_worklogs"),
    RawEntity("jira_worklog_deletions"),
)


def _sources(config: PmhubConfig) -> list[JiraSource]:
    return list(config.sources.jira)


def _client(source_id: str, s: JiraSource) -> JiraClient:
    return JiraClient.from_credentials(source_id, s.url, s.email.get_secret_value(), s.token.get_secret_value())


TOOL = Tool(
    name="jira",
    sources=_sources,
    client=_client,
    extract=extract_jira,
    state=JiraState,
    held_state=held_state,
    raw_entities=RAW_ENTITIES,
    package=__name__,
    migrations=(Migration("jira_issues", split_embedded_histories),),
)
