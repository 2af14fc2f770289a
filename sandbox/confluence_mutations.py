"""Changes to a running sandbox's Confluence pages between two syncs: edited, relabelled, trashed or purged.

An edit saves a new version (stamped with the sandbox clock); adding or removing a label changes
the page's labels without a new version, as in Confluence (its version and dates stay as they
were); a trashed page keeps answering `GET /pages/{id}` with `status: trashed` but leaves the
listings; a purged page answers 404.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sandbox.clock import SandboxClock
from sandbox.model import ConfluencePage, ConfluenceSpace, PageVersion


@dataclass(frozen=True)
class PagesChanged:
    """What one operation did: the ids of the pages it changed."""

    op: str
    page_ids: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"op": self.op, "page_ids": list(self.page_ids)}


class ConfluencePages:
    """The live pages the Confluence API serves, with each page's status; reads and changes hold `lock`."""

    def __init__(self, spaces: Iterable[ConfluenceSpace], clock: SandboxClock) -> None:
        self.lock = threading.RLock()
        self.pages: dict[str, ConfluencePage] = {p.id: p for s in spaces for p in s.pages}
        self.status: dict[str, str] = dict.fromkeys(self.pages, "current")
        self._clock = clock

    def get(self, page_id: str) -> tuple[ConfluencePage, str] | None:
        """A page that exists (current or trashed) and its status; None once purged or unknown."""
        with self.lock:
            page = self.pages.get(page_id)
            return (page, self.status[page_id]) if page is not None else None

    def listed(self, statuses: set[str]) -> list[ConfluencePage]:
        """Pages whose status is among `statuses`, in id order."""
        with self.lock:
            return [p for p in self.pages.values() if self.status[p.id] in statuses]

    def edit_pages(self, ids: Iterable[str], message: str = "edited") -> PagesChanged:
        """Save a new version of each page: same body plus one paragraph, dated now."""
        with self.lock:
            now, done = self._clock.now(), []
            for page_id in ids:
                page = self.pages[page_id]
                last = page.current
                body = f"{last.body}<p>{message}</p>"
                version = PageVersion(last.number + 1, now, last.author_id, message, False, body)
                self.pages[page_id] = replace(page, versions=(*page.versions, version))
                done.append(page_id)
            return PagesChanged("edit_pages", tuple(done))

    def label_pages(self, ids: Iterable[str], label: str) -> PagesChanged:
        """Add the global label `label` (lower-cased, as Confluence stores labels) to each page; no new version."""
        return self._relabel("label_pages", ids, label, add=True)

    def unlabel_pages(self, ids: Iterable[str], label: str) -> PagesChanged:
        """Remove the label `label` from each page that has it; no new version."""
        return self._relabel("unlabel_pages", ids, label, add=False)

    def _relabel(self, op: str, ids: Iterable[str], label: str, *, add: bool) -> PagesChanged:
        """`page_ids` of the result: the pages whose labels changed (a page already (un)labelled is left out)."""
        name = str(label).strip().lower()
        if not name or re.search(r"[\s:;,.?&\[\]()#^*@!]", name):
            raise ValueError(f"{label!r} is not a valid Confluence label name")
        with self.lock:
            chosen = tuple(ids)
            pages = [self.pages[page_id] for page_id in chosen]  # KeyError before anything changes
            done = []
            for page in pages:
                if add:
                    labels = page.labels if name in page.labels else (*page.labels, name)
                else:
                    labels = tuple(n for n in page.labels if n != name)
                if labels != page.labels:
                    self.pages[page.id] = replace(page, labels=labels)
                    done.append(page.id)
            return PagesChanged(op, tuple(done))

    def trash_pages(self, ids: Iterable[str]) -> PagesChanged:
        with self.lock:
            chosen = tuple(ids)
            for page_id in chosen:
                self.status[self.pages[page_id].id] = "trashed"
            return PagesChanged("trash_pages", chosen)

    def purge_pages(self, ids: Iterable[str]) -> PagesChanged:
        with self.lock:
            chosen = tuple(ids)
            for page_id in chosen:
                del self.pages[page_id]
                del self.status[page_id]
            return PagesChanged("purge_pages", chosen)
