"""Landing batches are applied once, atomically, newest version wins, cursors commit with data."""

import json

import pytest

from pipelines.landing import LandingWriter, complete_batches, keys_file
from pipelines.sources import RAW_SCHEMA
from pipelines.warehouse import connect, load_batches

ENTITIES = RAW_SCHEMA.names()


def issue(i: str, summary: str) -> dict:
    return {"id": i, "fields": {"summary": summary}}


def rows(conn, sql):
    return conn.execute(sql).fetchall()


def test_batch_is_invisible_until_committed_and_abort_leaves_nothing(tmp_path):
    landing = tmp_path / "landing"
    writer = LandingWriter(landing, "jira:acme", ENTITIES)
    writer.write("jira_issues", [issue("1", "a")])
    assert complete_batches(landing) == []
    writer.abort()
    assert list(landing.iterdir()) == []


def test_load_dedupes_within_batch_and_across_runs(tmp_path):
    landing, db = tmp_path / "landing", tmp_path / "w.duckdb"
    first = LandingWriter(landing, "jira:acme", ENTITIES)
    # issue 2 changed between two pages of one search: the later line is the newer version
    first.write("jira_issues", [issue("1", "a"), issue("2", "old"), issue("2", "new")])
    first.commit({"issues_updated_ms:100": "5"}, {"requests": 3})
    with connect(db) as conn:
        result = load_batches(conn, landing, RAW_SCHEMA)
        assert (result.batches_applied, result.records) == (1, 3)
        assert rows(conn, "SELECT id, payload->>'$.fields.summary' FROM raw.jira_issues ORDER BY id") == [
            ("1", "a"),
            ("2", "new"),
        ]
        assert rows(conn, "SELECT cursor_key, value FROM meta.cursors") == [("issues_updated_ms:100", "5")]
    second = LandingWriter(landing, "jira:acme", ENTITIES)
    second.write("jira_issues", [issue("2", "newer"), issue("3", "c")])
    second.commit({"issues_updated_ms:100": "9"}, {})
    with connect(db) as conn:
        load_batches(conn, landing, RAW_SCHEMA)
        assert rows(conn, "SELECT count(*), count(DISTINCT id) FROM raw.jira_issues") == [(3, 3)]
        assert rows(conn, "SELECT payload->>'$.fields.summary' FROM raw.jira_issues WHERE id = '2'") == [("newer",)]
        assert rows(conn, "SELECT value FROM meta.cursors") == [("9",)]
    assert complete_batches(landing) == []


def test_an_applied_batch_found_again_is_skipped(tmp_path):
    """A crash after the commit but before the batch files were removed must not duplicate."""
    landing, db = tmp_path / "landing", tmp_path / "w.duckdb"
    writer = LandingWriter(landing, "trello:main", ENTITIES)
    writer.write("trello_cards", [{"id": "c1"}])
    batch = writer.commit({}, {})
    saved = {p.name: p.read_bytes() for p in batch.iterdir()}
    with connect(db) as conn:
        load_batches(conn, landing, RAW_SCHEMA)
    batch.mkdir()
    for name, data in saved.items():
        (batch / name).write_bytes(data)
    with connect(db) as conn:
        result = load_batches(conn, landing, RAW_SCHEMA)
        assert (result.batches_applied, result.batches_skipped) == (0, 1)
        assert rows(conn, "SELECT count(*) FROM raw.trello_cards") == [(1,)]


def test_a_broken_batch_rolls_back_data_and_cursors_together(tmp_path):
    landing, db = tmp_path / "landing", tmp_path / "w.duckdb"
    writer = LandingWriter(landing, "jira:acme", ENTITIES)
    writer.write("jira_issues", [issue("1", "a")])
    writer.write("jira_worklogs", [{"id": 7}])
    batch = writer.commit({"worklogs_until_ms": "1"}, {})
    (batch / "jira_worklogs.00001.ndjson").write_text("{not json\n")
    with connect(db) as conn, pytest.raises(Exception, match=r"(?i)json"):
        load_batches(conn, landing, RAW_SCHEMA)
    with connect(db) as conn:
        assert rows(conn, "SELECT count(*) FROM raw.jira_issues") == [(0,)]
        assert rows(conn, "SELECT count(*) FROM meta.cursors") == [(0,)]
        assert rows(conn, "SELECT count(*) FROM meta.batches") == [(0,)]


def test_unknown_entity_is_refused(tmp_path):
    writer = LandingWriter(tmp_path, "jira:acme", ENTITIES)
    with pytest.raises(ValueError, match="unknown landing entity"):
        writer.write("jira_issues; DROP TABLE x", [])
    writer.abort()


@pytest.mark.parametrize("keys", ["with keys files", "landed before keys files"])
def test_large_entities_are_split_into_parts_applied_in_order(tmp_path, keys):
    landing, db = tmp_path / "landing", tmp_path / "w.duckdb"
    writer = LandingWriter(landing, "jira:acme", ENTITIES, max_file_bytes=300)
    # each id twice in a row, so ids repeat within parts as well as across them
    writer.write("jira_issues", [issue(str(i // 2 % 7), f"v{i}") for i in range(40)])
    batch = writer.commit({}, {})
    parts = sorted(batch.glob("jira_issues.*.ndjson"))
    assert len(parts) > 3
    lines = [json.loads(line) for line in parts[0].read_text().splitlines()]
    assert len({line["id"] for line in lines}) < len(lines)
    assert json.loads(keys_file(parts[0]).read_text()) == {
        "seq": [line["seq"] for line in lines],
        "id": [line["id"] for line in lines],
    }
    if keys == "landed before keys files":
        for part in parts:
            keys_file(part).unlink()
    with connect(db) as conn:
        assert load_batches(conn, landing, RAW_SCHEMA).records == 40
        # the last version written of each id wins, across parts
        got = dict(rows(conn, "SELECT id, payload->>'$.fields.summary' FROM raw.jira_issues"))
        assert got == {str(i): f"v{max(n for n in range(40) if n // 2 % 7 == i)}" for i in range(7)}


def test_a_batch_with_entities_no_tool_declares_is_refused_and_kept(tmp_path):
    """Landed by a version that knows a tool this one does not: skipping its files would lose them."""
    landing, db = tmp_path / "landing", tmp_path / "w.duckdb"
    writer = LandingWriter(landing, "jira:acme", [*ENTITIES, "jira_comments"])
    writer.write("jira_issues", [issue("1", "a")])
    writer.write("jira_comments", [{"id": "c1"}])
    batch = writer.commit({"issues_updated_ms:100": "5"}, {})
    with connect(db) as conn, pytest.raises(ValueError, match="jira_comments; it is kept"):
        load_batches(conn, landing, RAW_SCHEMA)
    with connect(db) as conn:
        assert rows(conn, "SELECT count(*) FROM raw.jira_issues") == [(0,)]
        assert rows(conn, "SELECT count(*) FROM meta.cursors") == [(0,)]
    assert complete_batches(landing) == [batch]
