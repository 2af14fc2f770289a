"""Flow, throughput and Monte Carlo forecast against the worked examples of metrics.md §3."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.config import PmhubConfig, Settings
from models.forecast import day_for_confidence, simulate_finish_days
from pipelines.transform import build_marts
from tests.metric_warehouse import MetricWarehouse

# metrics.md §3.3: P(done within d days) for history [0, 1, 1, 2, 0, 3, 1] and 5 items, exact
EXACT_WITHIN = [
    0,
    3 / 49,
    89 / 343,
    1184 / 2401,
    11645 / 16807,
    97845 / 117649,
    753471 / 823543,
    0.9597,
    0.9819,
    0.9922,
]


# The oracle's history as given, in units of 300 items (more than a byte holds), and repeated to
# 280 days (more days than a byte can tell apart): the same probabilities, by the two ways of drawing.
@pytest.mark.parametrize(
    ("history", "remaining"),
    [([0, 1, 1, 2, 0, 3, 1], 5), ([0, 300, 300, 600, 0, 900, 300], 1500), ([0, 1, 1, 2, 0, 3, 1] * 40, 5)],
    ids=["oracle", "large-days", "many-days"],
)
def test_monte_carlo_when_reproduces_the_exact_probabilities_at_100000_runs(history, remaining):
    finish = simulate_finish_days(history, remaining=remaining, runs=100_000, seed=7)
    for day, exact in enumerate(EXACT_WITHIN, start=1):
        share = sum(1 for d in finish if d is not None and d <= day) / len(finish)
        assert share == pytest.approx(exact, abs=0.005), day
    assert [day_for_confidence(finish, q) for q in (0.5, 0.85, 0.95)] == [5, 7, 8]


@pytest.mark.parametrize("finishing_day", [0, 55, 99])
def test_monte_carlo_draws_every_history_day_equally_often(finishing_day):
    """With one item left and one day in 100 that finished one, a run finishes on its first
    simulated day with probability 1/100, wherever that day lies in the history."""
    history = [0] * 100
    history[finishing_day] = 1
    finish = simulate_finish_days(history, remaining=1, runs=100_000, seed=11)
    assert sum(1 for d in finish if d == 1) / len(finish) == pytest.approx(0.01, abs=0.001)


def test_monte_carlo_is_seeded_and_refuses_a_history_that_never_finishes_anything():
    history = [0, 2, 1, 0, 4]
    assert simulate_finish_days(history, 30, 500, seed=3) == simulate_finish_days(history, 30, 500, seed=3)
    assert simulate_finish_days(history, 0, 4, seed=3) == [0, 0, 0, 0]
    assert simulate_finish_days([0, 1], 3, 10, seed=1, max_days=2) == [None] * 10  # at most 2 items in 2 days
    with pytest.raises(ValueError):
        simulate_finish_days([0, 0, 0], 5, 10, seed=1)
    assert day_for_confidence([1, 2, None, None], 0.5) == 2 and day_for_confidence([1, None], 0.85) is None


# metrics.md §3.2: (created, started, done) of A..E in 2024; E is still in progress on 03-07
FLOW = {
    "A": ("02-20", "03-01", "03-01"),
    "B": ("02-25", "03-01", "03-04"),
    "C": ("02-28", "03-02", "03-06"),
    "D": ("03-01", "03-04", "03-05"),
    "E": ("03-03", "03-05", None),
}
AS_OF = date(2024, 3, 7)


def _day(day: str | None) -> str | None:
    return f"2024-{day}" if day else None


@pytest.fixture()
def flow_warehouse():
    """An empty warehouse built by the real pipeline, then the items of the worked example."""
    w = MetricWarehouse.empty(["apollo"], AS_OF)
    for key, (created, started, done) in FLOW.items():
        w.item(key, "apollo", f"2024-{created}", started=_day(started), done=_day(done))
    yield w.conn
    w.conn.close()


@pytest.mark.parametrize(
    ("convention", "cycle", "lead"),
    [
        ("inclusive", {"A": 1, "B": 4, "C": 5, "D": 2}, {"A": 11, "B": 9, "C": 8, "D": 5}),
        ("elapsed", {"A": 0, "B": 3, "C": 4, "D": 1}, {"A": 10, "B": 8, "C": 7, "D": 4}),
    ],
)
def test_flow_table_equals_the_oracle_in_both_day_conventions(flow_warehouse, convention, cycle, lead):
    config = PmhubConfig(settings=Settings(flow_day_convention=convention, forecast_history_days=7))
    build_marts(flow_warehouse, config, AS_OF)
    got = flow_warehouse.execute(
        "SELECT item_id, cycle_time_days, lead_time_days, day_convention FROM mart.flow ORDER BY 1"
    ).fetchall()
    assert got == [(k, cycle[k], lead[k], convention) for k in sorted(cycle)]  # E is not finished
    if convention == "inclusive":  # mean and median cycle time 3.0 days
        assert flow_warehouse.execute(
            "SELECT avg(cycle_time_days), median(cycle_time_days) FROM mart.flow"
        ).fetchone() == (3.0, 3.0)


def test_weekly_throughput_and_forecast_from_the_flow_example(flow_warehouse):
    build_marts(flow_warehouse, PmhubConfig(settings=Settings(forecast_history_days=7, forecast_runs=20_000)), AS_OF)
    weeks = flow_warehouse.execute("SELECT week_start, items_done FROM mart.throughput_weekly ORDER BY 1").fetchall()
    assert weeks == [(date(2024, 2, 26), 1), (date(2024, 3, 4), 3)]  # A on Fri 03-01; B, D, C the next week
    # history 03-01..03-07 = [1, 0, 0, 1, 1, 1, 0]; one item left: P(day 1) = 4/7, P(<= 2) = 0.816,
    # P(<= 3) = 0.921, P(<= 4) = 0.966 -> P50 day 1, P85 day 3, P95 day 4 after the as-of date
    forecast = flow_warehouse.execute(
        "SELECT remaining_items, p50_date, p85_date, p95_date, items_done_in_history, null_reason FROM mart.forecast"
    ).fetchall()
    assert forecast == [(1, AS_OF + timedelta(days=1), AS_OF + timedelta(days=3), AS_OF + timedelta(days=4), 4, None)]
    portfolio = flow_warehouse.execute("SELECT forecast_p85 FROM mart.portfolio").fetchall()
    assert portfolio == [(AS_OF + timedelta(days=3),)]


def test_a_project_that_finished_nothing_lately_has_no_forecast_and_says_why(flow_warehouse):
    build_marts(flow_warehouse, PmhubConfig(settings=Settings(forecast_history_days=7)), AS_OF + timedelta(days=30))
    assert flow_warehouse.execute("SELECT p85_date, null_reason FROM mart.forecast").fetchall() == [
        (None, "no item finished in the last 7 days")
    ]


def test_a_forecast_after_the_planned_end_turns_the_project_amber_or_red_with_the_reason(flow_warehouse):
    # planned to start after the as-of date: no PV yet, so no SPI, and no cost data, so no CPI;
    # only the forecast (P85 2024-03-10) against the planned end can grade the project
    flow_warehouse.execute(
        "INSERT INTO core.budgets BY NAME SELECT 'apollo' AS project_id, 'EUR' AS currency, 1000 AS bac, "
        "DATE '2024-03-08' AS planned_start, DATE '2024-03-09' AS planned_end, 'config' AS source"
    )
    late = "P85 forecast 2024-03-10 is 1 day after the planned end 2024-03-09"

    def graded(**thresholds: int) -> tuple[str, str | None]:
        settings = Settings(forecast_history_days=7, forecast_runs=20_000, **thresholds)
        build_marts(flow_warehouse, PmhubConfig(settings=settings), AS_OF)
        return flow_warehouse.execute("SELECT rag_status, rag_reason FROM mart.portfolio").fetchone()

    assert graded() == ("amber", f"{late}; no cost data")
    assert graded(rag_amber_late_days=5) == ("green", "no cost data")
    assert graded(rag_red_late_days=0) == ("red", f"{late}; no cost data")


# metrics.md §3.2, "per day": cumulative started and done at the end of each day, and end-of-day WIP
CFD_BY_HAND = {  # day: (cum. started, cum. done, end-of-day WIP)
    "03-01": (2, 1, 1),
    "03-02": (3, 1, 2),
    "03-03": (3, 1, 2),
    "03-04": (4, 2, 2),
    "03-05": (5, 3, 2),
    "03-06": (5, 4, 1),
    "03-07": (5, 4, 1),
}


def test_cumulative_flow_reproduces_the_worked_example(flow_warehouse):
    build_marts(flow_warehouse, PmhubConfig(), AS_OF)
    rows = {
        day: (todo, in_progress, done, uncategorized)
        for day, todo, in_progress, done, uncategorized in flow_warehouse.execute(
            "SELECT strftime(as_of, '%m-%d'), todo, in_progress, done, uncategorized FROM mart.cumulative_flow"
        ).fetchall()
    }
    for day, (started, done, wip) in CFD_BY_HAND.items():
        arrived = sum(1 for created, _s, _d in FLOW.values() if created <= day)
        assert rows[day] == (arrived - started, wip, done, 0), day
        assert started == wip + done
    assert min(rows) == "02-20" and max(rows) == "03-07"  # from the first item to the as-of date
    totals = flow_warehouse.execute(
        """SELECT count(*) FROM mart.cumulative_flow c JOIN mart.project_progress p USING (project_id, as_of)
           WHERE c.todo + c.in_progress + c.done + c.uncategorized <> p.items_total"""
    ).fetchone()
    assert totals == (0,)


def test_aging_wip_sets_each_open_items_age_against_nearest_rank_cycle_percentiles(flow_warehouse):
    """E started 03-05 and is open on 03-07: age 3 days (inclusive). Finished cycle times 1, 2, 4, 5:
    nearest-rank P50 is the 2nd (2), P85 and P95 the 4th (5); 3 lies between P50 and P85."""
    build_marts(flow_warehouse, PmhubConfig(), AS_OF)
    rows = flow_warehouse.execute(
        "SELECT item_id, age_days, cycle_p50_days, cycle_p85_days, cycle_p95_days, age_band FROM mart.aging_wip"
    ).fetchall()
    assert rows == [("E", 3, 2, 5, 5, "p50 to p85")]
    config = PmhubConfig(settings=Settings(flow_day_convention="elapsed"))
    build_marts(flow_warehouse, config, AS_OF)
    rows = flow_warehouse.execute(
        "SELECT age_days, cycle_p50_days, cycle_p85_days, age_band FROM mart.aging_wip"
    ).fetchall()
    assert rows == [(2, 1, 4, "p50 to p85")]  # elapsed: age 2, cycle times 0, 1, 3, 4


def test_aging_wip_has_no_band_where_nothing_finished_yet():
    w = MetricWarehouse.empty(["new"], AS_OF)
    w.item("N1", "new", "2024-03-01", started="2024-03-06")
    w.item("N2", "new", "2024-03-01")
    w.build(PmhubConfig(), AS_OF)
    assert w.rows("SELECT item_id, age_days, cycle_p50_days, age_band FROM mart.aging_wip") == [("N1", 2, None, None)]


def test_attention_items_name_the_aging_the_overdue_and_the_blocked():
    """F is in progress 8 days (inclusive) where the finished items' P85 cycle time is 5; G is
    overdue by 2 days; H sits in "Blocked" since 03-04; D finished late and counts for nothing."""
    w = MetricWarehouse.empty(["apollo"], AS_OF)
    for key, (created, started, done) in FLOW.items():
        w.item(key, "apollo", f"2024-{created}", started=_day(started), done=_day(done))
    w.item("F", "apollo", "2024-02-20", started="2024-02-29")
    w.item("G", "apollo", "2024-03-01")
    w.item("H", "apollo", "2024-03-01", started="2024-03-05")
    w.conn.execute("UPDATE core.work_items SET due_at = '2024-03-05T12:00:00Z' WHERE item_id IN ('G', 'D')")
    w.conn.execute(
        "UPDATE core.work_items SET status = 'Blocked', updated_at = '2024-03-04T09:00:00Z' WHERE item_id = 'H'"
    )
    w.build(PmhubConfig(), AS_OF)
    assert w.rows("SELECT item_id, reason, days, detail FROM mart.attention_items ORDER BY ALL") == [
        ("F", "aging", 3, "in progress 8 days; 85% of items finish within 5"),
        ("G", "overdue", 2, "due 2024-03-05"),
        ("H", "blocked", 3, "status Blocked"),
    ]
