"""Schema drift between two runs (issue 6): a new custom field appears and a field changes type.

The sandbox's admin adds a number field "Business value" and turns the story-points field into a
text field, rewriting a tenth of the estimates as text (sandbox.jira_fields). The next sync must
succeed, keep every row it had, keep the new field queryable from the raw JSON, record both
changes in meta.schema_changes and report the type change and the estimates it can no longer read,
which count as unestimated: never cast from "5", never dropped.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
import requests

from pipelines.run_sync import run_sync
from pipelines.warehouse import connect
from sandbox import SandboxServer
from sandbox.jira_catalog import FLOAT_TYPE, STORY_POINTS_FIELD, TEXT_TYPE
from sandbox.jira_draft import points_text
from tests.conftest import ANCHOR
from tests.test_jira_failure_modes import assert_counts_equal_truth, rows, scalar, site, sync

SOURCE = "jira:sandbox"


def _items(db) -> dict[str, dict]:
    """external_id -> the whole core.work_items row of each Jira issue, by column name."""
    with connect(db, read_only=True) as conn:
        cursor = conn.execute("SELECT * FROM core.work_items WHERE source_id = ?", [SOURCE])
        names = [d[0] for d in cursor.description]
        return {row["external_id"]: row for row in (dict(zip(names, r, strict=True)) for r in cursor.fetchall())}


def rest(row: dict) -> dict:
    """A work item row without the columns a rewritten estimate may change."""
    return {c: v for c, v in row.items() if c not in ("updated_at", "story_points")}


def test_new_field_and_retyped_story_points_between_two_runs(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env) as (server, config, db):
        sync(config, db)
        # The first build only learns the fields: no change is recorded, no drift reported.
        assert rows(db, "SELECT * FROM meta.schema_changes") == []
        assert scalar(db, "SELECT count(*) FROM meta.data_problems WHERE problem LIKE '%changed type%'") == 0
        before = _items(db)

        server.advance(60)
        added = server.add_custom_field("Business value", "number", fraction=0.2, seed=5)
        retyped = server.retype_field(STORY_POINTS_FIELD, "string", fraction=0.1, seed=6)
        server.advance(2)
        assert added.issue_ids and retyped.issue_ids
        assert all(isinstance(server.issue(i).field_value(STORY_POINTS_FIELD), str) for i in retyped.issue_ids)

        outcome = run_sync(config, db, only=["jira"], as_of=ANCHOR)
        assert outcome.success, outcome.message
        assert_counts_equal_truth(server, db)

        # Old rows intact: every issue neither mutation touched keeps exactly its row of the first run.
        after = _items(db)
        touched = {str(i) for i in (*added.issue_ids, *retyped.issue_ids)}
        assert after.keys() == before.keys()
        untouched = before.keys() - touched
        assert {k: after[k] for k in untouched} == {k: before[k] for k in untouched}
        # An issue that only got a value in the new field keeps its estimate.
        only_added = {str(i) for i in added.issue_ids} - {str(i) for i in retyped.issue_ids}
        assert only_added
        assert all(after[k]["story_points"] == before[k]["story_points"] for k in only_added)
        assert all(after[k]["updated_at"] > before[k]["updated_at"] for k in touched)
        # ...and the touched ones differ in nothing else than `updated_at` and the unread estimates.
        assert {k: rest(after[k]) for k in touched} == {k: rest(before[k]) for k in touched}

        # The new field is queryable from the raw payload, as Jira served it (a JSON number).
        field_id = added.field_id
        assert field_id is not None
        values = dict(
            rows(
                db,
                f"SELECT id, payload -> '$.fields.{field_id}' FROM raw.jira_issues "
                f"WHERE source_id = ? AND json_type(payload -> '$.fields.{field_id}') = 'DOUBLE'",
                [SOURCE],
            )
        )
        expected_values = {str(i): server.issue(i).field_value(field_id) for i in added.issue_ids}
        assert {k: json.loads(v) for k, v in values.items()} == expected_values

        # Both changes are recorded, with the types before and after and what pmhub maps the field to.
        changes = rows(
            db,
            "SELECT source_id, field_id, name, change, from_type, to_type, mapped_as FROM meta.schema_changes "
            "ORDER BY change",
        )
        assert changes == [
            (SOURCE, field_id, "Business value", "added", None, "number", None),
            (SOURCE, STORY_POINTS_FIELD, "Story point estimate", "type_changed", "number", "string", "story_points"),
        ]

        # The type change and the unreadable estimates are reported, per project with their count.
        keys = Counter(server.issue(i).project_key for i in retyped.issue_ids)
        expected_problems = [
            f"{SOURCE} field {STORY_POINTS_FIELD} ('Story point estimate', mapped as story_points) "
            "changed type from number to string"
        ] + [
            f"{SOURCE} project {key}: {n} issues hold a story-points value that is not a number in "
            f"{STORY_POINTS_FIELD} (e.g. "
            for key, n in sorted(keys.items())
        ]
        reported = outcome.metadata["core_tables"]["problems"].splitlines()
        stored = [p for (p,) in rows(db, "SELECT problem FROM meta.data_problems")]
        for problems in (reported, stored):
            for expected in expected_problems:
                assert sum(1 for p in problems if p.startswith(expected)) == 1, (expected, problems)
            assert sum(1 for p in problems if "not a number" in p) == len(keys), problems

        # The rewritten estimates are not cast from "5": core counts them unestimated, raw keeps the text.
        rewritten = {str(i): points_text(server.issue(i).story_points) for i in retyped.issue_ids}
        raw = dict(
            rows(
                db,
                f"SELECT id, payload -> '$.fields.{STORY_POINTS_FIELD}' FROM raw.jira_issues "
                f"WHERE source_id = ? AND id IN (SELECT unnest(?::VARCHAR[]))",
                [SOURCE, list(rewritten)],
            )
        )
        assert {k: json.loads(v) for k, v in raw.items()} == rewritten  # JSON strings
        assert {k: after[k]["story_points"] for k in rewritten} == dict.fromkeys(rewritten)
        assert all(before[k]["story_points"] == float(v) for k, v in rewritten.items())  # estimates before
        unread = dict(
            rows(
                db,
                "SELECT external_id, story_points_unread FROM stage.jira_issues WHERE source_id = ? "
                "AND story_points_unread IS NOT NULL",
                [SOURCE],
            )
        )
        assert unread == {k: json.dumps(v) for k, v in rewritten.items()}

        # Against the truth: Jira still holds those estimates (as text); pmhub's points are the
        # truth's minus exactly them. A cast would add them back, a dropped row would lose others.
        project_of = {p.jira_key: p.id for p in server.portfolio.projects if p.jira_key}
        lost = Counter[str]()
        for i in retyped.issue_ids:
            issue = server.issue(i)
            lost[project_of[issue.project_key]] += issue.story_points or 0.0
        truth = {p.project_id: p.points_total for p in server.ground_truth().projects if p.project_id in lost}
        got = dict(
            rows(
                db,
                "SELECT project_id, sum(story_points) FROM core.work_items WHERE source_id = ? "
                "AND NOT is_deleted GROUP BY 1",
                [SOURCE],
            )
        )
        assert {k: got[k] for k in truth} == pytest.approx({k: truth[k] - lost[k] for k in truth})


def test_schema_mutations_change_the_field_list_and_only_the_rewritten_issues(portfolio, jira):
    """The sandbox side on its own: GET /field, payloads, changelog, `updated`, the admin API."""
    with SandboxServer(portfolio) as server:
        fields_before = server.fields()
        start = server.clock.now()
        added = server.add_custom_field("Business value", "number", fraction=0.2, seed=5)
        field_id = added.field_id
        numbers = [int(f["schema"]["customId"]) for f in fields_before if f["custom"]]
        assert field_id == f"customfield_{max(numbers) + 1}"
        entry = jira.get(f"{server.url}/rest/api/3/field").json()[-1]
        assert entry == {
            "id": field_id,
            "key": field_id,
            "name": "Business value",
            "custom": True,
            "orderable": True,
            "navigable": True,
            "searchable": True,
            "clauseNames": [field_id, f"cf[{max(numbers) + 1}]", "Business value"],
            "schema": {"type": "number", "custom": FLOAT_TYPE, "customId": max(numbers) + 1},
        }
        pool = [i for i in portfolio.issues if i.project_key in ("APL", "BOR", "DRC")]
        assert len(added.issue_ids) == round(0.2 * len(pool))
        valued = added.issue_ids[0]
        body = jira.get(f"{server.url}/rest/api/3/issue/{valued}", params={"expand": "changelog"}).json()
        value = body["fields"][field_id]
        assert isinstance(value, float) and value == server.issue(valued).field_value(field_id)
        assert body["changelog"]["histories"][0]["items"] == [
            {
                "field": "Business value",
                "fieldtype": "custom",
                "fieldId": field_id,
                "from": None,
                "fromString": None,
                "to": points_text(value),
                "toString": points_text(value),
            }
        ]
        assert server.issue(valued).updated >= start
        empty = next(i.id for i in pool if i.id not in added.issue_ids)
        empty_body = jira.get(f"{server.url}/rest/api/3/issue/{empty}").json()
        assert empty_body["fields"][field_id] is None  # every issue serves the field from now on
        assert server.issue(empty).updated < start

        # number -> text: the catalogue changes at once, a tenth of the estimates are rewritten as text.
        estimated = [i.id for i in pool if i.story_points is not None]
        retyped = server.retype_field(STORY_POINTS_FIELD, "string", fraction=0.1, seed=6)
        assert retyped.field_id == STORY_POINTS_FIELD and len(retyped.issue_ids) == round(0.1 * len(estimated))
        listed = next(f for f in jira.get(f"{server.url}/rest/api/3/field").json() if f["id"] == STORY_POINTS_FIELD)
        assert listed["name"] == "Story point estimate"
        assert listed["schema"] == {"type": "string", "custom": TEXT_TYPE, "customId": int(STORY_POINTS_FIELD[12:])}
        issues = {
            int(i["id"]): i
            for i in jira.post(
                f"{server.url}/rest/api/3/issue/bulkfetch",
                json={"issueIdsOrKeys": [str(i) for i in estimated[:100]], "fields": [STORY_POINTS_FIELD]},
            ).json()["issues"]
        }
        for issue_id, issue in issues.items():
            points = server.issue(issue_id).story_points  # the truth keeps the estimate
            served = issue["fields"][STORY_POINTS_FIELD]
            assert served == (points_text(points) if issue_id in retyped.issue_ids else points)
        assert all(server.issue(i).updated >= start for i in retyped.issue_ids)
        assert all(
            len(server.issue(i).histories) == len(next(p for p in pool if p.id == i).histories)
            for i in retyped.issue_ids
            if i not in added.issue_ids
        )  # a rewrite is no edit: no changelog history
        # An estimate saved after the change is stored as text too; a second call rewrites more.
        not_yet = [i for i in estimated if i not in retyped.issue_ids][:30]
        server.touch(0, ids=not_yet, seed=2)
        estimates = [
            i for i in not_yet if server.issue(i).story_points != next(p for p in pool if p.id == i).story_points
        ]
        assert estimates and all(
            server.issue(i).field_value(STORY_POINTS_FIELD) == points_text(server.issue(i).story_points)
            for i in estimates
        )
        new = [server.issue(i) for i in server.create_issues(10, "APL", seed=3).issue_ids]
        assert all(i.field_value(STORY_POINTS_FIELD) == points_text(i.story_points) for i in new)
        more = server.retype_field(STORY_POINTS_FIELD, "string", fraction=1.0)
        assert not set(more.issue_ids) & set(retyped.issue_ids)
        assert all(isinstance(server.issue(i).field_value(STORY_POINTS_FIELD), str) for i in estimated)
        assert len(more.issue_ids) == len(estimated) - len(retyped.issue_ids) - len(estimates)

        # Over the admin API, and back to a number: the modelled estimate is served again.
        url = f"{server.url}/_sandbox/mutate"
        back = requests.post(url, json={"op": "retype_field", "field_id": STORY_POINTS_FIELD, "new_type": "number"})
        assert back.status_code == 200 and back.json()["results"][0]["field_id"] == STORY_POINTS_FIELD
        assert all(server.issue(i).field_value(STORY_POINTS_FIELD) is None for i in estimated)
        answer = requests.post(url, json={"op": "add_custom_field", "name": "Risk", "field_type": "string"}).json()
        assert answer["results"][0]["field_id"] == f"customfield_{max(numbers) + 2}"
        for bad in (
            {"op": "retype_field", "field_id": "customfield_10020"},  # the Sprint field is an array
            {"op": "retype_field", "field_id": "summary"},  # not a custom field
            {"op": "add_custom_field", "name": "Risk"},  # the name is taken
            {"op": "add_custom_field", "name": "Due", "field_type": "date"},
        ):
            assert requests.post(url, json=bad).status_code == 400, bad
