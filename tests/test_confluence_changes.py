"""Our Confluence sync against a sandbox whose pages are edited, trashed and purged between runs."""

from __future__ import annotations

from sandbox.generator import generate
from sandbox.server import SandboxServer
from tests.conftest import ANCHOR, sync_tools, write_config
from tests.conftest import warehouse_rows as rows


def test_edited_pages_are_refetched_alone_and_trashed_or_purged_ones_are_marked_deleted(tmp_path, sandbox_env):
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    synced = set(portfolio.pmhub_config("http://x")["sources"]["confluence"][0]["spaces"])
    pages = [p for s in portfolio.spaces if s.key in synced for p in s.pages]
    charter = next(p for p in pages if p.title == portfolio.projects[0].charter_title)
    charters = {x.charter_title for x in portfolio.projects}
    edited, purged = [p for p in pages if p.title not in charters][:2]
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
        fetched = [path for method, path in server.request_log[before:] if path.startswith("/wiki/api/v2/pages")]
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
    got = {
        document_id.rsplit(":", 1)[1]: (version, deleted)
        for document_id, version, deleted in rows(db, "SELECT document_id, version, is_deleted FROM core.documents")
    }
    assert len(got) == len(pages)  # nothing dropped
    assert got[edited.id] == (edited.current.number + 1, False)
    assert got[charter.id][1] is True and got[purged.id][1] is True
    assert sum(deleted for _v, deleted in got.values()) == 2
    # a trashed charter page no longer gives its project a budget, and the run says so
    assert rows(db, "SELECT count(*) FROM core.budgets WHERE project_id = ?", [portfolio.projects[0].id]) == [(0,)]
    problems = [p for (p,) in rows(db, "SELECT problem FROM meta.data_problems")]
    assert any(portfolio.projects[0].charter_title in p for p in problems)
