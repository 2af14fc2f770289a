"""The static content of a realistic issue, derived from its `content_seed` whenever it is needed.

Generation (sandbox.realistic_history, for the changelog entries that set these values) and serving
(sandbox.realistic_json) call `issue_content` with the same inputs and get the same content, so
nothing but the seed is stored per issue: a 100,000-issue site keeps no description text in memory.
Values are semantic (an option's index, a person selector, days after creation); the renderer turns
them into Jira's JSON and the changelog into its display strings.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, TypeVar

from sandbox.jira_catalog import EPIC
from sandbox.realistic_fields import CUSTOM_FIELDS, CustomField
from sandbox.realistic_text import LARGE_BLOCKS, SMALL_BLOCKS

T = TypeVar("T")
# Kinds drawn here; the renderer serves the others without a draw (see CustomField.kind).
DRAWN_KINDS = frozenset(
    {"option", "options", "user", "users", "date", "datetime", "number", "text", "richtext", "url", "labels", "team"}
    | {"devsummary"}
)
_BLOCK_COUNTS = (1, 2, 3, 4, 5, 6, 8, 11, 16, 24)
_BLOCK_WEIGHTS = (28, 22, 17, 11, 7, 6, 5, 2, 1.5, 0.5)
_TAGS = ("q3-goal", "tech-debt", "needs-design", "customer-ask", "security", "perf", "a11y", "docs")
_BUILDS = ("1.4.2", "1.5.0", "1.5.1", "2.0.0-rc1", "2.0.3", "2.1.0")
_ENVIRONMENTS = (
    "Chrome 126 on macOS 14.5, staging",
    "Firefox 127 on Windows 11, production",
    "iOS 17.5 app 4.2.1, production",
    "Android 14 app 4.2.0, QA",
    "Safari 17 on macOS 13, production (EU region)",
)
_ATTACHMENTS = (
    ("screenshot.png", "image/png"),
    ("screen-recording.mp4", "video/mp4"),
    ("har-export.har", "application/json"),
    ("server.log", "text/plain"),
    ("mockup.fig.pdf", "application/pdf"),
    ("data-sample.csv", "text/csv"),
)
ESTIMATES = (3600, 7200, 14400, 28800, 57600, 86400, 144000)  # 1h .. 5d (a day is 8h)


@dataclass(frozen=True, slots=True)
class Held:
    """A custom field's value; `set_after`: minutes after creation it was set (a history), None = at creation."""

    field: CustomField
    value: Any
    set_after: int | None


@dataclass(frozen=True, slots=True)
class Link:
    """An issue link to the issue `back` numbers earlier in the same project, of type `kind` (LINK_TYPES)."""

    back: int
    kind: int
    outward: bool
    set_after: int


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    mime_type: str
    size: int
    set_after: int


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment `after` minutes after creation (clamped to the issue's `updated`) by person selector `author`."""

    after: int
    author: int
    blocks: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class IssueContent:
    """What a realistic issue holds besides the modelled fields.

    description: block indices (sandbox.realistic_text), None without one; versions: its block
    count at creation and after each edit (the last is len(description)); edited_after: minutes
    after creation of each edit. components: indices into the project's components; fix_version /
    affects_version: months after / before creation of the release month; parent: where among the
    project's earlier epics its parent is (0..1), None without one.
    """

    description: tuple[int, ...] | None
    versions: tuple[int, ...]
    edited_after: tuple[int, ...]
    environment: str | None
    held: tuple[Held, ...]
    components: tuple[int, ...]
    components_after: int | None
    fix_version: int | None
    affects_version: int | None
    links: tuple[Link, ...]
    attachments: tuple[Attachment, ...]
    original_estimate: int | None
    watchers: int
    votes: int
    last_viewed_after: int | None
    comments: tuple[Comment, ...]
    parent: float | None


def _below(rng: random.Random, n: int) -> int:
    """A random int in [0, n): random.randrange's job at a tenth of its cost (this runs per issue)."""
    return int(rng.random() * n)


def _one(rng: random.Random, options: Sequence[T]) -> T:
    return options[int(rng.random() * len(options))]


@cache
def _applicable(issue_type: str, scoped: bool) -> tuple[CustomField, ...]:
    """The custom fields with drawn values that issues of this type (and project kind) can hold."""
    return tuple(
        f
        for f in CUSTOM_FIELDS
        if f.kind in DRAWN_KINDS and (scoped or not f.scoped) and (not f.types or issue_type in f.types)
    )


def _blocks(rng: random.Random, bug: bool) -> tuple[int, ...]:
    count = rng.choices(_BLOCK_COUNTS, _BLOCK_WEIGHTS)[0]
    blocks = [_below(rng, SMALL_BLOCKS) for _ in range(count)]
    roll = rng.random()
    if roll < (0.004 if bug else 0.001):  # a long incident write-up with many logs pasted in
        blocks += [SMALL_BLOCKS + _below(rng, LARGE_BLOCKS) for _ in range(4 + _below(rng, 4))]
    elif roll < (0.016 if bug else 0.004):
        blocks += [SMALL_BLOCKS + _below(rng, LARGE_BLOCKS) for _ in range(2 + _below(rng, 4))]
    elif roll < (0.12 if bug else 0.03):
        blocks.append(SMALL_BLOCKS + _below(rng, LARGE_BLOCKS))
    return tuple(blocks)


def _value(rng: random.Random, field: CustomField) -> Any:
    kind = field.kind
    if kind == "option":
        return _below(rng, len(field.options))
    if kind == "options":
        return tuple(sorted(rng.sample(range(len(field.options)), 1 + _below(rng, min(3, len(field.options))))))
    if kind in ("user", "team"):
        return _below(rng, 1 << 16)
    if kind == "users":
        return tuple(_below(rng, 1 << 16) for _ in range(1 + _below(rng, 3)))
    if kind == "date":
        return _below(rng, 90)
    if kind == "datetime":
        return 30 + _below(rng, 60 * 24 * 20)
    if kind == "number":
        return float(_one(rng, (1, 2, 3, 5, 8, 13, 20, 40, 100)))
    if kind == "text":
        return _one(rng, _BUILDS) if "build" in field.name.lower() else f"{field.name[:3].upper()}-{_below(rng, 10**5)}"
    if kind == "richtext":
        return tuple(_below(rng, SMALL_BLOCKS) for _ in range(1 + _below(rng, 3)))
    if kind == "url":
        return f"https://support.example.com/tickets/{_below(rng, 10**6)}"
    if kind == "labels":
        return tuple(sorted(rng.sample(_TAGS, 1 + _below(rng, 2))))
    return (_one(rng, ("OPEN", "MERGED", "MERGED", "DECLINED")), 1 + _below(rng, 3))  # devsummary


def _held(rng: random.Random, issue_type: str, scoped: bool) -> tuple[Held, ...]:
    held = []
    random_ = rng.random
    for field in _applicable(issue_type, scoped):
        if random_() >= field.share:
            continue
        value = _value(rng, field)
        after = 10 + _below(rng, 60 * 24 * 30) if random_() < field.edited else None
        held.append(Held(field, value, after))
    return tuple(held)


def issue_content(seed: int, issue_type: str, scoped: bool, age: int) -> IssueContent:
    """The content of the issue with this seed and type `age` minutes after its creation (the site's
    generation "now"): what was set later than that has not happened yet and is left out.
    `scoped`: the issue is in the team-managed project, whose own fields it holds too."""
    drawn = _draw(seed, issue_type, scoped)
    description, versions, edited = drawn.description, drawn.versions, drawn.edited_after
    if edited and edited[-1] >= age:
        done = sum(1 for minutes in edited if minutes < age)
        assert description is not None
        description, versions, edited = description[: versions[done]], versions[: done + 1], edited[:done]
    return replace(
        drawn,
        description=description,
        versions=versions,
        edited_after=edited,
        held=tuple(h for h in drawn.held if h.set_after is None or h.set_after < age),
        components=drawn.components if (drawn.components_after or 0) < age else (),
        links=tuple(link for link in drawn.links if link.set_after < age),
        attachments=tuple(a for a in drawn.attachments if a.set_after < age),
        last_viewed_after=drawn.last_viewed_after if (drawn.last_viewed_after or 0) < age else None,
        comments=tuple(c for c in drawn.comments if c.after < age),
    )


def _draw(seed: int, issue_type: str, scoped: bool) -> IssueContent:
    rng = random.Random(seed)
    bug, epic = issue_type == "Bug", issue_type == EPIC
    description = _blocks(rng, bug) if epic or rng.random() < 0.8 else None
    versions: tuple[int, ...] = (len(description),) if description else ()
    edited: tuple[int, ...] = ()
    logs = description is not None and description[-1] >= SMALL_BLOCKS
    if description and len(description) > 1 and rng.random() < (0.6 if logs else 0.3):
        cuts = sorted(rng.sample(range(1, len(description)), min(len(description) - 1, 1 + _below(rng, 3))))
        versions = (*cuts, len(description))
        edited = tuple(sorted(5 + _below(rng, 60 * 24 * 14) for _ in cuts))
    environment = _one(rng, _ENVIRONMENTS) if bug and rng.random() < 0.4 else None
    held = _held(rng, issue_type, scoped)
    components = tuple(sorted(rng.sample(range(6), _one(rng, (1, 1, 1, 2))))) if rng.random() < 0.45 else ()
    components_after = 5 + _below(rng, 60 * 24 * 7) if components and rng.random() < 0.5 else None
    fix_version = _below(rng, 4) if rng.random() < 0.35 else None
    affects_version = _below(rng, 3) if bug and rng.random() < 0.3 else None
    link_count = _one(rng, (1, 1, 1, 2, 3)) if rng.random() < 0.25 else 0
    if link_count and rng.random() < 0.05:
        link_count = 5 + _below(rng, 7)
    links = tuple(
        Link(1 + _below(rng, 199), _below(rng, 4), rng.random() < 0.5, 5 + _below(rng, 60 * 24 * 20))
        for _ in range(link_count)
    )
    attached = _one(rng, (1, 1, 2, 3)) if rng.random() < 0.15 else 0
    attachments = tuple(
        Attachment(*_one(rng, _ATTACHMENTS), 2_000 + _below(rng, 4_000_000), 1 + _below(rng, 60 * 24 * 5))
        for _ in range(attached)
    )
    estimate = _one(rng, ESTIMATES) if not epic and rng.random() < 0.3 else None
    watchers = 1 + min(int(rng.expovariate(0.6)), 40)
    votes = int(rng.expovariate(3.0))
    viewed = 60 + _below(rng, 60 * 24 * 60) if rng.random() < 0.1 else None
    comment_count = _one(rng, (1, 1, 2, 3, 4)) if rng.random() < 0.45 else 0
    comments = tuple(
        Comment(30 + _below(rng, 60 * 24 * 20), _below(rng, 1 << 16), (_below(rng, SMALL_BLOCKS),))
        for _ in range(comment_count)
    )
    parent = rng.random() if not epic and rng.random() < 0.6 else None
    return IssueContent(
        description,
        versions,
        edited,
        environment,
        held,
        components,
        components_after,
        fix_version,
        affects_version,
        links,
        attachments,
        estimate,
        watchers,
        votes,
        viewed,
        comments,
        parent,
    )
