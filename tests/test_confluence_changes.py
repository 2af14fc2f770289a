"""Our Confluence sync against a sandbox whose pages are edited, trashed and purged between runs."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from sandbox.generator import generate
from sandbox.model import ConfluencePage
from sandbox.portfolio import Portfolio
from sandbox.server import SandboxServer
from tests.conftest import ANCHOR, sync_tools, write_config
from tests.conftest import warehouse_rows as rows

SEARCH = "/wiki/rest/api/search"


def synced_pages(portfolio: Portfolio) -> list[ConfluencePage]:
    synced = set(portfolio.pmhub_config("http://x")["sources"]["confluence"][0]["spaces"])
    return [p for s in portfolio.spaces if s.key in synced for p in s.pages]


def plain_pages(portfolio: Portfolio) -> list[ConfluencePage]:
    """Synced pages that are nobody's charter."""
    charters = {x.charter_title for x in portfolio.projects}
    return [p for p in synced_pages(portfolio) if p.title not in charters]


def confluence_warnings(db: Path) -> list[str]:
    """The warnings of the last Confluence batch loaded."""
    found = rows(
        db,
        """SELECT manifest -> '$.stats.warnings' FROM meta.batches WHERE source_id LIKE 'confluence:%'
           ORDER BY loaded_at DESC LIMIT 1""",
    )
    return list(json.loads(found[0][0])) if found else []


def documents(db: Path) -> dict[str, tuple[Any, ...]]:
    """Page id → (version, is_deleted) of every page in core.documents."""
    return {
        document_id.rsplit(":", 1)[1]: (version, deleted)
        for document_id, version, deleted in rows(db, "SELECT document_id, version, is_deleted FROM core.documents")
    }


def test_edited_pages_are_refetched_alone_and_trashed_or_purged_ones_are_marked_deleted(tmp_path, sandbox_env):
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    pages = synced_pages(portfolio)
    charter = next(p for p in pages if p.title == portfolio.projects[0].charter_title)
    edited, purged = plain_pages(portfolio)[:2]
    with SandboxServer(portfolio) as server:
        config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(server.url))
        db = tmp_path / "w.duckdb"
        sync_tools(config, db, "confluence")
        assert rows(db, "SELECT count(*) FROM core.budgets WHERE project_id = ?", [portfolio.projects[0].id]) == [(1,)]
        server.advance(60)
        server.confluence.edit_pages([edited.id])
        server.confluence.trash_pages([charter.id])
        server.confluence.purge_pages([purged.id])
        before = len(server.request_log)
        sync_tools(config, db, "confluence")
        second = server.request_log[before:]
        fetched = [path for method, path in second if path.startswith("/wiki/api/v2/pages")]
    # one CQL search for what changed, one for the watched (risk page) labels; the census lists the
    # space; the search missed nothing
    assert [path for _m, path in second].count(SEARCH) == 2
    assert confluence_warnings(db) == []
    # the bodies fetched: the edited page (by id) and the two lookups of pages the space stopped listing
    assert sorted(fetched) == sorted(
        [
            "/wiki/api/v2/pages",
            f"/wiki/api/v2/pages/{edited.id}/versions",
            f"/wiki/api/v2/pages/{edited.id}/labels",
            f"/wiki/api/v2/pages/{charter.id}",
            f"/wiki/api/v2/pages/{purged.id}",
        ]
    )
    # every version of every page read, with its date; the edit added one
    versions = dict(rows(db, "SELECT container, count(*) FROM raw.confluence_page_versions GROUP BY 1"))
    assert versions == {p.id: len(p.versions) + (p.id == edited.id) for p in pages}
    labels = dict(rows(db, "SELECT id, payload ->> '$.labels[*].name' FROM raw.confluence_page_labels"))
    assert labels[charter.id] == ["charter", f"charter-{portfolio.projects[0].name.lower()}"]
    got = documents(db)
    assert len(got) == len(pages)  # nothing dropped
    assert got[edited.id] == (edited.current.number + 1, False)
    assert got[charter.id][1] is True and got[purged.id][1] is True
    assert sum(deleted for _v, deleted in got.values()) == 2
    # the trashed page says so itself; the purged one is a 404, which a page hidden by restrictions
    # also gives, so it is recorded as not found, not as deleted
    reasons = dict(rows(db, "SELECT id, payload ->> '$.reason' FROM raw.confluence_page_tombstones"))
    assert reasons == {charter.id: "deleted", purged.id: "not_found"}
    # a trashed charter page no longer gives its project a budget, and the run says so
    assert rows(db, "SELECT count(*) FROM core.budgets WHERE project_id = ?", [portfolio.projects[0].id]) == [(0,)]
    problems = [p for (p,) in rows(db, "SELECT problem FROM meta.data_problems")]
    assert any(portfolio.projects[0].charter_title in p for p in problems)


def test_a_change_the_search_index_does_not_hold_yet_is_found_by_the_census_and_reported(tmp_path, sandbox_env):
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    # pages last saved over a day ago: CQL's window (the last read less 13 h) must not list the
    # unindexed page for an earlier save of its own
    settled = [p for p in plain_pages(portfolio) if p.current.created_at < portfolio.now - timedelta(days=1)]
    indexed, unindexed = settled[:2]
    with SandboxServer(portfolio, index_lag_minutes=30) as server:
        config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(server.url))
        db = tmp_path / "w.duckdb"
        sync_tools(config, db, "confluence")
        server.advance(60)
        server.confluence.edit_pages([indexed.id])
        server.advance(45)  # beyond the index lag: searchable
        server.confluence.edit_pages([unindexed.id])  # within it: CQL cannot list it yet
        server.advance(5)
        sync_tools(config, db, "confluence")
    got = documents(db)
    assert got[indexed.id] == (indexed.current.number + 1, False)
    assert got[unindexed.id] == (unindexed.current.number + 1, False)
    (warning,) = confluence_warnings(db)
    assert "did not list 1 changed page" in warning and unindexed.id in warning and indexed.id not in warning


def sync_around_one_edit(tmp_path: Path, **server_options: Any) -> tuple[Path, ConfluencePage]:
    """Sync, edit one plain page an hour later, sync again; the warehouse and the page as generated."""
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    edited = plain_pages(portfolio)[0]
    with SandboxServer(portfolio, **server_options) as server:
        config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(server.url))
        db = tmp_path / "w.duckdb"
        sync_tools(config, db, "confluence")
        server.advance(60)
        server.confluence.edit_pages([edited.id])
        sync_tools(config, db, "confluence")
    return db, edited


def test_the_cql_window_holds_in_an_account_twelve_hours_west_of_utc(tmp_path, sandbox_env):
    # Etc/GMT+12 is UTC-12: a bound written in UTC wall time would be read 12 hours too late
    db, edited = sync_around_one_edit(tmp_path, jql_time_zone="Etc/GMT+12")
    assert documents(db)[edited.id] == (edited.current.number + 1, False)
    assert confluence_warnings(db) == []  # the search listed the edit itself


def test_without_v1_search_the_census_alone_finds_changes_and_the_run_says_so(tmp_path, sandbox_env):
    db, edited = sync_around_one_edit(tmp_path, confluence_v1_gone=True)
    assert documents(db)[edited.id] == (edited.current.number + 1, False)
    (warning,) = confluence_warnings(db)
    assert "410" in warning and "census" in warning


def test_a_charter_named_by_label_follows_its_label_even_when_no_page_is_edited(tmp_path, sandbox_env):
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    project = portfolio.projects[0]
    label = f"charter-{project.name.lower()}"
    charter = next(p for p in synced_pages(portfolio) if p.title == project.charter_title)
    other = plain_pages(portfolio)[0]
    with SandboxServer(portfolio) as server:
        config_tree = portfolio.pmhub_config(server.url)
        entry = next(p for p in config_tree["portfolio"] if p["id"] == project.id)
        entry["confluence"][0] = {**entry["confluence"][0], "page_label": label}
        del entry["confluence"][0]["page_title"]
        config = write_config(tmp_path / "pmhub.yaml", config_tree)
        db = tmp_path / "w.duckdb"

        def budget_and_problems() -> tuple[list[tuple[Any, ...]], list[str]]:
            budget = rows(db, "SELECT source FROM core.budgets WHERE project_id = ?", [project.id])
            return budget, [p for (p,) in rows(db, "SELECT problem FROM meta.data_problems") if project.id in p]

        sync_tools(config, db, "confluence")
        source_id = f"confluence:{config_tree['sources']['confluence'][0]['name']}"
        space = entry["confluence"][0]["space"]
        assert budget_and_problems() == ([(f"{source_id}:{charter.id}",)], [])
        # the label moves to a second page as well: which is the charter? pmhub does not guess
        server.confluence.label_pages([other.id], label)
        before = len(server.request_log)
        sync_tools(config, db, "confluence")
        reread = [path for _m, path in server.request_log[before:] if path.startswith("/wiki/api/v2/pages/")]
        assert reread == [f"/wiki/api/v2/pages/{other.id}/labels"]  # labels only, no body, no versions
        budget, problems = budget_and_problems()
        assert budget == [] and len(problems) == 1
        assert f"label {label!r} is on 2 live pages" in problems[0] and other.title in problems[0]
        # taken off both: the charter is missing, and the run says so
        server.confluence.unlabel_pages([charter.id, other.id], label)
        sync_tools(config, db, "confluence")
        missing = f"project {project.id}: the charter page labelled {label!r} not found in the synced space {space}"
        assert budget_and_problems() == ([], [missing])
        # back on the charter page alone: the budget is back
        server.confluence.label_pages([charter.id], label)
        sync_tools(config, db, "confluence")
        assert budget_and_problems() == ([(f"{source_id}:{charter.id}",)], [])
