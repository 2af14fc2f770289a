"""The risk signals a correct pmhub must find in a generated portfolio, from the model alone.

Computed from the generated issues, sprints, boards and the per-day truth (sandbox.daily_truth),
never from pmhub's SQL, under pmhub's default settings (the sandbox's config sets none of them).
Open: a Jira issue whose status is not of category done, a card outside its board's done list
(archived cards too: pmhub keeps them as items). Days are between UTC dates, as of the anchor.

aging_wip is exact only for projects without a Trello board (`exact_aging`): a board's cycle times
would need pmhub's list categories, so elsewhere only the planted item is checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sandbox.jira_catalog import STATUS_BY_ID
from sandbox.model import JiraIssue, JiraProject, PortfolioProject, Sprint, TrelloBoard
from sandbox.replay import creation_state
from sandbox.truth import ProjectTruth

# pmhub's default settings (models.config.Settings), which the sandbox config keeps.
BLOCKED_NAMES = ("blocked", "on hold", "waiting", "impediment")
SCOPE_GROWTH_ABOVE = 0.2
SAY_DO_BELOW = 0.8
SAY_DO_SPRINTS = 3
CONCENTRATION_ABOVE = 0.5
INACTIVE_AFTER_DAYS = 14
COVERAGE_FOR_POINTS = 0.9


@dataclass(frozen=True)
class SignalTruth:
    """One signal: its rule, project, item key (None for a project signal) and value."""

    rule: str
    project_id: str
    key: str | None
    value: float


def _category(status_id: str) -> str:
    return STATUS_BY_ID[status_id].category.key


def _open(issue: JiraIssue) -> bool:
    return _category(issue.status_id) != "done"


def _names_block(name: str | None) -> bool:
    return name is not None and any(b in name.lower() for b in BLOCKED_NAMES)


def exact_aging(projects: Sequence[PortfolioProject]) -> set[str]:
    """Projects whose aging_wip truth is exact: those of Jira issues only."""
    return {p.id for p in projects if p.trello_board_id is None}


def risk_signal_truth(
    issues: Sequence[JiraIssue],
    sprints: Sequence[Sprint],
    jira_projects: Sequence[JiraProject],
    boards: Sequence[TrelloBoard],
    projects: Sequence[PortfolioProject],
    figures: Sequence[ProjectTruth],
    anchor: date,
) -> tuple[SignalTruth, ...]:
    """Every signal of every portfolio project (see the module docstring for what is exact)."""
    project_of: dict[str | None, str | None] = {p.jira_key: p.id for p in projects if p.jira_key}
    out: list[SignalTruth] = []
    by_id = {i.id: i for i in issues}
    active = {s.id for s in sprints if s.state == "active"}
    for issue in issues:
        project = project_of.get(issue.project_key)
        if project is None or not _open(issue):
            continue
        status = STATUS_BY_ID[issue.status_id].name
        if issue.flagged or _names_block(status) or any(_names_block(label) for label in issue.labels):
            out.append(SignalTruth("blocked", project, issue.key, float((anchor - issue.updated.date()).days)))
        blockers = [
            by_id[link.issue_id]
            for link in issue.links
            if link.side == "inward" and "blocked by" in link.inward.lower() and link.issue_id in by_id
        ]
        waiting = [b for b in blockers if _open(b) and project_of.get(b.project_key) != project]
        if waiting:
            out.append(SignalTruth("blocked_by_link", project, issue.key, float(len(waiting))))
        if issue.due_date is not None and issue.due_date < anchor:
            out.append(SignalTruth("overdue", project, issue.key, float((anchor - issue.due_date).days)))
        if issue.story_points is None and active & set(issue.sprint_ids):
            out.append(SignalTruth("unestimated_in_sprint", project, issue.key, 0.0))
    for board in boards:
        project = next((p.id for p in projects if p.trello_board_id == board.id), None)
        if project is None:
            continue
        lists = {lst.id: lst.name for lst in board.lists}
        labels = {lb.id: lb.name for lb in board.labels}
        for card in board.cards:
            if card.list_id == board.done_list_id:
                continue
            if _names_block(lists[card.list_id]) or any(_names_block(labels[i]) for i in card.label_ids):
                days = (anchor - card.last_activity.date()).days
                out.append(SignalTruth("blocked", project, card.short_link, float(days)))
            if card.due is not None and card.due.astimezone(UTC).date() < anchor:
                out.append(SignalTruth("overdue", project, card.short_link, float((anchor - card.due.date()).days)))
    for each in projects:
        mine = [i for i in issues if i.project_key == each.jira_key] if each.jira_key else []
        own_board = next((b for b in boards if b.id == each.trello_board_id), None)
        figure = next(f for f in figures if f.project_id == each.id)
        out += _project_signals(each, mine, own_board, sprints, jira_projects, figure, anchor)
    return tuple(out)


def _project_signals(
    project: PortfolioProject,
    issues: list[JiraIssue],
    board: TrelloBoard | None,
    sprints: Sequence[Sprint],
    jira_projects: Sequence[JiraProject],
    figure: ProjectTruth,
    anchor: date,
) -> list[SignalTruth]:
    out: list[SignalTruth] = []
    if board is None and issues:
        out += _aging(project.id, issues, anchor)
    # concentration: in-progress points by assignee (cards carry no estimates)
    held: dict[str | None, float] = defaultdict(float)
    for i in issues:
        if _category(i.status_id) == "indeterminate" and i.story_points:
            held[i.assignee] += i.story_points
    total = sum(held.values())
    for person, points in held.items():
        if person is not None and total and points / total > CONCENTRATION_ABOVE:
            out.append(SignalTruth("concentration", project.id, None, points / total))
    # say/do over the last closed sprints, by close
    recent = sorted(figure.sprints, key=lambda s: s.complete, reverse=True)[:SAY_DO_SPRINTS]
    committed = sum(s.committed_points for s in recent)
    if committed and sum(s.completed_points for s in recent) / committed < SAY_DO_BELOW:
        out.append(SignalTruth("say_do", project.id, None, sum(s.completed_points for s in recent) / committed))
    # scope growth since the end of the day before the first sprint began
    board_id = next((p.board_id for p in jira_projects if p.key == project.jira_key), None)
    starts = [s.start for s in sprints if s.board_id == board_id and s.start and s.start.date() <= anchor]
    if starts and figure.days:
        before = next((d for d in figure.days if d.day.toordinal() == min(starts).date().toordinal() - 1), None)
        now = figure.day(anchor)
        estimated = sum(1 for i in issues if i.story_points is not None)
        by_points = now.items_total and estimated / now.items_total >= COVERAGE_FOR_POINTS
        if before is not None:
            then_scope = (before.points_total or 0.0) if by_points else before.items_total
            now_scope = (now.points_total or 0.0) if by_points else now.items_total
            if then_scope and (now_scope - then_scope) / then_scope > SCOPE_GROWTH_ABOVE:
                out.append(SignalTruth("scope_growth", project.id, None, (now_scope - then_scope) / then_scope))
    # inactive: the last creation, change or worklog of any item
    moments = [i.updated for i in issues] + [w.started for i in issues for w in i.worklogs]
    if board is not None:
        moments += [c.last_activity for c in board.cards]
    if moments:
        idle = (anchor - max(moments).astimezone(UTC).date()).days
        if idle >= INACTIVE_AFTER_DAYS:
            out.append(SignalTruth("inactive", project.id, None, float(idle)))
    return out


def _aging(project_id: str, issues: list[JiraIssue], anchor: date) -> list[SignalTruth]:
    """Work in progress older (inclusive days) than the nearest-rank P85 cycle time of done issues."""

    def started(issue: JiraIssue) -> datetime | None:
        if _category(creation_state(issue).status_id) != "new":
            return issue.created
        moves = [
            h.created
            for h in issue.histories
            for item in h.items
            if item.field_id == "status" and _category(item.to_value or "") != "new"
        ]
        return min(moves, default=None)

    def finished(issue: JiraIssue) -> datetime | None:
        moves = [
            h.created
            for h in issue.histories
            for item in h.items
            if item.field_id == "status" and _category(item.to_value or "") == "done"
        ]
        return max(moves, default=issue.resolution_date or issue.created)

    cycles = []
    for issue in issues:
        begin = started(issue)
        if _category(issue.status_id) == "done" and begin is not None:
            end = finished(issue)
            if end is not None and begin.date() <= end.date():
                cycles.append((end.date() - begin.date()).days + 1)
    if not cycles:
        return []
    cycles.sort()
    p85 = cycles[-(-85 * len(cycles) // 100) - 1]
    out = []
    for issue in issues:
        begin = started(issue)
        if _category(issue.status_id) == "indeterminate" and begin is not None and begin.date() <= anchor:
            age = (anchor - begin.date()).days + 1
            if age > p85:
                out.append(SignalTruth("aging_wip", project_id, issue.key, float(age)))
    return out
