"""The common project model: one pydantic model per analyst-facing table (`core.*`, `mart.*`).

These classes are the analyst schema contract of docs/product.md in code. The warehouse creates its
tables from them (see `models.ddl`), so a column can only be added here, never silently dropped.
Ids are stable text keys that include the source (`jira:acme:10042`, `trello:main:5f1a…`);
timestamps are UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

StatusCategory = Literal["todo", "in_progress", "done"]
IterationBasis = Literal["sprint", "iso_week"]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- core ------------------------------------------------------------------------------------------


class Source(_Row):
    """One configured source (a Jira site, a Trello token, a Confluence site, a folder of plans…)."""

    source_id: str = Field(description="tool:name, e.g. jira:acme")
    tool: str = Field(description="the tool's name as the config writes it: jira, trello, confluence, …")
    name: str
    base_url: str | None = Field(description="where the source is read from; NULL for a source of files")


class Project(_Row):
    """One portfolio project as the PMO defines it in config."""

    project_id: str
    name: str


class Container(_Row):
    """A Jira project, Trello board or Confluence space, and the portfolio project it belongs to."""

    container_id: str
    source_id: str
    tool: str
    external_id: str
    key: str | None
    name: str | None
    project_id: str | None = Field(description="NULL when the container is synced but in no project")
    config_ref: str | None = Field(description="how a portfolio project names it in the config; NULL: it cannot")
    iteration_basis: IterationBasis | None = Field(
        description="what velocity counts its items in: the tool's sprints, or ISO weeks; NULL: it holds no work items"
    )


class Person(_Row):
    """One person across tools: the accounts `core.person_identities` gives them, and their capacity.

    person_id: `person:<name slug>` for a person the config's `people:` section lists; otherwise the
    id of their first account (by tool registration order, then id), e.g. `jira:acme:user:5b10…`, so
    a person seen in one tool keeps the id their account always had."""

    person_id: str
    display_name: str | None = Field(description="the config's name, else the greatest name an account shows")
    configured: bool = Field(default=False, description="listed in the config's `people:` section")
    hours_per_week: float | None = Field(
        default=None, description="full-time hours from config (NULL: settings.default_hours_per_week)"
    )
    part_time: float = Field(default=1.0, description="share of a full week worked for the portfolio")
    identities: int = Field(default=1, description="accounts merged into this person")


class PersonIdentity(_Row):
    """One account in one source, and the person it belongs to. Accounts merge into one person by
    the config's `people:` handles first, then by one Atlassian accountId across Jira and Confluence
    (and sites), then by equal e-mail. A name-only likeness merges nothing: `meta.data_problems`
    reports it as a suggestion."""

    person_id: str = Field(description="the person in core.people")
    account_id: str = Field(description="the account's own id: <source_id>:<kind>:<external id>")
    source_id: str
    external_id: str = Field(description="the id the tool gives the account (accountId, member id, resource name)")
    handle: str | None = Field(description="a name the tool lets people write: Trello username, plan resource name")
    display_name: str | None
    email: str | None = Field(description="where the tool's API exposes one (lower case)")
    matched_by: Literal["config", "account_id", "email", "own"] = Field(
        description="how the account joined its person: 'own' when it is the person's only account"
    )


class WorkItem(_Row):
    """A work item of any tool (a Jira issue, a Trello card, a plan task), in its current state."""

    item_id: str
    source_id: str
    container_id: str
    project_id: str | None
    external_id: str
    key: str | None
    title: str | None
    item_type: str | None
    status: str | None
    status_category: StatusCategory | None
    assignee_id: str | None
    created_at: datetime | None
    updated_at: datetime | None
    started_at: datetime | None = Field(description="first entry into an in-progress status; created_at if born there")
    done_at: datetime | None = Field(description="last entry into a done status, when the item is done now")
    due_at: datetime | None
    story_points: float | None
    estimate_hours: float | None
    parent_item_id: str | None
    url: str | None
    is_deleted: bool
    deleted_at: datetime | None
    deletion_reason: str | None
    pct_complete: float | None = Field(
        default=None, description="the tool's own % complete, 0 to 1 (a plan task's); NULL when the tool has none"
    )


class StatusChange(_Row):
    """One status transition (a Jira status change or a Trello list move)."""

    item_id: str
    changed_at: datetime
    from_status: str | None
    to_status: str | None
    from_category: StatusCategory | None
    to_category: StatusCategory | None
    author_id: str | None


class Sprint(_Row):
    """One Jira sprint, deduplicated by id across boards."""

    sprint_id: str
    source_id: str
    board_id: str | None
    name: str | None
    state: str | None
    start_at: datetime | None
    end_at: datetime | None
    completed_at: datetime | None
    goal: str | None


class SprintMembership(_Row):
    """An interval an item spent in a sprint, from the Sprint field's change history."""

    sprint_id: str
    item_id: str
    added_at: datetime
    removed_at: datetime | None
    points_at_start: float | None = Field(
        description="estimate when the item's commitment began: at sprint start, or when added later"
    )


class Worklog(_Row):
    """One Jira worklog; hours are booked on the work date `started_at`."""

    worklog_id: str
    item_id: str
    person_id: str | None
    started_at: datetime
    hours: float
    is_deleted: bool


class Document(_Row):
    """One Confluence page in a synced space."""

    document_id: str
    source_id: str
    container_id: str
    project_id: str | None
    title: str
    version: int | None
    updated_at: datetime | None
    url: str | None
    is_deleted: bool = False
    deleted_at: datetime | None = None


class Budget(_Row):
    """A project's budget: from config, or parsed from its charter page's Page Properties."""

    project_id: str
    currency: str
    bac: float
    planned_start: date
    planned_end: date
    source: str = Field(
        description="'config', the document_id of the charter page, or 'baseline' (the sum of the project's "
        "items' baseline 0 cost, from their earliest baseline start to their latest baseline finish)"
    )
    planned_sprints: int | None = Field(
        default=None, description="sprints planned for the release; set means PV is sprint-based (AgileEVM)"
    )


class Baseline(_Row):
    """One saved baseline of one work item (a plan task): what was planned when it was set."""

    item_id: str
    baseline_number: int = Field(description="0 for the baseline, 1 to 10 for Baseline1 to Baseline10")
    start_at: datetime | None
    finish_at: datetime | None
    work_hours: float | None
    cost: float | None
    currency: str | None = Field(description="ISO code of `cost`, as the plan gives it")
    rolls_up: bool = Field(
        default=False,
        description="the item's children carry this baseline too, so its values sum theirs: leave it out of sums",
    )


class BaselineCost(_Row):
    """The part of an item's baseline cost planned for one day: the planned-value curve's data."""

    item_id: str
    baseline_number: int
    day: date
    cost: float
    basis: Literal["time-phased", "spread"] = Field(
        description="time-phased: as the tool stores it per day; spread: the baseline cost shared evenly over the "
        "calendar days from baseline start to finish, where the tool stores no time-phased values"
    )


class CostEntry(_Row):
    """One cost fact in the project's budget currency."""

    project_id: str
    item_id: str | None
    incurred_on: date
    amount: float
    currency: str | None
    basis: str = Field(description="how the amount was derived, e.g. 'worklog 2.5h x 95/h'")


# --- mart ------------------------------------------------------------------------------------------


class ProjectProgress(_Row):
    """A project's scope and done work at the end of one day (UTC)."""

    project_id: str
    as_of: date
    items_total: int
    items_done: int
    points_total: float | None
    points_done: float | None
    pct_complete_items: float | None
    pct_complete_points: float | None
    estimate_coverage: float | None = Field(description="share of items that carry an estimate")


class Velocity(_Row):
    """One iteration of one source: a Jira sprint, or an ISO week on a Trello board."""

    project_id: str
    source_id: str
    iteration_id: str
    iteration_name: str
    iteration_kind: Literal["sprint", "iso_week"]
    iteration_state: str | None
    iteration_start: datetime | None
    iteration_end: datetime | None
    committed_points: float | None = Field(description="NULL where there is no commitment (weeks)")
    added_points: float | None
    removed_points: float | None
    completed_points: float | None
    completed_items: int
    not_completed_points: float | None
    estimate_change_points: float | None


class BudgetVariance(_Row):
    """Earned value for a project at the end of one day; NULL ratios carry a reason."""

    project_id: str
    as_of: date
    bac: float
    pv: float
    ev: float
    ac: float
    cv: float
    sv: float
    cpi: float | None
    spi: float | None
    eac: float | None
    etc: float | None
    vac: float | None
    tcpi: float | None
    eac_atypical: float
    eac_cpi_spi: float | None
    pv_method: Literal["baseline", "linear", "sprint"]
    ev_basis: Literal["baseline", "points", "items"]
    null_reason: str | None
    tcpi_eac: float | None = Field(default=None, description="(BAC - EV) / (EAC - AC), EAC typical")
    planned_sprints: int | None = Field(default=None, description="PS of a sprint-planned release")
    sprints_done: int | None = Field(default=None, description="n: release sprints closed by as_of")


class ScheduleVariance(_Row):
    """How many calendar days after (positive) or before its baseline 0 finish each baselined item,
    and each project, is forecast to finish."""

    project_id: str | None
    item_id: str | None = Field(description="NULL on a project's own row")
    baseline_finish: date
    forecast_finish: date | None = Field(
        description="an item: its finish when done, else its scheduled finish (due); a project: its items' latest"
    )
    variance_days: int | None = Field(description="forecast_finish - baseline_finish: positive is late")


class Flow(_Row):
    """One finished item (done now, not deleted): how long it took. Days are calendar days between
    UTC dates, weekends included, `+ 1` under the inclusive convention; NULL where the start is
    unknown (never seen in progress) or the dates contradict each other."""

    item_id: str
    project_id: str | None
    created_at: datetime | None
    started_at: datetime | None
    done_at: datetime
    cycle_time_days: int | None
    lead_time_days: int | None
    day_convention: Literal["inclusive", "elapsed"]


class CumulativeFlow(_Row):
    """A project's items per status category at the end of one UTC day (the cumulative flow
    diagram); the four counts add up to items_total of mart.project_progress that day."""

    project_id: str
    as_of: date
    todo: int
    in_progress: int
    done: int
    uncategorized: int = Field(description="items whose status maps to no category")


class AgingWip(_Row):
    """An item in progress on the sync date: its age since it started against its project's cycle
    times (nearest-rank percentiles of mart.flow), in mart.flow's day convention."""

    item_id: str
    project_id: str
    key: str | None
    title: str | None
    status: str | None
    started_at: datetime
    age_days: int
    cycle_p50_days: int | None
    cycle_p85_days: int | None
    cycle_p95_days: int | None
    age_band: Literal["within p50", "p50 to p85", "p85 to p95", "over p95"] | None = Field(
        description="where the age lies among the percentiles; NULL while the project finished nothing"
    )
    url: str | None


class AttentionItem(_Row):
    """An open item behind a project's RAG: aging past the project's P85 cycle time, overdue, or in
    a status that names a block. `days`: how far past (P85, due date) or how long unchanged."""

    project_id: str
    item_id: str
    key: str | None
    title: str | None
    status: str | None
    reason: Literal["aging", "overdue", "blocked"]
    days: int | None
    detail: str
    url: str | None


class ThroughputWeekly(_Row):
    """Items a project finished in one ISO week (by their last entry into done), zero weeks included
    from its first finished item to the as-of week."""

    project_id: str
    week_start: date
    items_done: int


class Forecast(_Row):
    """When a project's remaining items finish, by Monte Carlo on its daily throughput: each run
    draws past days (zero days included) until the remaining items are done; day 1 is the day
    after `as_of`. Dates are the smallest day by which that share of runs had finished. For a
    sprint-planned project the velocity_* columns add AgileEVM's mean-velocity release forecast."""

    project_id: str
    as_of: date
    remaining_items: int
    p50_date: date | None
    p85_date: date | None
    p95_date: date | None
    method: str
    history_days: int
    items_done_in_history: int
    runs: int
    null_reason: str | None
    velocity_sprints_done: int | None = Field(default=None, description="n: release sprints closed (sprint-planned)")
    velocity_points_per_sprint: float | None = Field(default=None, description="points done / n")
    velocity_sprints_total: float | None = Field(
        default=None, description="n + remaining points / velocity: the release's length in sprints"
    )
    velocity_finish_date: date | None = Field(default=None, description="mean-velocity finish date")


class Portfolio(_Row):
    """One row per project: the numbers a PMO brings to a steering meeting."""

    project_id: str
    name: str
    pct_complete: float | None
    pct_basis: str | None
    velocity_avg: float | None
    velocity_unit: str | None
    cpi: float | None
    spi: float | None
    forecast_p85: date | None
    planned_end: date | None
    rag_status: Literal["green", "amber", "red", "unknown"]
    rag_reason: str | None
    estimate_coverage: float | None = Field(default=None, description="share of live items with an estimate")
    done_with_start_share: float | None = Field(
        default=None, description="share of done items whose start is known (what cycle time rests on)"
    )
    has_budget: bool = Field(default=False, description="a budget from config, a charter page or a baseline exists")
    has_cost_data: bool = Field(default=False, description="worklogs or cost fields give any actual cost")
    stale_containers: str | None = Field(
        default=None, description="containers missing from the synced data or read too long ago, with when"
    )
    schedule_variance_days: int | None = Field(
        default=None,
        description="forecast finish minus baseline finish of its baselined items (mart.schedule_variance)",
    )
    risk_signals: int | None = Field(default=None, description="rows of mart.risk_signals for the project")
    risk_exposure_score: float | None = Field(
        default=None, description="the largest rated exposure (1-25) of its open register risks"
    )
    risk_exposure_money: float | None = Field(
        default=None, description="the money exposure of its open register risks together"
    )


class PlannedWork(_Row):
    """Work a plan assigns a person on an item: hours spread over the assignment's working days."""

    item_id: str
    person_id: str
    start_at: datetime
    finish_at: datetime
    work_hours: float


class Risk(_Row):
    """One entry of a risk register: a Jira issue of the configured risk type, or a Confluence risk
    page (or a row of a register page's table)."""

    risk_id: str
    project_id: str | None
    source: str = Field(description="the source_id it was read from")
    title: str
    probability: float | None
    impact: float | None
    owner_id: str | None = Field(description="person_id in core.people; NULL: no owner")
    due_at: datetime | None = Field(description="when the mitigation is due (Jira: due date; a page's Due)")
    status: str | None
    key: str | None = Field(default=None, description="the Jira issue key; NULL for a page or register row")
    url: str | None = Field(default=None, description="the issue or page the risk is written on")
    probability_scale: Literal["rating", "percent"] | None = Field(
        default=None, description="'rating': probability is 1-5; 'percent': 0-100"
    )
    impact_scale: Literal["rating", "money"] | None = Field(
        default=None, description="'rating': impact is 1-5; 'money': an amount in `currency`"
    )
    currency: str | None = Field(
        default=None, description="of a money impact; NULL: none written (the project's budget currency)"
    )
    owner_account_id: str | None = Field(
        default=None, description="the owner's account in the tool (<source_id>:user:<accountId>)"
    )
    owner_name: str | None = Field(default=None, description="the owner's name as the tool shows it")
    mitigation: str | None = Field(default=None, description="the mitigation written on the risk")
    status_category: StatusCategory | None = Field(default=None, description="where the tool gives one (Jira)")
    unreadable: str | None = Field(
        default=None, description="fields whose written value could not be read (their value is NULL)"
    )


# --- mart (people and risk) ----------------------------------------------------------------------


class PeopleLoadByProject(_Row):
    """One person's work in one ISO week on one project in one tool (the parts of mart.people_load)."""

    person_id: str
    week: date = Field(description="the Monday of the ISO week")
    project_id: str | None = Field(description="NULL: items of containers in no portfolio project")
    tool: str
    open_items: int = Field(description="live items assigned now that were open at some time in the week")
    committed_points: float = Field(description="points of their items in a sprint running in the week")
    committed_hours: float = Field(
        description="those items' work (hours, else points × hours_per_point) "
        "spread over their sprint's weekdays: this week's share"
    )
    logged_hours: float = Field(description="worklog hours booked in the week")
    planned_hours: float = Field(description="plan assignments' work spread over their weekdays: this week's share")


class PeopleLoad(_Row):
    """One person's load in one ISO week (see the README's analyst section for every rule): the
    parts of mart.people_load_by_project added up, against the person's capacity that week."""

    person_id: str
    week: date = Field(description="the Monday of the ISO week")
    open_items: int
    committed_points: float | None
    logged_hours: float
    planned_hours: float
    capacity_hours: float = Field(description="hours per week × part time × weekdays not away nor holiday ÷ 5")
    utilisation: float | None = Field(
        description="(planned + committed hours) ÷ capacity; NULL with neither, or with no capacity"
    )
    overallocated: bool = Field(
        description="utilisation above settings.overallocated_above, or work planned in a week with no capacity"
    )
    display_name: str | None = None
    committed_hours: float = 0.0
    work_hours: float = Field(default=0.0, description="planned_hours + committed_hours: what utilisation divides")
    utilisation_basis: Literal["planned", "committed", "planned+committed"] | None = Field(
        default=None, description="which work utilisation counts; NULL: the person has neither that week"
    )
    active_projects: int = Field(default=0, description="projects with an open item, sprint, worklog or plan work")


class RiskSignal(_Row):
    """One signal that threatens a project's dates or cost, by one rule of `settings` (the rules, and
    what value and threshold mean for each, are in the README's "Risk signals")."""

    project_id: str
    item_id: str | None = Field(description="NULL for a signal about the whole project")
    rule: str
    value: float | None
    threshold: float | None
    explanation: str
    key: str | None = Field(default=None, description="the item's human key (NULL for a project signal)")
    title: str | None = Field(default=None, description="the item's title")
    url: str | None = Field(default=None, description="where a person opens the item")
    person_id: str | None = Field(default=None, description="the person a `concentration` signal names")


class RiskExposure(_Row):
    """One open risk of the register and what it exposes the project to."""

    risk_id: str
    project_id: str | None
    exposure: float | None
    change: float | None = Field(description="exposure minus the previous build's; NULL: new since then")
    owner_id: str | None
    overdue: bool = Field(description="open, and its mitigation due date is before the as-of date")
    title: str | None = None
    exposure_unit: Literal["score", "money"] | None = Field(
        default=None, description="'score': probability rating x impact rating (1-25); 'money': share x amount"
    )
    currency: str | None = Field(default=None, description="of a money exposure (the risk's, else the budget's)")
    previous_exposure: float | None = Field(default=None, description="the previous build's exposure")
    no_owner: bool = Field(default=False, description="owner_id is NULL")
    due_at: datetime | None = None
    status: str | None = None
    unreadable: str | None = Field(default=None, description="why exposure is NULL: the fields that could not be read")


CORE_TABLES: dict[str, type[_Row]] = {
    "sources": Source,
    "projects": Project,
    "containers": Container,
    "people": Person,
    "person_identities": PersonIdentity,
    "work_items": WorkItem,
    "status_changes": StatusChange,
    "sprints": Sprint,
    "sprint_membership": SprintMembership,
    "worklogs": Worklog,
    "documents": Document,
    "budgets": Budget,
    "cost_entries": CostEntry,
    "baselines": Baseline,
    "baseline_costs": BaselineCost,
    "planned_work": PlannedWork,
    "risks": Risk,
}

MART_TABLES: dict[str, type[_Row]] = {
    "project_progress": ProjectProgress,
    "velocity": Velocity,
    "budget_variance": BudgetVariance,
    "schedule_variance": ScheduleVariance,
    "flow": Flow,
    "cumulative_flow": CumulativeFlow,
    "aging_wip": AgingWip,
    "attention_items": AttentionItem,
    "throughput_weekly": ThroughputWeekly,
    "forecast": Forecast,
    "people_load_by_project": PeopleLoadByProject,
    "people_load": PeopleLoad,
    "risk_signals": RiskSignal,
    "risk_exposure": RiskExposure,
    "portfolio": Portfolio,
}
