"""The portfolio's status page in Confluence (`publish.confluence`): created by pmhub once, then
updated in place, one version per change of the data.

- The page holds the portfolio table of the report ("data as of", "generated at" beside it) and each
  project's charts, as PNG attachments of the page (uploaded with each new version).
- The same data again makes no new version: a fingerprint of the page without its "generated at"
  line is kept in `<warehouse>.status-page.json`, with the page's id.
- A version conflict (409: someone saved in between) re-reads the page and saves on top of it.
- pmhub edits only the page it created, known by the id it recorded: a page of that title it did not
  create is never touched, and a recorded page that is gone is reported, not recreated silently.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any, cast

from connectors.answers import value_at
from connectors.confluence import ConfluenceClient
from connectors.errors import ApiError, SourceError
from models.config import PmhubConfig
from pipelines.report.charts import Spec, render_png
from pipelines.report.data import ReportData, read_report_data
from pipelines.report.page import chart_specs
from pipelines.sources.confluence.config import CONFIG, ConfluenceSource

CONFLICT_RETRIES = 3
_COLUMNS = (
    ("name", "Project"),
    ("rag_status", "RAG"),
    ("pct_complete", "% complete"),
    ("cpi", "CPI"),
    ("spi", "SPI"),
    ("eac", "EAC"),
    ("bac", "BAC"),
    ("p50_date", "P50 finish"),
    ("forecast_p85", "P85 finish"),
    ("planned_end", "Planned end"),
    ("rag_reason", "Why"),
)


class StatusPageError(SourceError):
    """The status page cannot be published as configured; one line."""


@dataclass(frozen=True)
class PageRecord:
    """The page pmhub created: where, and the fingerprint of the data it last wrote."""

    page_id: str
    space: str
    title: str
    fingerprint: str
    url: str = ""  # where people open it, as Confluence answered the last save


def record_file(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.stem + ".status-page.json")


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key == "pct_complete":
        return f"{value * 100:.1f}%"
    return f"{value:,.2f}" if isinstance(value, float) else escape(str(value))


@dataclass(frozen=True)
class ChartImage:
    """One project chart as a page attachment."""

    project: str
    title: str
    file_name: str
    spec: Spec


def chart_images(data: ReportData) -> list[ChartImage]:
    """Every project's charts that have data, each named `<project>-<chart>.png`."""
    return [
        ChartImage(p.overview["name"], title, f"{p.overview['project_id']}-{_slug(title)}.png", spec)
        for p in data.projects
        for title, spec in chart_specs(p)
    ]


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def storage_body(data: ReportData, generated_at: str | None) -> str:
    """The page in Confluence storage format; without `generated_at`, what the fingerprint covers."""
    head = "".join(f"<th>{escape(title)}</th>" for _key, title in _COLUMNS)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_cell(key, p.overview.get(key))}</td>" for key, _t in _COLUMNS) + "</tr>"
        for p in data.projects
    )
    stamp = f" · generated at {escape(generated_at)}" if generated_at else ""
    sections, project = [], None
    for image in chart_images(data):
        if image.project != project:
            project = image.project
            sections.append(f"<h2>{escape(project)}</h2>")
        sections.append(
            f'<p><ac:image ac:alt="{escape(image.title)}"><ri:attachment ri:filename="{escape(image.file_name)}" />'
            "</ac:image></p>"
        )
    return (
        f"<p>Data as of {data.as_of}{stamp}. Published by pmhub from its warehouse; edits here are "
        "replaced at the next publish.</p>"
        f"<table><tbody><tr>{head}</tr>{rows}</tbody></table>{''.join(sections)}"
    )


def _upload_charts(client: ConfluenceClient, page_id: str, data: ReportData) -> int:
    """Attach every chart image to the page (a new version of each file); how many."""
    images = chart_images(data)
    for image in images:
        client.put_attachment(page_id, image.file_name, render_png(image.spec), "image/png")
    return len(images)


def _read_record(warehouse: Path) -> PageRecord | None:
    path = record_file(warehouse)
    return PageRecord(**json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None


def _write_record(warehouse: Path, record: PageRecord) -> None:
    path = record_file(warehouse)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(asdict(record)), encoding="utf-8")
    partial.replace(path)


def _client(config: PmhubConfig, source_name: str) -> ConfluenceClient:
    sources = cast(list[ConfluenceSource], config.sources.of(CONFIG.name))
    source = next((s for s in sources if s.name == source_name), None)
    if source is None:
        raise StatusPageError(f"publish.confluence: source {source_name!r} is not in sources.confluence")
    return ConfluenceClient.from_credentials(
        f"{CONFIG.name}:{source.name}", source.url, source.email.get_secret_value(), source.token.get_secret_value()
    )


def _url(page: dict[str, Any]) -> str:
    links = page.get("_links") or {}
    return f"{links.get('base', '')}{links.get('webui', '')}"


def publish_status_page(
    config: PmhubConfig, warehouse: Path, client: ConfluenceClient | None = None
) -> tuple[str, str]:
    """Create or update the status page: one line on what was done, and the page's URL."""
    target = config.publish.confluence
    if target is None:
        raise StatusPageError("publish.confluence is not configured")
    client = client or _client(config, target.source)
    data = read_report_data(warehouse)
    fingerprint = hashlib.sha256(storage_body(data, None).encode()).hexdigest()
    body = storage_body(data, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    record = _read_record(warehouse)
    if record is not None and (record.space, record.title) == (target.space, target.title):
        if record.fingerprint == fingerprint:
            return f"status page {record.page_id} unchanged: the data is the same, no new version", record.url
        _upload_charts(client, record.page_id, data)  # before the version that shows them
        number, url = _update(client, record.page_id, target.title, body, f"pmhub: data as of {data.as_of}")
        _write_record(warehouse, PageRecord(record.page_id, target.space, target.title, fingerprint, url))
        return f"status page {record.page_id} updated to version {number}", url
    page = _create(client, target.space, target.title, body)
    page_id, url = str(page["id"]), _url(page)
    _upload_charts(client, page_id, data)
    _write_record(warehouse, PageRecord(page_id, target.space, target.title, fingerprint, url))
    return f"status page {page_id} created in space {target.space}: {target.title!r}", url


def _create(client: ConfluenceClient, space_key: str, title: str, body: str) -> dict[str, Any]:
    space = next(iter(client.iter_spaces([space_key])), None)
    if space is None:
        raise StatusPageError(f"publish.confluence: space {space_key} is not visible to this account")
    if any(p.get("title") == title for p in client.iter_page_stubs(str(space["id"]))):
        raise StatusPageError(
            f"publish.confluence: space {space_key} has a page titled {title!r} that pmhub did not create; "
            "pmhub edits only its own page: choose another title"
        )
    return client.create_page(str(space["id"]), title, body)


def _update(client: ConfluenceClient, page_id: str, title: str, body: str, message: str) -> tuple[int, str]:
    """Save the next version, re-reading the page after each conflict; the version saved, and the
    page's URL."""
    for _attempt in range(CONFLICT_RETRIES):
        status, page = client.lookup_page(page_id)
        if page is None or page.get("status") != "current":
            state = page.get("status") if page else f"HTTP {status}"
            raise StatusPageError(
                f"publish.confluence: the status page {page_id} pmhub created is gone ({state}); "
                "delete the .status-page.json file beside the warehouse to create a new one"
            )
        current = value_at(page, "version.number")
        if not isinstance(current, int):
            raise StatusPageError(f"publish.confluence: Confluence answered page {page_id} without its version number")
        number = current + 1
        try:
            saved = client.update_page(page_id, title, body, number, message)
        except ApiError as exc:
            if exc.status == 409:
                continue  # someone saved in between: read the new version and save on top of it
            raise
        return number, _url(saved)
    raise StatusPageError(f"publish.confluence: page {page_id} kept changing under {CONFLICT_RETRIES} saves; run again")
