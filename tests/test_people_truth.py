"""People against the sandbox's ground truth: accounts merged as `sandbox.staffing` planted them
(a name-only likeness reported, never merged), and each person's load per week."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.msproject_plans import demo_plan, demo_tasks
from sandbox.people_truth import identity_truth, load_truth, name_only_suggestions, plan_resource
from tests.conftest import ANCHOR, warehouse_rows, write_config


@pytest.fixture(scope="module")
def staffed(tmp_path_factory, portfolio, sandbox, sandbox_env):
    """The sandbox portfolio and the demo plan (staffed by sandbox people) synced as of ANCHOR."""
    from pipelines.run_sync import run_sync

    folder = tmp_path_factory.mktemp("people")
    staff = portfolio.staffing.plan_staff()
    name, text = demo_plan(ANCHOR, seed=7, staff=staff)
    (folder / "plans").mkdir()
    (folder / "plans" / name).write_text(text, encoding="utf-8")
    config = portfolio.pmhub_config(sandbox.url)
    config["sources"]["msproject"] = [{"name": "plans", "paths": [str(folder / "plans")]}]
    config["portfolio"].append({"id": "depot", "name": "Depot", "msproject": [{"source": "plans", "plan": name}]})
    path = write_config(folder / "pmhub.yaml", config)
    outcome = run_sync(path, folder / "pmhub.duckdb", as_of=ANCHOR)
    assert outcome.success, outcome.message
    return folder / "pmhub.duckdb", demo_tasks(ANCHOR, seed=7, staff=staff)


def test_accounts_are_merged_as_planted_and_no_other_account_is(staffed, portfolio) -> None:
    db, _plan = staffed
    got = dict(warehouse_rows(db, "SELECT account_id, person_id FROM core.person_identities"))
    truth = identity_truth(portfolio)
    assert {a: got.get(a) for a in truth} == truth
    for account, person in got.items():
        if account in truth:
            continue
        tool, source, _kind, external = account.split(":", 3)
        # Confluence accounts join the Jira account of their accountId where pmhub saw one
        same_in_jira = f"jira:{source}:user:{external}"
        expected = got.get(same_in_jira, account) if tool == "confluence" else account
        assert person == expected, account
    configured = warehouse_rows(db, "SELECT person_id, identities FROM core.people WHERE configured ORDER BY 1")
    assert [p for p, _n in configured] == sorted(c.person_id for c in portfolio.staffing.configured)
    # Apollo's lead: Jira, Confluence (the charter's author), Trello and the plan's building work
    assert dict(configured)[portfolio.staffing.configured[0].person_id] == 4


def test_a_name_alone_is_reported_and_never_merged(staffed, portfolio) -> None:
    db, _plan = staffed
    found = warehouse_rows(db, "SELECT problem FROM meta.data_problems WHERE problem LIKE 'people:%'")
    problems = [p for (p,) in found]
    for name in name_only_suggestions(portfolio):
        assert any(p.startswith(f"people: {name!r} is the name of 2 people") for p in problems), name
    lawyer = next(r.person for r in portfolio.staffing.plan_roles if not r.email)
    ((person,),) = warehouse_rows(
        db, "SELECT person_id FROM core.person_identities WHERE account_id = ?", [plan_resource(lawyer.display_name)]
    )
    assert person == plan_resource(lawyer.display_name)


def test_each_persons_weekly_load_equals_the_truth(staffed, portfolio) -> None:
    db, plan = staffed
    truth = load_truth(portfolio, plan, ANCHOR)
    rows = warehouse_rows(
        db,
        """SELECT person_id, week, open_items, committed_points, committed_hours, logged_hours, planned_hours,
                  capacity_hours, utilisation, overallocated FROM mart.people_load""",
    )
    got = {(r[0], r[1]): r[2:] for r in rows}
    assert set(got) == set(truth), set(got) ^ set(truth)
    for key, t in truth.items():
        work = t.planned_hours + t.committed_hours
        utilisation = work / t.capacity_hours if work and t.capacity_hours else None
        expected = (
            t.open_items,
            pytest.approx(t.committed_points),
            pytest.approx(t.committed_hours),
            pytest.approx(t.logged_hours),
            pytest.approx(t.planned_hours),
            pytest.approx(t.capacity_hours),
            pytest.approx(utilisation) if utilisation is not None else None,
            bool(work) and (not t.capacity_hours or work / t.capacity_hours > 1.0),
        )
        assert got[key] == expected, key
    # the planted cases show: the part-timer's capacity, the leave, a holiday, the plan's work
    lead = portfolio.staffing.configured[0].person_id
    assert any(got[(lead, w)][4] > 0 for (p, w) in got if p == lead)
    assert {round(got[k][5], 1) for k in got if k[0] == portfolio.staffing.configured[1].person_id} >= {20.0, 16.0}
    assert date(2026, 11, 2) in {w for _p, w in got}
