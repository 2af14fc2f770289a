"""The `pmhub.yaml` config contract (see docs/product.md) as pydantic models.

Secrets are never written in the file: any string may hold `${VAR}`, which is read from the
environment when the config is parsed. A missing variable is an error that names it. Names that end
up in ids, file paths or SQL (source names, project ids, project keys, board ids) are checked against
a strict whitelist here, so later code can rely on them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ConfigError(ValueError):
    """A config that cannot be used; the message is one actionable line."""


def matching(pattern: re.Pattern[str], what: str) -> AfterValidator:
    def validate(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{what} {value!r} is not allowed (expected {pattern.pattern})")
        return value

    return AfterValidator(validate)


Name = Annotated[str, matching(_NAME, "name")]


class ConfigSection(BaseModel):
    """A config section: unknown keys are errors (a typo is not silently ignored), values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, data: Any) -> Any:
        # A section whose entries are all commented out (`portfolio:` and nothing under it) is YAML
        # null: an empty section, as the secret-free outline reader already takes it, not an error.
        if not isinstance(data, dict):
            return data
        sections = {n for n, f in cls.model_fields.items() if isinstance(f.default, list | dict | BaseModel)}
        return {k: v for k, v in data.items() if v is not None or k not in sections}


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"url {value!r} must start with http:// or https:// and name a host")
    return value.rstrip("/")


HttpUrl = Annotated[str, AfterValidator(_http_url)]


class SourceConfig(ConfigSection):
    """What every configured source of every tool has: a name, unique within its tool, that makes
    its source id `<tool>:<name>`. Each tool's package subclasses it with what reaching it takes."""

    name: Name

    def location(self) -> str | None:
        """Where the source is read from (a base URL), for `meta.cfg_sources`; None if nowhere single."""
        return None


class ContainerLink(ConfigSection):
    """A portfolio project's link to one container (a Jira project, a Trello board, a plan…) of one
    configured source. Each tool's package subclasses it with the field names its users write."""

    # The keys users write: which source (`site` for Jira), and which container in it ("project",
    # "board", "space", "plan"); the latter also names the container in messages.
    source_key: ClassVar[str] = "source"
    container_key: ClassVar[str]
    # A container whose items can belong to one project only (work items would be counted twice);
    # False for containers of documents, which projects may share.
    exclusive: ClassVar[bool] = True

    def source_name(self) -> str:
        """The `name` of the configured source this link points into."""
        return str(getattr(self, self.source_key))

    def container(self) -> str:
        """The container's id as the tool's stage rows give it (`stage.containers.container_ref`)."""
        return str(getattr(self, self.container_key))


@dataclass(frozen=True)
class ToolConfig:
    """How one tool appears in the config: a list of `source` under `sources.<name>`, and a list of
    `link` under `<name>` in each portfolio project. Registered by the tool's package."""

    name: str
    label: str  # as people write it: "Jira", "Microsoft Project"
    source: type[SourceConfig]
    link: type[ContainerLink]


class Budget(ConfigSection):
    """A budget given in config; it wins over one parsed from a charter page."""

    bac: float = Field(gt=0)
    currency: Annotated[str, matching(re.compile(r"^[A-Z]{3}$"), "currency")]
    start: date
    end: date
    # Set for a sprint-planned release (AgileEVM): PV then grows by one sprint's share per closed sprint.
    planned_sprints: int | None = Field(default=None, ge=1, le=1000)

    @model_validator(mode="after")
    def _ordered(self) -> Budget:
        if self.end < self.start:
            raise ValueError(f"budget end {self.end} is before start {self.start}")
        return self


class Project(ConfigSection):
    """A PMO project: the containers in every tool that together make it up."""

    id: Name
    name: str = Field(min_length=1, max_length=200)
    budget: Budget | None = None

    def links(self, tool: str) -> list[ContainerLink]:
        """The project's links into `tool` (a field per registered tool, see `config_model`)."""
        return list(getattr(self, tool, ()))


class Sources(ConfigSection):
    """The configured sources of every tool: a list field per registered tool (`config_model`)."""

    def of(self, tool: str) -> list[SourceConfig]:
        return list(getattr(self, tool, ()))


class Rates(ConfigSection):
    """Cost of one logged hour, in each project's budget currency."""

    default_hourly: float = Field(default=0.0, ge=0)
    people: dict[str, float] = {}


class Away(ConfigSection):
    """Days off, both ends included: a person's leave, or a holiday of everyone."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: date = Field(alias="from")
    end: date = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Away:
        if self.end < self.start:
            raise ValueError(f"away to {self.end} is before from {self.start}")
        return self


class PersonConfig(ConfigSection):
    """One person as the PMO knows them: their accounts in each tool, and their capacity. What it
    lists always wins over matches by account id or e-mail.

    handles: tool name (or `<tool>:<source name>`) → that person's account there, one or a list:
    an Atlassian accountId, a Trello member id or username, a plan's resource name; `email` → their
    e-mail address(es)."""

    name: str = Field(min_length=1, max_length=200)
    handles: dict[str, str | list[str]] = {}
    hours_per_week: float | None = Field(default=None, gt=0, le=168)
    # Share of a full week the person works for the portfolio (0.5: half time).
    part_time: float = Field(default=1.0, gt=0, le=1)
    away: list[Away] = []

    def handle_list(self) -> list[tuple[str, str]]:
        """(tool or tool:source or 'email', handle) for every handle listed."""
        return [(k, h) for k, v in self.handles.items() for h in ([v] if isinstance(v, str) else v)]


class Settings(ConfigSection):
    """Metric and sync knobs that have sensible defaults."""

    velocity_sprints: int = Field(default=3, ge=1, le=50)
    estimate_coverage_for_points: float = Field(default=0.9, ge=0, le=1)
    rag_amber_below: float = Field(default=0.95, gt=0)
    rag_red_below: float = Field(default=0.85, gt=0)
    # Days the P85 forecast may land after the planned end before a project turns amber / red.
    rag_amber_late_days: int = Field(default=0, ge=0)
    rag_red_late_days: int = Field(default=30, ge=0)
    # Vacanti's `done − start + 1` (an item started and finished on one day took 1 day), or `done − start`.
    flow_day_convention: Literal["inclusive", "elapsed"] = "inclusive"
    forecast_runs: int = Field(default=10_000, ge=100, le=1_000_000)
    forecast_history_days: int = Field(default=90, ge=7, le=3650)
    forecast_seed: int = 0
    # A source last read longer ago than this (a nightly sync plus slack) marks its containers stale.
    stale_after_hours: float = Field(default=36.0, gt=0, le=24 * 365)
    # A blocking check fails when live rows of a core table fall by more than this share of the
    # last published count without deletions to explain it.
    max_row_drop_share: float = Field(default=0.1, ge=0, le=1)

    # People's load (mart.people_load). Capacity of a person the `people:` section gives no hours.
    default_hours_per_week: float = Field(default=40.0, gt=0, le=168)
    # Planned or committed hours above this share of a week's capacity mark the person overallocated.
    overallocated_above: float = Field(default=1.0, gt=0, le=10)
    # Hours one story point stands for, where a committed item gives points and no hour estimate.
    hours_per_point: float = Field(default=6.0, gt=0, le=1000)
    # The weeks people_load covers: this many ISO weeks before the sync date's week, and after it.
    load_weeks_back: int = Field(default=12, ge=0, le=520)
    load_weeks_ahead: int = Field(default=8, ge=0, le=520)
    # Days nobody works, for everyone (public holidays): taken out of every person's capacity.
    holidays: list[Away] = []

    # Risk signals (mart.risk_signals), each rule's threshold.
    # A status, Trello list or label whose name holds one of these (any case) marks an item blocked.
    blocked_names: list[str] = ["blocked", "on hold", "waiting", "impediment"]
    # Scope above the scope at the first sprint's start (or the baseline) by more than this share.
    scope_growth_above: float = Field(default=0.2, ge=0)
    # Completed ÷ committed points over the last `say_do_sprints` closed sprints below this.
    say_do_below: float = Field(default=0.8, ge=0, le=10)
    say_do_sprints: int = Field(default=3, ge=1, le=50)
    # One person holding more than this share of a project's in-progress points.
    concentration_above: float = Field(default=0.5, gt=0, le=1)
    # A project none of whose items changed for this many days.
    inactive_after_days: int = Field(default=14, ge=1, le=3650)

    # The portfolio's RAG from risk (amber / red at these): the share of a project's open items that
    # carry an item signal (blocked, overdue, aging…); its signals about the whole project (scope
    # growth, say/do, concentration, inactivity); and the open exposure of its register: the largest
    # rated exposure (1-25), and money exposure in its budget's currency as a share of BAC.
    rag_amber_signal_share: float = Field(default=0.15, gt=0, le=1)
    rag_red_signal_share: float = Field(default=0.3, gt=0, le=1)
    rag_amber_project_signals: int = Field(default=2, ge=1)
    rag_red_project_signals: int = Field(default=3, ge=1)
    rag_amber_exposure_score: float = Field(default=12, gt=0, le=25)
    rag_red_exposure_score: float = Field(default=20, gt=0, le=25)
    rag_amber_exposure_share: float = Field(default=0.05, gt=0)
    rag_red_exposure_share: float = Field(default=0.15, gt=0)

    # The risk register (core.risks, mart.risk_exposure). A risk whose status is one of these (any
    # case), or whose tool puts its status in the done category, is closed: it has no exposure.
    risk_closed_statuses: list[str] = ["closed", "done", "mitigated", "resolved", "cancelled", "canceled", "retired"]
    # The probability each rating 1-5 stands for, when a rated probability meets an impact in money;
    # a percentage meets a rated impact as the rating whose share is nearest (ties: the higher).
    risk_rating_shares: list[float] = Field(default=[0.1, 0.3, 0.5, 0.7, 0.9], min_length=5, max_length=5)

    @field_validator("risk_rating_shares")
    @classmethod
    def _shares_ascending(cls, value: list[float]) -> list[float]:
        if any(not 0 <= v <= 1 for v in value) or value != sorted(value) or len(set(value)) < len(value):
            raise ValueError(f"risk_rating_shares {value} must be five shares 0-1 in ascending order")
        return value


# Cron fields (minute hour day-of-month month day-of-week) and the values each takes; Sunday is 0 or 7.
_CRON_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7))
_CRON_NAMES = {
    3: {
        m: i + 1
        for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
    },
    4: {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])},
}
_CRON_PART = re.compile(r"^(\*|\w+(?:-\w+)?)(?:/(\d+))?$")


def _cron_value(token: str, index: int) -> int:
    value = _CRON_NAMES.get(index, {}).get(token.lower()) if not token.isdigit() else int(token)
    name, low, high = _CRON_FIELDS[index]
    if value is None or not low <= value <= high:
        raise ValueError(f"cron {name} {token!r} is not between {low} and {high}")
    return value


def _cron(value: str) -> str:
    """A five-field cron expression, as Dagster schedules take it (no seconds, no @daily)."""
    fields = value.split()
    if len(fields) != len(_CRON_FIELDS):
        raise ValueError(f"cron {value!r} must have 5 fields (minute hour day-of-month month day-of-week)")
    for index, field in enumerate(fields):
        for part in field.split(","):
            match = _CRON_PART.fullmatch(part)
            if not match or match.group(2) == "0":
                raise ValueError(f"cron {value!r}: {_CRON_FIELDS[index][0]} {part!r} is not a cron field")
            if match.group(1) != "*":
                bounds = [_cron_value(t, index) for t in match.group(1).split("-")]
                if bounds != sorted(bounds):
                    raise ValueError(f"cron {value!r}: range {part!r} runs backwards")
    return " ".join(fields)


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"timezone {value!r} is not an IANA time zone (e.g. UTC, Europe/Berlin)") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(_time_zone)]


class Schedule(ConfigSection):
    """When the nightly sync runs in Dagster: a cron expression read in `timezone` (IANA name), so
    02:00 stays 02:00 local time across daylight-saving changes."""

    cron: Annotated[str, AfterValidator(_cron)] = "0 2 * * *"
    timezone: TimeZoneName = "UTC"


class Webhook(ConfigSection):
    """An incoming-webhook URL (Slack, Microsoft Teams): a secret, written as `${VAR}`."""

    webhook: SecretStr

    @field_validator("webhook")
    @classmethod
    def _url(cls, value: SecretStr) -> SecretStr:
        if not re.match(r"^https?://[^\s/]+/", value.get_secret_value()):
            raise ValueError("webhook must be an http(s) URL with a path (the value is not shown: it is a secret)")
        return value


class StatusPage(ConfigSection):
    """Where the portfolio's status page goes: a space of a configured source, under one title."""

    source: Name
    space: Name
    title: str = Field(default="Portfolio status", min_length=1, max_length=255)


class Publish(ConfigSection):
    """Where the portfolio goes after each successful sync: a status page, and a digest to Slack
    and/or Microsoft Teams (RAG changes, forecast moves, failed or stale sources)."""

    confluence: StatusPage | None = None
    slack: Webhook | None = None
    teams: Webhook | None = None
    # A project's P85 finish moving by more than this many days since the last digest is news.
    p85_move_days: int = Field(default=7, ge=0, le=3650)


class PmhubConfig(ConfigSection):
    """The whole config file, after `${VAR}` substitution and cross-reference checks."""

    warehouse: str = "pmhub.duckdb"
    sources: Sources = Sources()
    portfolio: list[Project] = []
    rates: Rates = Rates()
    settings: Settings = Settings()
    people: list[PersonConfig] = []
    schedule: Schedule = Schedule()
    publish: Publish = Publish()

    # The tools this config model knows, in registration order (set by `config_model`).
    tools: ClassVar[tuple[ToolConfig, ...]] = ()

    @model_validator(mode="after")
    def _references(self) -> PmhubConfig:
        for tool in self.tools:
            names = [s.name for s in self.sources.of(tool.name)]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"sources.{tool.name}: duplicate source name {dupes[0]!r}")
        ids = [p.id for p in self.portfolio]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"portfolio: duplicate project id {dupes[0]!r}")
        # A work item belongs to one project: a container named by two would be counted in both, or
        # (as a shared Confluence space is) in neither. Containers of documents may be shared.
        owners: dict[tuple[str, str, str], str] = {}
        for p in self.portfolio:
            for tool in self.tools:
                known = {s.name for s in self.sources.of(tool.name)}
                for link in p.links(tool.name):
                    source = link.source_name()
                    if source not in known:
                        raise ValueError(
                            f"portfolio {p.id}: {tool.name} {link.source_key} {source!r} is not in sources.{tool.name}"
                        )
                    if not link.exclusive:
                        continue
                    first = owners.setdefault((tool.name, source, link.container()), p.id)
                    if first != p.id:
                        raise ValueError(
                            f"portfolio: {tool.name} {link.container_key} {link.container()!r} of {source!r} is in "
                            f"projects {first!r} and {p.id!r}; its items can belong to one project only"
                        )
        self._check_people()
        return self

    def _check_people(self) -> None:
        tools = {t.name: {s.name for s in self.sources.of(t.name)} for t in self.tools}
        claimed: dict[tuple[str, str], str] = {}
        slugs: dict[str, str] = {}
        for i, person in enumerate(self.people):
            slug = person_slug(person.name)
            if slug in slugs:
                raise ValueError(f"people[{i}]: {person.name!r} and {slugs[slug]!r} make the same person id")
            slugs[slug] = person.name
            for key, handle in person.handle_list():
                tool, _, source = key.partition(":")
                if key != "email" and (tool not in tools or (source and source not in tools[tool])):
                    known = ", ".join([*tools, "email"])
                    raise ValueError(
                        f"people[{i}] {person.name!r}: handles key {key!r} is not a tool ({known}) or <tool>:<source>"
                    )
                owner = claimed.setdefault((key, handle.lower() if key == "email" else handle), person.name)
                if owner != person.name:
                    raise ValueError(f"people: {key} handle {handle!r} is listed for {owner!r} and {person.name!r}")


def person_slug(name: str) -> str:
    """The id part a configured person's name gives: `person:<slug>`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "person"


@cache
def config_model(tools: tuple[ToolConfig, ...]) -> type[PmhubConfig]:
    """The config model that knows `tools`: `sources.<tool>` and each project's `<tool>` links."""
    # Field types built at run time: (list of the tool's model, default empty list) per tool.
    source_fields: dict[str, Any] = {t.name: (list.__class_getitem__(t.source), []) for t in tools}
    link_fields: dict[str, Any] = {t.name: (list.__class_getitem__(t.link), []) for t in tools}
    sources: type[Sources] = create_model("Sources", __base__=Sources, **source_fields)
    project: type[Project] = create_model("Project", __base__=Project, **link_fields)
    portfolio: Any = list.__class_getitem__(project)
    model: type[PmhubConfig] = create_model(
        "PmhubConfig", __base__=PmhubConfig, sources=(sources, sources()), portfolio=(portfolio, [])
    )
    model.tools = tools
    return model


def substitute_env(value: Any, env: Mapping[str, str], missing: list[str]) -> Any:
    """Replace every `${VAR}` in the strings of a parsed YAML tree; record unset names."""
    if isinstance(value, str):

        def repl(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in env:
                missing.append(name)
                return ""
            return env[name]

        return _ENV_REF.sub(repl, value)
    if isinstance(value, list):
        return [substitute_env(v, env, missing) for v in value]
    if isinstance(value, dict):
        return {k: substitute_env(v, env, missing) for k, v in value.items()}
    return value


def parse_tree(text: str, origin: str = "config") -> dict[str, Any]:
    """The config YAML as a mapping, `${VAR}` left as written; ConfigError when it is not one."""
    try:
        tree = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{origin}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if tree is None:
        return {}
    if not isinstance(tree, dict):
        raise ConfigError(f"{origin}: the top level must be a mapping (warehouse/sources/portfolio/rates)")
    return tree


def env_names(value: Any) -> set[str]:
    """The names of every `${VAR}` in the strings of a parsed YAML tree."""
    if isinstance(value, str):
        return set(_ENV_REF.findall(value))
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return set().union(*(env_names(v) for v in items))


def validation_error(exc: ValidationError, origin: str, within: str = "") -> ConfigError:
    """The first problem pydantic found, as one line naming its place (`within` prefixes it)."""
    first = exc.errors()[0]
    loc = ".".join([*([within] if within else []), *(str(p) for p in first["loc"])]) or "(top level)"
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return ConfigError(f"{origin}: {loc}: {first['msg']}{more}")


def parse_config(
    text: str, env: Mapping[str, str], tools: tuple[ToolConfig, ...], origin: str = "config"
) -> PmhubConfig:
    """Parse config YAML text for the registered `tools`, substituting `${VAR}` from `env`; raise
    ConfigError on any problem."""
    tree = parse_tree(text, origin)
    missing: list[str] = []
    resolved = substitute_env(tree, env, missing)
    if missing:
        names = ", ".join(sorted(set(missing)))
        raise ConfigError(f"{origin}: environment variable {names} is not set (referenced as ${{...}})")
    try:
        return config_model(tools).model_validate(resolved)
    except ValidationError as exc:
        raise validation_error(exc, origin) from None
