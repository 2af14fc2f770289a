"""Extract one Jira Cloud site: fields, statuses, projects, boards, sprints, issues, worklogs.

Per project, issues are read ids first (the ids-only search serves 5000 per page) and their
details then come from parallel `issue/bulkfetch` calls, because enhanced-search pages can only be
read one after another. Incremental runs select ids with JQL bounded by project and by
`updated >= <epoch ms>` (a bare date-time would be read in the account's own time zone) minus an
overlap window (search is eventually consistent). A census of all ids per project then finds the
issues the warehouse holds that search no longer returns (see `jira_census`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from connectors.errors import ApiError
from connectors.jira import JiraClient
from models.config import JiraSource
from pipelines.extract.common import (
    ExtractResult,
    SourceState,
    counted,
    epoch_ms,
    parse_api_time,
    require_visible,
)
from pipelines.extract.jira_census import issue_project, lost_projects, vanished_issues
from pipelines.landing import LandingWriter
from pipelines.progress import progress

# Worklog/updated leaves out the last minute and is eventually consistent too.
WORKLOG_OVERLAP = timedelta(minutes=10)
# Every field, so unknown custom fields stay queryable, except the embedded worklog and comment
# collections: Jira caps them at 20 (a silent undercount if used) and worklogs come complete from
# the worklog endpoints. They were a third of each payload.
ISSUE_FIELDS = ("*all", "-worklog", "-comment")
ISSUE_EXPAND = ("changelog",)


def extract_jira(source: JiraSource, client: JiraClient, state: SourceState, writer: LandingWriter) -> ExtractResult:
    """Land one site's data; returns the cursors to commit with it."""
    result = ExtractResult(writer.source_id)
    writer.write("jira_fields", client.fields())
    writer.write("jira_statuses", client.statuses())
    projects = _visible_projects(client, source.projects)
    lost = lost_projects(client, state, source.projects, projects, writer)
    result.warnings += lost.values()
    # A configured project we never held and cannot see is a config error, not lost access.
    require_visible(
        writer.source_id, "project", [k for k in source.projects or () if k not in lost], (p["key"] for p in projects)
    )
    writer.write("jira_projects", projects)

    sprints_seen: set[int] = set()
    for project in projects:
        boards = list(client.iter_boards(str(project["key"])))
        writer.write("jira_boards", boards, container=str(project["id"]))
        for board in boards:
            if board.get("type") != "scrum":
                continue
            sprints = [s for s in client.iter_sprints(int(board["id"])) if s["id"] not in sprints_seen]
            sprints_seen.update(s["id"] for s in sprints)
            writer.write("jira_sprints", sprints, container=str(board["id"]))
    if projects:
        result.cursors.update(_extract_issues(source, client, state, writer, projects))

    result.cursors.update(_extract_worklogs(client, state, writer))
    result.counts = dict(writer.counts)
    return result


def _visible_projects(client: JiraClient, keys: list[str] | None) -> list[dict[str, Any]]:
    try:
        return list(client.iter_projects(keys))
    except ApiError as exc:
        # project/search answers 404 when none of the asked keys is visible; the caller decides
        # whether that is lost access or a wrong key.
        if exc.status == 404 and keys:
            return []
        raise


def _changed_ids(
    source: JiraSource, client: JiraClient, state: SourceState, projects: list[dict[str, Any]]
) -> tuple[list[str], set[str]]:
    """Ids of issues changed since the cursors (all ids for new projects), and the census.

    One query per site rather than per project: every project's JQL would cost a request even
    when nothing changed. The least advanced project cursor bounds the whole query.
    """
    keys_with_cursor = [str(p["key"]) for p in projects if f"issues_updated_ms:{p['id']}" in state.cursors]
    new_keys = [str(p["key"]) for p in projects if str(p["key"]) not in keys_with_cursor]
    all_keys = ", ".join(str(p["key"]) for p in projects)
    changed: list[str] = []
    if new_keys:
        changed += client.search_issue_ids(f"project in ({', '.join(new_keys)}) ORDER BY id ASC")
    if not keys_with_cursor:
        return changed, set(changed)
    since = min(
        int(state.cursors[f"issues_updated_ms:{p['id']}"]) for p in projects if str(p["key"]) in keys_with_cursor
    )
    since -= int(source.overlap_hours * 3_600_000)
    changed += client.search_issue_ids(
        f"project in ({', '.join(keys_with_cursor)}) AND updated >= {since} ORDER BY updated ASC, id ASC"
    )
    census = set(client.search_issue_ids(f"project in ({all_keys}) ORDER BY id ASC"))
    return list(dict.fromkeys(changed)), census


def _extract_issues(
    source: JiraSource, client: JiraClient, state: SourceState, writer: LandingWriter, projects: list[dict[str, Any]]
) -> dict[str, str]:
    changed, census = _changed_ids(source, client, state, projects)
    known = {i for p in projects for i in state.known_issue_ids.get(str(p["id"]), ())}
    # The census doubles as a coverage check: ids Jira lists that the warehouse lacks (missed
    # earlier, or a project added back to the config) are fetched whatever their `updated`.
    changed += sorted(census - known - set(changed), key=int)
    newest = [max((int(v) for k, v in state.cursors.items() if k.startswith("issues_updated_ms:")), default=0)]

    def updated(issue: Mapping[str, Any]) -> str:
        stamp = str(issue["fields"]["updated"])
        newest[0] = max(newest[0], epoch_ms(parse_api_time(stamp)))
        return stamp

    unreturned: list[str] = []

    def details() -> Iterator[dict[str, Any]]:
        for issues, missing in client.issue_batches(changed, ISSUE_FIELDS, ISSUE_EXPAND):
            unreturned.extend(missing)
            yield from issues

    def say(n: int) -> None:
        progress.info("%s: %d of %d changed issues", writer.source_id, n, len(changed))

    complete = client.with_complete_changelogs(counted(details(), 2000, say))
    writer.write("jira_issues", complete, updated=updated, container=issue_project)
    suspects = sorted(known - census | set(unreturned), key=int)
    for issue in vanished_issues(client, writer, suspects, ISSUE_FIELDS, ISSUE_EXPAND):
        updated(issue)
    # The query covered every project from the least advanced cursor on, so all move together.
    return {f"issues_updated_ms:{p['id']}": str(newest[0]) for p in projects} if newest[0] else {}


def _extract_worklogs(client: JiraClient, state: SourceState, writer: LandingWriter) -> dict[str, str]:
    since = int(state.cursors.get("worklogs_until_ms", 0))
    if since:
        since = max(0, since - int(WORKLOG_OVERLAP.total_seconds() * 1000))
    ids, until = client.updated_worklog_ids(since)
    writer.write("jira_worklogs", client.worklogs(ids), updated=lambda w: w.get("updated"))
    deleted, _ = client.deleted_worklog_ids(since)
    writer.write("jira_worklog_deletions", ({"id": i} for i in deleted))
    progress.info("%s: %d worklogs changed, %d deleted", writer.source_id, len(ids), len(deleted))
    return {"worklogs_until_ms": str(until)} if until else {}
