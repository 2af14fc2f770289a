"""The ground truth of a generated portfolio, from its Jira site, Trello boards and charters."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

from sandbox.daily_truth import board_weeks, project_days
from sandbox.gen_confluence import CharterSpec
from sandbox.gen_jira import JiraSite
from sandbox.model import PortfolioProject, TrelloBoard
from sandbox.truth import GroundTruth, ProjectTruth, project_figures, status_items, trello_figures


def portfolio_truth(
    site: JiraSite,
    boards: tuple[TrelloBoard, ...],
    projects: tuple[PortfolioProject, ...],
    charters: list[CharterSpec],
    documents: int,
    rates: dict[str, int],
    anchor: date,
    hourly_rate: int,
) -> GroundTruth:
    """Counts restricted to the portfolio's containers (see GroundTruth for each definition).

    A project's sprints are those of the board its issues' sprints run on (JiraProject.board_id),
    also when that board is located in no project. Costs use the rates the pmhub config carries:
    `rates` per account id, `hourly_rate` otherwise.
    """
    per_project = []
    totals = Counter[str]()
    for project, charter in zip(projects, charters, strict=True):
        mine = [i for i in site.issues if i.project_key == project.jira_key]
        board = next((b for b in boards if b.id == project.trello_board_id), None)
        board_id = next((p.board_id for p in site.projects if p.key == project.jira_key), None)
        board_sprints = [s for s in site.sprints if s.board_id == board_id]
        base = ProjectTruth(
            project.id,
            project.name,
            float(charter.amount),
            charter.style.currency,
            charter.start,
            charter.end,
            0,
            0,
            0,
            0.0,
            0.0,
            0.0,
            (),
        )
        figures = project_figures(base, mine, board, [s for s in board_sprints if s.state == "closed"])
        per_project.append(
            replace(
                figures,
                days=project_days(mine, board, hourly_rate, rates, anchor),
                weeks=board_weeks(board, anchor) if board else (),
                planted=dict(site.planted.get(project.jira_key or "", {})),
            )
        )
        totals.update(
            jira_work_items=len(mine),
            jira_status_changes=status_items(mine),
            work_items=len(mine) + trello_figures(board)[0],
            status_changes=status_items(mine) + trello_figures(board)[3],
            sprints=len(board_sprints),
            worklogs=sum(len(i.worklogs) for i in mine),
        )
    return GroundTruth(
        work_items=totals["work_items"],
        status_changes=totals["status_changes"],
        sprints=totals["sprints"],
        worklogs=totals["worklogs"],
        documents=documents,
        budgets=len(projects),
        projects=tuple(per_project),
        jira_work_items=totals["jira_work_items"],
        jira_status_changes=totals["jira_status_changes"],
    )
