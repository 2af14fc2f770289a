"""Ground truth of a running sandbox, recomputed from the live site after mutations.

A correct sync keeps one row per issue it has ever seen, soft-deleting instead of dropping, so the
truth depends on what the client was served as well as on the data. Definitions (Jira side; the
Trello and Confluence parts are the generation-time ones, since those sites do not change):

- visible: existing issues in a portfolio project (APL/BOR/DRC) the account can read now.
- kept: issues the client was ever served (by any endpoint, ids-only search included) that were
  in a portfolio project at some point and are not visible now: deleted (as they were when deleted),
  not visible (project revoked, or issue restricted), or moved to a project outside the portfolio.
- work_items = visible + kept + all cards of the portfolio boards; work_items_deleted,
  work_items_not_visible count kept rows by reason; work_items_moved counts visible and kept issues
  whose key changed by a move.
- status_changes: changelog items of field "status" on visible and kept issues (for deleted ones,
  their history when deleted) + the Trello list moves.
- worklogs: existing worklogs of visible issues and of kept issues still readable, plus worklogs
  ever served (worklog/list or an issue's embedded `worklog` field) on visible or kept issues;
  worklogs_deleted: those of them deleted since.
- sprints, documents, budgets: unchanged. projects: each project's figures over its visible issues;
  its figures by date (days, weeks) and its planted scenarios stay the generation-time ones.
- schema changes (sandbox.jira_fields) change no figure: an added custom field is in none, and a
  story-points value a retyped field now holds as text ("5") is still the issue's estimate here.
  pmhub counts such an issue unestimated on purpose (and reports it): compare its points with the
  truth's minus those estimates.

It only reaches the issue's own truth once the search index has caught up: with an index lag,
advance the clock by the lag before the sync whose result is compared.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any

from sandbox.gen_risks import RISK_TYPE
from sandbox.jira_state import JiraState
from sandbox.model import JiraIssue
from sandbox.portfolio import Portfolio
from sandbox.truth import GroundTruth, project_figures, status_items, trello_figures


def live_truth(portfolio: Portfolio, state: JiraState) -> GroundTruth:
    """The truth for the current state of `state` and what it has served (see the module docstring)."""
    with state.lock:
        scope = state.scope
        # Risk issues are the register's, not work items (sandbox.gen_risks): no figure counts them.
        visible = [
            i
            for i in state.issues.values()
            if i.project_key in scope and state.readable(i) and i.issue_type != RISK_TYPE
        ]
        visible_ids = {i.id for i in visible}
        kept: list[JiraIssue] = []
        deleted = not_visible = 0
        for issue_id in sorted(state.served_issues - visible_ids):
            gone = state.deleted.get(issue_id)
            issue = gone.issue if gone is not None else state.issues.get(issue_id)
            homes = {issue.project_key} if issue else set()
            homes |= {key.rpartition("-")[0] for key in state.former_keys.get(issue_id, ())}
            if issue is None or not homes & scope or issue.issue_type == RISK_TYPE:
                continue
            kept.append(issue)
            if gone is not None:
                deleted += 1
            elif not state.readable(issue):
                not_visible += 1
        rows = visible + kept
        row_ids = {i.id for i in rows}
        worklog_ids = {w.id for i in rows if i.id not in state.deleted and state.readable(i) for w in i.worklogs}
        worklog_ids |= {w for w in state.served_worklogs if state.worklogs[w].issue_id in row_ids}
        moved = sum(1 for i in rows if i.id in state.former_keys)
        dropped_worklogs = sum(1 for w in worklog_ids if w in state.worklog_deleted_ms)
        by_project = {key: [i for i in visible if i.project_key == key] for key in scope}
    base = portfolio.ground_truth
    boards = {b.id: b for b in portfolio.trello_boards}
    cards = sum(trello_figures(boards[p.trello_board_id])[0] for p in portfolio.projects if p.trello_board_id)
    moves = sum(trello_figures(boards[p.trello_board_id])[3] for p in portfolio.projects if p.trello_board_id)
    figures = []
    for project, truth in zip(portfolio.projects, base.projects, strict=True):
        mine = by_project.get(project.jira_key or "", [])
        board = boards.get(project.trello_board_id or "")
        jira = next((p for p in portfolio.jira_projects if p.key == project.jira_key), None)
        closed = [s for s in portfolio.sprints if jira and s.board_id == jira.board_id and s.state == "closed"]
        figures.append(project_figures(truth, mine, board, closed))
    return replace(
        base,
        work_items=len(rows) + cards,
        status_changes=status_items(rows) + moves,
        jira_work_items=len(rows),
        jira_status_changes=status_items(rows),
        worklogs=len(worklog_ids),
        projects=tuple(figures),
        work_items_deleted=deleted,
        work_items_not_visible=not_visible,
        work_items_moved=moved,
        worklogs_deleted=dropped_worklogs,
    )


def truth_json(truth: GroundTruth) -> dict[str, Any]:
    """The truth as JSON-ready data (dates and instants in ISO 8601)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value.isoformat() if isinstance(value, date | datetime) else value

    return {str(k): plain(v) for k, v in asdict(truth).items()}
