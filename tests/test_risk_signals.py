"""mart.risk_signals, rule by rule, on small warehouses worked out by hand: each rule's value,
threshold and explanation where it fires, and the case just short of its threshold where it must not.
As of 2024-04-01; days are calendar days between UTC dates."""

from __future__ import annotations

from datetime import date
from importlib import resources

from models.config import PmhubConfig, Settings
from pipelines.transform.layers import fill
from pipelines.warehouse import connect
from sandbox.plant_signals import CONTROL_ID
from sandbox.signal_truth import exact_aging
from tests.metric_warehouse import MetricWarehouse

AS_OF = date(2024, 4, 1)


def _signals(w: MetricWarehouse, rule: str) -> list[tuple[object, ...]]:
    return w.rows(
        "SELECT project_id, item_id, value, threshold, explanation FROM mart.risk_signals WHERE rule = ? ORDER BY ALL",
        [rule],
    )


def _set(w: MetricWarehouse, item: str, **columns: object) -> None:
    for column, value in columns.items():
        # column names are this test's own constants
        w.conn.execute(f"UPDATE core.work_items SET {column} = ? WHERE item_id = ?", [value, item])


def _tag(w: MetricWarehouse, item: str, kind: str, name: str) -> None:
    w.conn.execute("INSERT INTO stage.item_tags VALUES (?, ?, ?)", [item, kind, name])


def _link(w: MetricWarehouse, item: str, linked: str, key: str, category: str | None = None) -> None:
    w.conn.execute("INSERT INTO stage.item_links VALUES (?, 'blocked_by', ?, ?, ?)", [item, linked, key, category])


def test_aging_wip_is_work_in_progress_older_than_the_p85_cycle_time():
    """Finished cycle times 2, 4, 6, 8, 10 days: nearest-rank P85 = the 5th = 10. W1 started 03-10
    is 23 days old (inclusive); W2 started 03-23 is exactly 10, not older: no signal."""
    w = MetricWarehouse.empty(["a"], AS_OF)
    for n, days in enumerate((2, 4, 6, 8, 10), start=1):
        w.item(f"D{n}", "a", "2024-02-01", started="2024-02-05", done=f"2024-02-{4 + days:02d}")
    w.item("W1", "a", "2024-03-01", started="2024-03-10")
    w.item("W2", "a", "2024-03-01", started="2024-03-23")
    w.build(PmhubConfig(), AS_OF)
    assert _signals(w, "aging_wip") == [
        ("a", "W1", 23.0, 10.0, "W1 in progress 23 days; 85% of items finish within 10")
    ]


def test_blocked_by_flag_status_or_label_named_in_settings_and_attention_items_agree():
    """F is flagged; H's status says "On hold"; L carries the label "Customer-Blocked"; N's label
    "frontend" names no block; X is flagged but done."""
    w = MetricWarehouse.empty(["a"], AS_OF)
    for key in ("F", "H", "L", "N", "X"):
        w.item(key, "a", "2024-03-01", started="2024-03-02", done="2024-03-20" if key == "X" else None)
        _set(w, key, updated_at="2024-03-25T08:00:00Z")
    _set(w, "H", status="On Hold")
    _tag(w, "F", "flag", "Flagged")
    _tag(w, "X", "flag", "Flagged")
    _tag(w, "L", "label", "Customer-Blocked")
    _tag(w, "N", "label", "frontend")
    w.build(PmhubConfig(), AS_OF)
    assert _signals(w, "blocked") == [
        ("a", "F", 7.0, 0.0, "F blocked: flagged (Flagged); unchanged for 7 days"),
        ("a", "H", 7.0, 0.0, 'H blocked: status "On Hold"; unchanged for 7 days'),
        ("a", "L", 7.0, 0.0, 'L blocked: label "Customer-Blocked"; unchanged for 7 days'),
    ]
    assert w.rows("SELECT item_id, detail FROM mart.attention_items WHERE reason = 'blocked' ORDER BY 1") == [
        ("F", "flagged"),
        ("H", "status On Hold"),
        ("L", "label Customer-Blocked"),
    ]
    # The names are the config's: without "on hold" H is no longer blocked, in either table.
    w.build(PmhubConfig(settings=Settings(blocked_names=["blocked"])), AS_OF)
    assert [r[1] for r in _signals(w, "blocked")] == ["F", "L"]
    assert w.rows("SELECT item_id FROM mart.attention_items WHERE reason = 'blocked' ORDER BY 1") == [("F",), ("L",)]


def test_blocked_by_link_needs_an_open_blocker_of_another_project():
    """A1 waits for B1 (open, project b) and for Z-9 (not synced, to do by the link): one signal,
    two blockers. A2 waits for A3 (same project); A4 for B2 (done); A5 for Z-10 (done by the link)."""
    w = MetricWarehouse.empty(["a", "b"], AS_OF)
    for key in ("A1", "A2", "A3", "A4", "A5"):
        w.item(key, "a", "2024-03-01")
    w.item("B1", "b", "2024-03-01", started="2024-03-03")
    w.item("B2", "b", "2024-03-01", started="2024-03-03", done="2024-03-05")
    _link(w, "A1", "B1", "B1", "todo")  # core's status (in progress) beats what the link showed
    _link(w, "A1", "jira:x:9", "Z-9", "todo")
    _link(w, "A2", "A3", "A3", "todo")
    _link(w, "A4", "B2", "B2", "in_progress")
    _link(w, "A5", "jira:x:10", "Z-10", "done")
    w.build(PmhubConfig(), AS_OF)
    assert _signals(w, "blocked_by_link") == [
        ("a", "A1", 2.0, 0.0, "A1 is blocked by B1 (B, in progress), Z-9 (outside the portfolio, to do)")
    ]


def test_overdue_counts_days_past_the_due_date_of_open_items():
    """O1 was due 03-20 (12 days ago), O4 yesterday; O2 is due today (not past); O3 is done."""
    w = MetricWarehouse.empty(["a"], AS_OF)
    w.item("O1", "a", "2024-03-01", started="2024-03-02")
    w.item("O2", "a", "2024-03-01")
    w.item("O3", "a", "2024-03-01", started="2024-03-02", done="2024-03-10")
    w.item("O4", "a", "2024-03-01")
    _set(w, "O1", due_at="2024-03-20T17:00:00Z")
    _set(w, "O4", due_at="2024-03-31T00:00:00Z")
    _set(w, "O2", due_at="2024-04-01T17:00:00Z")
    _set(w, "O3", due_at="2024-03-01T17:00:00Z")
    w.build(PmhubConfig(), AS_OF)
    assert _signals(w, "overdue") == [
        ("a", "O1", 12.0, 0.0, "O1 was due 2024-03-20, 12 days ago"),
        ("a", "O4", 1.0, 0.0, "O4 was due 2024-03-31, 1 day ago"),
    ]


def test_scope_growth_since_the_first_sprint_in_items_or_points_and_since_the_baseline():
    """a: 4 unestimated items before its first sprint began 03-10, 2 added after: +50 % in items.
    b: 5 before, 1 after: +20 %, not above 20 %. c: estimated, 10 points before, 3 added: +30 %.
    d: a plan with 2 baselined tasks and 3 tasks now: +50 % in items (its sprint is ignored)."""
    w = MetricWarehouse.empty(["a", "b", "c", "d"], AS_OF)
    for project, before, after in (("a", 4, 2), ("b", 5, 1)):
        for n in range(before + after):
            w.item(f"{project}{n}", project, "2024-03-01" if n < before else "2024-03-15")
    w.item("c1", "c", "2024-03-01", points=[("2024-03-01", 5.0)])
    w.item("c2", "c", "2024-03-01", points=[("2024-03-01", 5.0)])
    w.item("c3", "c", "2024-03-12", points=[("2024-03-12", 3.0)])
    for n in range(3):
        w.item(f"d{n}", "d", "2024-03-01")
    w.conn.executemany(
        "INSERT INTO core.baselines (item_id, baseline_number, rolls_up) VALUES (?, 0, false)", [("d0",), ("d1",)]
    )
    for project in ("a", "b", "c", "d"):
        w.sprint(f"S-{project}", project, "2024-03-10", "2024-03-24")
    w.build(PmhubConfig(), AS_OF)
    assert _signals(w, "scope_growth") == [
        ("a", None, 0.5, 0.2, "scope grew 50% since the first sprint began 2024-03-10 (4 to 6 items); limit 20%"),
        ("c", None, 0.3, 0.2, "scope grew 30% since the first sprint began 2024-03-10 (10 to 13 points); limit 20%"),
        ("d", None, 0.5, 0.2, "scope grew 50% since baseline 0 (2 to 3 items); limit 20%"),
    ]


def _velocity(w: MetricWarehouse, project: str, sprints: list[tuple[str, float, float]]) -> None:
    """Replace mart.velocity's rows of `project` by closed sprints (end date, committed, completed),
    and rebuild mart.risk_signals from them: say/do reads velocity, whose oracles are elsewhere."""
    w.conn.executemany(
        """INSERT INTO mart.velocity (project_id, source_id, iteration_id, iteration_name, iteration_kind,
               iteration_state, iteration_start, iteration_end, committed_points, completed_points, completed_items)
           VALUES (?, 'jira:x', ?, ?, 'sprint', 'closed', ?::TIMESTAMPTZ - INTERVAL 14 DAY, ?::TIMESTAMPTZ, ?, ?, 0)""",
        [(project, f"{project}-{end}", f"{project} {end}", end, end, c, d) for end, c, d in sprints],
    )


def _rebuild_signals(w: MetricWarehouse) -> None:
    sql = (resources.files("pipelines") / "sql" / "mart" / "07_risk_signals.sql").read_text(encoding="utf-8")
    fill(w.conn, "mart", "risk_signals", sql)


def test_say_do_over_the_last_closed_sprints():
    """a's last three sprints by close (03-29, 03-15, 03-01) completed 8 + 6 + 7 = 21 of 30: 70 %;
    its older sprint (0 of 10) is out of the window. b: 8 of 10 = 80 %, not below 80 %."""
    w = MetricWarehouse.empty(["a", "b"], AS_OF)
    w.build(PmhubConfig(), AS_OF)
    w.conn.execute("DELETE FROM mart.velocity")
    _velocity(w, "a", [("2024-02-15", 10, 0), ("2024-03-01", 10, 7), ("2024-03-29", 10, 8), ("2024-03-15", 10, 6)])
    _velocity(w, "b", [("2024-03-29", 10, 8)])
    _rebuild_signals(w)
    assert _signals(w, "say_do") == [
        ("a", None, 0.7, 0.8, "completed 21 of 30 committed points (70%) in the last 3 closed sprints; limit 80%")
    ]


def test_concentration_of_in_progress_points_on_one_person():
    """a: Ann holds 5 + 3 of the 10 in-progress points (the done 8 and the unestimated item do not
    count): 80 %. b: 5 and 5: 50 %, not above 50 %."""
    w = MetricWarehouse.empty(["a", "b"], AS_OF)
    w.conn.executemany(
        "INSERT INTO core.people (person_id, display_name, configured, part_time, identities) "
        "VALUES (?, ?, false, 1, 1)",
        [("p1", "Ann Lee"), ("p2", "Bo Chen")],
    )
    rows = [
        ("a1", "a", "p1", 5.0, False),
        ("a2", "a", "p1", 3.0, False),
        ("a3", "a", "p2", 2.0, False),
        ("a4", "a", "p2", 8.0, True),
        ("a5", "a", "p2", None, False),
        ("b1", "b", "p1", 5.0, False),
        ("b2", "b", "p2", 5.0, False),
    ]
    for key, project, person, points, done in rows:
        w.item(key, project, "2024-03-01", started="2024-03-02", done="2024-03-05" if done else None,
               points=[("2024-03-01", points)])  # fmt: skip
        _set(w, key, assignee_id=person)
    w.build(PmhubConfig(), AS_OF)
    assert _signals(w, "concentration") == [
        ("a", None, 0.8, 0.5, "Ann Lee holds 8 of 10 in-progress points (80%); limit 50%")
    ]
    assert w.rows("SELECT person_id FROM mart.risk_signals WHERE rule = 'concentration'") == [("p1",)]


def test_unestimated_items_in_an_active_sprint():
    """U1 (no estimate) was planned 03-20 into the sprint that began 03-25: 7 days in it. U2 has an
    estimate; U3 left the sprint; U4 is done; U5 sits in a closed sprint."""
    w = MetricWarehouse.empty(["a"], AS_OF)
    w.sprint("S1", "a", "2024-03-01", "2024-03-15")
    w.sprint("S2", "a", "2024-03-25", "2024-04-08", state="active")
    for key in ("U1", "U2", "U3", "U4", "U5"):
        w.item(key, "a", "2024-03-01", done="2024-03-28" if key == "U4" else None,
               points=[("2024-03-01", 3.0 if key == "U2" else None)])  # fmt: skip
    for key in ("U1", "U2", "U3", "U4"):
        w.member("S2", key, "2024-03-20", removed="2024-03-27" if key == "U3" else None)
    w.member("S1", "U5", "2024-02-28")
    w.build(PmhubConfig(), AS_OF)
    assert _signals(w, "unestimated_in_sprint") == [
        ("a", "U1", 7.0, 0.0, "U1 has no estimate in active sprint S2 (in it 7 days)")
    ]


def test_inactive_projects_by_the_last_change_status_change_or_worklog():
    """a: items last changed 03-10, a status change 03-12, a worklog 03-15: 17 days. b: last
    change 03-18, exactly 14 days: inactive. c: 03-19, 13 days: active."""
    w = MetricWarehouse.empty(["a", "b", "c"], AS_OF)
    w.item("a1", "a", "2024-03-01")
    _set(w, "a1", updated_at="2024-03-10T09:00:00Z")
    w.conn.execute(
        "INSERT INTO core.status_changes (item_id, changed_at, to_status) VALUES ('a1', '2024-03-12T09:00:00Z', 'x')"
    )
    w.conn.execute(
        "INSERT INTO core.worklogs VALUES ('wl1', 'a1', NULL, '2024-03-15T09:00:00Z', 2.0, false),"
        " ('wl2', 'a1', NULL, '2024-03-30T09:00:00Z', 2.0, true)"
    )
    w.item("b1", "b", "2024-03-18")
    w.item("c1", "c", "2024-03-01")
    _set(w, "c1", updated_at="2024-03-19T23:00:00Z")
    w.build(PmhubConfig(), AS_OF)
    assert _signals(w, "inactive") == [
        ("a", None, 17.0, 14.0,
         "no item created or changed, no status change and no worklog for 17 days (last 2024-03-15); limit 14 days"),
        ("b", None, 14.0, 14.0,
         "no item created or changed, no status change and no worklog for 14 days (last 2024-03-18); limit 14 days"),
    ]  # fmt: skip
    w.build(PmhubConfig(settings=Settings(inactive_after_days=15)), AS_OF)
    assert [r[0] for r in _signals(w, "inactive")] == ["a"]


# --- against the sandbox's ground truth ------------------------------------------------------------

ITEM_RULES = ("blocked", "blocked_by_link", "overdue", "unestimated_in_sprint")
PROJECT_RULES = ("scope_growth", "say_do", "concentration", "inactive")


def _synced_signals(synced) -> list[tuple[str, str, str | None, float]]:
    with connect(synced["db"], read_only=True) as conn:
        return conn.execute("SELECT rule, project_id, key, value FROM mart.risk_signals ORDER BY ALL").fetchall()


def test_every_planted_signal_is_found_and_the_control_project_has_none(synced, portfolio):
    truth = portfolio.ground_truth
    found = {(rule, project, key) for rule, project, key, _value in _synced_signals(synced)}
    planted = {(s.rule, s.project_id, s.key) for s in truth.planted_signals}
    # one of each kind the sandbox plants (a Trello card among the blocked)
    assert {rule for rule, _p, _k in planted} == {
        "blocked", "blocked_by_link", "overdue", "unestimated_in_sprint", "aging_wip"
    }  # fmt: skip
    assert planted - found == set()
    assert CONTROL_ID in {p.id for p in portfolio.projects}
    assert [s for s in found if s[1] == CONTROL_ID] == []
    with connect(synced["db"], read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM core.work_items WHERE project_id = ?", [CONTROL_ID]).fetchone()[0] > 0


def test_item_signals_equal_the_ground_truth(synced, portfolio):
    """Every item signal the generated model holds, planted or by chance, and no other."""
    got = _synced_signals(synced)
    truth = portfolio.ground_truth.risk_signals
    for rule in ITEM_RULES:
        assert {(p, k) for r, p, k, _v in got if r == rule} == {
            (s.project_id, s.key) for s in truth if s.rule == rule
        }, rule
    exact = exact_aging(portfolio.projects)
    assert {(p, k) for r, p, k, _v in got if r == "aging_wip" and p in exact} == {
        (s.project_id, s.key) for s in truth if s.rule == "aging_wip" and s.project_id in exact
    }
    overdue = {(p, k): v for r, p, k, v in got if r == "overdue"}
    assert overdue == {(s.project_id, s.key): s.value for s in truth if s.rule == "overdue"}


def test_project_signals_equal_the_ground_truth(synced, portfolio):
    got = _synced_signals(synced)
    truth = portfolio.ground_truth.risk_signals
    for rule in PROJECT_RULES:
        assert {p: round(v, 9) for r, p, _k, v in got if r == rule} == {
            s.project_id: round(s.value, 9) for s in truth if s.rule == rule
        }, rule
    assert {r for r, *_ in got} >= {"scope_growth", "say_do", "concentration"}
