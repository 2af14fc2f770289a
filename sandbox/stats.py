"""What the benchmark needs to judge a sync: requests per endpoint and the shape of the dataset.

Requests are counted per route template ("POST /rest/api/3/issue/bulkfetch", not the raw path) so
a benchmark can compare them with the minimum the page-size limits allow for this dataset.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from sandbox.jira_catalog import STATUSES
from sandbox.jira_state import JiraState
from sandbox.portfolio import Portfolio


class RequestStats:
    """Thread-safe request counters by "METHOD /route/{template}"."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def count(self, endpoint: str) -> None:
        with self._lock:
            self._counts[endpoint] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._counts.items()))

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


def dataset_stats(portfolio: Portfolio, state: JiraState) -> dict[str, Any]:
    """The Jira site as the account sees it now (readable issues of browsable projects).

    jira_issues / jira_issues_by_project: readable issues; histories_total: their changelog
    histories; issues_over_20_histories / histories_in_issues_over_20: issues whose changelog search
    truncates (more than 20) and their histories; issues_over_40_histories /
    histories_in_issues_over_40: the same for GET issue and bulkfetch, which embed 40; worklogs:
    worklogs on readable issues; boards: agile boards; sprints_by_board: board id -> sprints;
    board_types: board id -> scrum, kanban or simple; board_projects: board id -> the project key it
    is located in (None: a board no project lists, whose sprints are found by id); issue_sprints:
    project key -> board id -> distinct sprints of that board in the Sprint field of the project's
    readable issues; issue_open_sprints: the same for sprints not closed yet (closed sprints never
    change, so an incremental sync need not read them again); fields and statuses: catalogue sizes;
    projects: browsable.
    """
    with state.lock:
        readable = [i for i in state.issues.values() if state.readable(i)]
        projects = len(state.visible_projects())
    lengths = [len(i.histories) for i in readable]
    by_project = Counter(i.project_key for i in readable)
    sprints = Counter(s.board_id for s in portfolio.sprints)
    boards = portfolio.boards()
    board_of = {s.id: s.board_id for s in portfolio.sprints}
    closed = {s.id for s in portfolio.sprints if s.state == "closed"}
    held: dict[str, dict[int, set[int]]] = {}
    for issue in readable:
        for sprint_id in issue.sprint_ids:
            held.setdefault(issue.project_key, {}).setdefault(board_of[sprint_id], set()).add(sprint_id)
    return {
        "jira_issues": len(readable),
        "jira_issues_by_project": dict(sorted(by_project.items())),
        "histories_total": sum(lengths),
        "issues_over_20_histories": sum(1 for n in lengths if n > 20),
        "histories_in_issues_over_20": sum(n for n in lengths if n > 20),
        "issues_over_40_histories": sum(1 for n in lengths if n > 40),
        "histories_in_issues_over_40": sum(n for n in lengths if n > 40),
        "worklogs": sum(len(i.worklogs) for i in readable),
        "boards": len(boards),
        "sprints_by_board": {str(b.id): sprints.get(b.id, 0) for b in boards},
        "board_types": {str(b.id): b.type for b in boards},
        "board_projects": {str(b.id): b.project_key for b in boards},
        "issue_sprints": {
            key: {str(board): len(ids) for board, ids in sorted(by_board.items())}
            for key, by_board in sorted(held.items())
        },
        "issue_open_sprints": {
            key: {str(board): len(ids - closed) for board, ids in sorted(by_board.items())}
            for key, by_board in sorted(held.items())
        },
        "fields": len(state.fields),
        "statuses": len(STATUSES),
        "projects": projects,
    }
