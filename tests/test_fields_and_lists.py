"""Story-points field discovery per Jira site, and Trello list categories."""

import pytest

from pipelines.sources.jira.fields import FieldResolutionError, choose_story_points, resolve_sprint
from pipelines.sources.trello.fields import choose_trello_fields
from pipelines.sources.trello.lists import categorize_lists

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


def test_typed_field_is_the_default_when_no_values_yet():
    mapping = choose_story_points([SP_FLOAT, SP_JSW, SPRINT], None, "jira:acme")
    assert (mapping.field_id, mapping.matched_by) == ("customfield_10016", "schema.custom")


def test_name_match_when_no_typed_field():
    mapping = choose_story_points([SP_FLOAT, SPRINT], None, "jira:acme")
    assert (mapping.field_id, mapping.matched_by) == ("customfield_10002", "name")


def test_the_field_holding_values_in_a_project_wins():
    mapping = choose_story_points([SP_JSW, SP_FLOAT], None, "jira:acme APL", {"customfield_10002": 40})
    assert (mapping.field_id, mapping.matched_by) == ("customfield_10002", "values")


def test_two_fields_with_values_are_ambiguous_and_override_wins():
    values = {"customfield_10016": 3, "customfield_10002": 40}
    with pytest.raises(FieldResolutionError, match=r"several story-points fields hold values: .*40 issues"):
        choose_story_points([SP_JSW, SP_FLOAT], None, "jira:acme APL", values)
    assert choose_story_points([SP_JSW, SP_FLOAT], "customfield_10002", "jira:acme", values).matched_by == "config"


def test_two_untyped_candidates_without_values_are_ambiguous():
    twin = {**SP_FLOAT, "id": "customfield_10099", "name": "Story point estimate", "schema": {}}
    with pytest.raises(FieldResolutionError, match="none holds values yet"):
        choose_story_points([SP_FLOAT, twin], None, "jira:acme")


def test_missing_field_and_bad_override_are_errors():
    with pytest.raises(FieldResolutionError, match="no story-points field"):
        choose_story_points([SPRINT], None, "jira:acme")
    with pytest.raises(FieldResolutionError, match="does not exist"):
        choose_story_points([SP_JSW], "customfield_1", "jira:acme")


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
        "Doing": ("in_progress", "name"),
        "Review": ("in_progress", "name"),
        "Shipped": ("done", "name"),
    }


def test_lists_left_of_the_first_working_list_wait_and_unknown_ones_are_flagged():
    board = lists("Blocked by Dependencies", "Available to Pickup", "To-Do", "In Progress", "Issues", "Done", "Misc")
    cats = {c.name: (c.category, c.rule) for c in categorize_lists(board, None)}
    assert cats == {
        "Blocked by Dependencies": ("todo", "position"),
        "Available to Pickup": ("todo", "position"),
        "To-Do": ("todo", "name"),
        "In Progress": ("in_progress", "name"),
        "Issues": ("in_progress", "default"),
        "Done": ("done", "name"),
        "Misc": ("in_progress", "default"),
    }
    # a board with no workflow names: only the first open list is where work waits
    cats = {c.name: (c.category, c.rule) for c in categorize_lists(lists("Old", "News", "About", closed=["Old"]), None)}
    assert cats == {
        "Old": ("in_progress", "default"),
        "News": ("todo", "position"),
        "About": ("in_progress", "default"),
    }


def test_cancelled_lists_are_done_and_a_config_mapping_wins():
    board = lists("Backlog", "Cancelled", "中止", "On hold")
    cats = {c.name: c.category for c in categorize_lists(board, None)}
    assert cats == {"Backlog": "todo", "Cancelled": "done", "中止": "done", "On hold": "in_progress"}
    mapped = categorize_lists(board, ["Cancelled"], {"on hold": "todo", "BACKLOG": "todo", "中止": "done"})
    assert {c.name: (c.category, c.rule) for c in mapped} == {
        "Backlog": ("todo", "config"),
        "Cancelled": ("done", "config"),
        "中止": ("done", "config"),
        "On hold": ("todo", "config"),
    }


def test_non_english_lists():
    cats = {c.name: c.category for c in categorize_lists(lists("やりたいこと", "作業中", "クローズ"), None)}
    assert cats == {"やりたいこと": "todo", "作業中": "in_progress", "クローズ": "done"}


def test_config_done_lists_decide_alone():
    cats = {c.name: c.category for c in categorize_lists(lists("Queue", "Finished?", "Live"), ["Live"])}
    assert cats == {"Queue": "todo", "Finished?": "in_progress", "Live": "done"}


def field(field_id, name, kind="number", options=()):
    return {
        "id": field_id,
        "name": name,
        "type": kind,
        "options": [{"id": f"{field_id}-{i}", "value": {"text": t}} for i, t in enumerate(options)],
    }


def test_trello_custom_fields_by_name_and_numeric_type():
    choices, problems = choose_trello_fields(
        "b1",
        [
            field("f1", "Story Points", "list", ("1", "2", "3", "5", "8")),
            field("f2", "Hours"),
            field("f3", "Cost (EUR)"),
            field("f4", "Customer", "text"),
        ],
    )
    assert {c.purpose: (c.field_id, c.options[:2]) for c in choices} == {
        "story_points": ("f1", (("f1-0", 1.0), ("f1-1", 2.0))),
        "hours": ("f2", ()),
        "cost": ("f3", ()),
    }
    assert problems == []


def test_trello_custom_fields_that_are_ambiguous_or_not_numbers_are_reported_not_used():
    choices, problems = choose_trello_fields(
        "b1",
        [
            field("f1", "Estimate"),
            field("f2", "Points"),
            field("f3", "Hours", "text"),
            field("f4", "Size", "list", ("S", "M", "L")),
            field("f5", "Estimate (h)"),
        ],
    )
    assert choices == []
    assert problems == [
        "board b1: custom field 'Estimate (h)' could be story_points or hours; it is not used",
        "board b1: custom fields 'Estimate', 'Points' could all be story_points; none is used",
        "board b1: custom field 'Hours' looks like hours but its type 'text' cannot hold a number; it is not used",
    ]
