"""The demo portfolio's risk register, planted in Jira and Confluence, with its ground truth.

- Jira: issues of type Risk in APL and DRC (Probability a select list, Impact a number holding a
  1-5 rating in APL and an amount of money in DRC, Mitigation rich text; owner = assignee, due date =
  when the mitigation is due). They are not work: pmhub's config names the type (`risk_issue_type`),
  and the truth's work-item figures never see them (they live in `Portfolio.risk_issues`).
- Confluence space PMO: Apollo's risk pages carry the label `risk-apollo` (Page Properties: a
  percentage and an amount in euros, an owner mention, a date-picker due date, a status lozenge),
  one of them with the unreadable probability "likely-ish"; Draco keeps one register page, a table
  with a row per risk.

Every risk sits in a status a PMO uses (open, in progress, done or mitigated); some have no owner,
some are past their due date. Only a seeded `random.Random` of its own drives choices, so the rest
of the portfolio is generated exactly as without it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sandbox.gen_confluence import _Ids, _page, _versions
from sandbox.jira_catalog import (
    IMPACT_FIELD,
    MITIGATION_FIELD,
    PROBABILITY_FIELD,
    STATUS_DONE,
    STATUS_IN_PROGRESS,
    STATUS_TODO,
)
from sandbox.jira_render import adf
from sandbox.model import ConfluencePage, ConfluenceSpace, JiraIssue, Person
from sandbox.risk_truth import RiskTruth, risk_truth

RISK_TYPE = "Risk"
# Portfolio project -> the label of its risk pages / the title of its register page (pmhub config).
RISK_LABELS = {"apollo": "risk-apollo"}
RISK_REGISTERS = {"draco": "Draco risk register"}
PROBABILITY_OPTIONS = {"Rare": 1, "Unlikely": 2, "Possible": 3, "Likely": 4, "Almost certain": 5}
_OPTION_IDS = {name: str(10100 + n) for name, n in PROBABILITY_OPTIONS.items()}
_STATUSES = {"open": STATUS_TODO, "progress": STATUS_IN_PROGRESS, "done": STATUS_DONE}


@dataclass(frozen=True)
class _JiraRisk:
    project: str
    summary: str
    probability: str  # an option of the Probability select list
    impact: float  # a rating (APL) or an amount (DRC, in its budget's currency)
    owner: int | None  # index into the project's team; None: unassigned
    due_days: int | None  # days after the anchor the mitigation is due
    status: str
    mitigation: str


_JIRA_RISKS = (
    _JiraRisk("APL", "Payment provider changes its API before launch", "Likely", 4, 0, 14, "progress",
              "Pin the API version in the contract; build an adapter layer"),
    _JiraRisk("APL", "Design system not ready for the checkout sprint", "Possible", 2, None, -5, "open",
              "Agree a frozen subset of components with the design team"),
    _JiraRisk("APL", "Load-test environment delayed", "Unlikely", 3, 1, -20, "done",
              "Rent a cloud load-test service"),
    _JiraRisk("DRC", "Cloud cost overrun during the data migration", "Possible", 60_000, 1, -10, "progress",
              "Weekly cost review; reserved instances for the migration window"),
    _JiraRisk("DRC", "Security audit finds critical issues", "Rare", 120_000, 2, None, "open",
              "Run the vendor's pre-audit checklist a month early"),
    _JiraRisk("DRC", "Vendor contract renewal fails", "Almost certain", 30_000, 0, -30, "done",
              "Second supplier signed"),
)  # fmt: skip


def _option(name: str) -> dict[str, str]:
    """A select option as Jira serves it; `self` is a path the server puts under its own URL."""
    option = _OPTION_IDS[name]
    return {"self": f"/rest/api/3/customFieldOption/{option}", "value": name, "id": option}


def risk_issues(
    issues: Sequence[JiraIssue], teams: Mapping[str, Sequence[Person]], reporter: Person, now: datetime
) -> tuple[JiraIssue, ...]:
    """The Risk issues of APL and DRC, numbered after each project's last issue and the site's last id."""
    next_id = max((i.id for i in issues), default=10000) + 1
    numbers = {key: 1 + max((int(i.key.rpartition("-")[2]) for i in issues if i.project_key == key), default=0)
               for key in ("APL", "DRC")}  # fmt: skip
    found = []
    for n, risk in enumerate(_JIRA_RISKS):
        team = teams[risk.project]
        created = now - timedelta(days=30 - 3 * n, hours=7)
        updated = created + timedelta(days=2, hours=n)
        status = _STATUSES[risk.status]
        found.append(
            JiraIssue(
                id=next_id + n,
                key=f"{risk.project}-{numbers[risk.project]}",
                project_key=risk.project,
                issue_type=RISK_TYPE,
                summary=risk.summary,
                priority="High",
                status_id=status.id,
                assignee=team[risk.owner].account_id if risk.owner is not None else None,
                reporter=reporter.account_id,
                created=created,
                updated=updated,
                resolution_date=updated if status is STATUS_DONE else None,
                status_category_changed=updated,
                due_date=(now + timedelta(days=risk.due_days)).date() if risk.due_days is not None else None,
                story_points=None,
                sprint_ids=(),
                labels=("risk",),
                flagged=False,
                histories=(),
                worklogs=(),
                field_values=(
                    (PROBABILITY_FIELD, _option(risk.probability)),
                    (IMPACT_FIELD, float(risk.impact)),
                    (MITIGATION_FIELD, adf(risk.mitigation)),
                ),
            )
        )
        numbers[risk.project] += 1
    return tuple(found)


def jira_risk_truth(
    risks: Sequence[JiraIssue], projects: dict[str, str], currencies: dict[str, str], anchor: date
) -> list[RiskTruth]:
    """What pmhub must read of each Risk issue. projects: Jira key -> project id; currencies:
    project id -> its budget currency (DRC's amounts have none written)."""
    status_names = {s.id: s.name for s in _STATUSES.values()}
    out = []
    for issue, spec in zip(risks, _JIRA_RISKS, strict=True):
        project = projects[issue.project_key]
        money = spec.impact > 5
        values = (
            float(PROBABILITY_OPTIONS[spec.probability]),
            "rating",
            float(spec.impact),
            "money" if money else "rating",
            None,
        )
        truth = risk_truth(issue.key, "jira", project, issue.summary, values, issue.assignee, issue.due_date,
                           status_names[issue.status_id], anchor)  # fmt: skip
        out.append(replace(truth, currency=currencies[project] if money and truth.open else None))
    return out


# --- Confluence -------------------------------------------------------------------------------------


def _mention(account: str) -> str:
    return f'<ac:link><ri:user ri:account-id="{account}" /></ac:link>'


def _lozenge(title: str, colour: str) -> str:
    return (
        '<ac:structured-macro ac:name="status" ac:schema-version="1">'
        f'<ac:parameter ac:name="title">{title}</ac:parameter><ac:parameter ac:name="colour">{colour}</ac:parameter>'
        "</ac:structured-macro>"
    )


def _properties(rows: dict[str, str]) -> str:
    cells = "".join(f"<tr><th><p><strong>{k}</strong></p></th><td><p>{v}</p></td></tr>" for k, v in rows.items())
    return (
        "<p>Raised at the weekly risk review.</p>"
        '<ac:structured-macro ac:name="details" ac:schema-version="1" data-layout="default"><ac:rich-text-body>'
        f'<table data-layout="default"><tbody>{cells}</tbody></table></ac:rich-text-body></ac:structured-macro>'
        "<h2>Notes</h2><p>Review at the next steering committee.</p>"
    )


# Apollo's risk pages: title, probability as written, impact as written, owner (team index or None),
# due days after the anchor, status, mitigation; and what pmhub must read of the two values.
_APOLLO_PAGES = (
    ("Apollo risk: key supplier insolvency", "30%", "€80,000", 1, 30, "OPEN", "Escrow the source code",
     (30.0, "percent", 80_000.0, "money", "EUR"), None),
    ("Apollo risk: accessibility audit fails", "likely-ish", "3", 2, -3, "OPEN", "Book an external pre-audit",
     (None, None, 3.0, "rating", None), "Probability"),
    ("Apollo risk: translation vendor drops out", "2", "4", 0, -40, "MITIGATED", "Second vendor on contract",
     (2.0, "rating", 4.0, "rating", None), None),
)  # fmt: skip
# Draco's register table: ID, risk, probability, impact, owner (team index, or a name as text), due, status.
_DRACO_ROWS = (
    ("R-1", "Data centre exit slips past the lease end", "4", "USD 50,000", 0, -7, "Open",
     (4.0, "rating", 50_000.0, "money", "USD")),
    ("R-2", "On-call fatigue in the ops team", "20%", "3", "Ops team", 21, "Open",
     (20.0, "percent", 3.0, "rating", None)),
    ("R-3", "Licence audit", "1", "1", 1, -60, "Closed",
     (1.0, "rating", 1.0, "rating", None)),
)  # fmt: skip


def _due(now: datetime, days: int) -> date:
    return (now + timedelta(days=days)).date()


def risk_pages(
    seed: int, spaces: tuple[ConfluenceSpace, ...], teams: Mapping[str, Sequence[Person]], authors: Sequence[str],
    now: datetime, space_key: str,
) -> tuple[tuple[ConfluenceSpace, ...], list[RiskTruth]]:  # fmt: skip
    """The spaces with Apollo's risk pages and Draco's register page added to `space_key`, and their truth."""
    rng = random.Random(seed * 7919 + 15)
    anchor = now.date()
    ids = _Ids(1_771_000)
    space = next(s for s in spaces if s.key == space_key)
    first = now - timedelta(days=45)
    pages: list[ConfluencePage] = []
    truth: list[RiskTruth] = []
    team = teams["apollo"]
    for n, (title, prob, impact, owner, due, status, mitigation, read, unreadable) in enumerate(_APOLLO_PAGES):
        body = _properties(
            {
                "Probability": prob,
                "Impact": impact,
                "Owner": _mention(team[owner].account_id),
                "Mitigation": mitigation,
                "Due": f'<time datetime="{_due(now, due).isoformat()}" />',
                "Status": _lozenge(status, "Red" if status == "OPEN" else "Green"),
            }
        )
        versions = _versions(rng, first + timedelta(days=n), now, authors, [body, body], ["", "Reviewed"])
        page = _page(rng, ids, space.id, title, space.homepage_id, 100 + n, versions)
        pages.append(replace(page, labels=(RISK_LABELS["apollo"], "risk")))
        truth.append(risk_truth(title, "confluence", "apollo", title, read, team[owner].account_id,
                                _due(now, due), status, anchor, unreadable))  # fmt: skip
    team = teams["draco"]
    register = RISK_REGISTERS["draco"]
    header = "".join(f"<th><p><strong>{h}</strong></p></th>" for h in
                     ("ID", "Risk", "Probability", "Impact", "Owner", "Due", "Status"))  # fmt: skip
    rows = []
    for ident, row_title, prob, impact, holder, due, status, read in _DRACO_ROWS:
        account = team[holder].account_id if isinstance(holder, int) else None
        who = _mention(account) if account else str(holder)
        cells = (ident, row_title, prob, impact, who, _due(now, due).isoformat(), status)
        rows.append("<tr>" + "".join(f"<td><p>{c}</p></td>" for c in cells) + "</tr>")
        truth.append(risk_truth(f"{register}#{ident}", "confluence", "draco", row_title, read, account, _due(now, due),
                                status, anchor))  # fmt: skip
    body = (
        "<h2>Draco risk register</h2><p>One row per risk; reviewed every second Monday.</p>"
        f'<table data-layout="wide"><tbody><tr>{header}</tr>{"".join(rows)}</tbody></table>'
    )
    versions = _versions(rng, first, now, authors, [body, body, body], ["", "R-2 added", "R-3 closed"])
    pages.append(_page(rng, ids, space.id, register, space.homepage_id, 110, versions))
    grown = replace(space, pages=(*space.pages, *pages))
    return tuple(grown if s.key == space_key else s for s in spaces), truth


def risk_links(project_id: str) -> dict[str, str]:
    """What a project's `confluence:` link in the pmhub config says of its risk pages."""
    links = {}
    if project_id in RISK_LABELS:
        links["risk_label"] = RISK_LABELS[project_id]
    if project_id in RISK_REGISTERS:
        links["risk_register"] = RISK_REGISTERS[project_id]
    return links


def plant_risks(
    seed: int,
    issues: Sequence[JiraIssue],
    teams: Mapping[str, Sequence[Person]],
    me: Person,
    spaces: tuple[ConfluenceSpace, ...],
    authors: Sequence[str],
    now: datetime,
    currencies: dict[str, str],
    space_key: str,
) -> tuple[tuple[JiraIssue, ...], tuple[ConfluenceSpace, ...], tuple[RiskTruth, ...]]:
    """The Risk issues, the spaces with the risk pages added, and the truth of every planted risk.
    teams: project id -> its people; currencies: project id -> its budget currency."""
    jira_teams = {"APL": teams["apollo"], "DRC": teams["draco"]}
    found = risk_issues(issues, jira_teams, me, now)
    truth = jira_risk_truth(found, {"APL": "apollo", "DRC": "draco"}, currencies, now.date())
    spaces, pages = risk_pages(seed, spaces, teams, authors, now, space_key)
    return found, spaces, (*truth, *pages)
