"""JSON in and out at the speed of the payloads, without changing a value.

A 10,000-issue site is a few hundred megabytes of JSON read from the API and written again to the
landing files; the standard library spent most of an extract's CPU on it, orjson a fifth of that.
orjson differs in what it does with two rare inputs, so those take the standard library's path:
integers wider than 64 bits (orjson reads them as floats, losing digits) and non-standard tokens
such as NaN (orjson refuses them). Neither appears in the vendors' payloads we know of.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# A digit run this long may be an integer orjson would read as a float (2**64 has 20 digits). Found
# by mapping every digit to "0" and searching for the run: two C loops, where a regex took as long
# as the parse itself.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_WIDE_RUN = b"0" * 20


def loads(data: bytes) -> Any:
    """Parse JSON bytes; ValueError when they are not JSON."""
    if data.translate(_DIGITS_AS_ZERO).find(_WIDE_RUN) < 0:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # NaN/Infinity or a BOM: the standard library accepts or rejects them itself
    return json.loads(data)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON of `value` (what `loads` returns)."""
    try:
        return orjson.dumps(value)
    except TypeError:  # an integer wider than 64 bits
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
