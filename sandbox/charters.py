"""Project charter pages in Confluence storage format, each with a Page Properties ("details") macro.

The budget and dates are typed by humans, so each project writes them its own way: `€250,000`,
`180.000 EUR`, `95k`, `USD 420 000`; dates as `2026-01-05`, `5 January 2026`, or through Confluence's
date picker, which stores `<time datetime="2026-01-05" />` and no text at all.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class CharterStyle:
    """How one project's charter writes its figures. `budget` is a format with a `{n}` placeholder."""

    currency: str
    budget: str
    date_style: str  # "iso", "long" or "picker"
    bold_headers: bool


def budget_text(style: CharterStyle, amount: int) -> str:
    """The budget cell as typed: thousands separated by `,` `.` or a space, or shortened to `k`."""
    if "{k}" in style.budget:
        return style.budget.format(k=amount // 1000)
    if "{dot}" in style.budget:
        return style.budget.format(dot=f"{amount:,}".replace(",", "."))
    if "{space}" in style.budget:
        return style.budget.format(space=f"{amount:,}".replace(",", " "))
    return style.budget.format(comma=f"{amount:,}")


def date_cell(style: CharterStyle, day: date) -> str:
    if style.date_style == "picker":
        return f'<time datetime="{day.isoformat()}" />'
    if style.date_style == "long":
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return day.isoformat()


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _row(style: CharterStyle, header: str, value: str) -> str:
    head = f"<strong>{header}</strong>" if style.bold_headers else header
    return f"<tr><th><p>{head}</p></th><td><p>{value}</p></td></tr>"


def charter_body(
    rng: random.Random, name: str, style: CharterStyle, amount: int, start: date, end: date, sponsor_id: str
) -> str:
    """The XHTML a charter page stores: intro, the properties table inside the details macro, scope."""
    status = (
        f'<ac:structured-macro ac:name="status" ac:schema-version="1" ac:macro-id="{_uid(rng)}">'
        '<ac:parameter ac:name="title">ON TRACK</ac:parameter>'
        '<ac:parameter ac:name="colour">Green</ac:parameter></ac:structured-macro>'
    )
    rows = "".join(
        (
            _row(style, "Budget", budget_text(style, amount)),
            _row(style, "Currency", style.currency),
            _row(style, "Start date", date_cell(style, start)),
            _row(style, "End date", date_cell(style, end)),
            _row(style, "Sponsor", f'<ac:link><ri:user ri:account-id="{sponsor_id}" /></ac:link>'),
            _row(style, "Status", status),
        )
    )
    return (
        f"<h2>Purpose</h2><p>{name} delivers the outcomes agreed by the steering committee.</p>"
        f'<ac:structured-macro ac:name="details" ac:schema-version="1" data-layout="default" '
        f'ac:local-id="{_uid(rng)}" ac:macro-id="{_uid(rng)}"><ac:rich-text-body>'
        f'<table data-table-width="760" data-layout="default" ac:local-id="{_uid(rng)}"><tbody>{rows}</tbody>'
        "</table></ac:rich-text-body></ac:structured-macro>"
        "<h2>Scope</h2><ul><li><p>In scope: the work tracked on the project's Jira and Trello boards.</p></li>"
        "<li><p>Out of scope: operations after hand-over.</p></li></ul>"
    )


def notes_body(title: str, attendees: list[str]) -> str:
    """An ordinary page; `&nbsp;` is how the editor stores a typed non-breaking space."""
    people = "".join(f'<li><p><ac:link><ri:user ri:account-id="{a}" /></ac:link></p></li>' for a in attendees)
    return (
        f"<h2>{title}</h2><h3>Attendees</h3><ul>{people}</ul>"
        "<h3>Decisions</h3><p>Budget reviews move to the first Monday of the month.&nbsp;</p>"
        "<ac:task-list><ac:task><ac:task-status>incomplete</ac:task-status>"
        "<ac:task-body>Circulate the updated roadmap</ac:task-body></ac:task></ac:task-list>"
    )
