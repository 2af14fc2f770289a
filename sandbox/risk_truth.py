"""The ground truth of the sandbox's risk register: each planted risk as a correct sync must read it.

Exposure follows the analyst contract (README, `mart.risk_exposure`) with the default settings,
computed here independently of pmhub: a money impact gives probability share x amount (a rating's
share: 1 -> 10%, 2 -> 30%, 3 -> 50%, 4 -> 70%, 5 -> 90%); a rated impact gives probability rating x
impact rating, a percentage counting as the rating whose share is nearest (ties: the higher).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise

SHARES = (0.1, 0.3, 0.5, 0.7, 0.9)
CLOSED = ("closed", "done", "mitigated", "resolved", "cancelled", "canceled", "retired")


@dataclass(frozen=True)
class RiskTruth:
    """One planted risk. `ref`: the Jira issue key, the risk page's title, or `<register title>#<ID>`.
    probability/impact: as pmhub must read them (None: unreadable, with `unreadable` naming the
    field); owner: the owner's Atlassian accountId (None: no owner named, or a name that is no
    account); open: not closed; exposure, overdue: mart.risk_exposure's (None for a closed risk)."""

    ref: str
    tool: str
    project_id: str
    title: str
    probability: float | None
    probability_scale: str | None
    impact: float | None
    impact_scale: str | None
    currency: str | None
    owner: str | None
    due: date | None
    status: str
    open: bool
    exposure: float | None
    exposure_unit: str | None
    overdue: bool
    unreadable: str | None = None


def _rating(share: float) -> int:
    cuts = [(a + b) / 2 for a, b in pairwise(SHARES)]
    return 1 + sum(share >= c for c in cuts)


def exposure(
    probability: float | None, p_scale: str | None, impact: float | None, i_scale: str | None
) -> tuple[float | None, str | None]:
    """(exposure, unit) by the contract's rule; exposure None when a value is missing."""
    unit = {"money": "money", "rating": "score"}.get(i_scale or "")
    if probability is None or impact is None:
        return None, unit
    if unit == "money":
        share = probability / 100 if p_scale == "percent" else SHARES[int(probability) - 1]
        return share * impact, unit
    rating = probability if p_scale == "rating" else _rating(probability / 100)
    return rating * impact, unit


def risk_truth(
    ref: str,
    tool: str,
    project_id: str,
    title: str,
    values: tuple[float | None, str | None, float | None, str | None, str | None],
    owner: str | None,
    due: date | None,
    status: str,
    anchor: date,
    unreadable: str | None = None,
) -> RiskTruth:
    """A RiskTruth with its openness, exposure and overdue flag worked out."""
    probability, p_scale, impact, i_scale, currency = values
    is_open = status.lower() not in CLOSED
    value, unit = exposure(probability, p_scale, impact, i_scale)
    return RiskTruth(
        ref, tool, project_id, title, probability, p_scale, impact, i_scale, currency, owner, due, status, is_open,
        value if is_open else None, unit if is_open else None, is_open and due is not None and due < anchor, unreadable,
    )  # fmt: skip
