"""Budget and schedule from a charter page's Page Properties (`details`) macro.

Confluence stores pages as XHTML "storage format" with `ac:`/`ri:` prefixes it never declares and
HTML entities such as `&nbsp;`. We declare the prefixes, turn named entities into numeric ones and
parse with defusedxml (no DTDs, no entity expansion, no network). Values are typed by people, so
amounts and dates accept the common written forms; anything else is reported with page and field,
never read as zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from html.entities import name2codepoint
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from models.amounts import parse_amount

_AC = "http://atlassian.com/content"
_RI = "http://atlassian.com/resource/identifier"
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_FIELD_NAMES = {
    "budget": ("budget", "bac", "budget at completion", "approved budget", "total budget"),
    "currency": ("currency",),
    "start": ("start date", "start", "planned start", "kick-off", "kickoff"),
    "end": ("end date", "end", "planned end", "target date", "finish date", "due date"),
    "sprints": ("planned sprints", "sprints", "number of sprints"),
}


class CharterError(ValueError):
    """A charter page whose budget cannot be read; one line per problem."""


@dataclass(frozen=True)
class CharterBudget:
    bac: float
    currency: str
    start: date
    end: date
    planned_sprints: int | None = None


def _parse_storage(xhtml: str) -> Element:
    def entity(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES or name not in name2codepoint:
            return match.group(0)
        return f"&#{name2codepoint[name]};"

    body = re.sub(r"&([A-Za-z][A-Za-z0-9]*);", entity, xhtml)
    wrapped = f'<root xmlns:ac="{_AC}" xmlns:ri="{_RI}">{body}</root>'
    root: Element = SafeET.fromstring(wrapped, forbid_dtd=True)
    return root


def _cell_text(cell: Element) -> str:
    # The date picker stores <time datetime="2026-01-05"/>, whose text is empty.
    for node in cell.iter():
        if node.tag == "time" and node.get("datetime"):
            return str(node.get("datetime"))
    return " ".join("".join(cell.itertext()).split())


def property_cells(root: Element) -> list[tuple[str, Element]]:
    """(key as written, value cell) of each row of every `details` macro (Page Properties), in order."""
    found = []
    for macro in root.iter(f"{{{_AC}}}structured-macro"):
        if macro.get(f"{{{_AC}}}name") != "details":
            continue
        for row in macro.iter("tr"):
            cells = [c for c in row if c.tag in ("th", "td")]
            if len(cells) >= 2:
                found.append((_cell_text(cells[0]), cells[1]))
    return found


def page_properties(xhtml: str) -> dict[str, str]:
    """Key → value text of every `details` macro on the page (first occurrence wins)."""
    props: dict[str, str] = {}
    for key, cell in property_cells(_parse_storage(xhtml)):
        props.setdefault(key.strip().rstrip(":").lower(), _cell_text(cell).strip())
    return props


_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%d.%m.%Y", "%Y/%m/%d")


def parse_date(text: str) -> date:
    """ISO dates and common written forms; a date like 03/04/2026 is ambiguous and refused."""
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", " ".join(text.split()))
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    slash = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", cleaned)
    if slash:
        a, b, year = (int(x) for x in slash.groups())
        if a > 12 >= b:
            return date(year, b, a)
        if b > 12 >= a:
            return date(year, a, b)
        raise ValueError(f"date {text!r} is ambiguous (day/month or month/day); write it as YYYY-MM-DD")
    raise ValueError(f"cannot read a date in {text!r}")


def _field(props: dict[str, str], name: str) -> str | None:
    for alias in _FIELD_NAMES[name]:
        if props.get(alias):
            return props[alias]
    return None


def parse_charter(xhtml: str, page: str) -> CharterBudget:
    """Read BAC, currency, planned dates and (optional) planned sprints; CharterError lists every
    unreadable field."""
    try:
        props = page_properties(xhtml)
    except SafeET.ParseError as exc:
        raise CharterError(f"page {page!r}: storage format is not well-formed XHTML ({exc})") from None
    problems: list[str] = []
    bac: float | None = None
    currency = _field(props, "currency")
    budget_text = _field(props, "budget")
    if budget_text is None:
        problems.append(f"page {page!r}: no 'Budget' row in its Page Properties")
    else:
        try:
            bac, amount_currency = parse_amount(budget_text)
            if currency and amount_currency and currency.strip().upper() != amount_currency:
                problems.append(f"page {page!r} field 'Budget': currency {amount_currency} differs from {currency}")
            currency = currency or amount_currency
        except ValueError as exc:
            problems.append(f"page {page!r} field 'Budget': {exc}")
    if bac is not None and currency is None:
        problems.append(f"page {page!r}: no currency in 'Budget' and no 'Currency' row")
    dates: dict[str, date] = {}
    for name in ("start", "end"):
        value = _field(props, name)
        if value is None:
            problems.append(f"page {page!r}: no '{name.title()} date' row in its Page Properties")
            continue
        try:
            dates[name] = parse_date(value)
        except ValueError as exc:
            problems.append(f"page {page!r} field '{name.title()} date': {exc}")
    sprints_text = _field(props, "sprints")
    planned_sprints: int | None = None
    if sprints_text is not None:
        if re.fullmatch(r"\d{1,4}", sprints_text.strip()) and int(sprints_text) > 0:
            planned_sprints = int(sprints_text)
        else:
            problems.append(f"page {page!r} field 'Planned sprints': {sprints_text!r} is not a whole number of sprints")
    if problems:
        raise CharterError("; ".join(problems))
    assert bac is not None and currency is not None
    if dates["end"] < dates["start"]:
        raise CharterError(f"page {page!r}: end date {dates['end']} is before start date {dates['start']}")
    return CharterBudget(bac, currency.strip().upper(), dates["start"], dates["end"], planned_sprints)
