"""Faults in what a server sends back, not in whether it answers.

A real server can answer 200 and still not give what was asked: ignore an expand, leave a field
out, cut a page short while its paging metadata carries on, or report a changelog's `total` as "the
number of results on the page" (as Jira's document describes `PageOfChangelogs.total`). A client
that does not check what it got lands such an answer as complete. Each fault here applies to the
requests whose path matches a regex, every time or for the first `count` of them:

- `ignore-expand:<path-regex>:<name>[:<count>]`: the server acts as if `<name>` was not in the
  request's `expand` (query parameter or JSON body; the request itself is still checked as sent).
- `drop-field:<path-regex>:<dotted.path>[:<count>]`: the key at the path is removed from the JSON
  answer; `*` walks every element of a list, e.g. `issues.*.fields.status`, `*.customFieldItems`.
- `cut-page:<path-regex>:<keep>[:<count>]`: the answer's item list (the top-level list, or its
  `issues`, `values`, `results`, `issueChangeLogs`) keeps only its first `<keep>` items; paging
  metadata is left as it was.
- `page-total:<path-regex>[:<count>]`: every embedded `changelog.total` equals the number of
  histories embedded, not the number the issue has.
- `warn:<path-regex>:<TYPE>[:<count>]`: the answer carries `warnings: [{type, message}]`, as Jira's
  enhanced search does when it truncated a result set.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sandbox.faults import path_pattern
from sandbox.http_kit import ApiRequest, ApiResponse

KINDS = ("ignore-expand", "drop-field", "cut-page", "page-total", "warn")
_ITEM_LISTS = ("issues", "values", "results", "issueChangeLogs")


@dataclass
class PayloadFault:
    kind: str
    pattern: re.Pattern[str]
    argument: str
    remaining: int | None  # None: every matching request


def is_payload_fault(spec: str) -> bool:
    return spec.partition(":")[0] in KINDS


def parse_payload_fault(spec: str) -> PayloadFault:
    """Parse one spec of the grammar above; ValueError names what is wrong."""
    kind, _, rest = spec.partition(":")
    if kind not in KINDS or not rest:
        raise ValueError(f"fault {spec!r}: expected one of {', '.join(KINDS)} followed by ':<path-regex>'")
    count: int | None = None
    head, _, last = rest.rpartition(":")
    wants_argument = kind != "page-total"
    # The count is optional; it is the last part when that part is a number and an argument precedes it.
    if last.isdigit() and head and (not wants_argument or ":" in head):
        rest, count = head, int(last)
    regex, argument = rest.rsplit(":", 1) if wants_argument and ":" in rest else (rest, "")
    if wants_argument and not argument:
        raise ValueError(f"fault {spec!r}: expected {kind}:<path-regex>:<argument>[:<count>]")
    if kind == "cut-page" and not argument.isdigit():
        raise ValueError(f"fault {spec!r}: cut-page keeps a number of items, not {argument!r}")
    return PayloadFault(kind, path_pattern(spec, regex), argument, count)


class PayloadFaults:
    """The armed payload faults of one server, applied thread-safely."""

    def __init__(self, specs: Sequence[str] = ()) -> None:
        self._faults = [parse_payload_fault(s) for s in specs]
        self._lock = threading.Lock()

    def add(self, specs: Sequence[str]) -> None:
        parsed = [parse_payload_fault(s) for s in specs]
        with self._lock:
            self._faults += parsed

    def take(self, path: str) -> list[PayloadFault]:
        """The faults this request gets (each counted down once)."""
        taken = []
        with self._lock:
            for fault in self._faults:
                if fault.remaining == 0 or not fault.pattern.search(path):
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                taken.append(fault)
        return taken


def served_request(request: ApiRequest, faults: Sequence[PayloadFault]) -> ApiRequest:
    """The request as the faulty server reads it: expands it ignores are gone."""
    ignored = {f.argument for f in faults if f.kind == "ignore-expand"}
    if not ignored:
        return request
    query = dict(request.query)
    if "expand" in query:
        kept = [",".join(v for v in raw.split(",") if v.strip() not in ignored) for raw in query["expand"]]
        query["expand"] = [k for k in kept if k]
    body = request.body
    if body:
        data = json.loads(body)
        if isinstance(data, dict) and "expand" in data:
            expand = data["expand"]
            if isinstance(expand, list):
                data["expand"] = [e for e in expand if e not in ignored]
            elif isinstance(expand, str):
                data["expand"] = ",".join(e for e in expand.split(",") if e.strip() not in ignored)
            body = json.dumps(data).encode()
    return replace(request, query=query, body=body)


def served_response(response: ApiResponse, faults: Sequence[PayloadFault]) -> ApiResponse:
    """The answer as the faulty server sends it."""
    shaping = [f for f in faults if f.kind != "ignore-expand"]
    if not shaping or response.status != 200 or "json" not in response.content_type:
        return response
    payload = json.loads(response.body)
    for fault in shaping:
        if fault.kind == "drop-field":
            _drop(payload, fault.argument.split("."))
        elif fault.kind == "cut-page":
            _cut(payload, int(fault.argument))
        elif fault.kind == "warn" and isinstance(payload, dict):
            message = "The search results were truncated to stay within the ingestion limit."
            payload.setdefault("warnings", []).append({"type": fault.argument, "message": message})
        elif fault.kind == "page-total":
            _page_totals(payload)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return ApiResponse(response.status, body, response.content_type, response.headers)


def _drop(node: Any, path: list[str]) -> None:
    head, rest = path[0], path[1:]
    if head == "*":
        for child in node if isinstance(node, list) and rest else ():
            _drop(child, rest)
        return
    if not isinstance(node, dict) or head not in node:
        return
    if rest:
        _drop(node[head], rest)
    else:
        del node[head]


def _cut(payload: Any, keep: int) -> None:
    if isinstance(payload, list):
        del payload[keep:]
        return
    for key in _ITEM_LISTS:
        if isinstance(payload, dict) and isinstance(payload.get(key), list):
            del payload[key][keep:]
            return


def _page_totals(payload: Any) -> None:
    issues = payload.get("issues") if isinstance(payload, dict) else None
    for issue in issues if isinstance(issues, list) else [payload]:
        changelog = issue.get("changelog") if isinstance(issue, dict) else None
        if isinstance(changelog, dict) and isinstance(changelog.get("histories"), list):
            changelog["total"] = len(changelog["histories"])
