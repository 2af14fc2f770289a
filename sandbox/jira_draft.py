"""A Jira issue under construction: every field change goes through a method that records it.

Recording each change as the changelog item Jira itself would write keeps the final fields and the
history consistent by construction: replaying the history from the creation state gives the final state.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sandbox.jira_catalog import (
    FLAG_IMPEDIMENT,
    FLAGGED_FIELD,
    IN_PROGRESS,
    POINTS_FIELD_NAMES,
    RANK_FIELD,
    RESOLUTION_DONE,
    SPRINT_FIELD,
    STATUS_DONE,
    STATUS_TODO,
    STORY_POINTS_FIELD,
    Status,
)
from sandbox.model import ChangeItem


def points_text(points: float | None) -> str | None:
    """Story points as Jira writes them in changelogs: "3", "0.5"; None when unestimated."""
    if points is None:
        return None
    return str(int(points)) if points == int(points) else str(points)


@dataclass(slots=True)
class Event:
    """One changelog history before its site-wide id is known (`items` may be a shared tuple)."""

    at: datetime
    seq: int
    author: str
    items: Sequence[ChangeItem]


@dataclass
class IssueDraft:
    """Mutable issue state during simulation. `open_sprint` is the not-yet-closed sprint it sits in.

    `planted` names the scripted scenario the issue plays (sandbox.jira_plant); the random simulation
    leaves such an issue alone. None for every other issue. `content_seed`: see JiraIssue.
    """

    num: int
    project_key: str
    issue_type: str
    summary: str
    priority: str
    created: datetime
    reporter: str
    points: float | None
    due: date | None
    labels: tuple[str, ...]
    seq: itertools.count[int]
    points_field: str = STORY_POINTS_FIELD
    status: Status = STATUS_TODO
    assignee: str | None = None
    sprints: list[int] = field(default_factory=list)
    open_sprint: int | None = None
    planted: str | None = None
    content_seed: int | None = None
    flagged: bool = False
    resolution_date: datetime | None = None
    category_changed: datetime | None = None
    events: list[Event] = field(default_factory=list)
    # [start, end) intervals spent in an "in progress" category status; end None = still there.
    work_intervals: list[list[datetime | None]] = field(default_factory=list)
    _last: datetime | None = None

    @property
    def key(self) -> str:
        return f"{self.project_key}-{self.num}"

    def _record(self, at: datetime, author: str, items: list[ChangeItem]) -> None:
        # Tracked fields must change in time order, or replaying the history would not give the state.
        if at <= self.last_event_at():
            raise ValueError(f"{self.key}: change at {at} is not after the previous one")
        self.events.append(Event(at, next(self.seq), author, items))
        self._last = at

    def note(self, at: datetime, author: str, items: Sequence[ChangeItem]) -> None:
        """Record a change of a field neither the simulation nor the ground truth reads (Rank, Flagged,
        description, labels, links...): it carries no state, so it may go anywhere in time after creation."""
        self.events.append(Event(at, next(self.seq), author, items))

    def change_status(self, at: datetime, new: Status, author: str) -> None:
        old = self.status
        if new == old:
            return
        items = []
        if new == STATUS_DONE:
            rid, rname, _ = RESOLUTION_DONE
            items.append(ChangeItem("resolution", "jira", "resolution", None, None, rid, rname))
            self.resolution_date = at
        elif old == STATUS_DONE:
            rid, rname, _ = RESOLUTION_DONE
            items.append(ChangeItem("resolution", "jira", "resolution", rid, rname, None, None))
            self.resolution_date = None
        items.append(ChangeItem("status", "jira", "status", old.id, old.name, new.id, new.name))
        self._record(at, author, items)
        if old.category != new.category:
            self.category_changed = at
            if new.category == IN_PROGRESS:
                self.work_intervals.append([at, None])
            elif old.category == IN_PROGRESS:
                self.work_intervals[-1][1] = at
        self.status = new

    def change_sprints(self, at: datetime, new: list[int], author: str, names: Mapping[int, str]) -> None:
        def ids(values: list[int]) -> str:
            return ", ".join(str(v) for v in values)

        def labels(values: list[int]) -> str:
            return ", ".join(names[v] for v in values)

        item = ChangeItem(
            "Sprint", "custom", SPRINT_FIELD, ids(self.sprints), labels(self.sprints), ids(new), labels(new)
        )
        self._record(at, author, [item])
        self.sprints = list(new)

    def change_points(self, at: datetime, new: float | None, author: str) -> None:
        if new == self.points:
            return
        old_text, new_text = points_text(self.points), points_text(new)
        name = POINTS_FIELD_NAMES[self.points_field]
        item = ChangeItem(name, "custom", self.points_field, old_text, old_text, new_text, new_text)
        self._record(at, author, [item])
        self.points = new

    def change_assignee(self, at: datetime, new: str | None, author: str, names: Mapping[str, str]) -> None:
        if new == self.assignee:
            return
        old = self.assignee
        item = ChangeItem(
            "assignee",
            "jira",
            "assignee",
            old,
            names[old] if old else None,
            new,
            names[new] if new else None,
        )
        self._record(at, author, [item])
        self.assignee = new

    def rerank(self, at: datetime, author: str, higher: bool) -> None:
        text = "Ranked higher" if higher else "Ranked lower"
        self.note(at, author, [ChangeItem("Rank", "custom", RANK_FIELD, "", "", "", text)])

    def toggle_flag(self, at: datetime, author: str) -> None:
        fid, fname = FLAG_IMPEDIMENT
        on = (None, None, f"[{fid}]", fname)
        off = (f"[{fid}]", fname, None, None)
        from_value, from_string, to_value, to_string = off if self.flagged else on
        item = ChangeItem("Flagged", "custom", FLAGGED_FIELD, from_value, from_string, to_value, to_string)
        self.note(at, author, [item])
        self.flagged = not self.flagged

    def last_event_at(self) -> datetime:
        """When the last tracked field (status, sprint, points, assignee) changed, else creation."""
        return self._last if self._last is not None else self.created
