"""Rich text of the realistic profile: a site-wide pool of description blocks, in ADF and wiki markup.

A description (and a rich-text custom field) is a list of blocks: paragraphs (some with mentions,
inline code or links), headings, bullet and numbered lists, short code snippets, info panels and
tables, and, in a few bug reports, pasted logs and stack traces of 2-12 KB. Each block is kept
twice: as the JSON text of its ADF node (what v3 serves in `description`) and as wiki markup (what
a changelog history writes in `fromString`/`toString` when the description is edited). The pool
is built once per (seed, people), so issues only store block indices and serving a description is
a join of cached text.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_text = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
SMALL_BLOCKS = 480
LARGE_BLOCKS = 48
_SUBJECTS = (
    "the export job",
    "the login page",
    "the billing API",
    "the search index",
    "the mobile client",
    "the sync worker",
    "the admin screen",
    "the webhook handler",
    "the report builder",
    "the cache layer",
    "the onboarding flow",
    "the permissions check",
    "the CSV import",
    "the notification service",
    "the dashboard",
)
_VERBS = (
    "fails",
    "times out",
    "returns stale data",
    "double counts items",
    "ignores the filter",
    "drops the header",
    "retries forever",
    "shows the wrong total",
    "logs a warning",
    "rejects valid input",
    "needs a new option",
    "should support paging",
    "must keep the audit trail",
    "should reuse the token",
    "needs a clearer message",
)
_CONDITIONS = (
    "when the user switches workspace",
    "after a deploy",
    "for accounts created before 2024",
    "under load",
    "on the first request of the day",
    "when the payload is larger than 1 MB",
    "with more than 100 items",
    "in the EU region",
    "when the session expires",
    "for users without a time zone",
    "on Safari only",
)
_CLOSERS = (
    "See the linked ticket for context.",
    "Repro steps are below.",
    "Customer reported it twice this week.",
    "Agreed with the team in refinement.",
    "Low risk, small change.",
    "Blocked until the API change lands.",
    "Needs a product decision first.",
    "Covered by an existing test once fixed.",
)
_HEADINGS = (
    "Context",
    "Steps to reproduce",
    "Expected result",
    "Actual result",
    "Acceptance criteria",
    "Out of scope",
    "Technical notes",
    "Open questions",
    "Rollout plan",
    "Test plan",
)
_LANGUAGES = ("java", "python", "javascript", "sql", "bash", "json")
_LOG_LEVELS = ("INFO", "WARN", "ERROR", "DEBUG")
_CLASSES = ("SyncWorker", "ExportJob", "BillingClient", "IndexWriter", "SessionFilter", "WebhookDispatcher")


@dataclass(frozen=True, slots=True)
class Block:
    """One block of rich text: `adf` is the JSON text of its ADF node, `wiki` its wiki markup."""

    adf: str
    wiki: str


@dataclass(frozen=True)
class BlockPool:
    """The site's blocks: indices below SMALL_BLOCKS are ordinary, the rest pasted logs."""

    blocks: tuple[Block, ...]

    def doc(self, indices: Sequence[int]) -> str:
        """The ADF document (JSON text) made of these blocks."""
        return '{"type":"doc","version":1,"content":[' + ",".join(self.blocks[i].adf for i in indices) + "]}"

    def wiki(self, indices: Sequence[int]) -> str:
        """The same document as wiki markup, blocks separated by a blank line."""
        return "\n\n".join(self.blocks[i].wiki for i in indices)


def _sentence(rng: random.Random) -> str:
    text = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_CONDITIONS)}."
    return text[0].upper() + text[1:]


def _paragraph(rng: random.Random, people: Sequence[tuple[str, str]]) -> Block:
    sentences = [_sentence(rng) for _ in range(rng.choice((1, 2, 2, 3, 4, 6)))] + [rng.choice(_CLOSERS)]
    nodes: list[dict[str, Any]] = [{"type": "text", "text": " ".join(sentences)}]
    wiki = " ".join(sentences)
    extra = rng.random()
    if extra < 0.15 and people:
        account, name = rng.choice(people)
        nodes += [
            {"type": "text", "text": " Ping "},
            {"type": "mention", "attrs": {"id": account, "text": f"@{name}", "accessLevel": ""}},
        ]
        wiki += f" Ping [~accountid:{account}]"
    elif extra < 0.3:
        setting = f"{rng.choice(_CLASSES).lower()}.batch_size"
        nodes += [{"type": "text", "text": " Check "}, {"type": "text", "text": setting, "marks": [{"type": "code"}]}]
        wiki += f" Check {{{{{setting}}}}}"
    elif extra < 0.4:
        url = f"https://wiki.example.com/pages/{rng.randrange(10000, 99999)}"
        nodes += [
            {"type": "text", "text": " Design notes: "},
            {"type": "text", "text": "spec", "marks": [{"type": "link", "attrs": {"href": url}}]},
        ]
        wiki += f" Design notes: [spec|{url}]"
    return Block(_text({"type": "paragraph", "content": nodes}), wiki)


def _list(rng: random.Random, ordered: bool) -> Block:
    items = [_sentence(rng) for _ in range(rng.randrange(2, 8))]
    node = {
        "type": "orderedList" if ordered else "bulletList",
        "content": [
            {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": item}]}]}
            for item in items
        ],
    }
    mark = "#" if ordered else "*"
    return Block(_text(node), "\n".join(f"{mark} {item}" for item in items))


def _code(rng: random.Random, lines: int) -> Block:
    language = rng.choice(_LANGUAGES)
    body = "\n".join(
        f"{rng.choice(_CLASSES)}.{rng.choice(('run', 'flush', 'commit', 'load'))}(batch={rng.randrange(1, 500)})"
        for _ in range(lines)
    )
    node = {"type": "codeBlock", "attrs": {"language": language}, "content": [{"type": "text", "text": body}]}
    return Block(_text(node), f"{{code:{language}}}\n{body}\n{{code}}")


def _log(rng: random.Random, lines: int) -> Block:
    """A log excerpt or stack trace pasted into a bug report."""
    rows = []
    for n in range(lines):
        level = rng.choice(_LOG_LEVELS)
        cls = rng.choice(_CLASSES)
        rows.append(
            f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} {n % 24:02d}:{rng.randrange(60):02d}:"
            f"{rng.randrange(60):02d}.{rng.randrange(1000):03d} {level} [worker-{rng.randrange(16)}] "
            f"com.example.{cls.lower()}.{cls} - {rng.choice(_VERBS)} (request {rng.getrandbits(48):012x})"
        )
    body = "\n".join(rows)
    node = {"type": "codeBlock", "attrs": {}, "content": [{"type": "text", "text": body}]}
    return Block(_text(node), f"{{noformat}}\n{body}\n{{noformat}}")


def _heading(rng: random.Random) -> Block:
    title, level = rng.choice(_HEADINGS), rng.choice((2, 3))
    node = {"type": "heading", "attrs": {"level": level}, "content": [{"type": "text", "text": title}]}
    return Block(_text(node), f"h{level}. {title}")


def _panel(rng: random.Random) -> Block:
    text = _sentence(rng)
    node = {
        "type": "panel",
        "attrs": {"panelType": rng.choice(("info", "note", "warning"))},
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }
    return Block(_text(node), f"{{panel}}\n{text}\n{{panel}}")


def _cell(kind: str, text: str) -> dict[str, Any]:
    return {"type": kind, "attrs": {}, "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}


def _table(rng: random.Random) -> Block:
    header = ("Case", "Input", "Expected", "Owner")
    rows = [
        (f"#{n + 1}", rng.choice(_CONDITIONS), rng.choice(_VERBS), rng.choice(_CLASSES))
        for n in range(rng.randrange(2, 9))
    ]
    node = {
        "type": "table",
        "attrs": {"isNumberColumnEnabled": False, "layout": "default"},
        "content": [{"type": "tableRow", "content": [_cell("tableHeader", h) for h in header]}]
        + [{"type": "tableRow", "content": [_cell("tableCell", c) for c in row]} for row in rows],
    }
    wiki = "||" + "||".join(header) + "||\n" + "\n".join("|" + "|".join(row) + "|" for row in rows)
    return Block(_text(node), wiki)


@lru_cache(maxsize=8)
def block_pool(seed: int, people: tuple[tuple[str, str], ...]) -> BlockPool:
    """The site's pool of blocks; `people` are (accountId, display name) pairs that mentions name."""
    rng = random.Random(f"blocks:{seed}")
    makers = (
        (40, lambda: _paragraph(rng, people)),
        (10, lambda: _heading(rng)),
        (14, lambda: _list(rng, rng.random() < 0.3)),
        (6, lambda: _code(rng, rng.randrange(3, 25))),
        (4, lambda: _panel(rng)),
        (3, lambda: _table(rng)),
    )
    weights = [w for w, _m in makers]
    small = [rng.choices(makers, weights)[0][1]() for _ in range(SMALL_BLOCKS)]
    large = [_log(rng, rng.randrange(15, 80)) for _ in range(LARGE_BLOCKS)]
    return BlockPool(tuple(small + large))
