"""The portfolio's RAG takes risk into account: the share of a project's open items with a risk
signal, its signals about the whole project, the largest rated exposure of its open register risks,
and their money exposure against its budget."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from models.config import PmhubConfig, Project
from pipelines.transform.layers import fill, sql_files
from tests.metric_warehouse import MetricWarehouse

AS_OF = date(2026, 3, 11)
Signal = tuple[str, str | None, str]  # project, item (None: about the project), rule
Risk = tuple[str, str, float, str, str | None]  # risk id, project, exposure, unit, currency


@pytest.fixture()
def warehouse() -> MetricWarehouse:
    """p: ten open items, no budget; q: no items, a 100,000 EUR budget whose plan starts after the
    sync date. Neither has CPI, SPI or a forecast: without risk, both are 'unknown'."""
    w = MetricWarehouse.empty(["p", "q"], AS_OF)
    for n in range(1, 11):
        w.item(f"P-{n}", "p", "2026-03-01")
    w.budget("q", 100_000, "2026-06-01", "2026-12-31")
    w.build(PmhubConfig(portfolio=[Project(id="p", name="P"), Project(id="q", name="Q")]), AS_OF)
    return w


def _portfolio(w: MetricWarehouse, signals: list[Signal], risks: Sequence[Risk] = ()) -> dict[str, tuple]:
    w.conn.execute("DELETE FROM mart.risk_signals")
    w.conn.execute("DELETE FROM mart.risk_exposure")
    for project, item, rule in signals:
        w.conn.execute(
            "INSERT INTO mart.risk_signals (project_id, item_id, rule, value, threshold, explanation) "
            "VALUES (?, ?, ?, 1, 0, 'test')",
            [project, item, rule],
        )
    for risk_id, project, exposure, unit, currency in risks:
        w.conn.execute(
            "INSERT INTO mart.risk_exposure (risk_id, project_id, exposure, exposure_unit, currency, title, change, "
            "owner_id, overdue, no_owner) VALUES (?, ?, ?, ?, ?, 'Vendor delay', NULL, NULL, false, false)",
            [risk_id, project, exposure, unit, currency],
        )
    portfolio = next(sql for name, _where, sql in sql_files("mart") if name.endswith("_portfolio.sql"))
    fill(w.conn, "mart", "portfolio", portfolio)
    rows = w.rows("SELECT project_id, rag_status, rag_reason, risk_signals FROM mart.portfolio ORDER BY 1")
    return {p: (rag, why, n) for p, rag, why, n in rows}


def test_items_with_signals_count_once_against_the_open_items(warehouse) -> None:
    # 1 of 10 open items (10%) is below 15%: the status stays what the figures say
    assert _portfolio(warehouse, [("p", "P-1", "blocked")])["p"] == ("unknown", "no budget", 1)
    # P-1 blocked and overdue, P-2 blocked: 2 of 10 items (20%) at least 15%, below 30%
    got = _portfolio(warehouse, [("p", "P-1", "blocked"), ("p", "P-1", "overdue"), ("p", "P-2", "blocked")])
    assert got["p"] == ("amber", "2 of 10 open items carry risk signals (2 blocked, 1 overdue); no cost data", 3)
    # 3 of 10 (30%): red
    got = _portfolio(warehouse, [("p", f"P-{n}", "overdue") for n in (1, 2, 3)])
    assert got["p"][:2] == ("red", "3 of 10 open items carry risk signals (3 overdue); no cost data")


def test_signals_about_the_whole_project_turn_amber_at_two_and_red_at_three(warehouse) -> None:
    got = _portfolio(warehouse, [("q", None, "say_do"), ("q", None, "scope_growth")])
    assert got["q"][0] == "amber" and "project risk signals: say do, scope growth" in got["q"][1]
    got = _portfolio(warehouse, [("q", None, "say_do"), ("q", None, "scope_growth"), ("q", None, "inactive")])
    assert got["q"][0] == "red" and "project risk signals: inactive, say do, scope growth" in got["q"][1]


def test_a_rated_exposure_at_the_limits_turns_amber_then_red(warehouse) -> None:
    got = _portfolio(warehouse, [], [("jira:x:R1", "p", 12, "score", None), ("jira:x:R2", "q", 20, "score", None)])
    assert got["p"][:2] == ("amber", 'open risk "Vendor delay" has exposure 12 of 25; no cost data')
    assert got["q"][0] == "red" and 'open risk "Vendor delay" has exposure 20 of 25' in got["q"][1]


def test_money_exposure_in_the_budgets_currency_is_weighed_against_the_budget(warehouse) -> None:
    # 4,000 + 2,000 EUR of 100,000 EUR is 6%: at least 5% (amber), below 15% (red); the 50,000 USD
    # are not converted, so they are left out; p has no budget to weigh against
    risks: list[Risk] = [
        ("c:1", "q", 4000, "money", "EUR"),
        ("c:2", "q", 2000, "money", "EUR"),
        ("c:3", "q", 50_000, "money", "USD"),
        ("c:4", "p", 90_000, "money", "EUR"),
    ]
    got = _portfolio(warehouse, [], risks)
    assert got["q"][0] == "amber" and "open risks expose 6000 EUR, 6% of the budget" in got["q"][1]
    assert got["p"][0] == "unknown"
    assert _portfolio(warehouse, [], [("c:1", "q", 15_000, "money", "EUR")])["q"][0] == "red"
