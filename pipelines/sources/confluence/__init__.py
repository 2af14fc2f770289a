"""Confluence Cloud: spaces and their pages (storage format), versions and labels, charter and risk pages included."""

from __future__ import annotations

from typing import Any

import duckdb

from connectors.confluence import ConfluenceClient
from models.config import PmhubConfig
from pipelines.landing import RawEntity
from pipelines.meta_tables import replace_meta_table
from pipelines.sources.confluence.charter_budgets import charter_budgets
from pipelines.sources.confluence.config import CONFIG, ConfluenceRef, ConfluenceSource, page_links
from pipelines.sources.confluence.extract import extract_confluence
from pipelines.sources.confluence.risks import confluence_risks, write_risk_links
from pipelines.sources.confluence.state import ConfluenceState, held_state
from pipelines.sources.confluence.status_page import publish_status_page
from pipelines.sources.tool import Tool

RAW_ENTITIES = tuple(
    RawEntity(f"confluence_{kind}") for kind in ("spaces", "pages", "page_tombstones", "page_versions", "page_labels")
)


def _client(source_id: str, s: ConfluenceSource, **http: Any) -> ConfluenceClient:
    return ConfluenceClient.from_credentials(
        source_id, s.url, s.email.get_secret_value(), s.token.get_secret_value(), **http
    )


def _probe(source_id: str, s: ConfluenceSource) -> str:
    """List the spaces the config names (`pmhub check`)."""
    seen = [space["key"] for space in _client(source_id, s, max_attempts=2).iter_spaces(s.spaces)]
    missing = sorted(set(s.spaces or ()) - set(seen))
    gap = f"; NOT visible: {', '.join(missing)}" if missing else ""
    return f"{len(seen)} spaces visible{gap}"


def write_charter_links(conn: duckdb.DuckDBPyConnection, config: PmhubConfig) -> list[str]:
    """`meta.cfg_charters`: which page of which space is each project's charter, by title or label
    (the budget is read from it when the config gives none)."""
    replace_meta_table(
        conn,
        "cfg_charters",
        "project_id VARCHAR, source_id VARCHAR, space_key VARCHAR, page_title VARCHAR, page_label VARCHAR",
        page_links(config, "page_title", "page_label"),
    )
    return []


def _prepare(conn: duckdb.DuckDBPyConnection, config: PmhubConfig) -> list[str]:
    """Which pages are charters, and which hold risks (`meta.cfg_charters`, `meta.cfg_risk_pages`)."""
    return write_charter_links(conn, config) + write_risk_links(conn, config)


def _options(config: PmhubConfig, source: ConfluenceSource) -> dict[str, Any]:
    """The labels that mark charter and risk pages in this source's spaces, watched by the extract
    so a label added to or taken from an unchanged page is seen."""
    links = [link for p in config.portfolio for link in p.links(CONFIG.name) if isinstance(link, ConfluenceRef)]
    mine = [c for c in links if c.source == source.name]
    labels = {c.page_label for c in mine if c.page_label} | {c.risk_label for c in mine if c.risk_label}
    return {"charter_labels": sorted(labels)}


TOOL = Tool(
    config=CONFIG,
    client=_client,
    extract=extract_confluence,
    state=ConfluenceState,
    held_state=held_state,
    probe=_probe,
    raw_entities=RAW_ENTITIES,
    package=__name__,
    options=_options,
    prepare=_prepare,
    budgets=charter_budgets,
    risks=confluence_risks,
    status_page=publish_status_page,
)
