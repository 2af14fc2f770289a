"""The subset of JQL the sandbox understands, with Jira's error messages for the rest.

Supported: `project = KEY`, `project in (A, B)`, comparisons `>= > <= < =` on `updated` and
`created` with epoch milliseconds, `"yyyy/MM/dd HH:mm"`, `"yyyy-MM-dd[ HH:mm]"` or relative `-2d`,
clauses joined by AND, and `ORDER BY` on updated, created, id, key (ASC/DESC, at most 7 keys).
A bare date-time (or date) is read in the account's profile time zone, as Jira does: UTC unless the
server was given another `jql_time_zone`; epoch milliseconds and relative periods are absolute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from sandbox.timefmt import from_epoch_ms

_TOKEN = re.compile(
    r"\s*(?:(?P<str>\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')|(?P<op>>=|<=|!=|=|>|<)|(?P<punct>[(),])"
    r"|(?P<word>[^\s=!<>(),\"']+))"
)
_DATE_FIELDS = {"updated": "updated", "updateddate": "updated", "created": "created", "createddate": "created"}
_ORDER_FIELDS = {
    "updated": "updated",
    "updateddate": "updated",
    "created": "created",
    "createddate": "created",
    "id": "id",
    "key": "key",
    "issuekey": "key",
}
_RELATIVE = re.compile(r"^([-+]?)(\d+)([wdhm])$")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
_FORMATS = ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")


class JqlError(ValueError):
    """The query is not valid JQL (or not in the supported subset); the message is Jira's."""


@dataclass(frozen=True)
class Bound:
    field: str
    op: str
    value: datetime

    def accepts(self, when: datetime) -> bool:
        return {
            ">=": when >= self.value,
            ">": when > self.value,
            "<=": when <= self.value,
            "<": when < self.value,
            "=": when == self.value,
        }[self.op]


@dataclass(frozen=True)
class Query:
    """A parsed query: project keys or ids (upper-cased), date bounds, and sort keys (field, ascending)."""

    projects: tuple[str, ...] | None
    bounds: tuple[Bound, ...]
    order: tuple[tuple[str, bool], ...]


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            bad = text[pos:].lstrip()[:1]
            raise JqlError(f"Error in the JQL Query: The character '{bad}' is a reserved JQL character.")
        tokens.append(match.group(match.lastgroup or "word"))
        pos = match.end()
    return tokens


def _unquote(token: str) -> str:
    return token[1:-1] if token[:1] in "\"'" else token


def _instant(value: str, now: datetime, zone: tzinfo) -> datetime:
    if value.lstrip("-").isdigit() and len(value.lstrip("-")) > 8:
        return from_epoch_ms(int(value))
    relative = _RELATIVE.match(value)
    if relative:
        sign, amount, unit = relative.groups()
        delta = timedelta(**{_UNITS[unit]: int(amount)})
        return now - delta if sign == "-" else now + delta
    for fmt in _FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=zone).astimezone(UTC)
        except ValueError:
            continue
    raise JqlError(
        f"Date value '{value}' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', "
        "'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
    )


class _Parser:
    def __init__(self, text: str, now: datetime, zone: tzinfo) -> None:
        self.tokens, self.pos, self.now, self.zone = _tokens(text), 0, now, zone

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token.lower() != expected.lower()):
            got = "the end of the query" if token is None else f"'{token}'"
            want = f"'{expected}'" if expected else "a value"
            raise JqlError(f"Error in the JQL Query: Expecting {want} but got {got}.")
        self.pos += 1
        return token

    def parse(self) -> Query:
        projects: list[str] | None = None
        bounds: list[Bound] = []
        while self.peek() is not None and self.peek_lower() != "order":
            if projects is not None or bounds:
                connective = self.take()
                if connective.lower() != "and":
                    raise JqlError(f"The sandbox supports only AND between clauses, not '{connective}'.")
            field = self.take().lower()
            if field == "project":
                found = self._project_values()
                projects = found if projects is None else [p for p in projects if p in found]
            elif field in _DATE_FIELDS:
                op = self.take()
                if op not in (">=", ">", "<=", "<", "="):
                    raise JqlError(f"The operator '{op}' is not supported by the '{field}' field.")
                bounds.append(Bound(_DATE_FIELDS[field], op, _instant(self.value(), self.now, self.zone)))
            else:
                raise JqlError(f"Field '{field}' does not exist or you do not have permission to view it.")
        order = self._order() if self.peek() is not None else ()
        return Query(tuple(projects) if projects is not None else None, tuple(bounds), order)

    def value(self) -> str:
        """A literal operand (word, number or quoted string), not punctuation."""
        token = self.take()
        if token in ("(", ")", ","):
            raise JqlError(f"Error in the JQL Query: Expecting a value but got '{token}'.")
        return _unquote(token)

    def peek_lower(self) -> str:
        return (self.peek() or "").lower()

    def _project_values(self) -> list[str]:
        op = self.take().lower()
        if op == "=":
            return [self.value().upper()]
        if op != "in":
            raise JqlError(f"The operator '{op}' is not supported by the 'project' field.")
        self.take("(")
        values = [self.value().upper()]
        while self.peek() == ",":
            self.take(",")
            values.append(self.value().upper())
        self.take(")")
        return values

    def _order(self) -> tuple[tuple[str, bool], ...]:
        self.take("order")
        self.take("by")
        keys: list[tuple[str, bool]] = []
        while True:
            name = self.take().lower()
            if name not in _ORDER_FIELDS:
                raise JqlError(f"Not able to sort using field '{name}'.")
            ascending = True
            if self.peek_lower() in ("asc", "desc"):
                ascending = self.take().lower() == "asc"
            keys.append((_ORDER_FIELDS[name], ascending))
            if self.peek() != ",":
                break
            self.take(",")
        if self.peek() is not None:
            raise JqlError(f"Error in the JQL Query: Expecting ',' or the end of the query but got '{self.peek()}'.")
        if len(keys) > 7:
            raise JqlError("The ORDER BY clause can contain a maximum of 7 fields.")
        return tuple(keys)


def parse_jql(text: str, now: datetime, zone: tzinfo = UTC) -> Query:
    """Parse `text`; relative dates count from `now`, bare date-times are wall times in `zone`.

    Raises JqlError like Jira's 400.
    """
    return _Parser(text, now, zone).parse()
