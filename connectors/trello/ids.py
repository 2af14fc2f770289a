"""Trello object ids: 24 hex characters whose first 8 encode the creation time (unix seconds).

Every Trello object (board, list, card, action, member) gets its id at creation, so the id alone
dates the object — e.g. a card's creation time, which the card itself does not carry.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_TRELLO_ID = re.compile(r"[0-9a-fA-F]{24}")


def is_trello_id(value: str) -> bool:
    """True for a 24-hex-character Trello object id."""
    return bool(_TRELLO_ID.fullmatch(value))


def trello_id_time(object_id: str) -> datetime:
    """The UTC creation time encoded in a Trello object id."""
    if not is_trello_id(object_id):
        raise ValueError(f"not a Trello object id (24 hex characters): {object_id!r}")
    return datetime.fromtimestamp(int(object_id[:8], 16), tz=UTC)


def id_order(object_id: str) -> int:
    """Sort key for valid ids: they grow with creation time, so their value orders objects by age."""
    return int(object_id, 16)
