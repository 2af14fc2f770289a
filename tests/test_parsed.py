"""Parsed tables kept in step with raw rows: an incremental refresh equals a full parse."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.parsed import refresh_parsed, select_raw_rows

PARSE = "SELECT source_id, id, batch_id, payload ->> '$.n' AS n FROM rows_to_parse"


@pytest.fixture
def conn():
    with duckdb.connect() as c:
        c.execute("CREATE SCHEMA raw; CREATE SCHEMA meta; CREATE SCHEMA stage")
        c.execute("CREATE TABLE raw.t (source_id VARCHAR, id VARCHAR, batch_id VARCHAR, payload JSON)")
        yield c


def land(conn, batch: str, rows: dict[str, int]) -> None:
    """What the loader does: the new version of each row replaces the old one."""
    for row_id, n in rows.items():
        conn.execute("DELETE FROM raw.t WHERE id = ?", [row_id])
        conn.execute("INSERT INTO raw.t VALUES ('s', ?, ?, json_object('n', ?))", [row_id, batch, n])


def parsed(conn) -> list[tuple]:
    return conn.execute("SELECT id, batch_id, n FROM stage.p ORDER BY id").fetchall()


def test_an_incremental_refresh_parses_only_new_rows_and_equals_a_full_parse(conn):
    land(conn, "b1", {"1": 1, "2": 2, "3": 3})
    assert refresh_parsed(conn, "stage.p", "raw.t", PARSE) is False
    land(conn, "b2", {"2": 20, "4": 4})
    conn.execute("UPDATE stage.p SET n = 'untouched' WHERE id IN ('1', '3')")  # shows what is re-parsed
    assert refresh_parsed(conn, "stage.p", "raw.t", PARSE) is True
    assert parsed(conn) == [("1", "b1", "untouched"), ("2", "b2", "20"), ("3", "b1", "untouched"), ("4", "b2", "4")]
    conn.execute("UPDATE stage.p SET n = '1' WHERE id = '1'")
    conn.execute("UPDATE stage.p SET n = '3' WHERE id = '3'")
    incremental = parsed(conn)
    conn.execute("DROP TABLE stage.p")
    assert refresh_parsed(conn, "stage.p", "raw.t", PARSE) is False
    assert parsed(conn) == incremental


def test_changed_parse_sql_parses_everything_again(conn):
    land(conn, "b1", {"1": 1})
    refresh_parsed(conn, "stage.p", "raw.t", PARSE)
    doubled = PARSE.replace("payload ->> '$.n'", "(payload ->> '$.n')::INT * 2")
    assert refresh_parsed(conn, "stage.p", "raw.t", doubled) is False
    assert parsed(conn) == [("1", "b1", 2)]
    assert refresh_parsed(conn, "stage.p", "raw.t", doubled) is True


def test_select_raw_rows_takes_exactly_the_named_rows(conn):
    land(conn, "b1", {"1": 1, "2": 2})
    land(conn, "b2", {"3": 3, "4": 4})
    select_raw_rows(conn, "picked", "raw.t", "SELECT source_id, id, batch_id FROM raw.t WHERE id IN ('2', '3')")
    assert conn.execute("SELECT id FROM picked ORDER BY id").fetchall() == [("2",), ("3",)]
    select_raw_rows(conn, "none_picked", "raw.t", "SELECT source_id, id, batch_id FROM raw.t WHERE false")
    assert conn.execute("SELECT count(*) FROM none_picked").fetchone() == (0,)
