"""The anonymized fixtures (tests/fixtures/trello, tests/fixtures/jira) are what the anonymizer makes of
their originals and hold none of the originals' person strings.

A fresh clone has no ../shared, so nothing here needs it: the fixtures are checked against what the
anonymizer recorded when it wrote them (tests/fixtures/records.py): each file's sha256 (no hand
edits), the skeleton its original had (same keys, list lengths, ids, dates, numbers), and the sha256
of every person string of the originals (names a reviewer listed included). Where ../shared/data
is there too (developers, CI), the originals are anonymized again and must give the committed folder
byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.anonymize import SHARED_DATA, named_in, regenerate
from tests.fixtures.records import (
    PEOPLE,
    PROVENANCE,
    PersonHashes,
    load_json,
    person_strings_in,
    read_provenance,
    sha256_hex,
    skeleton_sha256,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FOLDERS = [FIXTURES / "trello", FIXTURES / "jira"]
REFRESH = ".venv/bin/python -m tests.fixtures.anonymize --refresh tests/fixtures/{}"


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_fixtures_are_their_originals_anonymized(folder):
    lines = read_provenance(folder / PROVENANCE)
    files = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.json"))
    assert files == sorted(line.file for line in lines)
    for line in lines:
        assert line.data_path and line.repo and line.shape and line.bytes > 0 and len(line.sha256) == 64, line
        text = (folder / line.file).read_bytes()
        assert sha256_hex(text) == line.fixture_sha256, f"{line.file} was edited: rerun {REFRESH.format(folder.name)}"
        assert skeleton_sha256(load_json(text.decode("utf-8"))) == line.skeleton_sha256, line.file
    if not SHARED_DATA.is_dir():  # a fresh clone: the records above are all there is to check against
        return
    regenerated, texts, hashes = regenerate(lines, SHARED_DATA, named_in(folder))
    assert regenerated == lines, f"the originals or the anonymizer changed: rerun {REFRESH.format(folder.name)}"
    for name, text in texts.items():
        assert (folder / name).read_bytes() == text.encode("utf-8"), name
    assert hashes == PersonHashes.read(folder / PEOPLE)


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_no_person_string_of_the_originals_is_left(folder):
    hashes = PersonHashes.read(folder / PEOPLE)
    assert len(hashes.sha256) >= 10  # the originals do name people
    for line in read_provenance(folder / PROVENANCE):
        document = load_json((folder / line.file).read_text(encoding="utf-8"))
        assert person_strings_in(document, hashes) == [], line.file
