"""The portfolio's RAG takes risk into account: the number of a project's risk signals, the largest
rated exposure of its open register risks, and their money exposure against its budget."""

from __future__ import annotations

from datetime import date

import pytest

from models.config import PmhubConfig, Project
from pipelines.transform.layers import fill, sql_files
from tests.metric_warehouse import MetricWarehouse

AS_OF = date(2026, 3, 11)


@pytest.fixture()
def warehouse() -> MetricWarehouse:
    """Two projects with no items and no cost: p without a budget, q with a 100,000 budget whose
    plan starts after the sync date. Neither has CPI, SPI or a forecast: without risk, 'unknown'."""
    w = MetricWarehouse.empty(["p", "q"], AS_OF)
    w.budget("q", 100_000, "2026-06-01", "2026-12-31")
    w.build(PmhubConfig(portfolio=[Project(id="p", name="P"), Project(id="q", name="Q")]), AS_OF)
    return w


def _portfolio(w: MetricWarehouse, signals: list[tuple[str, str]], risks: list[tuple[str, str, float, str]]) -> dict:
    for signal in signals:
        w.conn.execute(
            "INSERT INTO mart.risk_signals (project_id, item_id, rule, value, threshold, explanation) "
            "VALUES (?, NULL, ?, 1, 0, 'test')",
            signal,
        )
    for risk in risks:
        w.conn.execute(
            "INSERT INTO mart.risk_exposure (risk_id, project_id, exposure, exposure_unit, change, owner_id, "
            "overdue, no_owner) VALUES (?, ?, ?, ?, NULL, NULL, false, false)",
            risk,
        )
    portfolio = next(sql for name, _where, sql in sql_files("mart") if name.endswith("_portfolio.sql"))
    fill(w.conn, "mart", "portfolio", portfolio)
    rows = w.rows("SELECT project_id, rag_status, rag_reason, risk_signals FROM mart.portfolio ORDER BY 1")
    return {p: (rag, why, n) for p, rag, why, n in rows}


def test_without_risk_and_without_figures_the_rag_is_unknown(warehouse) -> None:
    got = _portfolio(warehouse, [("p", "blocked")] * 2, [])
    assert got["p"][:2] == ("unknown", "no work items; no budget") and got["p"][2] == 2


def test_signals_at_the_amber_and_red_counts_name_their_rules(warehouse) -> None:
    got = _portfolio(warehouse, [("p", "blocked")] * 2 + [("p", "overdue")] + [("q", "aging_wip")] * 10, [])
    assert got["p"] == ("amber", "no work items; 3 risk signals (2 blocked, 1 overdue); no cost data", 3)
    assert got["q"][0] == "red" and "10 risk signals (10 aging wip)" in got["q"][1]


def test_a_rated_exposure_at_the_limits_turns_amber_then_red(warehouse) -> None:
    got = _portfolio(warehouse, [], [("jira:x:R1", "p", 12, "score"), ("jira:x:R2", "q", 20, "score")])
    assert got["p"][:2] == ("amber", "no work items; open risk jira:x:R1 has exposure 12 of 25; no cost data")
    assert got["q"][0] == "red" and "open risk jira:x:R2 has exposure 20 of 25" in got["q"][1]


def test_money_exposure_is_weighed_against_the_budget(warehouse) -> None:
    # 4,000 + 2,000 of 100,000 is 6%: at least 5% (amber), below 15% (red); p has no budget to weigh
    risks = [("c:1", "q", 4000, "money"), ("c:2", "q", 2000, "money"), ("c:3", "p", 90_000, "money")]
    got = _portfolio(warehouse, [], risks)
    assert got["q"][0] == "amber" and "open risks expose 6000, 6% of the budget" in got["q"][1]
    assert got["p"][0] == "unknown"
    warehouse.conn.execute("DELETE FROM mart.risk_exposure")
    assert _portfolio(warehouse, [], [("c:1", "q", 15_000, "money")])["q"][0] == "red"
