"""Generates the Confluence site: space PMO (home, one charter per project, PMO pages) and space ENG.

Every page has a few versions. A charter's first version is a draft with a lower budget; the budget
that counts is the one in the current (last) version.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sandbox.charters import CharterStyle, charter_body, notes_body
from sandbox.model import ConfluencePage, ConfluenceSpace, PageVersion
from sandbox.timefmt import between, midnight


@dataclass(frozen=True)
class CharterSpec:
    """One project's charter: title, figures, and the style its author typed them in."""

    title: str
    project_name: str
    amount: int
    start: date
    end: date
    style: CharterStyle
    sponsor: str


class _Ids:
    """Confluence content ids are one site-wide sequence of large integers, rendered as strings."""

    def __init__(self, first: int) -> None:
        self._next = first

    def take(self) -> str:
        self._next += 1 + (self._next % 7)  # gaps, because other content types share the sequence
        return str(self._next)


def _versions(
    rng: random.Random,
    first: datetime,
    now: datetime,
    authors: Sequence[str],
    bodies: Sequence[str],
    messages: Sequence[str],
) -> tuple[PageVersion, ...]:
    times = [first, *sorted(between(rng, first + timedelta(hours=1), now - timedelta(hours=1)) for _ in bodies[1:])]
    return tuple(
        PageVersion(n, at, rng.choice(authors), message, n > 1 and rng.random() < 0.3, body)
        for n, (at, body, message) in enumerate(zip(times, bodies, messages, strict=True), start=1)
    )


def _page(
    rng: random.Random,
    ids: _Ids,
    space_id: str,
    title: str,
    parent: str | None,
    position: int,
    versions: tuple[PageVersion, ...],
) -> ConfluencePage:
    return ConfluencePage(
        id=ids.take(),
        space_id=space_id,
        title=title,
        parent_id=parent,
        author_id=versions[0].author_id,
        created_at=versions[0].created_at,
        position=position,
        versions=versions,
    )


def generate_confluence(
    rng: random.Random, charters: Sequence[CharterSpec], authors: Sequence[str], opened: date, now: datetime
) -> tuple[ConfluenceSpace, ...]:
    """The two spaces; `opened` is when the PMO space was set up (before the first charter)."""
    ids = _Ids(1769470)
    start = midnight(opened) + timedelta(hours=10)
    pmo_id, eng_id = "163841", "163842"
    home_versions = _versions(
        rng, start, now, authors[:2], ["<p>Welcome to the PMO space.</p>"] * 2, ["", "Added links to charters"]
    )
    home = _page(rng, ids, pmo_id, "PMO Home", None, 0, home_versions)
    pages = [home]
    for position, charter in enumerate(charters, start=1):
        drafted = midnight(charter.start) - timedelta(days=rng.randrange(8, 20)) + timedelta(hours=rng.randrange(9, 17))
        bodies = [
            charter_body(rng, charter.project_name, charter.style, amount, charter.start, charter.end, charter.sponsor)
            for amount in (int(round(charter.amount * 0.9, -3)), charter.amount, charter.amount)
        ]
        messages = ["Draft for steering committee", "Approved budget", "Updated scope section"]
        versions = _versions(rng, drafted, now, authors, bodies, messages)
        page = _page(rng, ids, pmo_id, charter.title, home.id, position, versions)
        pages.append(replace(page, labels=("charter", f"charter-{charter.project_name.lower()}")))
    for position, title in enumerate(
        ("Steering committee notes", "Risk register", "Portfolio roadmap"), start=len(pages)
    ):
        first = between(rng, start + timedelta(days=5), now - timedelta(days=5))
        bodies = [notes_body(title, list(authors[:3]))] * rng.randrange(2, 5)
        versions = _versions(rng, first, now, authors, bodies, [""] * len(bodies))
        pages.append(_page(rng, ids, pmo_id, title, home.id, position, versions))
    eng_start = start - timedelta(days=200)
    eng_home = _page(
        rng,
        ids,
        eng_id,
        "Engineering Home",
        None,
        0,
        _versions(rng, eng_start, now, authors, ["<p>Engineering handbook.</p>"] * 2, ["", "Links"]),
    )
    eng_pages = [eng_home] + [
        _page(
            rng,
            ids,
            eng_id,
            title,
            eng_home.id,
            position,
            _versions(
                rng,
                eng_start + timedelta(days=position),
                now,
                authors,
                [f"<h2>{title}</h2><p>Maintained by the platform team.</p>"] * 3,
                ["", "", "Typo"],
            ),
        )
        for position, title in enumerate(("Architecture overview", "On-call runbook"), start=1)
    ]
    return (
        ConfluenceSpace(
            pmo_id, "PMO", "Project Management Office", authors[0], start - timedelta(minutes=5), home.id, tuple(pages)
        ),
        ConfluenceSpace(
            eng_id, "ENG", "Engineering", authors[1], eng_start - timedelta(minutes=5), eng_home.id, tuple(eng_pages)
        ),
    )
