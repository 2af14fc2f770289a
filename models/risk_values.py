"""A risk register entry's probability and impact as people write them, and the entry itself.

Pure code, no I/O: each tool finds its risks (a Jira issue of the risk type, a Confluence risk page
or a row of a register table) and hands the written values here.

Probability, one of:
- a rating 1-5: a whole number (`3`, `3 - Possible`), or a word of the usual 5x5 matrix (Rare,
  Unlikely, Possible, Likely, Almost certain; or Very low, Low, Medium, High, Very high);
- a percentage: written with `%` (`30%`, `30 %`) or as a share strictly between 0 and 1 (`0.3`),
  kept as 0-100 (`probability_scale` 'percent').
A number above 5 without `%` (`30`) could be a percentage or a typo of a rating: it is refused.

Impact, one of:
- a rating 1-5: a whole number, or a word (Insignificant, Minor, Moderate, Major, Severe or
  Catastrophic; or Very low … Very high);
- an amount of money (`€40,000`, `40000 EUR`, `40k`; models.amounts): a currency symbol or code, a
  k/M suffix, or any number above 5. An amount without a currency is in the project's budget
  currency (`currency` stays NULL here; mart.risk_exposure takes the budget's).

Anything else is an error naming the issue or page and the field, never a zero: the entry keeps
NULL for that value and says which field in `unreadable`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.amounts import parse_amount

_PROBABILITY_WORDS = {
    "rare": 1,
    "unlikely": 2,
    "possible": 3,
    "likely": 4,
    "almost certain": 5,
    "very likely": 5,
}
_IMPACT_WORDS = {
    "insignificant": 1,
    "negligible": 1,
    "minor": 2,
    "moderate": 3,
    "major": 4,
    "severe": 5,
    "catastrophic": 5,
    "critical": 5,
}
_LEVEL_WORDS = {"very low": 1, "low": 2, "medium": 3, "moderate": 3, "high": 4, "very high": 5}
# "3 - Possible", "3 (Possible)", "3: likely": a whole rating with its word beside it.
_RATED = re.compile(r"([1-5])\s*(?:[-–:(/]\s*[a-z ]+\)?)")
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")


class RiskValueError(ValueError):
    """A probability or impact that cannot be read; the message says what was written."""


@dataclass(frozen=True)
class Probability:
    value: float
    scale: str  # 'rating' (1-5) or 'percent' (0-100)


@dataclass(frozen=True)
class Impact:
    value: float
    scale: str  # 'rating' (1-5) or 'money'
    currency: str | None = None


def _text(raw: Any) -> str | None:
    """The written value of a field: text, a number, or a select option's `value`; None when empty."""
    if isinstance(raw, dict):
        raw = raw.get("value", raw.get("name"))
    if raw is None or isinstance(raw, bool):
        return None if raw is None else str(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = " ".join(str(raw).replace("\u00a0", " ").split())
    return text or None


def _word(text: str, words: dict[str, int]) -> int | None:
    low = text.lower().rstrip(".")
    if low in words:
        return words[low]
    rated = _RATED.fullmatch(low)
    return int(rated.group(1)) if rated else None


def _as_number(text: str) -> float | None:
    return float(text.replace(",", ".")) if _NUMBER.fullmatch(text) else None


def parse_probability(raw: Any) -> Probability | None:
    """A probability as written (None when the field is empty); RiskValueError when unreadable."""
    text = _text(raw)
    if text is None:
        return None
    rating = _word(text, {**_LEVEL_WORDS, **_PROBABILITY_WORDS})
    if rating is not None:
        return Probability(rating, "rating")
    if text.endswith("%"):
        share = _as_number(text[:-1].strip())
        if share is None or not 0 <= share <= 100:
            raise RiskValueError(f"{text!r} is not a percentage between 0% and 100%")
        return Probability(share, "percent")
    number = _as_number(text)
    if number is None:
        raise RiskValueError(f"{text!r} is neither a rating 1-5 nor a percentage")
    if 0 < number < 1:
        return Probability(round(number * 100, 6), "percent")
    if number.is_integer() and 1 <= number <= 5:
        return Probability(number, "rating")
    raise RiskValueError(f"{text!r} is neither a rating 1-5 nor a percentage (write {text}% for a percentage)")


def parse_impact(raw: Any) -> Impact | None:
    """An impact as written (None when the field is empty); RiskValueError when unreadable."""
    text = _text(raw)
    if text is None:
        return None
    rating = _word(text, {**_LEVEL_WORDS, **_IMPACT_WORDS})
    if rating is not None:
        return Impact(rating, "rating")
    number = _as_number(text)
    if number is not None and number <= 5:
        if number.is_integer() and number >= 1:
            return Impact(number, "rating")
        raise RiskValueError(f"{text!r} is neither a rating 1-5 nor an amount of money")
    try:
        amount, currency = parse_amount(text)
    except ValueError:
        raise RiskValueError(f"{text!r} is neither a rating 1-5 nor an amount of money") from None
    return Impact(amount, "money", currency)


@dataclass
class RiskEntry:
    """One risk as a tool read it, before owners are resolved to people (see core.risks).

    owner_account: the owner's account id in the tool (`<source_id>:user:<accountId>`), core maps
    it to a person; owner_realm / owner_external: where the account's own id names one person across
    sources ('atlassian': an accountId, in every Jira and Confluence site) and that id, so an owner
    found on a page resolves to the person their Jira account belongs to. unreadable: the fields
    whose written value could not be read (their value is NULL), e.g. 'Probability'."""

    risk_id: str
    project_id: str | None
    source: str
    title: str
    key: str | None = None
    url: str | None = None
    owner_account: str | None = None
    owner_name: str | None = None
    owner_realm: str | None = None
    owner_external: str | None = None
    mitigation: str | None = None
    due_at: datetime | None = None
    status: str | None = None
    status_category: str | None = None
    probability: Probability | None = None
    impact: Impact | None = None
    unreadable: list[str] = field(default_factory=list)

    def read_values(self, where: str, names: tuple[str, str], probability: Any, impact: Any) -> list[str]:
        """Read the written probability and impact (field names as the tool shows them); returns one
        problem line per unreadable value, naming `where` (the issue or page) and the field."""
        problems: list[str] = []
        for name, raw, parse in ((names[0], probability, parse_probability), (names[1], impact, parse_impact)):
            try:
                value = parse(raw)
            except RiskValueError as exc:
                self.unreadable.append(name)
                problems.append(f"risk {where} field {name!r}: {exc}; its exposure is left empty")
                continue
            if isinstance(value, Probability):
                self.probability = value
            elif isinstance(value, Impact):
                self.impact = value
        return problems

    def row(self) -> tuple[Any, ...]:
        """The row `pipelines.transform.risks` loads (its column order)."""
        p, i = self.probability, self.impact
        return (
            self.risk_id,
            self.project_id,
            self.source,
            self.title,
            self.key,
            self.url,
            p.value if p else None,
            p.scale if p else None,
            i.value if i else None,
            i.scale if i else None,
            i.currency if i else None,
            self.owner_account,
            self.owner_name,
            self.mitigation,
            self.due_at,
            self.status,
            self.status_category,
            ", ".join(self.unreadable) or None,
            self.owner_realm,
            self.owner_external,
        )
