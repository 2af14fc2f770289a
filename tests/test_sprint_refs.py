"""Sprint ids an issue names, in both shapes of the Sprint field and in its history
(pipelines.sources.jira.sprint_refs)."""

from pipelines.sources.jira.sprint_refs import field_sprint_ids, history_sprint_ids
from tests.test_sprint_field import LEGACY, LEGACY_NULLS

SPRINT = "customfield_10020"


def test_json_objects_and_legacy_strings_give_their_ids():
    assert field_sprint_ids([{"id": 12, "name": "A, b"}, {"id": "13"}]) == {12, 13}
    assert field_sprint_ids([LEGACY, LEGACY_NULLS]) == {12, 7}  # commas in goals and names do not shift the id
    assert field_sprint_ids(LEGACY) == {12}
    assert field_sprint_ids(None) == set() and field_sprint_ids([]) == set()


def test_history_names_the_sprints_before_and_after_each_change():
    histories = [
        {"items": [{"field": "Sprint", "fieldId": SPRINT, "from": "", "to": "21"}]},
        {"items": [{"field": "status", "fieldId": "status", "from": "1", "to": "3"}]},
        {"items": [{"field": "Sprint", "fieldId": SPRINT, "from": "21", "to": "21, 22"}]},
    ]
    assert history_sprint_ids(histories, SPRINT) == {21, 22}
