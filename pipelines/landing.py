"""Landing batches: what one extract of one source fetched, as immutable NDJSON files.

Extracts never open DuckDB. Each writes a batch folder `<landing>/<batch_id>/` holding one NDJSON
file per entity (`jira_issues.ndjson`, …) and a `manifest.json` with the cursors the batch advances
to. The folder is written under a temporary name and renamed when complete, so the loader only ever
sees whole batches. Each line is an envelope `{seq, source_id, id, container, updated, payload}`
where `payload` is the raw API object, untouched, so unknown fields are never lost. Large entities
are split into parts (`jira_issues.00001.ndjson`, …) that the loader applies in order. Beside each
part, `<part>.keys.json` lists the part's sequence numbers and ids (`{"seq": [...], "id": [...]}`),
so the loader can replace the rows a part supersedes without parsing its payloads twice.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from connectors import json_codec


@dataclass(frozen=True)
class RawEntity:
    """One kind of API object a tool lands, loaded into the raw table `raw.<name>`.

    indexed: whether the table keeps a primary key on (source_id, id). Tables of millions of small
    rows go without: an in-memory index over them would cost more than the rows, and the loader
    keeps one row per (source_id, id) itself.
    """

    name: str
    indexed: bool = True


MANIFEST = "manifest.json"


@dataclass
class LandingWriter:
    """Writes one batch for one source; call `commit()` to publish it to the loader.

    Threads of one extract may write at once (e.g. worklogs beside issues): each record is written
    whole under a lock, and the sequence numbers stay unique.
    """

    root: Path
    source_id: str
    # the names of the raw entities this source's tool lands (RawEntity.name)
    entities: Collection[str]
    batch_id: str = ""
    # Files are cut at this size so the loader's work per statement stays bounded at any site size.
    max_file_bytes: int = 16 * 1024 * 1024
    counts: dict[str, int] = field(default_factory=dict)
    _files: dict[str, BinaryIO] = field(default_factory=dict)
    _sizes: dict[str, int] = field(default_factory=dict)
    _parts: dict[str, int] = field(default_factory=dict)
    # (seqs, ids) of the records in each entity's open part, written beside it when it is closed
    _keys: dict[str, tuple[list[int], list[str]]] = field(default_factory=dict)
    _seq: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        safe_source = self.source_id.replace(":", "_")
        self.batch_id = self.batch_id or f"{stamp}-{safe_source}-{uuid.uuid4().hex[:8]}"
        self._tmp = self.root / f".{self.batch_id}.partial"
        self._tmp.mkdir(parents=True, exist_ok=False)

    def write(
        self,
        entity: str,
        records: Iterable[Mapping[str, Any]],
        key: Callable[[Mapping[str, Any]], object] = lambda r: r["id"],
        updated: Callable[[Mapping[str, Any]], object] | None = None,
        container: str | Callable[[Mapping[str, Any]], object] | None = None,
    ) -> int:
        """Append records of one entity; `container` is a fixed id or read from each record."""
        if entity not in self.entities:
            raise ValueError(f"unknown landing entity {entity!r} for {self.source_id}")
        written = 0
        for record in records:
            record_id = str(key(record))
            envelope = {
                "seq": 0,
                "source_id": self.source_id,
                "id": record_id,
                "container": _text(container(record)) if callable(container) else container,
                "updated": None if updated is None else _text(updated(record)),
                "payload": record,
            }
            with self._lock:
                self._seq += 1
                envelope["seq"] = self._seq
                line = json_codec.dumps(envelope) + b"\n"
                self._file(entity).write(line)
                seqs, ids = self._keys[entity]
                seqs.append(self._seq)
                ids.append(record_id)
                self._sizes[entity] += len(line)
                self.counts[entity] = self.counts.get(entity, 0) + 1
            written += 1
        with self._lock:
            self.counts.setdefault(entity, 0)
        return written

    def _file(self, entity: str) -> BinaryIO:
        """The open file for `entity`, starting the next part once the current one is full."""
        out = self._files.get(entity)
        if out is not None and self._sizes[entity] < self.max_file_bytes:
            return out
        if out is not None:
            self._close(entity)
        part = self._parts[entity] = self._parts.get(entity, 0) + 1
        out = self._files[entity] = (self._tmp / f"{entity}.{part:05d}.ndjson").open("wb")
        self._sizes[entity] = 0
        self._keys[entity] = ([], [])
        return out

    def _close(self, entity: str) -> None:
        """Close the entity's open part and write its keys beside it, both flushed to disk."""
        out = self._files[entity]
        seqs, ids = self._keys[entity]
        with keys_file(Path(out.name)).open("wb") as keys:
            keys.write(json_codec.dumps({"seq": seqs, "id": ids}))
            _flush(keys)
        _flush(out)
        out.close()

    def commit(self, cursors: Mapping[str, str], stats: Mapping[str, Any]) -> Path:
        """Close files, write the manifest and make the batch visible atomically."""
        for entity in self._files:
            self._close(entity)
        manifest = {
            "batch_id": self.batch_id,
            "source_id": self.source_id,
            "created_at": datetime.now(UTC).isoformat(),
            "counts": self.counts,
            "cursors": dict(cursors),
            "stats": dict(stats),
        }
        (self._tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        final = self.root / self.batch_id
        os.replace(self._tmp, final)
        return final

    def abort(self) -> None:
        """Drop a half-written batch (the extract failed); nothing reaches the loader."""
        for out in self._files.values():
            out.close()
        shutil.rmtree(self._tmp, ignore_errors=True)


def _flush(out: BinaryIO) -> None:
    out.flush()
    os.fsync(out.fileno())


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def entity_files(batch: Path) -> dict[str, list[Path]]:
    """The parts of each entity in a batch, in the order they were written."""
    files: dict[str, list[Path]] = {}
    for part in sorted(batch.glob("*.ndjson")):
        files.setdefault(part.name.split(".", 1)[0], []).append(part)
    return files


def keys_file(part: Path) -> Path:
    """Where the sequence numbers and ids of a part's records are (batches landed by earlier
    versions have no such file)."""
    return part.with_name(part.name.removesuffix(".ndjson") + ".keys.json")


def complete_batches(root: Path) -> list[Path]:
    """Committed batch folders, oldest first (batch ids start with a UTC timestamp)."""
    if not root.exists():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).exists())


def read_manifest(batch: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((batch / MANIFEST).read_text(encoding="utf-8"))
    return data
