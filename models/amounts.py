"""Amounts of money as people type them on a page: `€250,000`, `250.000 EUR`, `250k`, `$1.2M`.

Pure functions (no I/O), shared by every reader of typed figures (a charter's budget, a risk's
impact). Anything that is not clearly one amount raises ValueError; nothing is read as zero.
"""

from __future__ import annotations

import re

_CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "CHF": "CHF"}


def parse_amount(text: str) -> tuple[float, str | None]:
    """`€250,000`, `250.000 EUR`, `250k`, `EUR 250 000`, `$1.2M` → (amount, currency or None)."""
    raw = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    currency = None
    for symbol, code in _CURRENCY_SYMBOLS.items():
        if symbol in raw:
            currency, raw = code, raw.replace(symbol, " ")
    iso = re.search(r"\b([A-Z]{3})\b", raw)
    if iso:
        if currency and currency != iso.group(1):
            raise ValueError(f"two currencies in {text!r}")
        currency, raw = iso.group(1), raw.replace(iso.group(1), " ")
    match = re.fullmatch(r"\s*([0-9][0-9 .,']*?)\s*(k|K|m|M|mn|Mio\.?|million|thousand)?\s*", raw)
    if not match:
        raise ValueError(f"cannot read an amount in {text!r}")
    digits = match.group(1).replace(" ", "").replace("'", "")
    scale = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mio": 1e6, "mio.": 1e6, "million": 1e6}.get(
        (match.group(2) or "").lower(), 1.0
    )
    return _number(digits, text) * scale, currency


def _number(digits: str, text: str) -> float:
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return float(digits.replace(thousands, "").replace(decimal, "."))
    for sep in (",", "."):
        if sep in digits:
            parts = digits.split(sep)
            if len(parts) > 2 or (len(parts[1]) == 3 and len(parts[0]) <= 3):
                if not all(len(p) == 3 for p in parts[1:]):
                    raise ValueError(f"cannot read an amount in {text!r}")
                return float("".join(parts))
            return float(parts[0] + "." + parts[1])
    if not digits.isdigit():
        raise ValueError(f"cannot read an amount in {text!r}")
    return float(digits)
