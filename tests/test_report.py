"""`pmhub report` on the demo's warehouse (the demo writes it): a self-contained page whose figures
and chart marks are the marts' rows, checked as text here and in a real browser (headless Chromium,
driven by Playwright) when one is installed.

The browser test writes a screenshot of the overview and of each project, and the PDF the browser
prints, to `test-artifacts/report/` (or $PMHUB_TEST_ARTIFACTS); outside CI it skips, naming what to
install, on a machine without Chromium or Playwright; in CI a skip fails the run (tests/skip_guard.py).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pipelines.demo import report_file, run_demo
from pipelines.publish import published_file
from pipelines.report import write_report
from pipelines.run_log import RunRecord, append_run, run_log_file
from tests.conftest import warehouse_rows

ARTIFACTS = Path(os.environ.get("PMHUB_TEST_ARTIFACTS", Path(__file__).parents[1] / "test-artifacts")) / "report"


@dataclass(frozen=True)
class Report:
    db: Path
    html: str
    path: Path

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return warehouse_rows(published_file(self.db), sql, params)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Iterator[Report]:
    db = tmp_path_factory.mktemp("report") / "demo.duckdb"
    outcome, _table = run_demo(db)
    assert outcome.success, outcome.message
    path = report_file(db)
    yield Report(db, path.read_text(encoding="utf-8"), path)


class _Cells(HTMLParser):
    """The text of each cell of each row of the first table after `start` (an element id or class)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _section(html: str, marker: str) -> str:
    start = html.index(marker)
    end = html.find("<section", start + 1)
    return html[start : end if end > 0 else len(html)]


def _overview_rows(html: str) -> list[list[str]]:
    parser = _Cells()
    parser.feed(_section(html, '<section class="overview">').split("</table>")[0])
    return parser.rows[1:]


def _fmt(value: Any, pct: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if pct else f"{value:,.2f}" if isinstance(value, float) else str(value)


def _figure(section: str, title: str) -> str:
    start = section.index(f'aria-label="{title}"')
    return section[start : section.index("</figure>", start)]


PROJECTS = "SELECT project_id, name FROM mart.portfolio ORDER BY name"


def test_the_report_is_one_file_that_needs_nothing_outside_it(report):
    html = report.html
    for outside in ("<script", "<link", " src=", "url(", "@import", "<iframe", "<img"):
        assert outside not in html, outside
    links = set(re.findall(r'<a href="([^"]+)"', html))
    urls = {u for (u,) in report.rows("SELECT url FROM mart.attention_items WHERE url IS NOT NULL")}
    assert links and links <= urls  # the only links are items' own pages, opened by a click
    assert html.count('<section class="project"') == len(report.rows(PROJECTS)) == 6


def test_the_overview_shows_the_marts_figures_worst_first(report):
    shown = {row[0]: row for row in _overview_rows(report.html)}
    marts = report.rows(
        """SELECT p.name, p.rag_status, p.pct_complete, p.cpi, p.spi, p.forecast_p85, p.planned_end,
                  p.estimate_coverage, e.bac
           FROM mart.portfolio p LEFT JOIN (SELECT project_id, arg_max(bac, as_of) AS bac FROM mart.budget_variance
                                            GROUP BY 1) e USING (project_id)"""
    )
    assert set(shown) == {m[0] for m in marts}
    for name, rag, pct, cpi, spi, p85, end, coverage, bac in marts:
        row = shown[name]
        assert row[1:5] == [rag, _fmt(pct, pct=True), _fmt(cpi), _fmt(spi)], name
        assert (row[6], row[8], row[9], row[11]) == (_fmt(bac), _fmt(p85), _fmt(end), _fmt(coverage, pct=True)), name
    order = {"red": 0, "amber": 1, "unknown": 2, "green": 3}
    rags = [order[row[1]] for row in _overview_rows(report.html)]
    assert rags == sorted(rags)


def test_each_chart_draws_one_mark_per_mart_row(report):
    for project_id, _name in report.rows(PROJECTS):
        section = _section(report.html, f'id="project-{project_id}"')
        finished = report.rows(
            "SELECT count(*) FROM mart.flow WHERE project_id = ? AND cycle_time_days IS NOT NULL", (project_id,)
        )[0][0]
        assert _figure(section, "Cycle time of finished items").count('aria-roledescription="point"') == finished
        aging = report.rows("SELECT count(*) FROM mart.aging_wip WHERE project_id = ?", (project_id,))[0][0]
        if aging:
            assert _figure(section, "Aging work in progress").count('aria-roledescription="point"') == aging
        sprints = report.rows(
            "SELECT count(*) FROM mart.velocity WHERE project_id = ? AND iteration_kind = 'sprint' "
            "AND iteration_state = 'closed'",
            (project_id,),
        )[0][0]
        if sprints:
            bars = _figure(section, "Velocity (points per sprint)").count('aria-roledescription="bar"')
            assert bars == 2 * sprints  # committed and completed, side by side
        else:
            weeks = report.rows("SELECT count(*) FROM mart.throughput_weekly WHERE project_id = ?", (project_id,))
            assert _figure(section, "Throughput (items per week)").count('aria-roledescription="bar"') == weeks[0][0]


def _chromium() -> tuple[str | None, str]:
    """The browser to drive and, when there is none, what to install."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return None, "the browser test needs Playwright: pip install playwright (in the dev extra)"
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    return path, "" if path else "the browser test needs Chromium: apt-get install chromium"


CHROMIUM, NO_BROWSER = _chromium()


@pytest.mark.skipif(CHROMIUM is None, reason=NO_BROWSER)
def test_a_real_browser_draws_the_report_offline_and_prints_it(report):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        requests: list[str] = []
        problems: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(report.path.as_uri())
        assert requests == [report.path.as_uri()] and problems == []
        projects = report.rows(PROJECTS)
        assert page.locator("section.project").count() == len(projects)
        for project_id, _name in projects:
            section = page.locator(f"#project-{project_id}")
            finished = report.rows(
                "SELECT count(*) FROM mart.flow WHERE project_id = ? AND cycle_time_days IS NOT NULL", (project_id,)
            )[0][0]
            points = section.locator('figure[aria-label="Cycle time of finished items"] [aria-roledescription="point"]')
            assert points.count() == finished
            assert section.locator("svg").count() >= 6  # burn-up, velocity or throughput, flow, cycle, EVM, CPI/SPI
            section.screenshot(path=str(ARTIFACTS / f"project-{project_id}.png"))
        cpi = {name: cpi for name, cpi in report.rows("SELECT name, cpi FROM mart.portfolio")}
        for row in page.locator("section.overview tbody tr").all():
            cells = row.locator("td").all_inner_texts()
            assert cells[3] == _fmt(cpi[cells[0]]), cells
        page.locator("section.overview").screenshot(path=str(ARTIFACTS / "overview.png"))
        pdf = ARTIFACTS / "report.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True)  # the page's own @page: A4 landscape
        browser.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages == 1 + len(projects)  # the overview, then one page per project


def test_a_failed_last_sync_is_said_above_the_figures_it_left_standing(report, tmp_path):
    """A failed sync publishes nothing, so no mart can say it: the report reads it from the run log."""
    db = tmp_path / "demo.duckdb"
    for name in (report.db.name, published_file(report.db).name, run_log_file(report.db).name):
        shutil.copy(report.db.with_name(name), tmp_path / name)
    assert 'role="alert"' not in write_report(db, tmp_path / "ok.html").read_text(encoding="utf-8")
    reason = "jira:sandbox: HTTP 401 from GET /rest/api/3/myself — check the credentials configured for this source"
    append_run(
        db,
        RunRecord(
            "r9", "sync", "pmhub sync", "2026-12-08T02:00:00Z", "2026-12-08T02:01:00Z", False, reason, "jira_landing"
        ),
    )
    header = write_report(db, tmp_path / "failed.html").read_text(encoding="utf-8").split("</header>")[0]
    assert (
        '<p class="failed" role="alert">The last sync, at 2026-12-08T02:01:00Z, failed in jira_landing: '
        f"{escape(reason)}. The figures below are those of the last successful sync.</p>"
    ) in header
