"""Extract one Jira Cloud site: fields, statuses, projects, boards, sprints, issues, worklogs.

Issues are read ids first (the ids-only search serves 5000 per page; `jira_changed` picks which
ids) and their details then come from parallel `issue/bulkfetch` calls, because enhanced-search
pages can only be read one after another. Issues the warehouse holds that the census no longer
returns are looked up one by one (`jira_census`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from connectors.errors import ApiError
from connectors.jira import JiraClient
from connectors.parallel import ordered_map
from pipelines.extract.common import (
    ExtractResult,
    counted,
    epoch_ms,
    parse_api_time,
    require_visible,
)
from pipelines.landing import LandingWriter
from pipelines.progress import progress
from pipelines.sources.jira.census import issue_project, lost_projects, vanished_issues
from pipelines.sources.jira.changed import select_issues
from pipelines.sources.jira.config import JiraSource
from pipelines.sources.jira.fields import resolve_sprint
from pipelines.sources.jira.histories import HistoryLanding
from pipelines.sources.jira.sprints import SprintLedger, land_boards_and_sprints, land_named_sprints
from pipelines.sources.jira.state import ISSUE_READ_CURSOR, JiraState

# Worklog/updated leaves out the last minute and is eventually consistent too.
WORKLOG_OVERLAP = timedelta(minutes=10)
# Every field, so unknown custom fields stay queryable, except the embedded worklog and comment
# collections: Jira caps them at 20 (a silent undercount if used) and worklogs come complete from
# the worklog endpoints. They were a third of each payload.
ISSUE_FIELDS = ("*all", "-worklog", "-comment")
ISSUE_EXPAND = ("changelog",)
# What every issue answer must carry because ISSUE_FIELDS asked for it: the core model reads these.
ISSUE_REQUIRED = (
    "key",
    "fields.summary",
    "fields.status",
    "fields.project",
    "fields.issuetype",
    "fields.created",
    "fields.updated",
)


def extract_jira(source: JiraSource, client: JiraClient, state: JiraState, writer: LandingWriter) -> ExtractResult:
    """Land one site's data; returns the cursors to commit with it."""
    result = ExtractResult(writer.source_id)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pmhub-side") as side:
        # Worklogs do not depend on the issues: they are read and landed meanwhile.
        worklogs = side.submit(_land_worklogs, client, writer, _worklog_since(state))
        fields, statuses = ordered_map(lambda get: get(), (client.fields, client.statuses), 2)
        writer.write("jira_fields", fields)
        writer.write("jira_statuses", statuses)
        projects = _visible_projects(client, source.projects)
        lost = lost_projects(client, state, source.projects, projects, writer)
        result.warnings += lost.values()
        # A configured project we never held and cannot see is a config error, not lost access.
        require_visible(
            writer.source_id,
            "project",
            [k for k in source.projects or () if k not in lost],
            (p["key"] for p in projects),
        )
        writer.write("jira_projects", projects)
        sprint_field = resolve_sprint(fields)
        ledger = SprintLedger(sprint_field.field_id if sprint_field else None)
        # Nor do the boards and their sprints; only the sprints no board listed wait for the issues.
        boards = side.submit(land_boards_and_sprints, client, writer, projects, ledger)
        if projects:
            _extract_issues(source, client, state, writer, projects, result, ledger)
        boards.result()
        result.warnings += land_named_sprints(client, writer, ledger, state.sprint_states, state.unlisted_board_ids)
        cursors, warnings = worklogs.result()
    result.cursors.update(cursors)
    result.warnings += warnings
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


def _extract_issues(
    source: JiraSource,
    client: JiraClient,
    state: JiraState,
    writer: LandingWriter,
    projects: list[dict[str, Any]],
    result: ExtractResult,
    ledger: SprintLedger,
) -> None:
    """Land changed, missing and vanished issues; add the cursors and any warning to `result`, and
    note in `ledger` the sprints they name."""
    selection = select_issues(source, client, state, projects)
    changed, census = selection.changed, selection.census
    if warning := selection.coverage_warning(writer.source_id):
        result.warnings.append(warning)
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
        for issues, missing in client.issue_batches(changed, ISSUE_FIELDS, ISSUE_EXPAND, ISSUE_REQUIRED):
            unreturned.extend(missing)
            yield from issues

    def say(n: int) -> None:
        progress.info("%s: %d of %d changed issues", writer.source_id, n, len(changed))

    with HistoryLanding(client, writer, ledger.note_histories) as histories:
        landed = histories.split(ledger.noting(counted(details(), 2000, say)))
        writer.write("jira_issues", landed, updated=updated, container=issue_project)
        suspects = sorted(known - census | set(unreturned), key=int)
        found = vanished_issues(client, writer, suspects, ISSUE_FIELDS, ISSUE_EXPAND, ISSUE_REQUIRED, histories)
        for issue in ledger.noting(found):
            updated(issue)
        histories.complete()
    # The query covered every project from the least advanced cursor on, so all move together.
    cursors = {f"issues_updated_ms:{p['id']}": str(newest[0]) for p in projects} if newest[0] else {}
    if client.http.first_server_time is not None:
        cursors[ISSUE_READ_CURSOR] = str(epoch_ms(client.http.first_server_time))
    result.cursors.update(cursors)


def _worklog_since(state: JiraState) -> int:
    since = int(state.cursors.get("worklogs_until_ms", 0))
    return max(0, since - int(WORKLOG_OVERLAP.total_seconds() * 1000)) if since else 0


def _land_worklogs(client: JiraClient, writer: LandingWriter, since: int) -> tuple[dict[str, str], list[str]]:
    """Land the worklogs changed and deleted since `since` (epoch ms); returns the cursor and any warning.

    The changed ids come page after page (`worklog/updated` links its pages one to the next); the
    bodies of each page's ids are asked for while the next page is read.
    """
    deleted, _ = client.deleted_worklog_ids(since)
    # Never tombstone on the feed alone (field notes #5: a feed listed 164 live worklogs as deleted):
    # worklogs the list endpoint still returns are kept, and landed as they are now.
    alive = list(client.worklogs(deleted)) if deleted else []
    kept = {int(w["id"]) for w in alive}
    feed = client.worklog_feed(since)
    listed: list[int] = []
    returned: set[int] = set()

    def noting(pages: Iterable[list[int]]) -> Iterator[int]:
        for page in pages:
            listed.extend(page)
            yield from page

    def seen(worklogs: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for worklog in worklogs:
            returned.add(int(worklog["id"]))
            yield worklog

    writer.write(
        "jira_worklogs", itertools.chain(seen(client.worklogs(noting(feed))), alive), updated=lambda w: w.get("updated")
    )
    gone = [i for i in deleted if int(i) not in kept]
    writer.write("jira_worklog_deletions", ({"id": i} for i in gone))
    # worklog/list returns only worklogs this account may see: the feed lists the others too.
    withheld = len(set(listed) - returned - set(deleted))
    progress.info(
        "%s: %d worklogs changed, %d deleted (%d listed as deleted still exist), %d withheld",
        writer.source_id,
        len(listed),
        len(gone),
        len(kept),
        withheld,
    )
    warnings = []
    if withheld:
        warnings.append(
            f"{writer.source_id}: {withheld} of {len(listed)} changed worklogs were withheld by worklog/list "
            "(not visible to this account, e.g. under issue security, or deleted since); their hours are missing "
            "from costs"
        )
    return ({"worklogs_until_ms": str(feed.watermark)} if feed.watermark else {}), warnings
