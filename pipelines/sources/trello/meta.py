"""The Python-made decisions about Trello boards, written to `meta.*` for the SQL to join on.

`meta.list_categories`: each list's status category and the rule that chose it (pipelines.sources.trello.lists).
`meta.trello_fields` / `meta.trello_field_options`: which custom field holds estimates, hours and
cost per board (pipelines.sources.trello.fields), also recorded in `meta.field_mapping` beside the Jira ones.
"""

from __future__ import annotations

import json
from typing import Any, cast

import duckdb

from models.config import PmhubConfig
from pipelines.meta_tables import replace_meta_table
from pipelines.sources.trello.config import CONFIG, TrelloSource
from pipelines.sources.trello.fields import choose_trello_fields
from pipelines.sources.trello.lists import categorize_lists


def write_trello_meta(conn: duckdb.DuckDBPyConnection, config: PmhubConfig) -> list[str]:
    """Write the list categories and custom-field choices of every synced board; returns problems."""
    categories: list[tuple[Any, ...]] = []
    fields: list[tuple[Any, ...]] = []
    options: list[tuple[Any, ...]] = []
    problems: list[str] = []
    for source in cast(list[TrelloSource], config.sources.of(CONFIG.name)):
        source_id = f"trello:{source.name}"
        for board_id, payloads in _by_board(conn, "trello_lists", source_id):
            for c in categorize_lists(payloads, source.done_lists, source.list_categories):
                categories.append((source_id, board_id, c.list_id, c.name, c.category, c.rule))
        for board_id, payloads in _by_board(conn, "trello_custom_fields", source_id):
            choices, board_problems = choose_trello_fields(board_id, payloads)
            problems += [f"{source_id} {p}" for p in board_problems]
            for choice in choices:
                fields.append((source_id, board_id, choice.purpose, choice.field_id, choice.field_name))
                options += [(source_id, choice.field_id, option_id, value) for option_id, value in choice.options]
    replace_meta_table(
        conn,
        "list_categories",
        "source_id VARCHAR, board_id VARCHAR, list_id VARCHAR, name VARCHAR, category VARCHAR, rule VARCHAR",
        categories,
    )
    replace_meta_table(
        conn,
        "trello_fields",
        "source_id VARCHAR, board_id VARCHAR, purpose VARCHAR, field_id VARCHAR, field_name VARCHAR",
        fields,
    )
    replace_meta_table(
        conn, "trello_field_options", "source_id VARCHAR, field_id VARCHAR, option_id VARCHAR, value DOUBLE", options
    )
    conn.execute(
        """INSERT INTO meta.field_mapping
           SELECT source_id, board_id, purpose, field_id, field_name, 'name' FROM meta.trello_fields"""
    )
    return problems


def _by_board(conn: duckdb.DuckDBPyConnection, entity: str, source_id: str) -> list[tuple[str, list[dict[str, Any]]]]:
    rows = conn.execute(
        # entity is one of two literal raw table names
        f"SELECT container, list(payload ORDER BY id) FROM raw.{entity} WHERE source_id = ? GROUP BY 1 ORDER BY 1",  # noqa: S608
        [source_id],
    ).fetchall()
    return [(str(board_id), [json.loads(p) for p in payloads]) for board_id, payloads in rows]


def unmapped_list_problems(conn: duckdb.DuckDBPyConnection, portfolio_only: bool) -> list[str]:
    """Lists holding cards whose category no rule chose: counted as in progress, said out loud.
    `portfolio_only` keeps the boards of portfolio projects (not those a card merely moved to)."""
    rows = conn.execute(
        """SELECT lc.source_id, lc.board_id, lc.name, count(*) AS cards
           FROM meta.list_categories lc
           JOIN stage.trello_cards c ON c.source_id = lc.source_id AND c.list_id = lc.list_id
           WHERE lc.rule = 'default'
             AND (NOT ? OR (lc.source_id, lc.board_id) IN
                  (SELECT (source_id, ref) FROM meta.cfg_containers WHERE tool = 'trello'))
           GROUP BY ALL ORDER BY ALL""",
        [portfolio_only],
    ).fetchall()
    return [
        f"{source_id} board {board_id}: list {name!r} ({cards} cards) matches no rule and counts as in_progress; "
        "name it under list_categories (or done_lists) in the config"
        for source_id, board_id, name, cards in rows
    ]
