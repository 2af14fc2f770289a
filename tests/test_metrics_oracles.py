"""Velocity, sprint report, earned value and AgileEVM against the worked examples of metrics.md §1-2."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from models.config import Budget, PmhubConfig, Project, Settings
from pipelines.sources import ConfigModel
from pipelines.transform import build_core
from tests.metric_warehouse import MetricWarehouse

SPRINT_COLUMNS = (
    "committed_points, added_points, estimate_change_points, completed_points, not_completed_points, "
    "removed_points, completed_items"
)


def _sprint_report(w: MetricWarehouse, sprint_id: str) -> tuple[object, ...]:
    return w.rows(f"SELECT {SPRINT_COLUMNS} FROM mart.velocity WHERE iteration_id = ?", [sprint_id])[0]


def test_sprint_report_of_pow_sprint_1_and_the_reconciliation_identity():
    """§1.2(a): POW-1 committed at 5, re-estimated to 8 and done; POW-2 added at 2 and not done.
    A second sprint adds what (a) lacks: an item done before the start (outside the sprint), one
    removed mid-sprint and one not finished."""
    w = MetricWarehouse.empty(["pow"], date(2024, 4, 10))
    w.sprint("S1", "pow", "2024-03-04", "2024-03-18")
    w.item(
        "POW-1",
        "pow",
        "2024-03-01",
        started="2024-03-05",
        done="2024-03-15",
        points=[("2024-03-01", 5), ("2024-03-06", 8)],
    )
    w.item("POW-2", "pow", "2024-03-01", points=[("2024-03-01", 2)])
    w.member("S1", "POW-1", "2024-03-02")
    w.member("S1", "POW-2", "2024-03-05")
    w.sprint("S2", "pow", "2024-03-18T11:00:00+00:00", "2024-04-01")
    w.item("POW-3", "pow", "2024-03-10", done="2024-03-16", points=[("2024-03-10", 13)])
    w.item("POW-4", "pow", "2024-03-10", points=[("2024-03-10", 3)])
    w.item("POW-5", "pow", "2024-03-10", started="2024-03-20", points=[("2024-03-10", 5)])
    for key in ("POW-3", "POW-4", "POW-5"):
        w.member("S2", key, "2024-03-17", removed="2024-03-25" if key == "POW-4" else None)
    w.build(PmhubConfig(), date(2024, 4, 10))
    # committed, added, change, completed, not completed, removed, completed items
    assert _sprint_report(w, "S1") == (5, 2, 3, 8, 2, 0, 1)
    assert _sprint_report(w, "S2") == (8, 0, 0, 0, 5, 3, 0)
    for c, a, e, done, not_done, removed, _ in (_sprint_report(w, "S1"), _sprint_report(w, "S2")):
        assert c + a + e == done + not_done + removed  # type: ignore[operator]


# §1.2(b): velocity chart of board 307 in API order (most recent first): sprint id -> (commitment, completed)
BOARD_307 = {780: (27, 68), 779: (22, 39), 769: (0, 16), 712: (23, 27), 700: (0, 0), 703: (0, 34), 694: (0, 42.5)}


@pytest.fixture(scope="module")
def board_307() -> MetricWarehouse:
    """Each sprint holds one item committed at its commitment and left unfinished, and one item
    added a day after the start and finished, worth its completed estimate; sprints close in API
    order, which is not id order."""
    w = MetricWarehouse.empty(["sharks"], date(2024, 6, 1))
    for k, (sprint, (committed, completed)) in enumerate(reversed(BOARD_307.items())):
        start = date(2024, 1, 1) + timedelta(days=14 * k)
        close = start + timedelta(days=14)
        w.sprint(str(sprint), "sharks", str(start), str(close))
        if committed:
            w.item(f"C{sprint}", "sharks", "2023-12-20", points=[("2023-12-20", committed)])
            w.member(str(sprint), f"C{sprint}", "2023-12-21", removed=str(close))
        if completed:
            added, done = start + timedelta(days=1), start + timedelta(days=2)
            w.item(f"D{sprint}", "sharks", "2023-12-20", done=str(done), points=[("2023-12-20", completed)])
            w.member(str(sprint), f"D{sprint}", str(added))
    return w


def test_velocity_chart_of_board_307(board_307):
    for sprints, velocity in ((3, 41.0), (7, 226.5 / 7)):
        board_307.build(PmhubConfig(settings=Settings(velocity_sprints=sprints)), date(2024, 6, 1))
        chart = board_307.rows("SELECT iteration_id, committed_points, completed_points FROM mart.velocity")
        assert {(int(s), c, d) for s, c, d in chart} == {(s, c, d) for s, (c, d) in BOARD_307.items()}  # type: ignore[call-overload]
        assert board_307.rows("SELECT velocity_avg, velocity_unit FROM mart.portfolio") == [
            (pytest.approx(velocity, abs=1e-9), "points/sprint")
        ]


EVM_COLUMNS = "bac, pv, ev, ac, cv, sv, cpi, spi, eac, eac_atypical, eac_cpi_spi, etc, vac, tcpi, tcpi_eac"


def test_earned_value_table_of_section_2_2():
    """BAC 100 000 planned linearly over 10 days: on day 4 PV = 40 000; 3 of 10 items done gives
    EV = 30 000; 45 000 spent gives AC."""
    w = MetricWarehouse.empty(["evm"], date(2024, 3, 4))
    w.budget("evm", 100_000, "2024-03-01", "2024-03-10")
    for n in range(10):
        w.item(f"E{n}", "evm", "2024-02-20", done="2024-03-02" if n < 3 else None)
    w.cost("evm", "2024-03-02", 45_000)
    w.build(PmhubConfig(), date(2024, 3, 4))
    (row,) = w.rows(f"SELECT {EVM_COLUMNS}, pv_method, ev_basis FROM mart.budget_variance WHERE as_of = '2024-03-04'")
    expected = (100_000, 40_000, 30_000, 45_000, -15_000, -10_000, 2 / 3, 0.75, 150_000, 115_000, 185_000,
                105_000, -50_000, 70_000 / 55_000, 70_000 / 105_000)  # fmt: skip
    assert row[:-2] == pytest.approx(expected, rel=1e-9)
    assert row[-2:] == ("linear", "items")
    assert w.rows("SELECT pct_complete FROM mart.portfolio") == [(pytest.approx(0.30),)]


def test_a_zero_divisor_gives_null_with_the_reason_never_zero_or_infinity():
    w = MetricWarehouse.empty(["evm"], date(2024, 3, 4))
    w.budget("evm", 100_000, "2024-03-01", "2024-03-10")
    w.item("E0", "evm", "2024-02-20")
    w.build(PmhubConfig(), date(2024, 3, 4))
    (row,) = w.rows(
        "SELECT cpi, eac, etc, vac, tcpi_eac, spi, null_reason FROM mart.budget_variance WHERE as_of = '2024-03-04'"
    )
    assert row == (None, None, None, None, None, 0.0, "AC is 0: CPI, EAC, ETC, VAC undefined")


@pytest.fixture()
def release() -> MetricWarehouse:
    """§2.3: PRP 200 points (20 items of 10), PS 10 sprints, BAC 500 000; after 4 two-week sprints
    6 items (60 points) are done and 230 000 spent."""
    w = MetricWarehouse.empty(["agile"], date(2024, 2, 27))
    w.budget("agile", 500_000, "2024-01-01", "2024-05-20", planned_sprints=10)
    w.sprint("before", "agile", "2023-12-11", "2023-12-25")  # before the planned start: not a release sprint
    for k in range(4):
        w.sprint(
            f"R{k + 1}",
            "agile",
            str(date(2024, 1, 1) + timedelta(days=14 * k)),
            str(date(2024, 1, 15) + timedelta(days=14 * k)),
        )
    for n in range(20):
        done = str(date(2024, 1, 10) + timedelta(days=7 * n)) if n < 6 else None
        w.item(f"A{n}", "agile", "2023-12-20", done=done, points=[("2023-12-20", 10)])
    w.cost("agile", "2024-02-01", 230_000)
    return w


def test_agile_evm_example_of_section_2_3(release):
    release.build(PmhubConfig(), date(2024, 2, 27))
    (row,) = release.rows(
        f"SELECT {EVM_COLUMNS}, pv_method, ev_basis, planned_sprints, sprints_done "
        "FROM mart.budget_variance WHERE as_of = '2024-02-27'"
    )
    bac, pv, ev, ac, cv, sv, cpi, spi, eac, *_rest, etc, vac, _tcpi, _tcpi_eac = row[:15]
    assert (bac, pv, ev, ac, cv, sv) == (500_000, 200_000, 150_000, 230_000, -80_000, -50_000)
    assert (cpi, spi) == (pytest.approx(150 / 230), pytest.approx(0.75))
    assert (round(eac, 2), round(etc, 2), round(vac, 2)) == (766_666.67, 536_666.67, -266_666.67)
    assert row[15:] == ("sprint", "points", 10, 4)
    # PV steps by one tenth of BAC at each sprint close (the R1 close is on 01-15)
    assert release.rows("SELECT as_of, pv FROM mart.budget_variance WHERE as_of IN ('2024-01-14', '2024-01-15')") == [
        (date(2024, 1, 14), 0.0),
        (date(2024, 1, 15), 50_000.0),
    ]
    # mean velocity 15: PS / SPI = 13.33 sprints = 4 + 140 / 15; 9.33 more sprints of 14 days after 02-26
    (forecast,) = release.rows(
        "SELECT velocity_sprints_done, velocity_points_per_sprint, velocity_sprints_total, velocity_finish_date "
        "FROM mart.forecast"
    )
    assert forecast[:3] == (4, 15.0, pytest.approx(10 / 0.75))
    assert forecast[3] == date(2024, 2, 26) + timedelta(days=131)  # ceil(140 / 15 * 14) = ceil(130.67)


def test_agile_evm_rebaselines_when_scope_is_added(release):
    for n in (20, 21):
        release.item(f"A{n}", "agile", "2024-02-20", points=[("2024-02-20", 10)])
    release.build(PmhubConfig(), date(2024, 2, 27))
    (ev,) = release.rows("SELECT ev FROM mart.budget_variance WHERE as_of = '2024-02-27'")[0]
    assert ev == pytest.approx(500_000 * 60 / 220)  # APC = 60 / 220 = 0.272727; EV 136 363.64
    assert round(ev, 2) == 136_363.64
    (total,) = release.rows("SELECT velocity_sprints_total FROM mart.forecast")[0]
    assert total == pytest.approx(4 + 160 / 15)


def test_a_project_without_planned_sprints_keeps_the_linear_plan_and_no_velocity_forecast():
    w = MetricWarehouse.empty(["lin"], date(2024, 3, 4))
    w.budget("lin", 1000, "2024-03-01", "2024-03-10")
    w.sprint("S", "lin", "2024-03-01", "2024-03-03")
    w.item("L0", "lin", "2024-02-20", points=[("2024-02-20", 3)])
    w.build(PmhubConfig(), date(2024, 3, 4))
    assert w.rows(
        "SELECT pv, pv_method, planned_sprints, sprints_done FROM mart.budget_variance WHERE as_of = '2024-03-04'"
    ) == [(400.0, "linear", None, None)]
    assert w.rows("SELECT velocity_sprints_total FROM mart.forecast") == [(None,)]


def test_the_portfolio_says_how_far_to_trust_its_numbers():
    """Half the items estimated, one of two done items with a known start, no budget, no cost, one
    container never synced and one whose source was last read three days ago."""
    w = MetricWarehouse.empty(["dq"], date(2024, 3, 4))
    w.item("Q0", "dq", "2024-02-20", started="2024-02-21", done="2024-02-25", points=[("2024-02-20", 3)])
    w.item("Q1", "dq", "2024-02-20", done="2024-02-26", points=[("2024-02-20", 5)])
    w.item("Q2", "dq", "2024-02-20")
    w.item("Q3", "dq", "2024-02-20")
    w.conn.execute(
        "INSERT INTO core.containers (container_id, source_id, tool, external_id, key, name, project_id, config_ref) "
        "VALUES ('jira:x:project:1', 'jira:x', 'jira', '1', 'APL', 'Apollo', 'dq', 'APL')"
    )

    def read(hours_ago: int) -> None:
        w.conn.execute(
            "INSERT INTO meta.batches VALUES (?, 'jira:x', now(), 0, json_object('created_at', ?))",
            [f"b{hours_ago}", (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()],
        )

    site = {"name": "x", "url": "https://x.atlassian.net", "email": "a@b.c", "token": "t"}
    refs = [{"site": "x", "project": "APL"}, {"site": "x", "project": "GONE"}]
    config = ConfigModel.model_validate(
        {"sources": {"jira": [site]}, "portfolio": [{"id": "dq", "name": "Dq", "jira": refs}]}
    )
    read(hours_ago=72)
    w.build(config, date(2024, 3, 4))
    columns = "estimate_coverage, done_with_start_share, has_budget, has_cost_data, stale_containers"
    (row,) = w.rows(f"SELECT {columns} FROM mart.portfolio")
    assert row[:4] == (0.5, 0.5, False, False)
    assert re.fullmatch(
        r"jira:x APL: last read \d{4}-\d\d-\d\d \d\d:\d\d UTC, 72 h ago; jira:x GONE: not in the synced data", row[4]
    ), row[4]
    read(hours_ago=1)
    w.build(config, date(2024, 3, 4))
    assert w.rows("SELECT stale_containers FROM mart.portfolio") == [("jira:x GONE: not in the synced data",)]


def test_a_config_budget_with_planned_sprints_reaches_core_budgets():
    budget = Budget(bac=500_000, currency="EUR", start=date(2024, 1, 1), end=date(2024, 5, 20), planned_sprints=10)
    config = PmhubConfig(portfolio=[Project(id="agile", name="Agile", budget=budget)])
    w = MetricWarehouse.empty(["agile"], date(2024, 2, 27))
    build_core(w.conn, config, date(2024, 2, 27))
    assert w.rows("SELECT bac, planned_start, planned_sprints, source FROM core.budgets") == [
        (500_000.0, date(2024, 1, 1), 10, "config")
    ]
