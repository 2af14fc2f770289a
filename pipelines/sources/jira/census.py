"""Deletions, moves and lost access, found by comparing what search returns with what we hold.

An issue the warehouse holds as live but a project's census (ids-only search) no longer returns is
*suspected*, never tombstoned on absence alone: search is eventually consistent, and a moved issue
is absent from its old project too. Each suspect gets a point lookup:
  200 → it exists (moved, or hidden from search for a moment): land it again, with its new key and
        project;
  404 → `not_found`: Jira documents one answer, 404, for "the issue is not found or the user does
        not have permission to view it", so an issue deleted and one hidden by issue-level security
        in a project the account still sees cannot be told apart through the API (a Jira admin can:
        the audit log records "Issue deleted"; see the README);
  403 → not_visible (not documented for this endpoint, but unambiguous when it comes).
A whole project that disappears from the account's view is confirmed with a project lookup and
its issues are marked not_visible (lost Browse permission looks exactly like mass deletion).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from connectors.jira import JiraClient
from connectors.parallel import ordered_map
from pipelines.landing import LandingWriter
from pipelines.sources.jira.histories import HistoryLanding
from pipelines.sources.jira.state import JiraState


def issue_project(issue: Mapping[str, Any]) -> str:
    """The id of the project an issue is in now (landed as the raw row's container)."""
    return str(issue["fields"]["project"]["id"])


def _tombstone(issue_id: str, reason: str) -> dict[str, Any]:
    return {"id": issue_id, "reason": reason, "detected_at": datetime.now(UTC).isoformat()}


def vanished_issues(
    client: JiraClient,
    writer: LandingWriter,
    suspects: Sequence[str],
    fields: Sequence[str],
    expand: Sequence[str],
    require: Sequence[str],
    histories: HistoryLanding,
) -> list[dict[str, Any]]:
    """Look up each suspect; land found issues (their histories through `histories`) and tombstones.
    Returns the issues found."""
    if not suspects:
        return []
    lookup = partial(client.lookup_issue, fields=fields, expand=expand, require=require)
    found: list[dict[str, Any]] = []
    tombstones: list[dict[str, Any]] = []
    for issue_id, (status, issue) in zip(suspects, ordered_map(lookup, suspects, client.http.max_workers), strict=True):
        if status == 200 and issue is not None:
            found.append(issue)
        else:
            # Lost projects were handled before, so this issue's project is still visible; a 404 is
            # still either a deletion or issue-level security, and only what the API tells is recorded.
            tombstones.append(_tombstone(issue_id, "not_found" if status == 404 else "not_visible"))
    if found:
        writer.write(
            "jira_issues",
            histories.split(found),
            updated=lambda i: i["fields"]["updated"],
            container=issue_project,
        )
    writer.write("jira_issue_tombstones", tombstones)
    return found


def lost_projects(
    client: JiraClient,
    state: JiraState,
    configured: Sequence[str] | None,
    visible: Sequence[dict[str, Any]],
    writer: LandingWriter,
) -> dict[str, str]:
    """Tombstone the issues of projects we held but can no longer see; project key → warning."""
    seen_ids = {str(p["id"]) for p in visible}
    wanted = set(configured) if configured else None
    warnings: dict[str, str] = {}
    for project_id, ids in sorted(state.known_issue_ids.items()):
        key = state.project_keys.get(project_id, project_id)
        if project_id in seen_ids or (wanted is not None and key not in wanted) or not ids:
            continue
        if client.project_visible(project_id):
            continue  # visible after all (e.g. outside the allow-list now): nothing was lost
        writer.write("jira_issue_tombstones", (_tombstone(i, "not_visible") for i in ids))
        warnings[key] = (
            f"{writer.source_id}: project {key} is no longer visible to this token; its {len(ids)} issues are "
            "marked not_visible (check the account's Browse Projects permission)"
        )
    return warnings
