"""Real Trello exports served through the sandbox's Trello API (sandbox.trello_import), synced by pmhub,
and the warehouse compared with the export file itself.

The exports are tests/fixtures/trello: real board exports from public repositories (PROVENANCE.tsv
there), anonymized by tests/fixtures/anonymize.py (people's names, usernames, e-mails and avatars
replaced by pseudonyms, nothing else changed). The expectations below are read straight from the
export JSON, not through the sandbox's importer.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from pipelines.run_sync import run_sync
from sandbox.portfolio import Portfolio
from sandbox.server import SandboxServer
from sandbox.trello_import import config_with_trello_exports, load_trello_export
from tests.conftest import ANCHOR, warehouse_rows, write_config

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "trello"
FILES = sorted(EXPORTS.glob("*.json"))
assert FILES, f"no Trello exports in {EXPORTS}"

UNMAPPED_CHECK = "check trello_lists_mapped failed on core_tables"
# (export file name, test name) -> why pmhub's pipeline gets that export wrong (xfail, strict).
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Expected:
    """What the export says a sync must hold."""

    board_id: str
    card_ids: frozenset[str]
    list_ids: frozenset[str]
    moves: Counter[tuple[str, datetime, str | None, str | None]]


@dataclass(frozen=True)
class Synced:
    name: str
    expected: Expected
    db: Path
    source_id: str
    project_id: str
    success: bool
    message: str

    @property
    def loaded(self) -> bool:
        """Core was built: the sync succeeded, or only the unmapped-lists check stopped the marts."""
        return self.success or self.message.startswith(UNMAPPED_CHECK)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def expected_from(data: dict[str, Any]) -> Expected:
    """Cards, lists and list moves of a board export, or of a single-card export (no `lists`)."""
    single = "cards" not in data
    cards = [data] if single else data["cards"]
    card_ids = frozenset(str(c["id"]) for c in cards)
    moves: Counter[tuple[str, datetime, str | None, str | None]] = Counter(
        (
            str(a["data"]["card"]["id"]),
            _instant(a["date"]),
            (a["data"].get("listBefore") or {}).get("name"),
            a["data"]["listAfter"].get("name"),
        )
        for a in data.get("actions") or ()
        if a["type"] == "updateCard" and "listAfter" in a["data"] and a["data"]["card"]["id"] in card_ids
    )
    return Expected(
        board_id=str(data["idBoard"] if single else data["id"]),
        card_ids=card_ids,
        list_ids=frozenset({str(data["idList"])} if single else {str(lst["id"]) for lst in data["lists"]}),
        moves=moves,
    )


@pytest.fixture(scope="module", params=FILES, ids=[p.stem for p in FILES])
def synced(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    portfolio: Portfolio,
    sandbox_env: dict[str, str],
) -> Synced:
    """One export served next to the generated portfolio, synced with a config naming only its board."""
    path: Path = request.param
    expected = expected_from(json.loads(path.read_text(encoding="utf-8")))
    export = load_trello_export(path)
    folder = tmp_path_factory.mktemp("export")
    db = folder / "pmhub.duckdb"
    with SandboxServer(portfolio, trello_exports=[export]) as server:
        template = portfolio.pmhub_config(server.url)["sources"]["trello"][0]
        source = {key: template[key] for key in ("name", "url", "key", "token")}
        config = config_with_trello_exports({"sources": {"trello": [{**source, "boards": []}]}}, [export.board])
        assert config["sources"]["trello"][0]["boards"] == [expected.board_id]
        outcome = run_sync(write_config(folder / "pmhub.yaml", config), db, only=["trello"], as_of=ANCHOR)
    source_id = f"trello:{source['name']}"
    return Synced(path.name, expected, db, source_id, export.project_id, outcome.success, outcome.message)


def _known_failure(request: pytest.FixtureRequest, synced: Synced) -> None:
    reason = KNOWN_FAILURES.get((synced.name, request.node.originalname))
    if reason is not None:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def _container(synced: Synced) -> str:
    return f"{synced.source_id}:board:{synced.expected.board_id}"


def test_sync_succeeds_unless_lists_holding_cards_are_unmapped(request, synced):
    """A board whose lists no rule places loads whole, but its marts wait until the PMO names them."""
    _known_failure(request, synced)
    unmapped = _unmapped_lists_holding_cards(synced)
    if not unmapped:
        assert synced.success, synced.message
        return
    assert not synced.success and synced.message.startswith(UNMAPPED_CHECK), synced.message
    assert f"list {sorted(unmapped)[0]!r}" in synced.message  # the one-line reason names them in order


def _unmapped_lists_holding_cards(synced: Synced) -> list[str]:
    lists, cards = _lists_and_cards(synced.name)
    holding = Counter(card["idList"] for card in cards)
    return [
        lst["name"]
        for lst, (_category, rule) in zip(lists, _defended(synced), strict=True)
        if rule == "default" and holding[lst["id"]]
    ]


def _lists_and_cards(name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A board export's lists and cards. A single-card export has no lists of its own: its card, and
    the one list its `idList` names, called as its actions call it (as the sandbox's importer does)."""
    data = json.loads((EXPORTS / name).read_text(encoding="utf-8"))
    if "cards" in data:
        return data["lists"], data["cards"]
    named = {a["data"]["list"]["id"]: a["data"]["list"]["name"] for a in data["actions"] if "list" in a["data"]}
    return [{"id": data["idList"], "name": named.get(data["idList"], f"list {data['idList']}")}], [data]


def test_work_items_are_the_exports_cards(request, synced):
    _known_failure(request, synced)
    assert synced.loaded, synced.message
    rows = warehouse_rows(
        synced.db,
        "SELECT external_id, item_id, project_id, is_deleted FROM core.work_items WHERE source_id = ?",
        [synced.source_id],
    )
    print(f"{synced.name}: {len(rows)} work items, {len(synced.expected.card_ids)} cards in the export")
    assert {r[0] for r in rows} == synced.expected.card_ids  # archived cards included
    assert len(rows) == len(synced.expected.card_ids)
    assert {r[1] for r in rows} == {f"{synced.source_id}:{c}" for c in synced.expected.card_ids}
    assert {r[2] for r in rows} == {synced.project_id}
    assert not any(r[3] for r in rows)
    containers = warehouse_rows(
        synced.db, "SELECT DISTINCT container_id FROM core.work_items WHERE source_id = ?", [synced.source_id]
    )
    assert containers == [(_container(synced),)]


def test_status_changes_are_the_exports_list_moves(request, synced):
    _known_failure(request, synced)
    assert synced.loaded, synced.message
    rows = warehouse_rows(
        synced.db,
        """SELECT w.external_id, s.changed_at, s.from_status, s.to_status
           FROM core.status_changes s JOIN core.work_items w USING (item_id)
           WHERE w.container_id = ?""",
        [_container(synced)],
    )
    got = Counter((str(card), changed_at, before, after) for card, changed_at, before, after in rows)
    print(f"{synced.name}: {len(rows)} status changes, {synced.expected.moves.total()} list moves in the export")
    assert got == synced.expected.moves


def test_every_list_of_the_export_is_categorized(request, synced):
    _known_failure(request, synced)
    assert synced.loaded, synced.message
    rows = warehouse_rows(
        synced.db,
        "SELECT list_id FROM meta.list_categories WHERE source_id = ? AND board_id = ?",
        [synced.source_id, synced.expected.board_id],
    )
    assert synced.expected.list_ids <= {r[0] for r in rows}


# The categories we defend for each board's lists, in the export's list order (`_lists_and_cards`).
# Lists no rule can place stay `default` and are reported.
T, P, D = "todo", "in_progress", "done"
DEFENDED = {
    "clipkit_board.json": [(T, "name"), (T, "name"), (P, "name"), (D, "name"), (D, "name")],  # closed; cancelled
    "how-goes-it-public_board.json": [
        (T, "name"), (T, "position"), (T, "position"), (T, "name"), (P, "name"), (P, "name"), (D, "name"),
    ],  # lists left of "In Progress" (blocked, available to pick up) are where work waits
    "mycorner_board.json": [(T, "name"), (T, "name"), (P, "name"), (D, "name"), *[(P, "default")] * 5],
    "single-card_stinovani.json": [(T, "position")],  # its card's list ("should be worked on") is the only one
    "trellocms-sample_board.json": [(P, "default"), (T, "position"), *[(P, "default")] * 6],  # a CMS, no workflow
    "volunteerbridge_board.json": [
        (T, "name"), (T, "name"), (T, "name"), (T, "name"), (P, "name"), (P, "default"), (P, "name"), (D, "name"),
    ],
}  # fmt: skip


def _defended(synced: Synced) -> list[tuple[str, str]]:
    assert synced.name in DEFENDED, f"say in DEFENDED which categories the lists of {synced.name} must get"
    return DEFENDED[synced.name]


def test_list_categories_are_the_ones_we_defend(request, synced):
    """Every list gets the category we defend, no list the export lacks gets one (a single-card
    export's card lands in the one list it names), and the lists no rule places are reported."""
    _known_failure(request, synced)
    assert synced.loaded, synced.message
    lists, cards = _lists_and_cards(synced.name)
    got = dict(
        (list_id, (category, rule))
        for list_id, category, rule in warehouse_rows(
            synced.db,
            "SELECT list_id, category, rule FROM meta.list_categories WHERE source_id = ? AND board_id = ?",
            [synced.source_id, synced.expected.board_id],
        )
    )
    assert [got[lst["id"]] for lst in lists] == _defended(synced)
    assert set(got) == {lst["id"] for lst in lists}  # no category for a list the export does not have
    # each list no rule places that holds cards is reported once, by name, with its card count
    holding = Counter(card["idList"] for card in cards)
    expected = sorted(
        f"list {lst['name']!r} ({holding[lst['id']]} cards) matches no rule"
        for lst, category in zip(lists, _defended(synced), strict=True)
        if category[1] == "default" and holding[lst["id"]]
    )
    unmatched = "SELECT problem FROM meta.data_problems WHERE problem LIKE '%matches no rule%'"
    problems = warehouse_rows(synced.db, unmatched, [])
    assert sorted(p.split(": ", 1)[1].split(" and counts")[0] for (p,) in problems) == expected
