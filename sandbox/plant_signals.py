"""Planted risk signals (issue 15), and a control project that none of pmhub's rules may flag.

Applied in the demo profile to the generated site and boards before the ground truth is computed.
No choice draws from the generator's random source (the control board has its own), so every other
generated value stays what it was. Each plant takes the first fitting item by id, or none where
none fits (a tiny site):

- flagged: an open APL issue whose Flagged field never changed gets the flag.
- blocked_by_link: Blocks links, each on both issues ("is blocked by" / "blocks"): an open APL issue
  waits for an open BOR issue, and an open DRC issue for an open NOISE issue (a project outside the
  portfolio, which pmhub does not sync); and two that must not count: an open BOR issue waits for a
  done APL issue, an open APL issue for another open APL issue.
- overdue: an open BOR issue without a due date falls due ten days before the anchor.
- unestimated_in_sprint: an APL issue to do, in no sprint and whose estimate never changed, is
  planned into APL's active sprint an hour after it began (or was created), without an estimate.
- aging_wip: the oldest BOR issue to do, in no sprint and without a status change, went in progress
  a day after it was created (a changelog history is added; history ids are renumbered in time order).
- blocked (Trello): an open card of "Cygnus Launch" gets the board's "Blocked" label.

The control project "Control" is one Trello board, "Control Room": lists To Do and Done, 24 cards
written over the last ten weeks (the last activity within a week), without due dates, labels or
estimates, and no sprints: nothing is in progress, late, blocked or idle.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sandbox.gen_jira import JiraSite
from sandbox.gen_trello import TrelloSpec, generate_board
from sandbox.jira_catalog import (
    CLASSIC_POINTS_FIELD,
    FLAGGED_FIELD,
    SPRINT_FIELD,
    STATUS_BY_ID,
    STATUS_IN_PROGRESS,
    STATUS_TODO,
    STORY_POINTS_FIELD,
)
from sandbox.model import (
    ChangeHistory,
    ChangeItem,
    IssueLink,
    JiraIssue,
    Person,
    PortfolioProject,
    Sprint,
    TrelloBoard,
)
from sandbox.timefmt import midnight

CONTROL_ID = "control"
CONTROL_NAME = "Control"
CONTROL_BOARD = "Control Room"
CONTROL_CHARTER = "Control charter"
BLOCKS = ("10000", "Blocks", "is blocked by", "blocks")
CONTROL_DAYS = 70  # the control board's age: its cards were written over these last days
CONTROL_RECENT_DAYS = 7  # its last card activity is at most this old
OVERDUE_DAYS = 10


@dataclass(frozen=True)
class PlantedSignal:
    """A signal planted on purpose: the rule that must name it, its project and the item's key."""

    rule: str
    project_id: str
    key: str


@dataclass(frozen=True)
class Planted:
    site: JiraSite
    boards: tuple[TrelloBoard, ...]
    signals: tuple[PlantedSignal, ...]


def is_open(issue: JiraIssue) -> bool:
    return STATUS_BY_ID[issue.status_id].category.key != "done"


def _changes(issue: JiraIssue, *field_ids: str) -> bool:
    return any(item.field_id in field_ids for h in issue.histories for item in h.items)


def plant(
    site: JiraSite, boards: tuple[TrelloBoard, ...], projects: Sequence[PortfolioProject], now: datetime
) -> Planted:
    """Plant the signals of the module docstring; `projects` name each Jira key's portfolio project."""
    project_of = {p.jira_key: p.id for p in projects if p.jira_key}
    issues = {i.id: i for i in site.issues}
    used: set[int] = set()
    planted: list[PlantedSignal] = []

    def pick(key: str, fits: Callable[[JiraIssue], bool], latest: bool = False) -> JiraIssue | None:
        found = [i for i in issues.values() if i.project_key == key and i.id not in used and fits(i)]
        chosen = max(found, key=lambda i: i.id) if latest and found else min(found, key=lambda i: i.id, default=None)
        if chosen is not None:
            used.add(chosen.id)
        return chosen

    def mark(rule: str, issue: JiraIssue) -> None:
        planted.append(PlantedSignal(rule, project_of[issue.project_key], issue.key))

    flagged = pick("APL", lambda i: is_open(i) and not i.flagged and not _changes(i, FLAGGED_FIELD))
    if flagged:
        issues[flagged.id] = replace(flagged, flagged=True)
        mark("blocked", flagged)

    link_ids = iter(range(10001, 10100))
    pairs = [
        ("APL", is_open, "BOR", is_open, True),
        ("DRC", is_open, "NOISE", is_open, True),
        ("BOR", is_open, "APL", lambda i: not is_open(i), False),
        ("APL", is_open, "APL", is_open, False),
    ]
    for waiting_key, waiting_fits, blocker_key, blocker_fits, counts in pairs:
        waiting, blocker = pick(waiting_key, waiting_fits), pick(blocker_key, blocker_fits)
        if waiting is None or blocker is None:
            continue
        link = IssueLink(next(link_ids), *BLOCKS, "inward", blocker.id)
        issues[waiting.id] = replace(issues[waiting.id], links=(*issues[waiting.id].links, link))
        back = replace(link, side="outward", issue_id=waiting.id)
        issues[blocker.id] = replace(issues[blocker.id], links=(*issues[blocker.id].links, back))
        if counts:
            mark("blocked_by_link", waiting)

    late = pick("BOR", lambda i: is_open(i) and i.due_date is None)
    if late:
        issues[late.id] = replace(late, due_date=now.date() - timedelta(days=OVERDUE_DAYS))
        mark("overdue", late)

    apl = next((p for p in site.projects if p.key == "APL"), None)
    active = next((s for s in site.sprints if apl and s.board_id == apl.board_id and s.state == "active"), None)
    points_fields = (STORY_POINTS_FIELD, CLASSIC_POINTS_FIELD)
    backlog = pick(
        "APL",
        lambda i: (
            i.status_id == STATUS_TODO.id
            and not i.sprint_ids
            and not _changes(i, *points_fields)
            and i.created < now - timedelta(hours=2)  # planned an hour after it was written, before now
        ),
        latest=True,
    )
    if backlog and active and active.start:
        at = min(max(active.start, backlog.created) + timedelta(hours=1), now - timedelta(minutes=1))
        issues[backlog.id] = _into_sprint(replace(backlog, story_points=None), active, at)
        mark("unestimated_in_sprint", backlog)

    stale = pick(
        "BOR",
        lambda i: (
            i.status_id == STATUS_TODO.id
            and not i.sprint_ids
            and not _changes(i, "status")
            and i.created < now - timedelta(days=30)
        ),
    )
    if stale:
        issues[stale.id] = _started(stale, stale.created + timedelta(days=1))
        mark("aging_wip", stale)

    ordered = _renumber_histories(sorted(issues.values(), key=lambda i: i.id))
    boards = tuple(_label_blocked(b, planted) if b.name == "Cygnus Launch" else b for b in boards)
    return Planted(replace(site, issues=ordered), boards, tuple(planted))


def _started(issue: JiraIssue, at: datetime) -> JiraIssue:
    """`issue`, moved from To Do to In Progress at `at` (id 0: `_renumber_histories` gives it one)."""
    item = ChangeItem(
        "status", "jira", "status", STATUS_TODO.id, STATUS_TODO.name, STATUS_IN_PROGRESS.id, STATUS_IN_PROGRESS.name
    )
    history = ChangeHistory(0, issue.assignee or issue.reporter, at, (item,))
    histories = tuple(sorted((*issue.histories, history), key=lambda h: h.created))
    return replace(issue, status_id=STATUS_IN_PROGRESS.id, status_category_changed=at, histories=histories)


def _into_sprint(issue: JiraIssue, sprint: Sprint, at: datetime) -> JiraIssue:
    """`issue` (in no sprint), planned into `sprint` at `at` (its Sprint field's changelog says so)."""
    item = ChangeItem("Sprint", "custom", SPRINT_FIELD, "", "", str(sprint.id), sprint.name)
    history = ChangeHistory(0, issue.reporter, at, (item,))
    histories = tuple(sorted((*issue.histories, history), key=lambda h: h.created))
    return replace(issue, sprint_ids=(sprint.id,), histories=histories, updated=max(issue.updated, at))


def _renumber_histories(issues: list[JiraIssue]) -> tuple[JiraIssue, ...]:
    """History ids grow with time site-wide (as the generator gives them): renumber after a plant."""
    order = sorted((h.created, h.id, i.id) for i in issues for h in i.histories)
    new_ids = {(issue_id, old, at): 10001 + n for n, (at, old, issue_id) in enumerate(order)}
    return tuple(
        replace(i, histories=tuple(replace(h, id=new_ids[(i.id, h.id, h.created)]) for h in i.histories))
        for i in issues
    )


def _label_blocked(board: TrelloBoard, planted: list[PlantedSignal]) -> TrelloBoard:
    label = next((lb.id for lb in board.labels if lb.name == "Blocked"), None)
    card = next(
        (
            c
            for c in sorted(board.cards, key=lambda c: c.id)
            if not c.closed and c.list_id != board.done_list_id and label not in c.label_ids
        ),
        None,
    )
    if label is None or card is None:
        return board
    planted.append(PlantedSignal("blocked", "cygnus", card.short_link))
    labelled = replace(card, label_ids=tuple(sorted((*card.label_ids, label))))
    return replace(board, cards=tuple(labelled if c.id == card.id else c for c in board.cards))


def control_board(seed: int, me: Person, members: Sequence[Person], anchor: date) -> TrelloBoard:
    """The control project's board (module docstring), from its own random source: the first draw
    whose last card activity is within CONTROL_RECENT_DAYS of the anchor, so no seed makes it idle."""
    now = midnight(anchor)
    spec = TrelloSpec(
        CONTROL_BOARD, "noise", anchor - timedelta(days=CONTROL_DAYS), 24, ("To Do", "Done"), "Later", True,
        tuple(members),
    )  # fmt: skip
    for attempt in itertools.count():
        board = generate_board(random.Random(f"control-{seed}-{attempt}"), spec, me, now)
        if max(c.last_activity for c in board.cards) >= now - timedelta(days=CONTROL_RECENT_DAYS):
            break
    cards = tuple(replace(c, due=None, due_complete=False, label_ids=()) for c in board.cards)
    return replace(board, cards=cards)
