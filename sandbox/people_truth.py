"""Ground truth of people: which accounts are one person (as `sandbox.staffing` planted them), and
each person's load per ISO week, from the generated model (never from pmhub's tables).

The load follows the analyst contract of `mart.people_load`:
- an item counts for its assignee now (a Jira issue's assignee, a card's first member, a plan
  task's resource); it is open in a week when a state that is not done lasts into it;
- a sprint commitment runs from the item's first commitment (sprint start, or when added) to the
  sprint's end or the item's removal, at its points then (× hours per point: the sandbox's issues
  carry no hour estimate), spread over those weekdays;
- plan work is spread over the assignment's weekdays, and its actual work is logged on its start;
- capacity is the configured (or default) week × part time × the weekdays neither away nor
  holiday ÷ 5.
Dates are UTC dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sandbox.daily_truth import card_timelines, issue_states
from sandbox.model import JiraIssue
from sandbox.msproject_plans import PlanTask
from sandbox.portfolio import SOURCE_NAME, Portfolio
from sandbox.replay import sprint_changes, state_at
from sandbox.staffing import BUILDER

JIRA, TRELLO, CONFLUENCE = f"jira:{SOURCE_NAME}", f"trello:{SOURCE_NAME}", f"confluence:{SOURCE_NAME}"
PLANS = "msproject:plans"  # the demo's plan source


@dataclass(frozen=True)
class WeekLoad:
    open_items: int = 0
    committed_points: float = 0.0
    committed_hours: float = 0.0
    logged_hours: float = 0.0
    planned_hours: float = 0.0
    capacity_hours: float = 0.0


def jira_account(account_id: str) -> str:
    return f"{JIRA}:user:{account_id}"


def plan_resource(name: str) -> str:
    return f"{PLANS}:resource:{name}"


def identity_truth(portfolio: Portfolio) -> dict[str, str]:
    """Account id → person id for the accounts the planted rules join (each other account is its
    own person, and every charter author's Confluence account joins their Jira account): configured
    people take their listed accounts; the Borealis charter's author has one accountId in Confluence
    and Jira; the plan's e-mailed resource joins its Jira account."""
    staffing = portfolio.staffing
    assert staffing is not None
    merged: dict[str, str] = {}
    for c in staffing.configured:
        p = c.person
        for account in (jira_account(p.account_id), f"{TRELLO}:member:{p.trello_id}"):
            merged[account] = c.person_id
        if any(tool == "msproject" for tool, _h in c.handles):
            merged[plan_resource(BUILDER)] = c.person_id
    charter = next(page for space in portfolio.spaces for page in space.pages if page.title == "Borealis charter")
    merged[f"{CONFLUENCE}:user:{charter.author_id}"] = jira_account(charter.author_id)
    for role in staffing.plan_roles:
        if role.email:
            merged[plan_resource(role.person.display_name)] = jira_account(role.person.account_id)
    return merged


def name_only_suggestions(portfolio: Portfolio) -> set[str]:
    """Names pmhub must report as a likeness and not merge: members of the synced boards the config
    does not list whose name a synced Jira account carries too (as assignee, reporter, author of a
    change or a worklog), and the plan's resource without an e-mail."""
    staffing = portfolio.staffing
    assert staffing is not None
    synced = {p.key for p in portfolio.jira_projects if p.in_portfolio}
    seen = {
        who
        for i in portfolio.issues
        if i.project_key in synced
        for who in (i.assignee, i.reporter, *(h.author for h in i.histories), *(w.author for w in i.worklogs))
    }
    configured = {c.person.trello_id for c in staffing.configured}
    members = {m for b in portfolio.trello_boards if b.in_portfolio for c in b.cards for m in c.member_ids}
    members |= {m for b in portfolio.trello_boards if b.in_portfolio for m in b.member_ids}
    names = {p.display_name for p in portfolio.people if p.trello_id in members - configured and p.account_id in seen}
    return names | {r.person.display_name for r in staffing.plan_roles if not r.email}


def _weekdays(first: date, last: date) -> int:
    return sum(1 for n in range((last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _spread(hours: float, first: date, last: date, weeks: Sequence[date]) -> dict[date, float]:
    """hours over the weekdays first..last, per week of `weeks` (all in first's week without any)."""
    total = _weekdays(first, last)
    if total == 0:
        return {_monday(first): hours} if _monday(first) in weeks else {}
    shares = {
        w: _weekdays(max(w, first), min(w + timedelta(days=6), last))
        for w in weeks
        if first <= w + timedelta(days=6) and last >= w
    }
    return {w: hours * n / total for w, n in shares.items()}


def _open_weeks(states: Sequence[tuple[datetime, bool]], weeks: Sequence[date]) -> set[date]:
    found = set()
    for n, (since, done) in enumerate(states):
        until = states[n + 1][0] if n + 1 < len(states) else None
        if done or (until is not None and until <= since):
            continue
        found |= {w for w in weeks if since.date() <= w + timedelta(days=6) and (until is None or until.date() >= w)}
    return found


def load_truth(
    portfolio: Portfolio,
    plan: Sequence[PlanTask],
    as_of: date,
    weeks_back: int = 12,
    weeks_ahead: int = 8,
    default_hours: float = 40.0,
    hours_per_point: float = 6.0,
) -> dict[tuple[str, date], WeekLoad]:
    """(person id, Monday) → the person's load that week, for the synced portfolio and `plan`
    (the demo plan's tasks as written, its resources named by `Staffing.plan_staff`)."""
    staffing = portfolio.staffing
    assert staffing is not None
    person = identity_truth(portfolio)

    def who(account: str) -> str:
        return person.get(account, account)

    first = _monday(as_of) - timedelta(weeks=weeks_back)
    weeks = [first + timedelta(weeks=n) for n in range(weeks_back + weeks_ahead + 1)]
    parts: dict[tuple[str, date], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    synced_keys = {p.key for p in portfolio.jira_projects if p.in_portfolio}
    issues = [i for i in portfolio.issues if i.project_key in synced_keys]
    for issue in issues:
        for w in issue.worklogs:
            week = _monday(w.started.date())
            if week in weeks:
                parts[(who(jira_account(w.author)), week)]["logged_hours"] += w.seconds / 3600
        if issue.assignee is None:
            continue
        owner = who(jira_account(issue.assignee))
        for week in _open_weeks([(at, done) for at, done, _p in issue_states(issue)], weeks):
            parts[(owner, week)]["open_items"] += 1
    for board in portfolio.trello_boards:
        if not board.in_portfolio:
            continue
        timelines = card_timelines(board)
        for card in board.cards:
            if card.member_ids:
                owner = who(f"{TRELLO}:member:{card.member_ids[0]}")
                for week in _open_weeks([(at, done) for at, done, _p in timelines[card.id]], weeks):
                    parts[(owner, week)]["open_items"] += 1
    by_issue = {i.id: i for i in issues}
    for sprint in portfolio.sprints:
        if sprint.state not in ("active", "closed") or sprint.start is None:
            continue
        run_end = sprint.complete or sprint.end
        assert run_end is not None
        for issue in by_issue.values():
            if issue.assignee is None:
                continue
            commitment = _commitment(issue, sprint.id, sprint.start, run_end)
            if commitment is None:
                continue
            since, until = commitment
            points = state_at(issue, since).points
            points = issue.story_points if points is None else points
            owner = who(jira_account(issue.assignee))
            for week, hours in _spread((points or 0) * hours_per_point, since.date(), until.date(), weeks).items():
                parts[(owner, week)]["committed_points"] += points or 0
                parts[(owner, week)]["committed_hours"] += hours
    resources = {name: plan_resource(name) for name, _email in staffing.plan_staff().values()}
    for task in plan:
        if task.resource and task.work_hours > 0:
            owner = who(resources.get(task.resource, plan_resource(task.resource)))
            first_day = task.actual_start or task.start
            for week, hours in _spread(task.work_hours, first_day, task.finish, weeks).items():
                parts[(owner, week)]["planned_hours"] += hours
            if task.actual_work_hours and _monday(first_day) in weeks:
                # a plan reports actual work per assignment: pmhub books it on the assignment's start
                parts[(owner, _monday(first_day))]["logged_hours"] += task.actual_work_hours
            for week in _open_weeks(
                [(datetime.combine(first_day, datetime.min.time()), False)]
                + ([(datetime.combine(task.actual_finish, datetime.min.time()), True)] if task.actual_finish else []),
                weeks,
            ):
                parts[(owner, week)]["open_items"] += 1
    configured = {c.person_id: c for c in staffing.configured}
    for listed in staffing.configured:  # a configured person has a row every week
        for week in weeks:
            parts.setdefault((listed.person_id, week), defaultdict(float))
    holidays = {d for a, b in staffing.holidays for d in _days(a, b)}
    result = {}
    for (pid, week), got in parts.items():
        c = configured.get(pid)
        off = holidays | ({d for a, b in c.away for d in _days(a, b)} if c else set())
        workdays = sum(1 for d in _days(week, week + timedelta(days=6)) if d.weekday() < 5 and d not in off)
        full = (c.hours_per_week or default_hours) * c.part_time if c else default_hours
        result[(pid, week)] = WeekLoad(
            open_items=int(got["open_items"]),
            committed_points=got["committed_points"],
            committed_hours=got["committed_hours"],
            logged_hours=got["logged_hours"],
            planned_hours=got["planned_hours"],
            capacity_hours=full * workdays / 5,
        )
    return result


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _commitment(
    issue: JiraIssue, sprint_id: int, start: datetime, run_end: datetime
) -> tuple[datetime, datetime] | None:
    """When the issue was first committed to the sprint while it ran, and when that ended (the
    sprint's end, or the issue's last removal before it)."""
    inside = sprint_id in state_at(issue, start).sprint_ids
    since = start if inside else None
    until = run_end
    for at, before, after in sprint_changes(issue):
        if not start < at < run_end:
            continue
        if sprint_id in after and sprint_id not in before:
            since = since or at
            inside, until = True, run_end
        elif sprint_id in before and sprint_id not in after and inside:
            inside, until = False, at
    return (since, until) if since is not None else None
