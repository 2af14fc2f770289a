"""Ground truth: the numbers a correct sync of the sandbox must reproduce.

They are computed from the generated entities, independently of pmhub: sprint figures
(sandbox.sprint_truth) and figures by date (sandbox.daily_truth) replay each issue's changelog from
its creation state and each board's actions, so they also check that history and fields agree.
Only the configured portfolio counts: Jira projects APL/BOR/DRC, the portfolio Trello boards (three,
and in the demo profile the control project's) and Confluence space PMO. The NOISE project, the
extra board and space ENG are excluded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from sandbox.daily_truth import DayTruth, WeekTruth
from sandbox.model import JiraIssue, Sprint, TrelloBoard
from sandbox.replay import IssueState, is_done, state_at
from sandbox.risk_truth import RiskTruth
from sandbox.sprint_truth import SprintItem, SprintTruth, sprint_members, sprint_truth

if TYPE_CHECKING:
    from sandbox.plant_signals import PlantedSignal
    from sandbox.signal_truth import SignalTruth

__all__ = [
    "DayTruth",
    "GroundTruth",
    "IssueState",
    "ProjectTruth",
    "RiskTruth",
    "SprintItem",
    "SprintTruth",
    "WeekTruth",
    "jira_figures",
    "project_figures",
    "sprint_members",
    "sprint_truth",
    "state_at",
    "status_items",
    "trello_figures",
]


@dataclass(frozen=True)
class ProjectTruth:
    """One portfolio project at the anchor.

    items_total: its Jira issues plus all cards of its Trello board, archived cards included.
    items_done: issues in a status of category `done` plus cards in the board's done list (the last
    open list; archived cards there count as done). cards_archived: archived cards among items_total.
    points_total / points_done: story points of its Jira issues, all / in a done status (unestimated = 0).
    worklog_hours: hours logged on its Jira issues. bac, currency, planned_start, planned_end: from the
    current version of its charter page. sprints: its closed sprints, oldest first.

    days: one DayTruth per UTC day from its first item to the anchor (burn-up and cost so far, at
    the rates of the portfolio's pmhub config). weeks: its Trello board's completed cards per ISO
    week. planted: scenario name -> key of the issue the simulation scripted for it
    (sandbox.jira_plant: "carried_over", "re_estimated", "added_mid_sprint", "done_before_start");
    a scenario is missing where the project had too few closed sprints or issues. days, weeks and
    planted are generation-time figures: a running sandbox's live truth keeps them as generated, it
    does not replay mutations into them.
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
    days: tuple[DayTruth, ...] = ()
    weeks: tuple[WeekTruth, ...] = ()
    planted: dict[str, str] = field(default_factory=dict)

    def day(self, day: date) -> DayTruth:
        """The project at the end of `day` (KeyError outside its first-item..anchor range)."""
        found = next((d for d in self.days if d.day == day), None)
        if found is None:
            raise KeyError(day)
        return found

    def sprint(self, sprint_id: int) -> SprintTruth:
        return next(s for s in self.sprints if s.sprint_id == sprint_id)


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
    # issue 15: the signals planted on purpose, and every risk signal the model holds (sandbox.signal_truth)
    planted_signals: tuple[PlantedSignal, ...] = ()
    risk_signals: tuple[SignalTruth, ...] = ()
    work_items_deleted: int = 0
    work_items_not_visible: int = 0
    work_items_moved: int = 0
    worklogs_deleted: int = 0
    # The risk register planted in Jira (Risk issues) and Confluence (sandbox.gen_risks).
    risks: tuple[RiskTruth, ...] = ()

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


def jira_figures(issues: Sequence[JiraIssue]) -> tuple[int, int, float, float, float]:
    """(items, done items, points, done points, worklog hours) of one project's issues."""
    done = [i for i in issues if is_done(i.status_id)]
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
