"""The CQL queries pmhub sends to Confluence's v1 search (v2 has no search, field notes #8).

CQL reads a bare date-time in the *account's* time zone, which pmhub does not know. Read in a zone
west of UTC the same wall time is a later instant, at most 12 hours later (UTC−12). The lower bound
is therefore written as UTC wall time moved back `ZONE_MARGIN`: read in any zone it falls at or
before the instant meant. The extra candidates only lengthen the search's answer: which pages are
fetched is decided by comparing each page's v2 version with the one held.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

ZONE_MARGIN = timedelta(hours=12)
CQL_TIME = "%Y-%m-%d %H:%M"


def quote(value: str) -> str:
    """A CQL string literal: double-quoted, with backslashes and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _space_clause(space_keys: Iterable[str]) -> str:
    keys = sorted(set(space_keys))
    if not keys:
        raise ValueError("a CQL page query needs at least one space key")
    return f"type = page AND space IN ({', '.join(quote(k) for k in keys)})"


def modified_since(space_keys: Iterable[str], since: datetime) -> str:
    """Pages of these spaces whose last modification is at or after `since` (aware), in any account zone."""
    if since.tzinfo is None:
        raise ValueError("since must be an aware datetime")
    bound = (since.astimezone(UTC) - ZONE_MARGIN).strftime(CQL_TIME)
    return f"{_space_clause(space_keys)} AND lastmodified >= {quote(bound)}"


def labelled(space_keys: Iterable[str], labels: Iterable[str]) -> str:
    """Pages of these spaces that carry any of these labels now."""
    names = sorted(set(labels))
    if not names:
        raise ValueError("a CQL label query needs at least one label")
    return f"{_space_clause(space_keys)} AND label IN ({', '.join(quote(n) for n in names)})"
