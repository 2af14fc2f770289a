"""Replaying a Jira issue's changelog: its status, sprints and story points at any instant.

The replay starts from the creation state, read from the "from" side of the first change of each
field (or the current value when the field never changed), and applies every later change in time
order. A history at instant t is already applied "at t". This is the only way the ground truth
reads an issue's past, so the truth also checks that histories and current fields agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sandbox.jira_catalog import POINTS_FIELD_NAMES, SPRINT_FIELD, STATUS_BY_ID
from sandbox.model import ChangeHistory, JiraIssue


@dataclass(frozen=True)
class IssueState:
    """An issue's status id, Sprint field (sprint ids in the order added) and points (None = unestimated)."""

    status_id: str
    sprint_ids: tuple[int, ...]
    points: float | None


def sprint_ids(value: str | None) -> tuple[int, ...]:
    """The sprint ids of a Sprint changelog value ("7, 8"; "" or None = no sprint)."""
    return tuple(int(v) for v in value.split(",")) if value else ()


def _points(value: str | None) -> float | None:
    return float(value) if value else None


def is_done(status_id: str) -> bool:
    """Whether the status is in Jira's "done" category (the board's last column)."""
    return STATUS_BY_ID[status_id].category.key == "done"


def creation_state(issue: JiraIssue) -> IssueState:
    """The issue's fields when it was created."""
    status, sprints, points = issue.status_id, issue.sprint_ids, issue.story_points
    items = [item for h in issue.histories for item in h.items]
    for fields, attr in (({"status"}, "status"), ({SPRINT_FIELD}, "sprints"), (POINTS_FIELD_NAMES.keys(), "points")):
        first = next((item for item in items if item.field_id in fields), None)
        if first is None:
            continue
        if attr == "status":
            status = first.from_value or status
        elif attr == "sprints":
            sprints = sprint_ids(first.from_value)
        else:
            points = _points(first.from_value)
    return IssueState(status, sprints, points)


def _apply(state: IssueState, history: ChangeHistory) -> IssueState:
    status, sprints, points = state.status_id, state.sprint_ids, state.points
    for item in history.items:
        if item.field_id == "status":
            status = item.to_value or status
        elif item.field_id == SPRINT_FIELD:
            sprints = sprint_ids(item.to_value)
        elif item.field_id in POINTS_FIELD_NAMES:
            points = _points(item.to_value)
    return IssueState(status, sprints, points)


def timeline(issue: JiraIssue) -> list[tuple[datetime, IssueState]]:
    """(instant, state from that instant on): the creation state first, then one entry per history."""
    state = creation_state(issue)
    out = [(issue.created, state)]
    for history in issue.histories:
        state = _apply(state, history)
        out.append((history.created, state))
    return out


def state_at(issue: JiraIssue, at: datetime) -> IssueState:
    """The issue's status, sprints and points at `at`, replayed from the creation state."""
    state = creation_state(issue)
    for history in issue.histories:
        if history.created > at:
            break
        state = _apply(state, history)
    return state


def sprint_changes(issue: JiraIssue) -> list[tuple[datetime, tuple[int, ...], tuple[int, ...]]]:
    """Every change of the Sprint field: (instant, sprint ids before, sprint ids after), oldest first."""
    return [
        (h.created, sprint_ids(item.from_value), sprint_ids(item.to_value))
        for h in issue.histories
        for item in h.items
        if item.field_id == SPRINT_FIELD
    ]
