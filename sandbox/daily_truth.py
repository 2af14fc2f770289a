"""Ground truth by date: each project's burn-up and actual cost per UTC day, each board's weekly throughput.

A day's figures are the state at the end of that UTC day (every change before the next midnight).
Jira issues are replayed from their changelogs (sandbox.replay), Trello cards from their board's
actions (createCard, then each updateCard that moves the card to another list).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sandbox.model import JiraIssue, TrelloBoard
from sandbox.replay import is_done, timeline

# One item's states: (instant, done, points) from that instant on, the first one at creation.
States = list[tuple[datetime, bool, float | None]]


@dataclass(frozen=True)
class DayTruth:
    """One project at the end of UTC day `day`.

    items_total: items created by then (Jira issues and Trello cards, archived cards included);
    items_done: those in a done status (Jira status category "done"; the card in its board's done
    list). points_total / points_done: story points of all / done items, each at its estimate then;
    None when no item had an estimate then (Trello cards carry none). cost: actual cost (AC) so far,
    every worklog started on or before `day` (UTC date) at its author's hourly rate. It includes
    worklogs updated in the minute before "now", which Jira's worklog feed serves only to a later sync.
    Generated boards have no hours or cost custom fields, so Trello cards add no cost.
    """

    day: date
    items_total: int
    items_done: int
    points_total: float | None
    points_done: float | None
    cost: float


@dataclass(frozen=True)
class WeekTruth:
    """Cards of a board completed in one ISO week (Monday `start`, label `week` like "2026-W07").

    A card counts when it is in the board's done list now, in the week of its last move into that
    list. Every week from the one of the board's first card to the anchor's week is listed, zeros too.
    """

    board_id: str
    week: str
    start: date
    completed_items: int


def iso_week(day: date) -> str:
    """ISO 8601 week label of `day`: "%G-W%V"."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def issue_states(issue: JiraIssue) -> States:
    return [(at, is_done(s.status_id), s.points) for at, s in timeline(issue)]


def _card_lists(board: TrelloBoard) -> dict[str, list[tuple[datetime, str]]]:
    """Card id -> (instant, list id from then on), from createCard and list moves, oldest first."""
    lists: dict[str, list[tuple[datetime, str]]] = {}
    for action in board.actions:
        data = action.data
        if action.type == "createCard":
            lists[data["card"]["id"]] = [(action.date, data["list"]["id"])]
        elif action.type == "updateCard" and "listAfter" in data:
            lists[data["card"]["id"]].append((action.date, data["listAfter"]["id"]))
    return lists


def card_timelines(board: TrelloBoard) -> dict[str, States]:
    """Card id -> its states: in the board's done list or not, from creation and each list move."""
    return {
        card: [(at, lst == board.done_list_id, None) for at, lst in moves] for card, moves in _card_lists(board).items()
    }


def card_states(board: TrelloBoard) -> list[States]:
    return list(card_timelines(board).values())


_FIGURES = ("items", "done", "estimated", "points", "done_points")


def _figures(state: tuple[bool, float | None]) -> tuple[float, ...]:
    """What one item adds to the end-of-day totals, in _FIGURES order."""
    done, points = state
    value = points or 0.0
    return 1.0, float(done), float(points is not None), value, value if done else 0.0


def _end_of_day_deltas(items: Iterable[States]) -> dict[date, list[float]]:
    """Per date, how the end-of-day totals change: each item's last state of a date minus the one before."""
    deltas: dict[date, list[float]] = {}
    for states in items:
        last_of_day: dict[date, tuple[bool, float | None]] = {}
        for at, done, points in states:
            last_of_day[at.date()] = (done, points)
        before = (0.0,) * len(_FIGURES)
        for day in sorted(last_of_day):
            after = _figures(last_of_day[day])
            delta = deltas.setdefault(day, [0.0] * len(_FIGURES))
            for n, (old, new) in enumerate(zip(before, after, strict=True)):
                delta[n] += new - old
            before = after
    return deltas


def _daily_cost(issues: Sequence[JiraIssue], default_rate: float, rates: Mapping[str, float]) -> dict[date, float]:
    cost: dict[date, float] = {}
    for issue in issues:
        for w in issue.worklogs:
            day = w.started.date()
            cost[day] = cost.get(day, 0.0) + w.seconds / 3600 * rates.get(w.author, default_rate)
    return cost


def project_days(
    issues: Sequence[JiraIssue],
    board: TrelloBoard | None,
    default_rate: float,
    rates: Mapping[str, float],
    anchor: date,
) -> tuple[DayTruth, ...]:
    """One DayTruth per day from the project's first item to `anchor` (empty when it has no item)."""
    items = [issue_states(i) for i in issues] + (card_states(board) if board else [])
    if not items:
        return ()
    deltas = _end_of_day_deltas(items)
    costs = _daily_cost(issues, default_rate, rates)
    day = min(deltas)
    totals = [0.0] * len(_FIGURES)
    spent = sum(amount for when, amount in costs.items() if when < day)  # logged before the first item
    out = []
    while day <= anchor:
        totals = [t + d for t, d in zip(totals, deltas.get(day, [0.0] * len(_FIGURES)), strict=True)]
        spent += costs.get(day, 0.0)
        count, done, estimated, points, done_points = totals
        out.append(
            DayTruth(
                day,
                round(count),
                round(done),
                points if estimated > 0 else None,
                done_points if estimated > 0 else None,
                spent,
            )
        )
        day += timedelta(days=1)
    return tuple(out)


def board_weeks(board: TrelloBoard, anchor: date) -> tuple[WeekTruth, ...]:
    """The board's completed cards per ISO week (see WeekTruth)."""
    lists = _card_lists(board)
    if not lists:
        return ()
    done_week: Counter[date] = Counter()
    for card in board.cards:
        moves = lists[card.id]
        if card.list_id != board.done_list_id:
            continue
        entered = [at for at, lst in moves[1:] if lst == board.done_list_id] or [moves[0][0]]
        day = entered[-1].date()
        done_week[day - timedelta(days=day.weekday())] += 1
    first = min(moves[0][0].date() for moves in lists.values())
    week, out = first - timedelta(days=first.weekday()), []
    while week <= anchor:
        out.append(WeekTruth(board.id, iso_week(week), week, done_week[week]))
        week += timedelta(days=7)
    return tuple(out)
