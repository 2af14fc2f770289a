"""The generated entities, in vendor-neutral form.

The API modules render these into each vendor's JSON; the ground truth is computed from them.
Everything is frozen so one generated portfolio can be shared by many server threads.
All instants are timezone-aware UTC datetimes and lie before the portfolio's "now".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sandbox.jira_catalog import STORY_POINTS_FIELD


@dataclass(frozen=True, slots=True)
class Person:
    """One human with an Atlassian account (Jira + Confluence) and a Trello member record.

    The same person carries the same display name in both tools, but the ids are unrelated, as in
    real life: Atlassian accountIds and Trello member ids cannot be joined automatically.
    """

    account_id: str
    trello_id: str
    display_name: str
    username: str
    email: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class JiraProject:
    """A Jira software project (`in_portfolio` False for NOISE); `points_field` holds its story points.

    board_id/board_type: the board its issues' sprints run on, else its own (kanban) board.
    style: "classic" (company-managed) or "next-gen" (team-managed, `simplified` in the API).
    """

    id: str
    key: str
    name: str
    lead: str
    board_id: int
    board_type: str
    in_portfolio: bool
    points_field: str = STORY_POINTS_FIELD
    style: str = "classic"


@dataclass(frozen=True, slots=True)
class JiraBoard:
    """An agile board: scrum, simple (team-managed) or kanban; `project_key` None = located in no project."""

    id: int
    name: str
    type: str
    project_key: str | None


@dataclass(frozen=True, slots=True)
class Sprint:
    """A Jira sprint. Closed sprints have all three dates, the active one start/end, future ones none.

    `goal` is None when the team set none (future sprints), and may contain commas.
    """

    id: int
    board_id: int
    name: str
    state: str
    goal: str | None
    start: datetime | None
    end: datetime | None
    complete: datetime | None
    created: datetime


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """One field change inside a Jira changelog history, with the API's raw and display values."""

    field: str
    field_type: str
    field_id: str
    from_value: str | None
    from_string: str | None
    to_value: str | None
    to_string: str | None


@dataclass(frozen=True, slots=True)
class ChangeHistory:
    """One Jira changelog entry: who changed what at which instant. Ids grow with time site-wide."""

    id: int
    author: str
    created: datetime
    items: tuple[ChangeItem, ...]


@dataclass(frozen=True, slots=True)
class Worklog:
    """Time logged on a Jira issue. `started` is the work date; `updated` drives /worklog/updated."""

    id: int
    issue_id: int
    author: str
    started: datetime
    seconds: int
    created: datetime
    updated: datetime
    comment: str


@dataclass(frozen=True, slots=True)
class IssueLink:
    """One side of a Jira issue link as the issue shows it: `side` "inward" means the other issue
    is on the inward side (for Blocks: this issue "is blocked by" it), "outward" that this issue
    "blocks" it. Both issues of a link carry it, each from its side, with one `id`."""

    id: int
    type_id: str
    name: str
    inward: str
    outward: str
    side: str
    issue_id: int


@dataclass(frozen=True, slots=True)
class JiraIssue:
    """A Jira issue's state at "now" plus its full changelog (oldest first) and worklogs.

    `story_points` is the estimate, kept in its project's points field (None = unestimated);
    `sprint_ids` is the Sprint field in the order sprints were added; `flagged` mirrors the Flagged field.
    `field_values` are (field id, JSON value) pairs served instead of the modelled value, or for a
    field the model has none of: custom fields added on the live site, and a modelled field whose
    value is stored in another type since the field's type changed (story points as the text "5",
    while `story_points` keeps the estimate 5.0; see sandbox.jira_fields). Generated issues have none.
    `content_seed` (realistic profile only) seeds its static content (sandbox.realistic_content).
    `links`: its issue links (sandbox.plant_signals plants them; demo profile).
    """

    id: int
    key: str
    project_key: str
    issue_type: str
    summary: str
    priority: str
    status_id: str
    assignee: str | None
    reporter: str
    created: datetime
    updated: datetime
    resolution_date: datetime | None
    status_category_changed: datetime
    due_date: date | None
    story_points: float | None
    sprint_ids: tuple[int, ...]
    labels: tuple[str, ...]
    flagged: bool
    histories: tuple[ChangeHistory, ...]
    worklogs: tuple[Worklog, ...]
    field_values: tuple[tuple[str, Any], ...] = ()
    content_seed: int | None = None
    links: tuple[IssueLink, ...] = ()

    def field_value(self, field_id: str) -> Any:
        """The value `field_values` holds for `field_id`, or None."""
        return next((value for fid, value in self.field_values if fid == field_id), None)


@dataclass(frozen=True, slots=True)
class TrelloList:
    """A Trello list (a column). `closed` means archived."""

    id: str
    board_id: str
    name: str
    pos: float
    closed: bool


@dataclass(frozen=True, slots=True)
class TrelloLabel:
    """A board label. `color` is None for a colourless label (Trello sends null)."""

    id: str
    board_id: str
    name: str
    color: str | None


@dataclass(frozen=True, slots=True)
class TrelloCard:
    """A Trello card's state at "now". `closed` means archived; the card still belongs to its list.

    `custom_field_items` are the card's `customFieldItems` as Trello serves them (vendor JSON
    verbatim); generated cards have none. `url` is the card's own URL when known (an imported
    card), else it is made from the short link and name.
    """

    id: str
    board_id: str
    list_id: str
    name: str
    desc: str
    closed: bool
    pos: float
    id_short: int
    short_link: str
    member_ids: tuple[str, ...]
    label_ids: tuple[str, ...]
    due: datetime | None
    due_complete: bool
    last_activity: datetime
    comments: int
    custom_field_items: tuple[dict[str, Any], ...] = ()
    url: str | None = None


@dataclass(frozen=True, slots=True)
class TrelloAction:
    """One entry of a board's activity feed. `data` is the vendor's JSON payload, verbatim."""

    id: str
    board_id: str
    type: str
    member_creator: str
    date: datetime
    data: dict[str, Any]
    member: str | None = None


@dataclass(frozen=True, slots=True)
class TrelloBoard:
    """A Trello board with its lists, cards, labels, members and actions (actions oldest first).

    `done_list_id` is the list whose cards count as done in the ground truth ("" when no single list
    can be named, e.g. on an imported board). `custom_fields` are the board's custom field
    definitions (vendor JSON verbatim); generated boards have none. `url`: as on TrelloCard.
    `checklists`: the board's card checklists (vendor JSON verbatim); generated boards have none.
    """

    id: str
    name: str
    desc: str
    short_link: str
    created: datetime
    member_ids: tuple[str, ...]
    in_portfolio: bool
    lists: tuple[TrelloList, ...]
    cards: tuple[TrelloCard, ...]
    labels: tuple[TrelloLabel, ...]
    actions: tuple[TrelloAction, ...]
    done_list_id: str
    custom_fields: tuple[dict[str, Any], ...] = ()
    url: str | None = None
    checklists: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class PageVersion:
    """One saved version of a Confluence page, with its storage-format (XHTML) body."""

    number: int
    created_at: datetime
    author_id: str
    message: str
    minor_edit: bool
    body: str


@dataclass(frozen=True, slots=True)
class ConfluencePage:
    """A current Confluence page; `versions` is oldest first, the last one is the live content.
    `labels` are its global labels' names."""

    id: str
    space_id: str
    title: str
    parent_id: str | None
    author_id: str
    created_at: datetime
    position: int
    versions: tuple[PageVersion, ...]
    labels: tuple[str, ...] = ()

    @property
    def current(self) -> PageVersion:
        return self.versions[-1]


@dataclass(frozen=True, slots=True)
class ConfluenceSpace:
    """A global Confluence space. `homepage_id` is the id of its first page."""

    id: str
    key: str
    name: str
    author_id: str
    created_at: datetime
    homepage_id: str
    pages: tuple[ConfluencePage, ...]


@dataclass(frozen=True, slots=True)
class PortfolioProject:
    """A PMO project and the containers it spans in each tool (None where it has none)."""

    id: str
    name: str
    jira_key: str | None
    trello_board_id: str | None
    charter_title: str
