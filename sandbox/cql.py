"""The subset of CQL (Confluence Query Language) the sandbox's v1 search understands.

Grammar (keywords AND/OR/IN and field names case-insensitive; values bare or "double"/'single'-quoted,
with backslash escapes; AND binds tighter than OR):

    query  := or ;  or := and (OR and)* ;  and := atom (AND atom)* ;  atom := "(" or ")" | clause
    clause := type = page | type IN (page)
            | space = KEY | space IN (KEY, ...)          (also space.key; keys compared exactly)
            | label = name | label IN (name, ...)        (matched lower-cased, as labels are stored)
            | id = 123 | id IN (123, ...)
            | lastmodified (>= | > | <= | <) DATE
    DATE   := "yyyy-MM-dd HH:mm" | "yyyy/MM/dd HH:mm" | "yyyy-MM-dd" | "yyyy/MM/dd"

A DATE is read in the account's time zone, as CQL does, and compared to the instant exactly
(`>= "2026-11-01"` means from that day's midnight there). Anything else (NOT, !=, ~, ORDER BY,
functions such as now(), other fields, other content types) raises BadRequest saying what is not
supported: a clause is never ignored. Malformed queries say "Could not parse cql", as Confluence does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn
from zoneinfo import ZoneInfo

from sandbox.http_kit import BadRequest
from sandbox.model import ConfluencePage, PageVersion

_TOKEN = re.compile(
    r"\s*(?:(?P<str>\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')|(?P<op>>=|<=|!=|!~|=|>|<|~)|(?P<punct>[(),])"
    r"|(?P<word>[^\s=!~<>(),\"']+))"
)
_FIELDS = {"type": "type", "space": "space", "space.key": "space", "label": "label", "id": "id"}
_DATE_FIELDS = {"lastmodified"}
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")
_COMPARE: dict[str, Callable[[datetime, datetime], bool]] = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
}


@dataclass(frozen=True)
class Indexed:
    """A page as the search index holds it: `version` is its last indexed version, `space_key` its space."""

    page: ConfluencePage
    space_key: str
    version: PageVersion


Match = Callable[[Indexed], bool]


class _Cql:
    """A recursive-descent parser turning the CQL subset (module text) into a predicate on `Indexed`."""

    def __init__(self, cql: str, zone: ZoneInfo) -> None:
        self._cql, self._zone, self._at = cql, zone, 0
        self._tokens: list[tuple[str, str]] = []
        pos = 0
        while cql[pos:].strip():
            found = _TOKEN.match(cql, pos)
            if found is None or found.lastgroup is None:
                self._fail(f"Could not parse cql : {cql}")
            self._tokens.append((found.lastgroup, found.group(found.lastgroup)))
            pos = found.end()

    def _fail(self, message: str) -> NoReturn:
        raise BadRequest(message)

    def _unsupported(self, what: str) -> NoReturn:
        self._fail(f"The sandbox's CQL does not support {what} (cql: {self._cql})")

    def _peek(self) -> tuple[str, str]:
        return self._tokens[self._at] if self._at < len(self._tokens) else ("end", "")

    def _take(self) -> tuple[str, str]:
        token = self._peek()
        if token[0] == "end":
            self._fail(f"Could not parse cql : {self._cql} (unexpected end)")
        self._at += 1
        return token

    def _keyword(self, word: str) -> bool:
        kind, text = self._peek()
        if kind == "word" and text.lower() == word:
            self._at += 1
            return True
        return False

    def parse(self) -> Match:
        match = self._or()
        kind, text = self._peek()
        if kind == "word" and text.lower() == "order":
            self._unsupported("ORDER BY")
        if kind != "end":
            self._fail(f"Could not parse cql : {self._cql} (unexpected '{text}')")
        return match

    def _or(self) -> Match:
        parts = [self._and()]
        while self._keyword("or"):
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else lambda doc: any(p(doc) for p in parts)

    def _and(self) -> Match:
        parts = [self._atom()]
        while self._keyword("and"):
            parts.append(self._atom())
        return parts[0] if len(parts) == 1 else lambda doc: all(p(doc) for p in parts)

    def _atom(self) -> Match:
        if self._peek() == ("punct", "("):
            self._take()
            inner = self._or()
            if self._take() != ("punct", ")"):
                self._fail(f"Could not parse cql : {self._cql} (missing ')')")
            return inner
        if self._peek()[0] == "word" and self._peek()[1].lower() == "not":
            self._unsupported("NOT")
        return self._clause()

    def _value(self) -> str:
        kind, text = self._take()
        if kind == "str":
            return re.sub(r"\\(.)", r"\1", text[1:-1])
        if kind != "word":
            self._fail(f"Could not parse cql : {self._cql} (expected a value, got '{text}')")
        if self._peek() == ("punct", "("):
            self._unsupported(f"functions such as {text}()")
        return text

    def _clause(self) -> Match:
        kind, name = self._take()
        field = name.lower()
        if kind == "word" and field in ("and", "or", "in"):
            self._fail(f"Could not parse cql : {self._cql} (unexpected '{name}')")
        if kind != "word" or (field not in _FIELDS and field not in _DATE_FIELDS):
            return self._unsupported(f"the field '{name}' (supported: type, space, space.key, label, id, lastmodified)")
        op_kind, op = self._take()
        if field in _DATE_FIELDS:
            if op not in _COMPARE:
                return self._unsupported(f"'{name} {op}' (use >=, >, <= or <)")
            bound, compare = self._instant(self._value()), _COMPARE[op]
            return lambda doc: compare(doc.version.created_at, bound)
        if op_kind == "word" and op.lower() == "in":
            if self._take() != ("punct", "("):
                self._fail(f"Could not parse cql : {self._cql} (expected '(' after IN)")
            values = [self._value()]
            while self._peek() == ("punct", ","):
                self._take()
                values.append(self._value())
            if self._take() != ("punct", ")"):
                self._fail(f"Could not parse cql : {self._cql} (expected ')' to close IN)")
        elif op == "=":
            values = [self._value()]
        else:
            return self._unsupported(f"'{name} {op}' (use = or IN)")
        return self._matcher(_FIELDS[field], set(values))

    def _matcher(self, field: str, values: set[str]) -> Match:
        if field == "type":
            if values != {"page"}:
                self._unsupported(f"type {', '.join(sorted(values))} (the sandbox holds pages only: type = page)")
            return lambda doc: True
        if field == "space":
            return lambda doc: doc.space_key in values
        if field == "label":  # labels are stored lower-case, and CQL matches them so
            names = {v.lower() for v in values}
            return lambda doc: any(label in names for label in doc.page.labels)
        if not all(v.isdigit() for v in values):
            self._fail(f"Could not parse cql : {self._cql} (id must be a number)")
        return lambda doc: doc.page.id in values

    def _instant(self, text: str) -> datetime:
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=self._zone)
            except ValueError:
                continue
        return self._unsupported(f'the date \'{text}\' (use "yyyy-MM-dd HH:mm", "yyyy/MM/dd HH:mm" or "yyyy-MM-dd")')


def parse_cql(cql: str, zone: ZoneInfo) -> Match:
    """The predicate a CQL query (module text) puts on indexed pages; BadRequest when outside the subset.

    `zone`: the account's time zone, in which DATE values are read."""
    if not cql.strip():
        raise BadRequest("The cql query parameter is required.")
    return _Cql(cql, zone).parse()
