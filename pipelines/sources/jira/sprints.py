"""Boards and sprints of one Jira site: every sprint the synced issues name, wherever it runs.

Boards are listed per project (`projectKeyOrId`), which finds a board only when its filter names
that project. Sprints are read from every listed board that can run them: `scrum` boards and the
`simple` boards of team-managed projects (kanban boards cannot; a board of any other type is asked,
and one that answers "does not support sprints" gives none). A sprint the issues name (in their
Sprint field or its history) that no listed board returned runs on a board whose filter names no
project, or on one outside the allow-list: it is read by id, and then its board and all of that
board's sprints. Held boards that no project lists have their sprints listed again on each run,
since the state of a sprint moves on without its issues changing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.jira import JiraClient
from connectors.parallel import ordered_map
from pipelines.landing import LandingWriter
from pipelines.sources.jira.sprint_refs import field_sprint_ids, history_sprint_ids

NO_SPRINTS = frozenset({"kanban"})


@dataclass
class SprintLedger:
    """Sprints and boards landed by this run, and the sprints the issues read so far name."""

    sprint_field: str | None
    landed: set[int] = field(default_factory=set)
    boards: set[int] = field(default_factory=set)
    named: set[int] = field(default_factory=set)
    # Histories are noted from the threads that read them.
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def noting(self, issues: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Pass issues through, noting the sprints their Sprint field names."""
        for issue in issues:
            if self.sprint_field:
                found = field_sprint_ids((issue.get("fields") or {}).get(self.sprint_field))
                with self._lock:
                    self.named |= found
            yield issue

    def note_histories(self, histories: list[dict[str, Any]]) -> None:
        """Note the sprints an issue's Sprint changes name (before and after each change)."""
        if self.sprint_field:
            found = history_sprint_ids(histories, self.sprint_field)
            with self._lock:
                self.named |= found


def land_boards_and_sprints(
    client: JiraClient, writer: LandingWriter, projects: list[dict[str, Any]], ledger: SprintLedger
) -> None:
    """Boards per project and the sprints of each board that can run them, asked concurrently;
    a sprint seen on two boards is landed once."""
    workers = client.http.max_workers
    boards_of = list(ordered_map(lambda p: list(client.iter_boards(str(p["key"]))), projects, workers))
    running = {int(b["id"]): b for boards in boards_of for b in boards if b.get("type") not in NO_SPRINTS}
    sprints_of = dict(zip(running, ordered_map(lambda i: list(client.iter_sprints(i)), running, workers), strict=True))
    for project, boards in zip(projects, boards_of, strict=True):
        writer.write("jira_boards", boards, container=str(project["id"]))
        ledger.boards.update(int(b["id"]) for b in boards)
        for board in (b for b in boards if int(b["id"]) in running):
            _land_sprints(writer, ledger, sprints_of[int(board["id"])], str(board["id"]))


def land_named_sprints(
    client: JiraClient,
    writer: LandingWriter,
    ledger: SprintLedger,
    held: Mapping[int, str],
    unlisted_boards: Iterable[int],
) -> list[str]:
    """Read the sprints no listed board returned that the issues name, or that are held and not closed.

    `held`: sprint id → state of the sprints held (a closed one never changes: not read again).
    `unlisted_boards`: boards held that no project lists (no location); their sprints are listed
    again first. Then each sprint still wanted leads to its board: one sprint is read by id, its
    board is read and all of that board's sprints are listed, so a cross-project board costs three
    requests, not one per sprint. Returns warnings for sprints the site no longer returns (deleted,
    or on a board this account cannot see): their issues keep the membership their history records.
    """
    for board_id in sorted(set(unlisted_boards) - ledger.boards):
        _land_board_sprints(client, writer, ledger, board_id)
    closed = {i for i, state in held.items() if state == "closed"}
    wanted = sorted((ledger.named - closed) | (set(held) - closed))
    gone: list[int] = []
    for sprint_id in wanted:
        if sprint_id in ledger.landed:
            continue
        status, sprint = client.sprint(sprint_id)
        if status != 200 or sprint is None:
            gone.append(sprint_id)
            continue
        origin = _board_of(sprint)
        if origin is None or int(origin) in ledger.boards:
            _land_sprints(writer, ledger, [sprint], origin)
            continue
        board_status, board = client.board(int(origin))
        if board_status == 200 and board is not None:
            writer.write("jira_boards", [board], container=_located_project(board))
            _land_board_sprints(client, writer, ledger, int(origin))
        else:  # a board deleted, or out of this account's sight: its sprints are read one by one
            ledger.boards.add(int(origin))
        # A board that no longer lists the sprint still knows it: landed unless its listing held it.
        _land_sprints(writer, ledger, [sprint], origin)
    if not gone:
        return []
    listed = ", ".join(str(i) for i in gone[:10]) + (" …" if len(gone) > 10 else "")
    return [
        f"{writer.source_id}: {len(gone)} sprints named by issues are not returned by the site (deleted, or on a "
        f"board this account cannot see): {listed}"
    ]


def _land_board_sprints(client: JiraClient, writer: LandingWriter, ledger: SprintLedger, board_id: int) -> None:
    """Every sprint of one board not landed yet (none when the board cannot run sprints)."""
    ledger.boards.add(board_id)
    _land_sprints(writer, ledger, client.iter_sprints(board_id), str(board_id))


def _land_sprints(
    writer: LandingWriter, ledger: SprintLedger, sprints: Iterable[dict[str, Any]], board_id: str | None
) -> None:
    """Land the sprints not landed yet by this run (a sprint seen on two boards is landed once)."""
    fresh = [s for s in sprints if int(s["id"]) not in ledger.landed]
    ledger.landed.update(int(s["id"]) for s in fresh)
    writer.write("jira_sprints", fresh, container=board_id)


def _board_of(sprint: Mapping[str, Any]) -> str | None:
    board = sprint.get("originBoardId")
    return None if board is None else str(board)


def _located_project(board: Mapping[str, Any]) -> str | None:
    location = board.get("location")
    project = location.get("projectId") if isinstance(location, Mapping) else None
    return None if project is None else str(project)
