"""The portfolio's status page published to the sandbox's Confluence (v2 pages; every request held
to Confluence's OpenAPI document): created once, no new version for the same data, one version per
change, a 409 re-read and retried, and a page pmhub did not create never touched."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from connectors.answers import IncompleteAnswerError
from connectors.confluence import ConfluenceClient
from pipelines.cli import main
from pipelines.publish import published_file
from pipelines.report.data import read_report_data
from pipelines.run_sync import run_sync
from pipelines.sources.confluence.status_page import chart_images, record_file
from pipelines.status_pages import status_page_urls
from pipelines.warehouse import connect
from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN
from sandbox.server import SandboxServer
from tests.conftest import ANCHOR, write_config


@pytest.fixture(scope="module")
def site(portfolio, sandbox_env, tmp_path_factory) -> Iterator[tuple[SandboxServer, Path, dict[str, Any]]]:
    """A sandbox of its own (the tests write pages into it) and one synced warehouse of it."""
    with SandboxServer(portfolio) as server:
        folder = tmp_path_factory.mktemp("status-page")
        config = portfolio.pmhub_config(server.url)
        config["sources"].pop("trello")
        for project in config["portfolio"]:
            project.pop("trello", None)
        path = write_config(folder / "pmhub.yaml", config)
        outcome = run_sync(path, folder / "pmhub.duckdb", as_of=ANCHOR)
        assert outcome.success, outcome.message
        yield server, folder / "pmhub.duckdb", config


def _publish_config(tmp_path: Path, site: tuple[SandboxServer, Path, dict[str, Any]], title: str) -> Path:
    """A copy of the synced warehouse and a config that publishes it under `title`."""
    _server, db, config = site
    for file in (db, published_file(db)):
        shutil.copy(file, tmp_path / file.name)
    source = config["sources"]["confluence"][0]["name"]
    publish = {"confluence": {"source": source, "space": "PMO", "title": title}}
    return write_config(tmp_path / "pmhub.yaml", {**config, "warehouse": db.name, "publish": publish})


def _page(server: SandboxServer, title: str) -> Any:
    with server.confluence.lock:
        return next(p for p in server.confluence.pages.values() if p.title == title)


def _set_cpi(config: Path, value: float) -> None:
    with connect(published_file(config.with_name("pmhub.duckdb"))) as conn:
        conn.execute("UPDATE mart.portfolio SET cpi = ? WHERE project_id = 'apollo'", [value])


def test_create_then_no_version_for_the_same_data_then_one_per_change(site, tmp_path, capsys):
    server = site[0]
    config = _publish_config(tmp_path, site, "Portfolio status A")
    assert main(["publish", "--config", str(config)]) == 0
    assert "created in space PMO" in capsys.readouterr().out
    page = _page(server, "Portfolio status A")
    assert len(page.versions) == 1 and "Apollo" in page.current.body and "Data as of" in page.current.body
    url = status_page_urls(tmp_path / "pmhub.duckdb")["confluence"]
    assert url == f"{server.url}/wiki/spaces/PMO/pages/{page.id}/Portfolio+status+A"  # for the digest to link
    files = server.confluence.attachments[page.id]
    shown = re.findall(r'ri:filename="([^"]+)"', page.current.body)
    expected = chart_images(read_report_data(tmp_path / "pmhub.duckdb"))
    assert sorted(files) == sorted(shown) == sorted(i.file_name for i in expected) and len(files) > 10
    assert all(len(v) == 1 and v[0][0].startswith(b"\x89PNG") and v[0][1] == "image/png" for v in files.values())
    assert main(["publish", "--config", str(config)]) == 0
    assert "unchanged" in capsys.readouterr().out and len(_page(server, "Portfolio status A").versions) == 1
    assert all(len(v) == 1 for v in server.confluence.attachments[page.id].values())  # nothing uploaded again
    _set_cpi(config, 0.42)
    assert main(["publish", "--config", str(config)]) == 0
    assert "updated to version 2" in capsys.readouterr().out
    page = _page(server, "Portfolio status A")
    assert len(page.versions) == 2 and "<td>0.42</td>" in page.current.body
    assert all(len(v) == 2 for v in server.confluence.attachments[page.id].values())  # charts of the new data


def test_a_version_conflict_is_read_again_and_saved_on_top(site, tmp_path, capsys, monkeypatch):
    server = site[0]
    config = _publish_config(tmp_path, site, "Portfolio status B")
    assert main(["publish", "--config", str(config)]) == 0
    page_id = _page(server, "Portfolio status B").id
    original = ConfluenceClient.lookup_page
    edits: list[str] = []

    def someone_saves_in_between(self: ConfluenceClient, pid: str, body_format: str = "storage") -> Any:
        found = original(self, pid, body_format)
        if not edits:  # a person saves version 2 after pmhub read version 1
            edits.append(pid)
            server.confluence.edit_pages([pid], message="a person's edit")
        return found

    monkeypatch.setattr(ConfluenceClient, "lookup_page", someone_saves_in_between)
    _set_cpi(config, 0.5)
    assert main(["publish", "--config", str(config)]) == 0
    assert "updated to version 3" in capsys.readouterr().out  # its version 2 got a 409; read again, saved 3
    page = _page(server, "Portfolio status B")
    assert [v.message for v in page.versions] == ["", "a person's edit", "pmhub: data as of 2026-11-02"]
    assert "<td>0.50</td>" in page.current.body and edits == [page_id]


def test_a_page_pmhub_did_not_create_is_never_touched(site, tmp_path, capsys):
    server = site[0]
    space = next(s for s in server.portfolio.spaces if s.key == "PMO")
    foreign = server.confluence.create_page(space.id, "Somebody's status", "<p>mine</p>", None, "someone")
    config = _publish_config(tmp_path, site, "Somebody's status")
    assert main(["publish", "--config", str(config)]) == 1
    assert "pmhub did not create" in capsys.readouterr().err
    assert len(_page(server, "Somebody's status").versions) == 1 and foreign.current.body == "<p>mine</p>"
    assert not record_file(tmp_path / "pmhub.duckdb").exists()


def test_the_sandbox_refuses_an_upload_without_xsrf_token_or_a_required_part(site):
    server = site[0]
    page = next(iter(server.confluence.pages.values()))
    url = f"{server.url}/wiki/rest/api/content/{page.id}/child/attachment"
    auth = (ATLASSIAN_EMAIL, ATLASSIAN_TOKEN)
    files = {"file": ("chart.png", b"\x89PNG", "image/png")}
    token = {"X-Atlassian-Token": "no-check"}
    assert requests.put(url, files=files, data={"minorEdit": "true"}, auth=auth, timeout=10).status_code == 403
    missing = requests.put(url, files=files, headers=token, auth=auth, timeout=10)
    assert missing.status_code == 400 and "minorEdit" in missing.text  # the document requires the part
    assert page.id not in server.confluence.attachments


def test_the_sandbox_holds_page_writes_to_confluences_document(site):
    server = site[0]
    auth = (ATLASSIAN_EMAIL, ATLASSIAN_TOKEN)
    page = _page(server, next(iter(server.confluence.pages.values())).title)
    bad = {
        "id": page.id,
        "status": "current",
        "title": page.title,
        "body": {"representation": "storage", "value": "<p>x</p>"},
        "version": {"number": "two"},
    }
    answer = requests.put(f"{server.url}/wiki/api/v2/pages/{page.id}", json=bad, auth=auth, timeout=10)
    assert answer.status_code == 400 and "number" in answer.text
    assert len(_page(server, page.title).versions) == len(page.versions)


@pytest.mark.parametrize(
    ("method", "answer", "says"),
    [
        ("create", {"id": "7", "version": {"number": 1}}, "lacks `_links.webui`"),
        ("update", {"id": "7", "version": {"number": 4}, "_links": {"webui": "/x"}}, "version 4, not the 3 saved"),
        ("attach", {"results": [{"title": "other.png"}], "size": 1}, "does not list the attachment 'chart.png'"),
    ],
)
def test_a_write_whose_answer_lacks_what_was_saved_fails(site, monkeypatch, method, answer, says):
    client = ConfluenceClient.from_credentials(
        "confluence:sandbox", f"{site[0].url}/wiki", ATLASSIAN_EMAIL, ATLASSIAN_TOKEN
    )
    for sender in ("post_json", "put_json", "put_multipart"):
        monkeypatch.setattr(client.http, sender, lambda *args, **kwargs: answer)
    calls = {
        "create": lambda: client.create_page("1", "T", "<p/>"),
        "update": lambda: client.update_page("7", "T", "<p/>", 3, "m"),
        "attach": lambda: client.put_attachment("7", "chart.png", b"\x89PNG", "image/png"),
    }
    with pytest.raises(IncompleteAnswerError, match=re.escape(says)):
        calls[method]()
