"""Where the portfolio's status pages are (`<warehouse>.status-pages.json`: tool → page URL), as the
last publish left them, so the digest can link the page people open."""

from __future__ import annotations

import json
from pathlib import Path


def status_pages_file(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.stem + ".status-pages.json")


def status_page_urls(warehouse: Path) -> dict[str, str]:
    """Tool name → URL of its status page; empty before the first publish."""
    path = status_pages_file(warehouse)
    if not path.exists():
        return {}
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}  # a torn write: the next publish writes it again
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def record_status_page_urls(warehouse: Path, urls: dict[str, str]) -> None:
    path = status_pages_file(warehouse)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps({**status_page_urls(warehouse), **urls}), encoding="utf-8")
    partial.replace(path)
