"""Jira issues land apart from their change histories: one landed row per history.

A real issue's history can run to thousands of entries and megabytes, while the rest of the issue
is a few kilobytes. Kept inside the issue payload, those histories made every SQL step that parses
issues hold megabytes per row (a 10,000-issue site ran out of memory in the stage build), and
completing a long history meant holding it whole. So each issue is landed without
`changelog.histories` (`jira_issues`), and each history is its own row (`jira_issue_histories`,
keyed by Jira's site-wide history id, container = the issue id): every row stays small, whatever
the issue's history. Histories embedded in the issue answer are landed at once; where the embed
cannot be shown whole (`connectors.jira.changelogs.needs_history`) the issue's whole history is
read from changelog/bulkfetch, a page's worth at a time beside the issue stream, and landed page by
page, with any embedded history the bulk view lacked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from connectors.jira import JiraClient
from connectors.jira.changelogs import MISSING_CHANGELOG, History, needs_history
from connectors.jira.settings import CHANGELOG_PAGE_SIZE
from pipelines.landing import LandingWriter

ENTITY = "jira_issue_histories"


class HistoryLanding:
    """Splits issues from their histories while they are landed, and reads the rest meanwhile.

    Issues whose embed cannot be shown whole are read from changelog/bulkfetch in the background,
    a page's worth of history at a time, while the issue stream goes on; `complete()` reads what is
    left and waits. `note` sees every history landed (e.g. to find the sprints they name); it may
    be called from several threads, and the landing writer takes writes from several threads.
    """

    def __init__(
        self, client: JiraClient, writer: LandingWriter, note: Callable[[list[History]], None] = lambda _h: None
    ) -> None:
        self._client = client
        self._writer = writer
        self._note = note
        # issue id -> (histories it has at least, those its embed carried), awaiting the bulk read
        self._incomplete: dict[str, tuple[int, list[History]]] = {}
        self._pending_size = 0
        self._unexpanded = 0
        self._reading = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pmhub-histories")
        self._reads: list[Future[None]] = []

    def __enter__(self) -> HistoryLanding:
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop reading (on failure before `complete()`: nothing started is left running)."""
        self._reading.shutdown(wait=True, cancel_futures=True)

    def split(self, issues: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Pass issues through without their embedded histories, landing those as their own rows."""
        for issue in issues:
            issue_id = str(issue["id"])
            changelog = issue.get("changelog")
            whole = not needs_history(issue)
            size = known_size(changelog)
            histories = changelog.pop("histories", None) if isinstance(changelog, dict) else None
            if not isinstance(histories, list):
                self._unexpanded += 1
                histories = []
            if whole:
                self._land(issue_id, histories)
            else:  # landed with the bulk read, which gives them again
                self._incomplete[issue_id] = (size, histories)
                self._pending_size += size
                if self._pending_size >= CHANGELOG_PAGE_SIZE:
                    self._read_incomplete()
            yield issue

    def complete(self) -> None:
        """Land the whole history of every issue whose embed could not be shown whole; wait for it."""
        if self._incomplete:
            self._read_incomplete()
        for read in self._reads:
            read.result()
        self._client.stats.add_shortfall(MISSING_CHANGELOG, self._unexpanded)

    def _read_incomplete(self) -> None:
        chunk, self._incomplete, self._pending_size = self._incomplete, {}, 0
        self._reads.append(self._reading.submit(self._read, chunk))

    def _read(self, chunk: dict[str, tuple[int, list[History]]]) -> None:
        sizes = {issue_id: size for issue_id, (size, _embedded) in chunk.items()}
        read: dict[str, set[str]] = {issue_id: set() for issue_id in chunk}
        for issue_id, histories in self._client.changelogs(list(sizes), sizes=sizes):
            read.setdefault(issue_id, set()).update(str(h.get("id")) for h in histories)
            self._land(issue_id, histories)
        # An embedded history the bulk view lacks is kept: the two views have disagreed before
        # (estuary/connectors#5204).
        for issue_id, (_size, embedded) in chunk.items():
            self._land(issue_id, [h for h in embedded if str(h.get("id")) not in read[issue_id]])

    def _land(self, issue_id: str, histories: list[History]) -> None:
        if histories:
            self._note(histories)
            self._writer.write(ENTITY, histories, updated=lambda h: h.get("created"), container=issue_id)


def known_size(changelog: object) -> int:
    """How many histories an embedded changelog shows the issue has at least."""
    if not isinstance(changelog, dict):
        return 0
    total = changelog.get("total")
    embedded = changelog.get("histories")
    return max(total if isinstance(total, int) else 0, len(embedded) if isinstance(embedded, list) else 0)
