"""Jira Cloud: issues with their whole changelogs, worklogs, boards, sprints and field metadata."""

from __future__ import annotations

from typing import Any

from connectors.jira import JiraClient
from pipelines.landing import RawEntity
from pipelines.sources.jira.config import CONFIG, JiraSource
from pipelines.sources.jira.extract import extract_jira
from pipelines.sources.jira.field_mapping import unresolved_story_points
from pipelines.sources.jira.incremental import PAYLOAD_STAGES, pending_issues
from pipelines.sources.jira.migration import split_embedded_histories
from pipelines.sources.jira.risks import jira_risks
from pipelines.sources.jira.sql_support import MACROS, prepare, unread_story_points
from pipelines.sources.jira.state import JiraState, held_state
from pipelines.sources.tool import IncrementalStage, Tool, ToolCheck
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


def _client(source_id: str, s: JiraSource, **http: Any) -> JiraClient:
    return JiraClient.from_credentials(source_id, s.url, s.email.get_secret_value(), s.token.get_secret_value(), **http)


def _probe(source_id: str, s: JiraSource) -> str:
    """Sign in and list the projects the config names (`pmhub check`)."""
    jira = _client(source_id, s, max_attempts=2)
    me = jira.myself()
    seen = [p["key"] for p in jira.iter_projects(s.projects)]
    missing = sorted(set(s.projects or ()) - set(seen))
    gap = f"; NOT visible: {', '.join(missing)}" if missing else ""
    return f"signed in as {me.get('displayName')}, {len(seen)} projects visible{gap}"


TOOL = Tool(
    config=CONFIG,
    client=_client,
    extract=extract_jira,
    state=JiraState,
    held_state=held_state,
    probe=_probe,
    raw_entities=RAW_ENTITIES,
    package=__name__,
    migrations=(Migration("jira_issues", split_embedded_histories),),
    prepare=prepare,
    macros=MACROS,
    incremental=IncrementalStage(PAYLOAD_STAGES, pending_issues),
    problems=unread_story_points,
    risks=jira_risks,
    checks=(
        ToolCheck(
            "story_points_resolved", "A story-points field is resolved per Jira project", unresolved_story_points
        ),
    ),
)
