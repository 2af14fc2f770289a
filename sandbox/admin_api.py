"""The sandbox's own control endpoints under `/_sandbox/`: no auth, loopback clients only.

    POST /_sandbox/mutate        {"op": "touch", "fraction": 0.01, "seed": 1}, or {"operations": [...]}
    GET  /_sandbox/truth         the live ground truth (sandbox.live_truth) as JSON
    GET  /_sandbox/stats         {"requests_by_endpoint": {...}, "dataset": {...}, "now": "..."}
    POST /_sandbox/reset-stats   zero the request counters
    GET  /_sandbox/clock         {"now": "...", "epochMs": ...}
    POST /_sandbox/faults        {"faults": ["burst:5:0:100", ...]} arms more faults (sandbox.faults)

Operations (each answers what it changed, see sandbox.jira_mutations.Changed): touch(fraction,
seed, ids), create_issues(n, project_key, seed), delete_issues(n | ids, seed), move_issues(n,
to_project_key, seed, ids), revoke_project(key), restrict_issues(n, seed, ids),
delete_worklogs(n, seed), misreport_worklog_deletions(n, seed), add_custom_field(name,
field_type, fraction, seed, ids) and retype_field(field_id, new_type, fraction, seed, ids)
(sandbox.jira_fields; both answer the `field_id`), grow_history(issue_id, n, seed) (a giant
issue: n more changelog histories, sandbox.jira_growth), delete_cards(board_id, n | ids,
seed), move_cards(board_id, to_board_id, n | ids, seed), edit_pages(ids), label_pages(ids, label),
unlabel_pages(ids, label) (labels change without a new page version, as in Confluence),
trash_pages(ids), purge_pages(ids), advance(minutes): move the sandbox clock forward.
These requests are not logged, counted, delayed or failed like vendor API requests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from sandbox.clock import SandboxClock
from sandbox.confluence_mutations import ConfluencePages, PagesChanged
from sandbox.http_kit import ApiResponse, json_response
from sandbox.jira_mutations import Changed, JiraMutations
from sandbox.timefmt import epoch_ms, jira_ts
from sandbox.trello_mutations import CardsChanged, TrelloBoards

PREFIX = "/_sandbox/"


class Controlled(Protocol):
    """What the admin endpoints drive: the SandboxServer."""

    clock: SandboxClock
    mutations: JiraMutations
    trello: TrelloBoards
    confluence: ConfluencePages

    def truth_json(self) -> dict[str, Any]: ...

    def stats(self) -> dict[str, Any]: ...

    def reset_stats(self) -> None: ...

    def add_faults(self, specs: list[str]) -> None: ...


def is_loopback(address: str) -> bool:
    return address.startswith("127.") or address in ("::1", "localhost")


class AdminApi:
    def __init__(self, server: Controlled) -> None:
        self._server = server
        self._routes: dict[tuple[str, str], Callable[[Any], ApiResponse]] = {
            ("POST", "mutate"): self._mutate,
            ("GET", "truth"): lambda _body: json_response(200, server.truth_json()),
            ("GET", "stats"): lambda _body: json_response(200, server.stats()),
            ("POST", "reset-stats"): self._reset,
            ("GET", "clock"): lambda _body: json_response(200, self._clock()),
            ("POST", "faults"): self._faults,
        }

    def handle(self, method: str, path: str, body: bytes, client: str) -> ApiResponse:
        if not is_loopback(client):
            return json_response(403, {"error": "the sandbox control endpoints answer loopback clients only"})
        handler = self._routes.get((method, path.removeprefix(PREFIX)))
        if handler is None:
            return json_response(404, {"error": f"no sandbox control endpoint {method} {path}"})
        try:
            payload = json.loads(body or b"null")
            return handler(payload)
        except (ValueError, TypeError, KeyError) as problem:
            return json_response(400, {"error": f"{type(problem).__name__}: {problem}"})

    def _clock(self) -> dict[str, Any]:
        now = self._server.clock.now()
        return {"now": jira_ts(now), "epochMs": epoch_ms(now)}

    def _reset(self, _body: Any) -> ApiResponse:
        self._server.reset_stats()
        return json_response(200, {"reset": True})

    def _faults(self, body: Any) -> ApiResponse:
        self._server.add_faults([str(spec) for spec in body["faults"]])
        return json_response(200, {"armed": body["faults"]})

    def _mutate(self, body: Any) -> ApiResponse:
        operations = body["operations"] if isinstance(body, dict) and "operations" in body else body
        operations = operations if isinstance(operations, list) else [operations]
        return json_response(200, {"results": [self.apply(dict(op)) for op in operations]})

    def apply(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Run one operation given as {"op": name, **arguments}; ValueError/TypeError when malformed."""
        name = operation.pop("op")
        if name == "advance":
            now = self._server.clock.advance(float(operation["minutes"]))
            return {"op": "advance", "now": jira_ts(now), "epochMs": epoch_ms(now)}
        methods: dict[str, Callable[..., Changed | CardsChanged | PagesChanged]] = {
            "touch": self._server.mutations.touch,
            "create_issues": self._server.mutations.create_issues,
            "delete_issues": self._server.mutations.delete_issues,
            "move_issues": self._server.mutations.move_issues,
            "revoke_project": self._server.mutations.revoke_project,
            "restrict_issues": self._server.mutations.restrict_issues,
            "delete_worklogs": self._server.mutations.delete_worklogs,
            "misreport_worklog_deletions": self._server.mutations.misreport_worklog_deletions,
            "add_custom_field": self._server.mutations.add_custom_field,
            "retype_field": self._server.mutations.retype_field,
            "grow_history": self._server.mutations.grow_history,
            "delete_cards": self._server.trello.delete_cards,
            "move_cards": self._server.trello.move_cards,
            "edit_pages": self._server.confluence.edit_pages,
            "label_pages": self._server.confluence.label_pages,
            "unlabel_pages": self._server.confluence.unlabel_pages,
            "trash_pages": self._server.confluence.trash_pages,
            "purge_pages": self._server.confluence.purge_pages,
        }
        method = methods.get(name)
        if method is None:
            raise ValueError(f"unknown operation {name!r}")
        return method(**operation).as_json()
