"""Story-points field discovery per Jira site, and Trello list categories."""

import pytest

from models.fields import FieldResolutionError, resolve_sprint, resolve_story_points
from models.trello_lists import categorize_lists

SP_JSW = {
    "id": "customfield_10016",
    "name": "Story point estimate",
    "schema": {"custom": "com.pyxis.greenhopper.jira:jsw-story-points"},
}
SP_FLOAT = {
    "id": "customfield_10002",
    "name": "Story Points",
    "schema": {"custom": "com.atlassian.jira.plugin.system.customfieldtypes:float"},
}
SPRINT = {"id": "customfield_10020", "name": "Sprint", "schema": {"custom": "com.pyxis.greenhopper.jira:gh-sprint"}}


def test_schema_type_wins_over_name():
    mapping = resolve_story_points([SP_FLOAT, SP_JSW, SPRINT], None, "acme")
    assert (mapping.field_id, mapping.matched_by) == ("customfield_10016", "schema.custom")


def test_name_match_when_no_typed_field():
    mapping = resolve_story_points([SP_FLOAT, SPRINT], None, "acme")
    assert (mapping.field_id, mapping.matched_by) == ("customfield_10002", "name")


def test_two_typed_fields_are_ambiguous_and_override_wins():
    twin = {**SP_JSW, "id": "customfield_10099"}
    with pytest.raises(FieldResolutionError, match="several story-points fields"):
        resolve_story_points([SP_JSW, twin], None, "acme")
    assert resolve_story_points([SP_JSW, twin], "customfield_10099", "acme").matched_by == "config"


def test_missing_field_and_bad_override_are_errors():
    with pytest.raises(FieldResolutionError, match="no story-points field"):
        resolve_story_points([SPRINT], None, "acme")
    with pytest.raises(FieldResolutionError, match="does not exist"):
        resolve_story_points([SP_JSW], "customfield_1", "acme")


def test_sprint_field():
    sprint = resolve_sprint([SP_JSW, SPRINT])
    assert sprint is not None and sprint.field_id == "customfield_10020"
    assert resolve_sprint([SP_JSW]) is None


def lists(*names, closed=()):
    return [{"id": f"l{i}", "name": n, "pos": i * 1024, "closed": n in closed} for i, n in enumerate(names)]


def test_list_rules_by_name_and_position():
    cats = {c.name: (c.category, c.rule) for c in categorize_lists(lists("Ideas", "Doing", "Review", "Shipped"), None)}
    assert cats == {
        "Ideas": ("todo", "name"),
        "Doing": ("in_progress", "default"),
        "Review": ("in_progress", "default"),
        "Shipped": ("done", "name"),
    }


def test_non_english_lists():
    cats = {c.name: c.category for c in categorize_lists(lists("やりたいこと", "作業中", "クローズ"), None)}
    assert cats == {"やりたいこと": "todo", "作業中": "in_progress", "クローズ": "done"}


def test_config_done_lists_decide_alone():
    cats = {c.name: c.category for c in categorize_lists(lists("Queue", "Finished?", "Live"), ["Live"])}
    assert cats == {"Queue": "todo", "Finished?": "in_progress", "Live": "done"}
