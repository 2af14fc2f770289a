"""Confluence's part of the risk register, for the projects whose `confluence:` link names one:

- `risk_label`: every live page of the linked space carrying the label is one risk, written in its
  Page Properties (`details` macro): Risk or Title (else the page title), Probability, Impact,
  Owner (a user mention, else a name as text), Mitigation, Due, Status. risk_id = the page's
  document_id.
- `risk_register`: the page of that title holds a table, one risk per row; its header row names the
  columns as above, plus an optional ID column. risk_id = `<document_id>#<ID>` (else the row's
  title), so a row keeps its id when rows are added above it.

The risk belongs to the project whose link names the label or register. A value that cannot be read
is reported with the page's title and URL and the field, and stays NULL; the other risks load.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from xml.etree.ElementTree import Element

import duckdb
from defusedxml import ElementTree as SafeET

from models.config import PmhubConfig
from models.risk_values import RiskEntry
from pipelines.meta_tables import replace_meta_table
from pipelines.sources.confluence.charter import _AC, _RI, _cell_text, _parse_storage, parse_date, property_cells
from pipelines.sources.confluence.config import page_links

# A column or Page Properties key → the risk's field it gives (keys compared in lower case).
_KEYS = {
    "id": ("id", "risk id", "#", "no.", "ref"),
    "title": ("risk", "title", "risk title", "name", "description"),
    "probability": ("probability", "likelihood", "risk probability"),
    "impact": ("impact", "risk impact", "consequence"),
    "owner": ("owner", "risk owner"),
    "mitigation": ("mitigation", "mitigation plan", "response", "mitigation strategy"),
    "due": ("due", "due date", "mitigation due", "target date"),
    "status": ("status", "state"),
}

_PAGES = """
SELECT c.project_id, c.risk_label, c.risk_register, p.source_id || ':' || p.id AS document_id,
       p.payload ->> '$.title' AS title, s.base_url || (p.payload ->> '$._links.webui') AS url,
       p.payload ->> '$.body.storage.value' AS body,
       list_contains(l.payload ->> '$.labels[*].name', c.risk_label) AS labelled
FROM meta.cfg_risk_pages c
JOIN raw.confluence_spaces sp ON sp.source_id = c.source_id AND sp.payload ->> '$.key' = c.space_key
JOIN raw.confluence_pages p ON p.source_id = c.source_id AND p.container = sp.id
JOIN meta.cfg_sources s ON s.source_id = p.source_id
LEFT JOIN raw.confluence_page_labels l ON l.source_id = p.source_id AND l.id = p.id
WHERE p.source_id || ':' || p.id NOT IN (SELECT document_id FROM core.documents WHERE is_deleted)
  AND (list_contains(l.payload ->> '$.labels[*].name', c.risk_label) OR p.payload ->> '$.title' = c.risk_register)
ORDER BY c.project_id, document_id
"""


def write_risk_links(conn: duckdb.DuckDBPyConnection, config: PmhubConfig) -> list[str]:
    """`meta.cfg_risk_pages`: which label and register page of which space hold each project's risks."""
    replace_meta_table(
        conn,
        "cfg_risk_pages",
        "project_id VARCHAR, source_id VARCHAR, space_key VARCHAR, risk_label VARCHAR, risk_register VARCHAR",
        page_links(config, "risk_label", "risk_register"),
    )
    return []


def _key(text: str) -> str | None:
    low = " ".join(text.lower().strip().rstrip(":").split())
    return next((name for name, keys in _KEYS.items() if low in keys), None)


def _text(cell: Element) -> str:
    """A cell's value as written: a status lozenge's title, else its text."""
    for macro in cell.iter(f"{{{_AC}}}structured-macro"):
        if macro.get(f"{{{_AC}}}name") == "status":
            for param in macro.iter(f"{{{_AC}}}parameter"):
                if param.get(f"{{{_AC}}}name") == "title":
                    return " ".join("".join(param.itertext()).split())
    return _cell_text(cell).strip()


def _mention(cell: Element) -> str | None:
    """The accountId of the first user mentioned in a cell."""
    for user in cell.iter(f"{{{_RI}}}user"):
        account = user.get(f"{{{_RI}}}account-id")
        if account:
            return account
    return None


def _properties(root: Element) -> dict[str, Element]:
    """Field → value cell of the page's Page Properties (first occurrence wins)."""
    found: dict[str, Element] = {}
    for key, cell in property_cells(root):
        name = _key(key)
        if name:
            found.setdefault(name, cell)
    return found


def _register_rows(root: Element) -> list[dict[str, Element]]:
    """Field → cell of each row of the first table whose header names a probability or an impact."""
    for table in root.iter("table"):
        rows = [[c for c in r if c.tag in ("th", "td")] for r in table.iter("tr")]
        if not rows:
            continue
        header = [_key(_cell_text(c)) for c in rows[0]]
        if "probability" not in header and "impact" not in header:
            continue
        return [
            {name: cell for name, cell in zip(header, cells, strict=False) if name}
            for cells in rows[1:]
            if any(_cell_text(c).strip() for c in cells)
        ]
    return []


def _entry(
    fields: dict[str, Element], risk_id: str, title: str, project_id: str, source: str, url: str, where: str
) -> tuple[RiskEntry, list[str]]:
    text = {name: _text(cell) for name, cell in fields.items()}
    account = _mention(fields["owner"]) if "owner" in fields else None
    entry = RiskEntry(
        risk_id=risk_id,
        project_id=project_id,
        source=source,
        title=text.get("title") or title,
        url=url,
        owner_account=f"{source}:user:{account}" if account else None,
        owner_realm="atlassian" if account else None,
        owner_external=account,
        owner_name=(text.get("owner") or None) if not account else None,
        mitigation=text.get("mitigation") or None,
        status=text.get("status") or None,
    )
    problems = entry.read_values(where, ("Probability", "Impact"), text.get("probability"), text.get("impact"))
    if text.get("due"):
        try:
            entry.due_at = datetime.combine(parse_date(text["due"]), time(), UTC)
        except ValueError as exc:
            entry.unreadable.append("Due")
            problems.append(f"risk {where} field 'Due': {exc}")
    return entry, problems


def confluence_risks(conn: duckdb.DuckDBPyConnection) -> tuple[list[RiskEntry], list[str]]:
    """The risk pages and register rows of every project that names them, and what could not be read."""
    entries: list[RiskEntry] = []
    problems: list[str] = []
    registers: dict[tuple[str, str], int] = {}
    for project_id, _label, register, document_id, title, url, body, labelled in conn.execute(_PAGES).fetchall():
        source = document_id.rsplit(":", 1)[0]
        try:
            root = _parse_storage(body or "")
        except SafeET.ParseError as exc:
            problems.append(f"risk page {title!r} ({url}): storage format is not well-formed XHTML ({exc})")
            continue
        if labelled:
            entry, found = _entry(
                _properties(root), document_id, title, project_id, source, url, f"page {title!r} ({url})"
            )
            entries.append(entry)
            problems += found
        if register and title == register:
            registers[(project_id, register)] = registers.get((project_id, register), 0) + 1
            rows = _register_rows(root)
            if not rows:
                problems.append(f"risk register {title!r} ({url}): no table whose header names Probability or Impact")
            used: set[str] = set()
            for n, fields in enumerate(rows, start=1):
                label_text = _text(fields["id"]) if "id" in fields else ""
                row_title = _text(fields["title"]) if "title" in fields else ""
                ident = label_text or row_title or f"row {n}"
                slug = re.sub(r"\s+", " ", ident).strip()
                if slug in used:
                    slug = f"{slug} (row {n})"
                used.add(slug)
                where = f"register {title!r} row {n} ({row_title or ident}) ({url})"
                entry, found = _entry(
                    fields, f"{document_id}#{slug}", row_title or ident, project_id, source, url, where
                )
                entries.append(entry)
                problems += found
    for project_id, register in conn.execute(
        """SELECT DISTINCT project_id, risk_register FROM meta.cfg_risk_pages
           WHERE risk_register IS NOT NULL ORDER BY ALL"""
    ).fetchall():
        if (project_id, register) not in registers:
            problems.append(f"project {project_id}: risk register page {register!r} not found in the synced space")
    return entries, problems
