"""The generated portfolio: every entity the sandbox serves, plus its config and ground truth."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN, TRELLO_KEY, TRELLO_TOKEN
from sandbox.gen_risks import RISK_TYPE, risk_links
from sandbox.model import (
    ConfluenceSpace,
    JiraBoard,
    JiraIssue,
    JiraProject,
    Person,
    PortfolioProject,
    Sprint,
    TrelloBoard,
)
from sandbox.staffing import Staffing
from sandbox.timefmt import midnight
from sandbox.truth import GroundTruth

SOURCE_NAME = "sandbox"
ENV_EMAIL = "PMHUB_SANDBOX_EMAIL"
ENV_TOKEN = "PMHUB_SANDBOX_TOKEN"
ENV_TRELLO_KEY = "PMHUB_SANDBOX_TRELLO_KEY"
ENV_TRELLO_TOKEN = "PMHUB_SANDBOX_TRELLO_TOKEN"
CONFLUENCE_SPACE = "PMO"
# Board lists that are neither to do nor done by their name alone, and their category.
WAIT_LISTS = {"Waiting": "in_progress"}


@dataclass(frozen=True)
class Portfolio:
    """A deterministic, generated PMO portfolio as of `anchor` (its "now" is anchor 00:00 UTC).

    `people[0]` is the PMO account that owns the sandbox credentials in every tool. Jira issues are
    ordered by id, Trello boards and Confluence spaces portfolio-first. `hourly_rates` maps the
    accountIds with a non-default rate to that rate. `staffing`: the config's `people:` section, the
    plan's staff and holidays (sandbox.staffing). `jira_issues`, `story_point_fields`,
    `sprint_field_format` and `profile` are the generate() arguments that shaped the Jira site (see
    there). `jira_boards` are the site's agile boards by id (see `boards()`). `ground_truth` is the
    truth at generation time; a running SandboxServer recomputes it after mutations.
    """

    seed: int
    size: str
    anchor: date
    people: tuple[Person, ...]
    jira_projects: tuple[JiraProject, ...]
    sprints: tuple[Sprint, ...]
    issues: tuple[JiraIssue, ...]
    trello_boards: tuple[TrelloBoard, ...]
    spaces: tuple[ConfluenceSpace, ...]
    projects: tuple[PortfolioProject, ...]
    default_hourly_rate: int
    hourly_rates: tuple[tuple[str, int], ...]
    ground_truth: GroundTruth
    jira_issues: int | None = None
    story_point_fields: str = "estimate"
    sprint_field_format: str = "json"
    profile: str = "demo"
    jira_boards: tuple[JiraBoard, ...] = ()
    staffing: Staffing | None = None
    # Issues of type Risk (sandbox.gen_risks): served by the Jira site like the others, yet no work
    # item: the config names the type a risk, so no figure of the truth counts them.
    risk_issues: tuple[JiraIssue, ...] = ()

    def boards(self) -> tuple[JiraBoard, ...]:
        """The agile boards by id: `jira_boards`, or one board per project where none were recorded."""
        if self.jira_boards:
            return self.jira_boards
        derived = (JiraBoard(p.board_id, f"{p.key} board", p.board_type, p.key) for p in self.jira_projects)
        return tuple(sorted(derived, key=lambda b: b.id))

    @property
    def site_issues(self) -> tuple[JiraIssue, ...]:
        """Every issue the Jira site holds: the work items (`issues`), then the Risk issues."""
        return (*self.issues, *self.risk_issues)

    @property
    def now(self) -> datetime:
        """The generated "now": every generated timestamp is before it."""
        return midnight(self.anchor)

    @property
    def me(self) -> Person:
        """The account the credentials belong to."""
        return self.people[0]

    def fingerprint(self) -> str:
        """sha256 of the full data; equal fingerprints mean byte-identical portfolios."""
        return hashlib.sha256(repr(self).encode()).hexdigest()

    def pmhub_config(self, base_url: str, story_points_field: str | None = None) -> dict[str, Any]:
        """A pmhub.yaml (as a dict) that syncs this portfolio from a sandbox at `base_url`.

        Secrets are `${VAR}` references, resolved from the environment (see sandbox_env). Budgets are
        not in the config: they come from the charter pages. `story_points_field` becomes the Jira
        site's override (e.g. "customfield_10028" on a story_point_fields="both" site).
        """
        base = base_url.rstrip("/")
        portfolio_boards = [b.id for b in self.trello_boards if b.in_portfolio]
        projects = []
        for project in self.projects:
            entry: dict[str, Any] = {"id": project.id, "name": project.name}
            if project.jira_key is not None:
                entry["jira"] = [{"site": SOURCE_NAME, "project": project.jira_key}]
            if project.trello_board_id is not None:
                entry["trello"] = [{"source": SOURCE_NAME, "board": project.trello_board_id}]
            entry["confluence"] = [
                {
                    "source": SOURCE_NAME,
                    "space": CONFLUENCE_SPACE,
                    "page_title": project.charter_title,
                    **(risk_links(project.id) if self.risk_issues else {}),
                }
            ]
            projects.append(entry)
        return {
            "sources": {
                "jira": [
                    {
                        "name": SOURCE_NAME,
                        "url": base,
                        "email": f"${{{ENV_EMAIL}}}",
                        "token": f"${{{ENV_TOKEN}}}",
                        "projects": [p.key for p in self.jira_projects if p.in_portfolio],
                        **({"story_points_field": story_points_field} if story_points_field else {}),
                        **({"risk_issue_type": RISK_TYPE} if self.risk_issues else {}),
                    }
                ],
                "trello": [
                    {
                        "name": SOURCE_NAME,
                        "url": base,
                        "key": f"${{{ENV_TRELLO_KEY}}}",
                        "token": f"${{{ENV_TRELLO_TOKEN}}}",
                        "boards": portfolio_boards,
                        # The archived lists hold parked cards no name rule can place, and a wait
                        # state between working and done is work in progress: the PMO says.
                        "list_categories": {
                            lst.name: "todo" if lst.closed else WAIT_LISTS[lst.name]
                            for b in self.trello_boards
                            if b.in_portfolio
                            for lst in b.lists
                            if lst.closed or lst.name in WAIT_LISTS
                        },
                    }
                ],
                "confluence": [
                    {
                        "name": SOURCE_NAME,
                        "url": f"{base}/wiki",
                        "email": f"${{{ENV_EMAIL}}}",
                        "token": f"${{{ENV_TOKEN}}}",
                        "spaces": [CONFLUENCE_SPACE],
                    }
                ],
            },
            "portfolio": projects,
            "rates": {"default_hourly": self.default_hourly_rate, "people": dict(self.hourly_rates)},
            **(self.staffing.config() if self.staffing else {}),
        }

    @staticmethod
    def sandbox_env() -> dict[str, str]:
        """The environment variables pmhub_config refers to, set to the sandbox credentials."""
        return {
            ENV_EMAIL: ATLASSIAN_EMAIL,
            ENV_TOKEN: ATLASSIAN_TOKEN,
            ENV_TRELLO_KEY: TRELLO_KEY,
            ENV_TRELLO_TOKEN: TRELLO_TOKEN,
        }
