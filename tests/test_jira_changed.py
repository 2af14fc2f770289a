"""How the census is split into concurrent queries."""

from __future__ import annotations

from pipelines.extract.common import SourceState
from pipelines.extract.jira_changed import census_groups


def state_with(sizes: dict[str, int]) -> tuple[list[dict], SourceState]:
    projects = [{"id": str(i), "key": key} for i, key in enumerate(sizes)]
    known = {str(i): [f"{i}-{n}" for n in range(size)] for i, size in enumerate(sizes.values())}
    return projects, SourceState(known_issue_ids=known)


def test_census_groups_balance_known_sizes_and_cover_every_project():
    projects, state = state_with({"A": 40_000, "B": 30_000, "C": 20_000, "D": 9_000, "E": 1_000})
    groups = census_groups(projects, state, workers=3)
    assert sorted(k for g in groups for k in g) == ["A", "B", "C", "D", "E"]
    assert groups == [["A"], ["B"], ["C", "D", "E"]]


def test_census_groups_are_no_more_than_the_pages_needed():
    projects, state = state_with({"A": 100, "B": 100, "C": 100})
    assert census_groups(projects, state, workers=8) == [["A", "B", "C"]]  # one page holds them all
    projects, state = state_with({"A": 0, "B": 0})
    assert census_groups(projects, state, workers=8) == [["A", "B"]]  # nothing known yet: one query
