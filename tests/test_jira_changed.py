"""How the census is split into concurrent queries."""

from __future__ import annotations

from types import SimpleNamespace

from pipelines.sources.jira.changed import READ_MARGIN_MS, census_groups, select_issues
from pipelines.sources.jira.state import JiraState


def state_with(sizes: dict[str, int]) -> tuple[list[dict], JiraState]:
    projects = [{"id": str(i), "key": key} for i, key in enumerate(sizes)]
    known = {str(i): [f"{i}-{n}" for n in range(size)] for i, size in enumerate(sizes.values())}
    return projects, JiraState(known_issue_ids=known)


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


class FakeSearch:
    """Just enough of JiraClient: canned ids per JQL prefix and a count."""

    def __init__(self, ids_by_prefix: dict[str, list[str]], count: int) -> None:
        self.ids_by_prefix, self.count, self.queries = ids_by_prefix, count, []
        self.http = SimpleNamespace(max_workers=4)

    def search_issue_ids(self, jql: str):
        self.queries.append(jql)
        return next((ids for prefix, ids in self.ids_by_prefix.items() if jql.startswith(prefix)), [])

    def approximate_count(self, jql: str) -> int:
        self.queries.append(f"count: {jql}")
        return self.count


def test_a_census_clearly_short_of_the_approximate_count_is_reported():
    projects = [{"id": "1", "key": "APL"}]
    listed = [str(i) for i in range(10_000, 11_000)]
    client = FakeSearch({"project in (APL) ORDER BY id": listed}, count=1000)
    selection = select_issues(SimpleNamespace(overlap_hours=12), client, JiraState(), projects)
    assert selection.changed == listed and selection.census == set(listed)
    assert "count: project in (APL)" in client.queries
    assert selection.coverage_warning("jira:x") is None
    client.count = 1003  # issues created between the two requests: within tolerance
    assert select_issues(SimpleNamespace(overlap_hours=12), client, JiraState(), projects).coverage_warning("j") is None
    client.count = 1500  # a lost page
    warning = select_issues(SimpleNamespace(overlap_hours=12), client, JiraState(), projects).coverage_warning("jira:x")
    assert warning is not None and "listed 1000 issues" in warning and "count is 1500" in warning


def test_overlap_window_issues_read_after_their_cut_are_not_selected():
    projects = [{"id": "1", "key": "APL"}]
    cursor = 1_000_000_000_000
    last_read, earlier_read = cursor + 60_000, cursor - 3_600_000
    state = JiraState(
        cursors={"issues_updated_ms:1": str(cursor)},
        known_issue_ids={"1": ["1", "2", "3", "5"]},
        issue_read_ms={"1": last_read, "2": earlier_read, "5": earlier_read},
    )
    since = cursor - 12 * 3_600_000
    early_cut, late_cut = earlier_read - READ_MARGIN_MS, last_read - READ_MARGIN_MS
    window = "project in (APL) AND updated >= "
    client = FakeSearch(
        {
            f"{window}{late_cut} ORDER": ["4"],
            f"{window}{early_cut} AND updated < {late_cut}": ["1", "2"],
            f"{window}{since} AND updated < {early_cut}": ["3", "5"],
            "project in (APL) ORDER BY id": ["1", "2", "3", "4", "5"],
        },
        count=5,
    )
    selection = select_issues(SimpleNamespace(overlap_hours=12), client, state, projects)
    # 1 and 5 were read after the cut above them: current. 2 may have changed after its read,
    # 3 was never read: both are read again, as is 4, changed since the last run.
    assert selection.changed == ["4", "3", "2"]
    assert selection.census == {"1", "2", "3", "4", "5"}
