"""mart.people_load against a week-by-week example worked by hand: part time, leave, a holiday,
sprint commitments spread over their weekdays, a plan assignment, worklogs and a reopened item."""

from __future__ import annotations

from datetime import date

import pytest

from models.config import Away, PersonConfig, PmhubConfig, Project, Settings
from tests.metric_warehouse import MetricWarehouse, at

AS_OF = date(2026, 3, 11)  # a Wednesday: the weeks shown are those of 2, 9 and 16 March
ANA, BO = "person:ana-lima", "jira:x:user:bo"


def _config() -> PmhubConfig:
    return PmhubConfig(
        portfolio=[Project(id="p", name="P"), Project(id="q", name="Q")],
        people=[
            PersonConfig(
                name="Ana Lima",
                hours_per_week=32,
                part_time=0.5,
                away=[Away.model_validate({"from": "2026-03-16", "to": "2026-03-17"})],
            )
        ],
        settings=Settings(
            load_weeks_back=1,
            load_weeks_ahead=1,
            holidays=[Away.model_validate({"from": "2026-03-13", "to": "2026-03-13"})],
        ),
    )


def _item(w: MetricWarehouse, key: str, project: str, tool: str, who: str | None, created: str, **more: object) -> None:
    source = {"jira": "jira:x", "msproject": "msproject:m"}[tool]
    row = {
        "item_id": key,
        "source_id": source,
        "container_id": f"{source}:{project}",
        "project_id": project,
        "external_id": key,
        "key": key,
        "assignee_id": who,
        "created_at": at(created),
        "status_category": "todo",
        "is_deleted": False,
        **more,
    }
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    w.conn.execute(f"INSERT INTO core.work_items ({names}) VALUES ({marks})", list(row.values()))


def _move(w: MetricWarehouse, key: str, when: str, before: str, after: str) -> None:
    w.conn.execute(
        "INSERT INTO core.status_changes VALUES (?, ?, ?, ?, ?, ?, NULL)", [key, at(when), before, after, before, after]
    )


@pytest.fixture(scope="module")
def load() -> dict[tuple[str, date], dict[str, object]]:
    w = MetricWarehouse.empty(["p", "q"], AS_OF)
    w.conn.execute("DELETE FROM core.sources")
    w.conn.execute(
        "INSERT INTO core.sources VALUES ('jira:x', 'jira', 'x', NULL), ('msproject:m', 'msproject', 'm', NULL)"
    )
    w.conn.execute("DELETE FROM core.people")
    w.conn.execute(
        "INSERT INTO core.people VALUES (?, 'Ana Lima', true, 32, 0.5, 2), (?, 'Bo', false, NULL, 1.0, 1)", [ANA, BO]
    )
    # J1: in sprint S1 from its start at 5 points, no hour estimate (5 x 6 h = 30 h), done 5 March
    _item(w, "J1", "p", "jira", ANA, "2026-02-20", status_category="done", story_points=5.0)
    _move(w, "J1", "2026-03-03", "todo", "in_progress")
    _move(w, "J1", "2026-03-05", "in_progress", "done")
    # J2: added to S1 on 10 March at 3 points with an 8 h estimate, open
    _item(w, "J2", "p", "jira", ANA, "2026-03-10", story_points=3.0, estimate_hours=8.0)
    # J3: done on 20 February, reopened on 17 March
    _item(w, "J3", "p", "jira", ANA, "2026-02-01")
    _move(w, "J3", "2026-02-20", "todo", "done")
    _move(w, "J3", "2026-03-17", "done", "todo")
    # P1: a plan task in project q, 40 h from 9 to 20 March (ten weekdays)
    _item(w, "P1", "q", "msproject", ANA, "2026-03-01")
    w.conn.execute(
        "INSERT INTO core.planned_work VALUES ('P1', ?, ?, ?, 40)", [ANA, at("2026-03-09"), at("2026-03-20")]
    )
    # J4: Bo's open item, in no sprint
    _item(w, "J4", "p", "jira", BO, "2026-03-03")
    w.sprint("S1", "p", "2026-03-02", "2026-03-13", state="active")
    w.member("S1", "J1", "2026-02-27")
    w.member("S1", "J2", "2026-03-10")
    w.conn.execute(
        "INSERT INTO stage.points_history VALUES ('J1', ?, 5), ('J2', ?, 3)", [at("2026-02-20"), at("2026-03-10")]
    )
    w.conn.execute("UPDATE core.sprint_membership SET points_at_start = CASE item_id WHEN 'J1' THEN 5 ELSE 3 END")
    w.conn.execute(
        "INSERT INTO core.worklogs VALUES ('w1', 'J1', ?, ?, 3, false), ('w2', 'J2', ?, ?, 2.5, false), "
        "('w3', 'J2', ?, ?, 4, true)",
        [ANA, at("2026-03-04"), ANA, at("2026-03-10"), ANA, at("2026-03-10")],
    )
    w.build(_config(), AS_OF)
    columns = [d[0] for d in w.conn.execute("SELECT * FROM mart.people_load").description]
    return {
        (row[0], row[1]): dict(zip(columns, row, strict=True))
        for row in w.conn.execute("SELECT * FROM mart.people_load").fetchall()
    }


def _week(load: dict[tuple[str, date], dict[str, object]], who: str, monday: str) -> tuple[object, ...]:
    r = load[(who, date.fromisoformat(monday))]
    keys = ("open_items", "committed_points", "committed_hours", "logged_hours", "planned_hours", "capacity_hours")
    return (*(pytest.approx(r[k]) for k in keys), r["utilisation_basis"], r["overallocated"], r["active_projects"])


def test_a_part_time_person_with_a_sprint_and_a_plan_week_by_week(load) -> None:
    # week of 2 March: J1 and P1 open; S1's J1 30 h over its ten weekdays gives 15 h; 3 h logged;
    # capacity 32 h x 0.5 = 16 h; utilisation 15 / 16 = 0.9375: not overallocated
    assert _week(load, ANA, "2026-03-02") == (2, 5, 15, 3, 0, 16, "committed", False, 2)
    assert load[(ANA, date(2026, 3, 2))]["utilisation"] == pytest.approx(0.9375)
    # week of 9 March: J2 and P1 open; J1's other 15 h and J2's 8 h over its four weekdays left;
    # half of P1's 40 h; 2.5 h logged (the deleted 4 h is not); Friday 13th a holiday:
    # capacity 16 x 4/5 = 12.8 h; utilisation (15 + 8 + 20) / 12.8 = 3.359375
    assert _week(load, ANA, "2026-03-09") == (2, 8, 23, 2.5, 20, 12.8, "planned+committed", True, 2)
    assert load[(ANA, date(2026, 3, 9))]["utilisation"] == pytest.approx(43 / 12.8)
    # week of 16 March: J2, P1 and the reopened J3 open; the sprint has ended; P1's other 20 h;
    # away Monday and Tuesday: capacity 16 x 3/5 = 9.6 h; utilisation 20 / 9.6
    assert _week(load, ANA, "2026-03-16") == (3, 0, 0, 0, 20, 9.6, "planned", True, 2)
    assert load[(ANA, date(2026, 3, 16))]["utilisation"] == pytest.approx(20 / 9.6)


def test_a_person_with_open_items_and_no_planned_or_committed_work_has_no_utilisation(load) -> None:
    # default 40 h a week; the holiday applies to everyone: 32 h in the week of 9 March
    for monday, capacity in (("2026-03-02", 40), ("2026-03-09", 32), ("2026-03-16", 40)):
        assert _week(load, BO, monday) == (1, 0, 0, 0, 0, capacity, None, False, 1)
        assert load[(BO, date.fromisoformat(monday))]["utilisation"] is None
    assert {who for who, _week in load} == {ANA, BO}
