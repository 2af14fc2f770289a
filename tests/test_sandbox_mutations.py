"""Changes between two syncs: each mutation shows up in search, point reads and bulk reads as on Jira."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox import SandboxServer
from sandbox.jira_catalog import STATUS_BY_ID
from sandbox.timefmt import epoch_ms
from sandbox.truth import state_at

PORTFOLIO_KEYS = ("APL", "BOR", "DRC")


@pytest.fixture()
def live(portfolio):
    """A fresh server per test: mutations change its state."""
    with SandboxServer(portfolio) as server:
        yield server


def ids(jira, url, jql):
    body = jira.post(f"{url}/rest/api/3/search/jql", json={"jql": jql, "fields": ["id"], "maxResults": 5000})
    assert body.status_code == 200 and body.json()["isLast"], body.text
    return {int(i["id"]) for i in body.json()["issues"]}


def bulk(jira, url, refs):
    return jira.post(f"{url}/rest/api/3/issue/bulkfetch", json={"issueIdsOrKeys": [str(r) for r in refs]}).json()


def test_touch_changes_a_share_of_issues_now_with_consistent_history(portfolio, live, jira):
    before = {i.id: i for i in portfolio.issues}
    last_history = max(h.id for i in portfolio.issues for h in i.histories)
    start = live.clock.now()
    changed = live.touch(0.1, seed=1)
    pool = sum(1 for i in portfolio.issues if i.project_key in PORTFOLIO_KEYS)
    assert len(changed.issue_ids) == round(0.1 * pool)
    assert ids(jira, live.url, f"project in (APL, BOR, DRC) AND updated >= {epoch_ms(start)}") == set(changed.issue_ids)
    new_histories = []
    for issue_id in changed.issue_ids:
        old, new = before[issue_id], live.issue(issue_id)
        assert new.updated >= start and new.updated != old.updated
        state = state_at(new, new.updated)  # replaying the history still gives the fields
        assert (state.status_id, state.sprint_ids, state.points) == (new.status_id, new.sprint_ids, new.story_points)
        done = STATUS_BY_ID[new.status_id].category.key == "done"
        assert (new.resolution_date is not None) == done
        new_histories += [h.id for h in new.histories[len(old.histories) :]]
        assert new.histories[: len(old.histories)] == old.histories
    assert new_histories and min(new_histories) > last_history and len(set(new_histories)) == len(new_histories)
    assert any(live.issue(i).status_id != before[i].status_id for i in changed.issue_ids)
    edited = [w for w in changed.worklog_ids if any(w == x.id for i in portfolio.issues for x in i.worklogs)]
    assert changed.worklog_ids and all(live.worklog_seconds(edited)[w] != _seconds(portfolio, w) for w in edited)
    with SandboxServer(portfolio) as again:  # deterministic per seed
        assert again.touch(0.1, seed=1).issue_ids == changed.issue_ids


def _seconds(portfolio, worklog_id):
    return next(w.seconds for i in portfolio.issues for w in i.worklogs if w.id == worklog_id)


def test_created_issues_continue_the_project_numbering(portfolio, live, jira):
    highest = max(int(i.key.split("-")[1]) for i in portfolio.issues if i.project_key == "BOR")
    created = live.create_issues(2, "BOR", seed=3).issue_ids
    assert [live.issue_key(i) for i in created] == [f"BOR-{highest + 1}", f"BOR-{highest + 2}"]
    assert min(created) > max(i.id for i in portfolio.issues)
    assert set(created) <= ids(jira, live.url, "project = BOR")
    with pytest.raises(ValueError):
        live.create_issues(1, "NOPE")


def test_deleted_issue_is_gone_everywhere_and_its_worklogs_are_tombstoned(portfolio, live, jira):
    victim = next(i for i in portfolio.issues if i.project_key == "APL" and len(i.worklogs) >= 2)
    changed = live.delete_issues(ids=[victim.id])
    deleted_at = epoch_ms(live.clock.now())
    assert changed.issue_ids == (victim.id,) and set(changed.worklog_ids) == {w.id for w in victim.worklogs}
    assert victim.id not in ids(jira, live.url, "project = APL")
    for ref in (victim.id, victim.key, victim.key.lower()):
        response = jira.get(f"{live.url}/rest/api/3/issue/{ref}")
        assert response.status_code == 404
        assert response.json() == {
            "errorMessages": ["Issue does not exist or you do not have permission to see it."],
            "errors": {},
        }
    body = bulk(jira, live.url, [victim.id])
    assert body["issues"] == [] and [e["id"] for e in body["issueErrors"]] == [str(victim.id)]
    live.advance(2)
    tombstones = jira.get(f"{live.url}/rest/api/3/worklog/deleted", params={"since": deleted_at - 5000}).json()
    assert {v["worklogId"] for v in tombstones["values"]} == {w.id for w in victim.worklogs}
    assert all(abs(v["updatedTime"] - deleted_at) < 5000 for v in tombstones["values"])
    listed = jira.post(f"{live.url}/rest/api/3/worklog/list", json={"ids": [w.id for w in victim.worklogs]}).json()
    assert listed == []
    changelog = jira.post(f"{live.url}/rest/api/3/changelog/bulkfetch", json={"issueIdsOrKeys": [victim.key]}).json()
    assert changelog == {"issueChangeLogs": []}


def test_moved_issue_keeps_its_id_gets_the_next_key_and_answers_to_the_old_one(portfolio, live, jira):
    victim = next(i for i in portfolio.issues if i.project_key == "APL")
    highest = max(int(i.key.split("-")[1]) for i in portfolio.site_issues if i.project_key == "DRC")
    changed = live.move_issues(1, "DRC", ids=[victim.id])
    new_key = f"DRC-{highest + 1}"
    assert changed.keys == {victim.id: new_key} and live.issue_key(victim.id) == new_key
    body = jira.get(f"{live.url}/rest/api/3/issue/{victim.key}", params={"expand": "changelog"}).json()
    assert (body["id"], body["key"], body["fields"]["project"]["key"]) == (str(victim.id), new_key, "DRC")
    items = body["changelog"]["histories"][0]["items"]
    assert [(i["field"], i["fromString"], i["toString"]) for i in items] == [
        ("project", "Apollo", "Draco"),
        ("Key", victim.key, new_key),
    ]
    assert victim.id in ids(jira, live.url, "project = DRC") and victim.id not in ids(jira, live.url, "project = APL")
    assert [i["key"] for i in bulk(jira, live.url, [victim.key])["issues"]] == [new_key]
    assert live.clock.now() - live.issue(victim.id).updated < timedelta(seconds=5)


def test_revoked_project_vanishes_from_every_read(portfolio, live, jira):
    drc = [i for i in portfolio.site_issues if i.project_key == "DRC"]
    changed = live.revoke_project("DRC")
    assert set(changed.issue_ids) == {i.id for i in drc}
    keys = [p["key"] for p in jira.get(f"{live.url}/rest/api/3/project/search").json()["values"]]
    assert "DRC" not in keys and "APL" in keys
    assert jira.get(f"{live.url}/rest/api/3/project/DRC").status_code == 404
    search = jira.get(f"{live.url}/rest/api/3/search/jql", params={"jql": "project in (APL, DRC)"})
    assert search.status_code == 400
    assert search.json()["errorMessages"] == ["The value 'DRC' does not exist for the field 'project'."]
    assert jira.get(f"{live.url}/rest/api/3/issue/{drc[0].key}").status_code == 404
    body = bulk(jira, live.url, [i.id for i in drc[:3]])
    assert body["issues"] == [] and len(body["issueErrors"]) == 3
    logged = [w.id for i in drc for w in i.worklogs][:50]
    assert jira.post(f"{live.url}/rest/api/3/worklog/list", json={"ids": logged}).json() == []
    feed = jira.get(f"{live.url}/rest/api/3/worklog/updated", params={"since": 0}).json()
    assert not set(logged) & {v["worklogId"] for v in feed["values"]}
    with pytest.raises(ValueError):
        live.move_issues(1, "DRC")


def test_restricted_issue_is_404_on_get_and_absent_from_search(portfolio, live, jira):
    changed = live.restrict_issues(2, seed=4)
    hidden = set(changed.issue_ids)
    assert len(hidden) == 2
    assert not hidden & ids(jira, live.url, "project in (APL, BOR, DRC)")
    for issue_id in hidden:
        response = jira.get(f"{live.url}/rest/api/3/issue/{issue_id}")
        # getIssue documents one answer for "not found or no permission to view it": 404
        assert response.status_code == 404 and response.json()["errorMessages"]
    body = bulk(jira, live.url, sorted(hidden))
    assert body["issues"] == [] and {e["id"] for e in body["issueErrors"]} == {str(i) for i in hidden}
    key = live.issue_key(min(hidden)).split("-")[0]
    count = jira.post(f"{live.url}/rest/api/3/search/approximate-count", json={"jql": f"project = {key}"}).json()
    assert count["count"] == sum(1 for i in portfolio.site_issues if i.project_key == key) - sum(
        1 for i in hidden if live.issue_key(i).startswith(f"{key}-")
    )


def test_deleted_worklogs_leave_the_issue_and_the_list(portfolio, live, jira):
    changed = live.delete_worklogs(5, seed=6)
    assert len(changed.worklog_ids) == 5
    listed = jira.post(f"{live.url}/rest/api/3/worklog/list", json={"ids": list(changed.worklog_ids)}).json()
    assert listed == []
    for issue_id in changed.issue_ids:
        remaining = {w.id for w in live.issue(issue_id).worklogs}
        assert not remaining & set(changed.worklog_ids)
        served = jira.get(f"{live.url}/rest/api/3/issue/{issue_id}", params={"fields": "worklog"}).json()
        assert served["fields"]["worklog"]["total"] == len(remaining)
