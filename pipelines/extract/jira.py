"""Extract one Jira Cloud site: fields, statuses, projects, boards, sprints, issues, worklogs.

Issues are read incrementally per project with JQL bounded by project and by `updated >= <epoch
ms>` (epoch milliseconds, because a bare date-time is read in the account's own time zone), minus an
overlap window because search is eventually consistent. Every field and the changelog come along;
histories Jira cut off in the search response are completed in bulk by the connector.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from connectors.jira import JiraClient
from models.config import JiraSource
from pipelines.extract.common import ExtractResult, counted, epoch_ms, parse_api_time, require_visible
from pipelines.landing import LandingWriter
from pipelines.progress import progress

# Worklog/updated leaves out the last minute and is eventually consistent too.
WORKLOG_OVERLAP = timedelta(minutes=10)


def extract_jira(
    source: JiraSource, client: JiraClient, cursors: Mapping[str, str], writer: LandingWriter
) -> ExtractResult:
    """Land one site's data; returns the cursors to commit with it."""
    result = ExtractResult(writer.source_id)
    writer.write("jira_fields", client.fields())
    writer.write("jira_statuses", client.statuses())
    projects = list(client.iter_projects(source.projects))
    require_visible(writer.source_id, "project", source.projects, (p["key"] for p in projects))
    writer.write("jira_projects", projects)

    sprints_seen: set[int] = set()
    for project in projects:
        key, project_id = str(project["key"]), str(project["id"])
        boards = list(client.iter_boards(key))
        writer.write("jira_boards", boards, container=project_id)
        for board in boards:
            if board.get("type") != "scrum":
                continue
            sprints = [s for s in client.iter_sprints(int(board["id"])) if s["id"] not in sprints_seen]
            sprints_seen.update(s["id"] for s in sprints)
            writer.write("jira_sprints", sprints, container=str(board["id"]))
        result.cursors.update(_extract_issues(source, client, cursors, writer, key, project_id))

    result.cursors.update(_extract_worklogs(client, cursors, writer))
    result.counts = dict(writer.counts)
    return result


def _extract_issues(
    source: JiraSource,
    client: JiraClient,
    cursors: Mapping[str, str],
    writer: LandingWriter,
    key: str,
    project_id: str,
) -> dict[str, str]:
    cursor_key = f"issues_updated_ms:{project_id}"
    jql = f"project = {key}"
    if cursor_key in cursors:
        since = int(cursors[cursor_key]) - int(source.overlap_hours * 3_600_000)
        jql += f" AND updated >= {since}"
    jql += " ORDER BY updated ASC, id ASC"
    newest: list[int] = [int(cursors.get(cursor_key, 0))]

    def updated(issue: Mapping[str, Any]) -> str:
        stamp = str(issue["fields"]["updated"])
        newest[0] = max(newest[0], epoch_ms(parse_api_time(stamp)))
        return stamp

    def say(n: int) -> None:
        progress.info("%s %s: %d issues", writer.source_id, key, n)

    issues = client.with_complete_changelogs(client.search_issues(jql, fields=["*all"], expand=["changelog"]))
    writer.write("jira_issues", counted(issues, 500, say), updated=updated, container=project_id)
    return {cursor_key: str(newest[0])} if newest[0] else {}


def _extract_worklogs(client: JiraClient, cursors: Mapping[str, str], writer: LandingWriter) -> dict[str, str]:
    since = int(cursors.get("worklogs_until_ms", 0))
    if since:
        since = max(0, since - int(WORKLOG_OVERLAP.total_seconds() * 1000))
    ids, until = client.updated_worklog_ids(since)
    writer.write("jira_worklogs", client.worklogs(ids), updated=lambda w: w.get("updated"))
    deleted, _ = client.deleted_worklog_ids(since)
    writer.write("jira_worklog_deletions", ({"id": i} for i in deleted))
    progress.info("%s: %d worklogs changed, %d deleted", writer.source_id, len(ids), len(deleted))
    return {"worklogs_until_ms": str(until)} if until else {}
