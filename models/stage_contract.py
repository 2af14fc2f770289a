"""The common stage contract: what every tool's stage SQL produces, and what core SQL reads of it.

Each tool turns its raw objects into rows of these tables with its own SQL
(`pipelines/sources/<tool>/sql/stage/`); the generic stage, core and mart SQL read only these tables,
so they never branch per tool. The tables are created empty at the start of every stage build
(`pipelines.transform`); a tool appends its rows with `INSERT INTO stage.<table> BY NAME`.

Ids are the stable text keys of the analyst contract (`models.schema`): `<tool>:<source>:<external id>`
for items, the tool's own prefixes for containers and people. Timestamps are UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.schema import Baseline, IterationBasis, Sprint, StatusCategory, Worklog


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StageWorkItem(_Row):
    """One work item of any tool (a Jira issue, a Trello card…) in its current state, deleted ones too.

    `container_ref` is how the config names the item's container in a portfolio project (a Jira
    project key, a Trello board id): core maps it to `project_id` through the portfolio.
    """

    item_id: str = Field(description="<source_id>:<external_id>")
    source_id: str = Field(description="<tool>:<source name>")
    container_id: str = Field(description="the container's id in core.containers")
    container_ref: str | None = Field(description="the container as the config's portfolio names it")
    external_id: str = Field(description="the tool's own id of the item")
    key: str | None = Field(description="the human key (Jira issue key, Trello short link)")
    title: str | None
    item_type: str | None = Field(description="the tool's type name (Story, Bug, card…)")
    status: str | None = Field(description="the tool's status name now (a Trello list name)")
    status_category: StatusCategory | None = Field(description="todo / in_progress / done, as mapped for the tool")
    assignee_id: str | None = Field(description="person_id of the assignee in core.people")
    created_at: datetime | None
    updated_at: datetime | None
    resolved_at: datetime | None = Field(
        description="when the tool says the item was resolved; the done time when no status history shows it"
    )
    due_at: datetime | None
    story_points: float | None = Field(description="the estimate now, in points; NULL when not estimated")
    estimate_hours: float | None = Field(description="the original time estimate, in hours")
    parent_item_id: str | None = Field(description="item_id of the parent item")
    url: str | None = Field(description="where a person opens the item")
    is_deleted: bool = Field(description="the tool no longer returns the item (see deletion_reason)")
    deleted_at: datetime | None
    deletion_reason: str | None = Field(description="why it is counted deleted, as the extract recorded it")
    pct_complete: float | None = Field(description="the tool's own % complete, 0 to 1; NULL when it has none")


class StageStatusEvent(_Row):
    """One change of an item's status (a Jira status transition, a Trello list move)."""

    item_id: str
    changed_at: datetime
    ord: str = Field(description="orders changes at the same instant in the tool's own order")
    from_status: str | None
    to_status: str | None
    from_category: StatusCategory | None
    to_category: StatusCategory | None
    author_id: str | None = Field(description="person_id of who made the change")


class StagePointsEvent(_Row):
    """One change of an item's story-points estimate, for tools that record such changes (Jira's
    changelog of its story-points field). Items of other tools keep their current estimate."""

    item_id: str
    changed_at: datetime
    ord: str = Field(description="orders changes at the same instant in the tool's own order")
    from_points: float | None
    to_points: float | None


class StageContainer(_Row):
    """What holds work items or documents: a Jira project, a Trello board, a Confluence space.

    A container belongs to the portfolio project that names it by `container_ref` in the config;
    one that several projects name (a shared PMO space) belongs to none of them as a whole.
    """

    container_id: str = Field(description="<source_id>:<kind>:<external_id>, e.g. jira:acme:project:10000")
    source_id: str
    tool: str
    external_id: str
    key: str | None = Field(description="the human key (Jira project key, Trello short link, space key)")
    name: str | None
    container_ref: str | None = Field(description="the container as the config's portfolio names it; NULL: never")
    iteration_basis: IterationBasis | None = Field(
        description="'sprint' when velocity counts the tool's sprints (stage.sprints), 'iso_week' when it "
        "counts items done per ISO week (a tool without sprints), NULL for containers of documents"
    )


class StagePerson(_Row):
    """An account seen in a source (as assignee, author, worklog owner, member…); may repeat, with
    the names it was seen under: core keeps one row per person, with the greatest name."""

    person_id: str = Field(description="<source_id>:<kind>:<account id>")
    source_id: str
    external_id: str
    display_name: str | None
    handle: str | None = Field(default=None, description="a name people write for the account (a username)")
    email: str | None = Field(default=None, description="the account's e-mail, where the API exposes it")
    account_realm: str | None = Field(
        default=None,
        description="where external_id names one person across sources ('atlassian': an accountId is the "
        "same person in every Jira and Confluence site); NULL: the id means something in its source only",
    )


class StagePlannedWork(_Row):
    """Work a tool plans for a person on an item (a plan's assignment), over its start and finish."""

    item_id: str
    person_id: str
    start_at: datetime
    finish_at: datetime
    work_hours: float


class StageItemTag(_Row):
    """A mark a tool puts on an item that can say it is blocked: a label (a Jira label, a Trello
    label) or the tool's own impediment flag (Jira's "Flagged" field). The risk signals read them
    (`mart.risk_signals`, rule `blocked`): a flag always blocks, a label when its name holds one of
    `settings.blocked_names`."""

    item_id: str
    kind: Literal["flag", "label"]
    name: str = Field(description="the label's name; for a flag, the name of the field that holds it")


class StageItemLink(_Row):
    """A dependency the tool records between two items: `item_id` cannot go on until the linked item
    is done (Jira: an issue link whose inward side reads "is blocked by"). The linked item may be in
    a container pmhub does not sync, so what the tool said of it is kept beside its id."""

    item_id: str
    link: Literal["blocked_by"]
    linked_item_id: str = Field(description="<source_id>:<external id> of the item it waits for")
    linked_key: str | None
    linked_category: StatusCategory | None = Field(
        description="the linked item's status category as the link showed it (used when it is not synced)"
    )


class StageBaselineCost(_Row):
    """Time-phased baseline cost, for tools that store it: the part of an item's baseline cost planned
    for one day (several rows of one day add up). Items without any get their baseline cost spread
    evenly over its days in core (`core.baseline_costs`)."""

    item_id: str
    baseline_number: int
    day: date
    cost: float


class StageItemCost(_Row):
    """A cost a tool records on an item itself, beside worklogs (a Trello card's hours or cost
    field). Core prices hours at the rate of `person_id` (else the default rate) and takes an
    amount as it is, in the project's budget currency (`core.cost_entries`)."""

    item_id: str
    incurred_on: date = Field(description="when the value was last set, else when the item was created")
    hours: float | None = Field(description="hours to price; NULL when the row gives an amount")
    amount: float | None = Field(description="a cost as it is; NULL when the row gives hours")
    person_id: str | None = Field(description="whose rate prices the hours")
    basis: str = Field(description="what the value is, e.g. 'card hours' (the entry's basis starts with it)")


class StageFieldType(_Row):
    """A field a source defines for its items (a Jira field, a Trello custom field) with the type
    its metadata gives: what schema-drift detection compares between builds (`meta.schema_changes`)."""

    source_id: str
    field_id: str
    name: str | None
    field_type: str


class StageSprintInterval(_Row):
    """An interval an item spent in a sprint (Jira: from its Sprint field's history); core turns
    these into `core.sprint_membership`."""

    sprint_id: str = Field(description="sprint_id in stage.sprints")
    item_id: str
    added_at: datetime
    removed_at: datetime | None = Field(description="NULL while the item is still in the sprint")


class StageBoardProject(_Row):
    """Which portfolio project a board's sprints count for in velocity: where the board is located,
    or, for a board of several containers, the project most of its sprints' items belong to."""

    board_id: str = Field(description="board_id of stage.sprints")
    container_id: str | None = Field(description="the container the board reports into")
    project_id: str | None = Field(description="that container's portfolio project; NULL: none")


class StageDocument(_Row):
    """A page of a documentation tool. `charter_project_id` is the project whose charter it is, when
    the config names it so; otherwise the page belongs to its container's project."""

    document_id: str
    source_id: str
    container_id: str
    charter_project_id: str | None
    title: str
    version: int | None
    updated_at: datetime | None
    url: str | None
    is_deleted: bool
    deleted_at: datetime | None


# stage table name → model, in the order they are created.
STAGE_CONTRACT: dict[str, type[BaseModel]] = {
    "containers": StageContainer,
    "work_items": StageWorkItem,
    "status_events": StageStatusEvent,
    "points_events": StagePointsEvent,
    "people": StagePerson,
    # core.worklogs and core.sprints hold these rows as they are: their analyst models serve here too
    "worklogs": Worklog,
    "documents": StageDocument,
    "sprints": Sprint,
    "sprint_intervals": StageSprintInterval,
    "board_projects": StageBoardProject,
    # saved baselines of items (plan tasks); core derives rolls_up, which the stage leaves false
    "baselines": Baseline,
    "baseline_costs": StageBaselineCost,
    "item_costs": StageItemCost,
    "field_types": StageFieldType,
    "planned_work": StagePlannedWork,
    # labels, impediment flags and "is blocked by" links, for the risk signals
    "item_tags": StageItemTag,
    "item_links": StageItemLink,
}
