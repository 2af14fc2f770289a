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


class PageWriteError(ValueError):
    """A page write Confluence refuses: `status` is what it answers (400 or 409)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


class ConfluencePages:
    """The live pages the Confluence API serves, with each page's status; reads and changes hold `lock`."""

    def __init__(self, spaces: Iterable[ConfluenceSpace], clock: SandboxClock) -> None:
        self.lock = threading.RLock()
        self.pages: dict[str, ConfluencePage] = {p.id: p for s in spaces for p in s.pages}
        self.status: dict[str, str] = dict.fromkeys(self.pages, "current")
        # page id → file name → its versions (bytes, media type), oldest first
        self.attachments: dict[str, dict[str, list[tuple[bytes, str]]]] = {}
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

    def create_page(
        self, space_id: str, title: str, body: str, parent_id: str | None, author_id: str
    ) -> ConfluencePage:
        """A new page, version 1 (POST /pages). Titles are unique within a space, as in Confluence."""
        with self.lock:
            if any(
                p.space_id == space_id and p.title == title and self.status[p.id] != "trashed"
                for p in self.pages.values()
            ):
                raise PageWriteError(
                    400,
                    "A page with this title already exists: A page already exists with the same TITLE in this space",
                )
            now = self._clock.now()
            page_id = str(max((int(i) for i in self.pages), default=0) + 1)
            position = 1 + max((p.position for p in self.pages.values() if p.space_id == space_id), default=0)
            version = PageVersion(1, now, author_id, "", False, body)
            page = ConfluencePage(page_id, space_id, title, parent_id, author_id, now, position, (version,))
            self.pages[page_id] = page
            self.status[page_id] = "current"
            return page

    def update_page(
        self, page_id: str, title: str, body: str, number: int, message: str, author_id: str
    ) -> ConfluencePage:
        """A new version of a page (PUT /pages/{id}): `number` must be the current one plus 1, else
        409, as when someone else saved in between."""
        with self.lock:
            page = self.pages.get(page_id)
            if page is None or self.status[page_id] != "current":
                raise PageWriteError(404, f"Page {page_id} not found.")
            if number != page.current.number + 1:
                raise PageWriteError(
                    409, f"Version must be incremented on update. Current version is: {page.current.number}"
                )
            version = PageVersion(number, self._clock.now(), author_id, message, False, body)
            self.pages[page_id] = replace(page, title=title, versions=(*page.versions, version))
            return self.pages[page_id]

    def put_attachment(self, page_id: str, file_name: str, data: bytes, media_type: str) -> int:
        """Attach a file to a current page, or save a new version of the one of that name; its version."""
        with self.lock:
            if page_id not in self.pages or self.status[page_id] != "current":
                raise PageWriteError(404, f"No content found with id: {page_id}")
            versions = self.attachments.setdefault(page_id, {}).setdefault(file_name, [])
            versions.append((data, media_type))
            return len(versions)
