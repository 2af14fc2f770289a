"""The common stage contract: what every tool's stage SQL produces, and all that core SQL reads of it.

Each tool turns its raw objects into rows of these tables with its own SQL
(`pipelines/sources/<tool>/sql/stage/`); the generic stage, core and mart SQL read only these tables,
so they never branch per tool. The tables are created empty at the start of every stage build
(`pipelines.transform`); a tool appends its rows with `INSERT INTO stage.<table> BY NAME`.

Ids are the stable text keys of the analyst contract (`models.schema`): `<tool>:<source>:<external id>`
for items, the tool's own prefixes for containers and people. Timestamps are UTC.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from models.schema import StatusCategory


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


# stage table name → model, in the order they are created.
STAGE_CONTRACT: dict[str, type[BaseModel]] = {
    "work_items": StageWorkItem,
    "status_events": StageStatusEvent,
    "points_events": StagePointsEvent,
}
