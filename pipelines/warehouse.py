"""The DuckDB warehouse: connections, the `raw`/`meta` schemas, and the batch loader.

Only the loader and the transform steps write, one at a time (a Dagster pool of size 1). Raw tables
keep one row per (source_id, id) with the newest payload as JSON. A landing batch is applied in one
transaction together with the cursors it advances to, so a crash at any point loses nothing and
duplicates nothing: an unapplied batch is applied next time, an applied one is skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines.landing import RawEntity, complete_batches, entity_files, keys_file, read_manifest
from pipelines.meta_tables import table_exists

SCHEMAS = ("raw", "meta", "stage", "core", "mart")

_META_DDL = (
    """CREATE TABLE IF NOT EXISTS meta.batches (
        batch_id VARCHAR PRIMARY KEY, source_id VARCHAR NOT NULL, loaded_at TIMESTAMPTZ NOT NULL,
        records BIGINT NOT NULL, manifest JSON NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS meta.cursors (
        source_id VARCHAR NOT NULL, cursor_key VARCHAR NOT NULL, value VARCHAR NOT NULL,
        batch_id VARCHAR NOT NULL, PRIMARY KEY (source_id, cursor_key))""",
)

_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")

_RAW_COLUMNS = (
    "{'seq': 'BIGINT', 'source_id': 'VARCHAR', 'id': 'VARCHAR', 'container': 'VARCHAR', "
    "'updated': 'VARCHAR', 'payload': 'JSON'}"
)


def landing_root(warehouse: Path) -> Path:
    """Landing batches live beside the warehouse file: `pmhub.duckdb` → `pmhub.landing/`."""
    return warehouse.with_name(warehouse.stem + ".landing")


def state_file(warehouse: Path) -> Path:
    """What extracts start from (cursors, known issue ids), mirrored from the warehouse after each
    commit, because extracts never open DuckDB."""
    return warehouse.with_name(warehouse.stem + ".extract-state.json")


def _duckdb_settings(path: Path, read_only: bool) -> dict[str, str | bool | int | float | list[str]]:
    """Bounded memory, spilling beside the warehouse, so a 100,000-issue load stays flat.

    `PMHUB_DUCKDB_MEMORY` (e.g. "2GB") overrides the limit; insertion order is not needed by any
    table (every query orders explicitly) and keeping it costs memory on large inserts.
    """
    settings: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": os.environ.get("PMHUB_DUCKDB_MEMORY", "256MB"),
        "preserve_insertion_order": False,
        # An ASOF join whose input the optimizer guesses small runs as a nested loop; the guesses
        # after several CTEs are far off (56 rows estimated, 24,000 read): the velocity mart took
        # 0.9 s at 10,000 issues that way and 0.03 s as a real ASOF join.
        "asof_loop_join_threshold": 0,
    }
    if not read_only:
        settings["temp_directory"] = str(path.with_name(path.stem + ".tmp"))
    return settings


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, and always close it, also when the block raises."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(path), read_only=read_only, config=_duckdb_settings(path, read_only))
    try:
        conn.execute("SET TimeZone = 'UTC'")
        yield conn
    finally:
        conn.close()


@dataclass(frozen=True)
class Migration:
    """What brings a warehouse built by an earlier version to the current raw shape: `apply` is
    called with the connection and whether `table` (a raw table) was new, i.e. nothing to move."""

    table: str
    apply: Callable[[duckdb.DuckDBPyConnection, bool], None]


@dataclass(frozen=True)
class RawSchema:
    """The raw tables of every registered tool (`pipelines.sources.RAW_SCHEMA`) and their migrations."""

    entities: tuple[RawEntity, ...]
    migrations: tuple[Migration, ...] = ()

    def names(self) -> list[str]:
        return [e.name for e in self.entities]


def ensure_base_schema(conn: duckdb.DuckDBPyConnection, raw: RawSchema) -> None:
    for schema in SCHEMAS:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for ddl in _META_DDL:
        conn.execute(ddl)
    new = {m.table for m in raw.migrations if not table_exists(conn, "raw", m.table)}
    for entity in raw.entities:
        if not _IDENTIFIER.fullmatch(entity.name):
            raise ValueError(f"raw entity name {entity.name!r} is not a plain identifier")
        key = ", PRIMARY KEY (source_id, id)" if entity.indexed else ""
        conn.execute(
            f"""CREATE TABLE IF NOT EXISTS raw.{entity.name} (
                source_id VARCHAR NOT NULL, id VARCHAR NOT NULL, container VARCHAR, updated VARCHAR,
                batch_id VARCHAR NOT NULL, payload JSON{key})"""
        )
    for migration in raw.migrations:
        migration.apply(conn, migration.table in new)


@dataclass(frozen=True)
class LoadResult:
    batches_applied: int
    batches_skipped: int
    records: int


def load_batches(conn: duckdb.DuckDBPyConnection, landing: Path, raw: RawSchema) -> LoadResult:
    """Apply every committed landing batch not yet applied, oldest first, one transaction each."""
    ensure_base_schema(conn, raw)
    applied = skipped = records = 0
    for batch in complete_batches(landing):
        manifest = read_manifest(batch)
        batch_id = str(manifest["batch_id"])
        if conn.execute("SELECT 1 FROM meta.batches WHERE batch_id = ?", [batch_id]).fetchone():
            skipped += 1
            shutil.rmtree(batch, ignore_errors=True)
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            count = _apply_batch(conn, batch, manifest, raw)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied += 1
        records += count
        # The batch is in the warehouse now; the files are only a transport.
        shutil.rmtree(batch, ignore_errors=True)
    return LoadResult(applied, skipped, records)


def _apply_batch(conn: duckdb.DuckDBPyConnection, batch: Path, manifest: dict[str, Any], raw: RawSchema) -> int:
    batch_id = str(manifest["batch_id"])
    source_id = str(manifest["source_id"])
    parts = entity_files(batch)
    # A batch with data no registered tool declares (landed by another version) is not applied:
    # skipping its files would lose them, and the batch stays for a version that knows them.
    if unknown := sorted(set(parts) - set(raw.names())):
        raise ValueError(
            f"landing batch {batch.name} holds entities no registered tool declares: {', '.join(unknown)}; "
            "it is kept for a pmhub version that knows them"
        )
    for entity in raw.names():
        for file in parts.get(entity, []):
            if file.stat().st_size > 0:
                _apply_part(conn, entity, file, source_id, batch_id)
    conn.execute("DROP TABLE IF EXISTS incoming_keys")
    conn.execute("DROP TABLE IF EXISTS superseded")
    total = sum(int(n) for n in manifest["counts"].values())
    for key, value in manifest.get("cursors", {}).items():
        conn.execute(
            "INSERT OR REPLACE INTO meta.cursors (source_id, cursor_key, value, batch_id) VALUES (?, ?, ?, ?)",
            [source_id, key, str(value), batch_id],
        )
    conn.execute(
        "INSERT INTO meta.batches (batch_id, source_id, loaded_at, records, manifest) VALUES (?, ?, now(), ?, ?)",
        [batch_id, source_id, total, json.dumps(manifest)],
    )
    return total


_PART_KEYS = """SELECT unnest(seq) AS seq, unnest(id) AS id
    FROM read_json(?, columns = {'seq': 'BIGINT[]', 'id': 'VARCHAR[]'}, maximum_object_size = ?)"""
_LINE_KEYS = """SELECT seq, id
    FROM read_json(?, format = 'newline_delimited', columns = {'seq': 'BIGINT', 'id': 'VARCHAR'})"""


def _apply_part(conn: duckdb.DuckDBPyConnection, entity: str, file: Path, source_id: str, batch_id: str) -> None:
    """Replace the rows of `entity` that one landing part holds newer versions of, and append them.

    The payloads stream from the file into the table once: the ids they replace come from the
    part's keys file (or, in a batch landed without one, from the part read for its ids alone).
    Staging whole parts in a temporary table first cost a third of the load.
    """
    keys = keys_file(file)
    if keys.exists():
        # One JSON object per part: DuckDB reads at most 16 MB per object unless told more.
        source, params = _PART_KEYS, [str(keys), keys.stat().st_size + 1]
    else:
        source, params = _LINE_KEYS, [str(file)]
    conn.execute(f"CREATE OR REPLACE TEMP TABLE incoming_keys AS {source}", params)
    # Within one batch the same object can appear twice (it changed between two pages, a history
    # came embedded and again whole): the later line, or the later part, is the newer version.
    conn.execute(
        """CREATE OR REPLACE TEMP TABLE superseded AS
           SELECT k.seq FROM incoming_keys k
           JOIN (SELECT id, max(seq) AS newest FROM incoming_keys GROUP BY id HAVING count(*) > 1) d USING (id)
           WHERE k.seq < d.newest"""
    )
    # Delete and append rather than INSERT OR REPLACE: that updates rows in place, and the
    # next checkpoint then rewrites every row group touched (seconds for 1% of 100,000 issues).
    # entity is a declared raw entity, checked to be an identifier when its table was created.
    conn.execute(
        f"DELETE FROM raw.{entity} WHERE source_id = ? AND id IN (SELECT id FROM incoming_keys)",  # noqa: S608
        [source_id],
    )
    conn.execute(
        f"""INSERT INTO raw.{entity} BY NAME
            SELECT ?::VARCHAR AS source_id, id, container, updated, ?::VARCHAR AS batch_id, payload
            FROM read_json(?, format = 'newline_delimited', columns = {_RAW_COLUMNS})
            WHERE seq NOT IN (SELECT seq FROM superseded)""",  # noqa: S608
        [source_id, batch_id, str(file)],
    )


HeldState = Callable[[duckdb.DuckDBPyConnection], dict[str, dict[str, Any]]]


def extract_state(conn: duckdb.DuckDBPyConnection, held: Iterable[HeldState]) -> dict[str, dict[str, Any]]:
    """Per source: its committed cursors, and what each tool's `held` query says the warehouse
    holds of it (`pipelines.sources.<tool>.state.held_state`): what the next extract starts from."""
    state: defaultdict[str, dict[str, Any]] = defaultdict(lambda: {"cursors": {}})
    for source_id, key, value in conn.execute(
        "SELECT source_id, cursor_key, value FROM meta.cursors ORDER BY 1, 2"
    ).fetchall():
        state[str(source_id)]["cursors"][str(key)] = str(value)
    for query in held:
        for source_id, entries in query(conn).items():
            state[source_id].update(entries)
    return dict(state)


def write_extract_state(warehouse: Path, state: dict[str, dict[str, Any]]) -> None:
    """Mirror the committed state for the next extract; written only after the commit, atomically."""
    target = state_file(warehouse)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
    os.replace(tmp, target)


def read_extract_state(warehouse: Path) -> dict[str, dict[str, Any]]:
    """State as of the last committed load; empty (a full extract) when there is none yet."""
    try:
        data: dict[str, dict[str, Any]] = json.loads(state_file(warehouse).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return data
