"""Ground truth: the numbers a correct sync of the sandbox must reproduce.

They are computed from the generated entities, and sprint figures are computed by replaying each
issue's changelog from its creation state, so they also check that history and fields agree.
Only the configured portfolio counts: Jira projects APL/BOR/DRC, the three portfolio Trello boards
and Confluence space PMO. The NOISE project, the extra board and space ENG are excluded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sandbox.jira_catalog import POINTS_FIELD_NAMES, SPRINT_FIELD, STATUS_BY_ID
from sandbox.model import JiraIssue, Sprint, TrelloBoard


@dataclass(frozen=True)
class SprintTruth:
    """A closed sprint as Jira's sprint report counts it.

    committed: issues in the sprint at `start`, not already in a done status then, with their story
    points at `start` (unestimated = 0). completed: issues in the sprint at `complete` and in a done
    status then, with their points at `complete`. Scope added mid-sprint is not committed but can be
    completed; scope removed mid-sprint is committed but never completed.
    """

    sprint_id: int
    name: str
    start: datetime
    complete: datetime
    committed_points: float
    committed_items: int
    completed_points: float
    completed_items: int


@dataclass(frozen=True)
class ProjectTruth:
    """One portfolio project at the anchor.

    items_total: its Jira issues plus all cards of its Trello board, archived cards included.
    items_done: issues in a status of category `done` plus cards in the board's done list (the last
    open list; archived cards there count as done). cards_archived: archived cards among items_total.
    points_total / points_done: story points of its Jira issues, all / in a done status (unestimated = 0).
    worklog_hours: hours logged on its Jira issues. bac, currency, planned_start, planned_end: from the
    current version of its charter page. sprints: its closed sprints, oldest first.
    """

    project_id: str
    name: str
    bac: float
    currency: str
    planned_start: date
    planned_end: date
    items_total: int
    items_done: int
    cards_archived: int
    points_total: float
    points_done: float
    worklog_hours: float
    sprints: tuple[SprintTruth, ...]


@dataclass(frozen=True)
class GroundTruth:
    """Portfolio-wide counts.

    work_items: Jira issues of the portfolio projects + all cards (archived included) of the portfolio
    boards. status_changes: changelog items with field "status" on those issues + updateCard actions
    carrying listBefore/listAfter on those boards. sprints: distinct sprints (any state) of the
    portfolio projects' boards. worklogs: worklogs on those issues. documents: current pages of space
    PMO. budgets: one per portfolio project, all from charter pages.

    jira_work_items / jira_status_changes: the Jira part of work_items / status_changes.
    The four counters below are 0 at generation time; after mutations a running sandbox recomputes
    the truth (sandbox.live_truth), where work_items also keeps every issue the client was ever
    served, and they say how many of those rows are soft-deleted or changed: work_items_deleted
    (the issue was deleted), work_items_not_visible (its project was revoked or the issue restricted),
    work_items_moved (its key changed by a move), worklogs_deleted (counted worklogs that were deleted).
    All three work_items counters are Jira rows (also readable as jira_work_items_deleted etc.).
    """

    work_items: int
    status_changes: int
    sprints: int
    worklogs: int
    documents: int
    budgets: int
    projects: tuple[ProjectTruth, ...]
    jira_work_items: int = 0
    jira_status_changes: int = 0
    work_items_deleted: int = 0
    work_items_not_visible: int = 0
    work_items_moved: int = 0
    worklogs_deleted: int = 0

    def project(self, project_id: str) -> ProjectTruth:
        return next(p for p in self.projects if p.project_id == project_id)

    @property
    def jira_work_items_deleted(self) -> int:
        return self.work_items_deleted

    @property
    def jira_work_items_not_visible(self) -> int:
        return self.work_items_not_visible

    @property
    def jira_work_items_moved(self) -> int:
        return self.work_items_moved


@dataclass(frozen=True)
class IssueState:
    status_id: str
    sprint_ids: tuple[int, ...]
    points: float | None


def _sprint_ids(value: str | None) -> tuple[int, ...]:
    return tuple(int(v) for v in value.split(",")) if value else ()


def _points(value: str | None) -> float | None:
    return float(value) if value else None


def state_at(issue: JiraIssue, at: datetime) -> IssueState:
    """The issue's status, sprints and points at `at`, replayed from the creation state."""
    items = [(h.created, item) for h in issue.histories for item in h.items]
    status, sprints, points = issue.status_id, issue.sprint_ids, issue.story_points
    # Rewind: the "from" side of the first change of each field is its value at creation.
    for fields, attr in (({"status"}, "status"), ({SPRINT_FIELD}, "sprints"), (POINTS_FIELD_NAMES.keys(), "points")):
        first = next((item for _at, item in items if item.field_id in fields), None)
        if first is None:
            continue
        if attr == "status":
            status = first.from_value or status
        elif attr == "sprints":
            sprints = _sprint_ids(first.from_value)
        else:
            points = _points(first.from_value)
    for when, item in items:
        if when > at:
            break
        if item.field_id == "status":
            status = item.to_value or status
        elif item.field_id == SPRINT_FIELD:
            sprints = _sprint_ids(item.to_value)
        elif item.field_id in POINTS_FIELD_NAMES:
            points = _points(item.to_value)
    return IssueState(status, sprints, points)


def _is_done(status_id: str) -> bool:
    return STATUS_BY_ID[status_id].category.key == "done"


def sprint_members(issues: Sequence[JiraIssue]) -> dict[int, list[JiraIssue]]:
    """Sprint id -> the issues whose Sprint field ever held it: the only ones a sprint report can count."""
    members: dict[int, list[JiraIssue]] = {}
    for issue in issues:
        ever = set(issue.sprint_ids)
        for history in issue.histories:
            for item in history.items:
                if item.field_id == SPRINT_FIELD:
                    ever.update(_sprint_ids(item.from_value), _sprint_ids(item.to_value))
        for sprint_id in ever:
            members.setdefault(sprint_id, []).append(issue)
    return members


def sprint_truth(sprint: Sprint, issues: Sequence[JiraIssue]) -> SprintTruth:
    """The sprint report of `sprint` over `issues` (passing only sprint_members(...)[id] is enough)."""
    assert sprint.start is not None and sprint.complete is not None
    committed = [
        s
        for s in (state_at(i, sprint.start) for i in issues)
        if sprint.id in s.sprint_ids and not _is_done(s.status_id)
    ]
    completed = [
        s for s in (state_at(i, sprint.complete) for i in issues) if sprint.id in s.sprint_ids and _is_done(s.status_id)
    ]
    return SprintTruth(
        sprint.id,
        sprint.name,
        sprint.start,
        sprint.complete,
        sum(s.points or 0.0 for s in committed),
        len(committed),
        sum(s.points or 0.0 for s in completed),
        len(completed),
    )


def jira_figures(issues: Sequence[JiraIssue]) -> tuple[int, int, float, float, float]:
    """(items, done items, points, done points, worklog hours) of one project's issues."""
    done = [i for i in issues if _is_done(i.status_id)]
    return (
        len(issues),
        len(done),
        sum((i.story_points or 0.0 for i in issues), 0.0),
        sum((i.story_points or 0.0 for i in done), 0.0),
        sum(w.seconds for i in issues for w in i.worklogs) / 3600,
    )


def trello_figures(board: TrelloBoard | None) -> tuple[int, int, int, int]:
    """(cards, cards in the done list, archived cards, list moves) of one board."""
    if board is None:
        return 0, 0, 0, 0
    moves = sum(1 for a in board.actions if a.type == "updateCard" and "listBefore" in a.data)
    done = sum(1 for c in board.cards if c.list_id == board.done_list_id)
    return len(board.cards), done, sum(1 for c in board.cards if c.closed), moves


def status_items(issues: Sequence[JiraIssue]) -> int:
    return sum(1 for i in issues for h in i.histories for item in h.items if item.field == "status")


def project_figures(
    base: ProjectTruth, issues: Sequence[JiraIssue], board: TrelloBoard | None, closed: Sequence[Sprint]
) -> ProjectTruth:
    """`base` (charter figures) with its item, point, hour and sprint figures computed from the data."""
    items, done, points, points_done, hours = jira_figures(issues)
    cards, cards_done, archived, _moves = trello_figures(board)
    members = sprint_members(issues)
    return replace(
        base,
        items_total=items + cards,
        items_done=done + cards_done,
        cards_archived=archived,
        points_total=points,
        points_done=points_done,
        worklog_hours=hours,
        sprints=tuple(sprint_truth(s, members.get(s.id, [])) for s in closed),
    )
