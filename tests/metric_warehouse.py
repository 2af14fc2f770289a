"""A warehouse made by the real pipeline with no synced data, then filled with the core and stage
rows of a worked example, so mart SQL can be checked against metrics.md's oracles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from models.config import PmhubConfig, Project
from pipelines.sources import RAW_SCHEMA
from pipelines.transform import build_core, build_marts, prepare_meta
from pipelines.warehouse import ensure_base_schema

SOURCE = "jira:x"


def at(text: str) -> datetime:
    """`2024-03-01` (10:00 UTC) or a full ISO timestamp."""
    return datetime.fromisoformat(text if "T" in text else f"{text}T10:00:00+00:00")


@dataclass
class MetricWarehouse:
    conn: duckdb.DuckDBPyConnection

    @classmethod
    def empty(cls, project_ids: Sequence[str], as_of: date) -> MetricWarehouse:
        conn = duckdb.connect()
        ensure_base_schema(conn, RAW_SCHEMA)
        config = PmhubConfig(portfolio=[Project(id=p, name=p.title()) for p in project_ids])
        prepare_meta(conn, config, as_of)
        build_core(conn, config, as_of)
        conn.execute("DELETE FROM core.projects")
        conn.executemany("INSERT INTO core.projects VALUES (?, ?)", [(p, p.title()) for p in project_ids])
        return cls(conn)

    def item(
        self,
        key: str,
        project: str,
        created: str,
        *,
        started: str | None = None,
        done: str | None = None,
        points: Sequence[tuple[str, float | None]] = (),
    ) -> None:
        """An item created To Do, in progress from `started`, done from `done`; `points` are
        (from, estimate) steps, the first at creation."""
        category = "done" if done else "in_progress" if started else "todo"
        self.conn.execute(
            """INSERT INTO core.work_items (item_id, source_id, container_id, project_id, external_id, key, status,
                   status_category, created_at, started_at, done_at, story_points, is_deleted)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)""",
            [key, SOURCE, f"{SOURCE}:project:{project}", project, key, key, category, category, at(created),
             at(started) if started else None, at(done) if done else None, points[-1][1] if points else None],
        )  # fmt: skip
        steps = [
            (created, "todo"),
            *([(started, "in_progress")] if started else []),
            *([(done, "done")] if done else []),
        ]
        self.conn.executemany(
            "INSERT INTO stage.status_history (item_id, valid_from, status, category, seq) VALUES (?, ?, ?, ?, ?)",
            [(key, at(t), c, c, n) for n, (t, c) in enumerate(steps)],
        )
        self.conn.executemany(
            "INSERT INTO stage.points_history VALUES (?, ?, ?)",
            [(key, at(t), p) for t, p in points or [(created, None)]],
        )

    def sprint(self, sprint_id: str, project: str, start: str, close: str, state: str = "closed") -> None:
        """A sprint of the project's board (one board per project)."""
        board = f"{SOURCE}:board:{project}"
        self.conn.execute(
            "INSERT INTO core.sprints (sprint_id, source_id, board_id, name, state, start_at, end_at, completed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                sprint_id,
                SOURCE,
                board,
                sprint_id,
                state,
                at(start),
                at(close),
                at(close) if state == "closed" else None,
            ],
        )
        if not self.conn.execute("SELECT 1 FROM stage.board_projects WHERE board_id = ?", [board]).fetchone():
            self.conn.execute(
                "INSERT INTO stage.board_projects VALUES (?, ?, ?)", [board, f"{SOURCE}:project:{project}", project]
            )

    def member(self, sprint_id: str, key: str, added: str, removed: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO core.sprint_membership (sprint_id, item_id, added_at, removed_at) VALUES (?, ?, ?, ?)",
            [sprint_id, key, at(added), at(removed) if removed else None],
        )

    def budget(self, project: str, bac: float, start: str, end: str, planned_sprints: int | None = None) -> None:
        self.conn.execute(
            "INSERT INTO core.budgets BY NAME SELECT ? AS project_id, 'EUR' AS currency, ? AS bac, "
            "?::DATE AS planned_start, ?::DATE AS planned_end, 'config' AS source, ? AS planned_sprints",
            [project, bac, start, end, planned_sprints],
        )

    def cost(self, project: str, day: str, amount: float) -> None:
        self.conn.execute(
            "INSERT INTO core.cost_entries VALUES (?, NULL, ?::DATE, ?, 'EUR', 'test')", [project, day, amount]
        )

    def build(self, config: PmhubConfig, as_of: date) -> None:
        build_marts(self.conn, config, as_of)

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        return self.conn.execute(sql, list(params)).fetchall()
