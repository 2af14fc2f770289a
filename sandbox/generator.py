"""Builds the sandbox portfolio from a seed: who works where, what each tool holds, and the truth.

Four PMO projects: Apollo (Jira APL + Trello "Apollo Design"), Borealis (Jira BOR), Cygnus (Trello
"Cygnus Launch") and Draco (Jira DRC + Trello "Draco Ops"); plus a Jira project NOISE and a board
"Team Social" outside the portfolio, and Confluence spaces PMO (charters) and ENG. The demo profile
also plants risk signals and adds a control project without any, Control (board "Control Room"; see
sandbox.plant_signals).
Only `random.Random(seed)` drives choices, so equal (seed, size, anchor) give identical data.
"""

from __future__ import annotations

import functools
import gc
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Literal, ParamSpec, TypeVar

from sandbox import realistic as realistic_profile
from sandbox.charters import CharterStyle
from sandbox.gen_confluence import CharterSpec, generate_confluence
from sandbox.gen_jira import JiraSpec, generate_jira
from sandbox.gen_people import make_people
from sandbox.gen_risks import plant_risks
from sandbox.gen_trello import TrelloSpec, generate_board
from sandbox.jira_catalog import CLASSIC_POINTS_FIELD, STORY_POINTS_FIELD
from sandbox.model import JiraIssue, PortfolioProject, TrelloBoard
from sandbox.plant_signals import (
    CONTROL_CHARTER,
    CONTROL_DAYS,
    CONTROL_ID,
    CONTROL_NAME,
    PlantedSignal,
    control_board,
    plant,
)
from sandbox.portfolio import CONFLUENCE_SPACE, Portfolio
from sandbox.portfolio_truth import portfolio_truth
from sandbox.realistic import PROFILES, Profile
from sandbox.realistic_refs import mention_people
from sandbox.realistic_text import block_pool
from sandbox.risk_truth import RiskTruth
from sandbox.signal_truth import risk_signal_truth
from sandbox.staffing import make_staffing
from sandbox.timefmt import midnight
from sandbox.truth import jira_figures, trello_figures

P = ParamSpec("P")
R = TypeVar("R")
Size = Literal["small", "medium", "large"]
SCALE: dict[str, int] = {"small": 1, "medium": 4, "large": 20}
StoryPointFields = Literal["estimate", "both"]
SprintFieldFormat = Literal["json", "legacy"]

# project id, name, Jira key, board name, kickoff days-before-anchor range, issues range, cards range
_PROJECTS = (
    ("apollo", "Apollo", "APL", "Apollo Design", (84, 96), (100, 130), (65, 80)),
    ("borealis", "Borealis", "BOR", None, (78, 90), (80, 110), (0, 1)),
    ("cygnus", "Cygnus", None, "Cygnus Launch", (60, 70), (0, 1), (50, 70)),
    ("draco", "Draco", "DRC", "Draco Ops", (100, 114), (110, 150), (40, 60)),
)
_LISTS = {
    "Apollo Design": (("Backlog", "To Do", "Doing", "Review", "Done"), "Parking lot"),
    "Cygnus Launch": (("Ideas", "Ready", "In Progress", "QA", "Shipped"), "Old ideas"),
    "Draco Ops": (("Inbox", "Next", "Working", "Waiting", "Done"), "Archive 2025"),
    "Team Social": (("Ideas", "Planned", "Done"), "Old"),
}
# How each charter writes its figures, a nominal budget for projects without logged hours, and the
# cost and schedule performance the charter's plan implies at the anchor date (CPI, SPI): one project
# on plan, one slightly off, one in trouble, so the demo shows what each RAG status looks like.
_CHARTERS = {
    "apollo": (CharterStyle("EUR", "€{comma}", "iso", False), 250_000, (1.04, 1.02)),
    "borealis": (CharterStyle("EUR", "{dot} EUR", "long", False), 180_000, (0.92, 0.97)),
    "cygnus": (CharterStyle("GBP", "{k}k", "picker", False), 95_000, (1.0, 0.91)),
    "draco": (CharterStyle("USD", "USD {space}", "long", True), 420_000, (0.81, 0.86)),
    CONTROL_ID: (CharterStyle("EUR", "€{comma}", "iso", False), 40_000, (1.0, 1.0)),
}
HOURLY_RATE = 95
SENIOR_RATE = 120


def _without_gc(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` with the cyclic garbage collector paused.

    Generation allocates millions of acyclic objects (histories, worklogs); each full collection
    would walk them all again, which made a 100,000-issue realistic site take twice as long.
    Reference counting still frees everything, so pausing loses nothing.
    """

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


@_without_gc
def generate(
    seed: int = 7,
    size: Size = "small",
    anchor: date | None = None,
    *,
    jira_issues: int | None = None,
    story_point_fields: StoryPointFields = "estimate",
    sprint_field_format: SprintFieldFormat = "json",
    profile: Profile = "demo",
) -> Portfolio:
    """Generate the portfolio. `anchor` defaults to today's UTC date; "now" is anchor 00:00 UTC.

    jira_issues: total issues of the three portfolio Jira projects (APL/BOR/DRC), split in the
    proportions `size` would give them; None keeps `size`'s counts. NOISE keeps its size-based count.
    story_point_fields: "estimate" = one story points field, "Story point estimate" (jsw type,
    customfield_10016); "both" also defines the classic "Story Points" number field
    (customfield_10028), which then holds BOR's points while the other projects keep theirs in the
    estimate field: each project uses exactly one, so one field per site is wrong for some project.
    sprint_field_format: "json" serves the Sprint field as objects, "legacy" as greenhopper strings.
    profile: "demo" (small, uniform issues over a few months) or "realistic" (a year and more of
    history, issues sized like a real Cloud site's, long-tailed changelogs and worklogs, a
    team-managed project and boards of every kind; see sandbox.realistic).
    """
    if size not in SCALE:
        raise ValueError(f"size must be one of {sorted(SCALE)}, not {size!r}")
    if jira_issues is not None and jira_issues < 3:
        raise ValueError(f"jira_issues must be at least 3 (one per portfolio project), not {jira_issues}")
    if story_point_fields not in ("estimate", "both") or sprint_field_format not in ("json", "legacy"):
        raise ValueError(f"unknown site variant {story_point_fields!r}/{sprint_field_format!r}")
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {list(PROFILES)}, not {profile!r}")
    realistic = profile == "realistic"
    anchor = anchor or datetime.now(UTC).date()
    now = midnight(anchor)
    rng = random.Random(seed)
    scale = SCALE[size]
    team_size = 5 + 2 * (scale - 1) // 3 + (3 if scale >= 20 else 0)
    people = make_people(rng, 5 * team_size)
    me, staff = people[0], people[1:]
    team_names = ("apollo", "borealis", "cygnus", "draco", "noise")
    teams = {pid: staff[i * team_size : (i + 1) * team_size] for i, pid in enumerate(team_names)}

    def pick(bounds: tuple[int, int]) -> int:
        return rng.randrange(bounds[0], bounds[1] + 1)

    kickoffs = {
        pid: anchor - timedelta(days=pick(realistic_profile.KICKOFF_DAYS[pid] if realistic else days))
        for pid, _n, _k, _b, days, _i, _c in _PROJECTS
    }
    drawn = {pid: pick(issues) for pid, _n, key, _b, _d, issues, _c in _PROJECTS if key}
    counts = _split(jira_issues, drawn) if jira_issues is not None else {p: n * scale for p, n in drawn.items()}
    classic = {"BOR"} if story_point_fields == "both" else set()
    jira_specs = [
        JiraSpec(
            key,
            name,
            pid,
            kickoffs[pid],
            counts[pid],
            "scrum",
            True,
            teams[pid],
            CLASSIC_POINTS_FIELD if key in classic else STORY_POINTS_FIELD,
        )
        for pid, name, key, _b, _d, _i, _c in _PROJECTS
        if key
    ]
    noise_days = realistic_profile.NOISE_DAYS if realistic else 120
    jira_specs.append(
        JiraSpec(
            "NOISE",
            "Office Noise",
            "noise",
            anchor - timedelta(days=noise_days),
            25 * scale,
            "kanban",
            False,
            teams["noise"],
        )
    )
    pool = None
    if realistic:
        jira_specs = [replace(spec, **realistic_profile.LAYOUT.get(spec.key, {})) for spec in jira_specs]
        pool = block_pool(seed, mention_people(people))
    site = generate_jira(rng, jira_specs, people, now, pool)

    board_specs = [
        TrelloSpec(board, pid, kickoffs[pid], pick(cards) * scale, *_LISTS[board], True, teams[pid][:4])
        for pid, _n, _k, board, _d, _i, cards in _PROJECTS
        if board
    ]
    board_specs.append(
        TrelloSpec(
            "Team Social",
            "noise",
            anchor - timedelta(days=90),
            20 * scale,
            *_LISTS["Team Social"],
            False,
            teams["noise"][:3],
        )
    )
    boards = tuple(generate_board(rng, spec, me, now) for spec in board_specs)
    board_ids = {spec.name: board.id for spec, board in zip(board_specs, boards, strict=True)}

    projects = tuple(
        PortfolioProject(pid, name, key, board_ids[board] if board else None, f"{name} charter")
        for pid, name, key, board, _d, _i, _c in _PROJECTS
    )
    # Issue 15: planted risk signals and a control project without any (sandbox.plant_signals).
    planted_signals: tuple[PlantedSignal, ...] = ()
    if not realistic:
        planted = plant(site, boards, projects, now)
        site, boards, planted_signals = planted.site, planted.boards, planted.signals
        teams[CONTROL_ID] = teams["noise"][:2]
        kickoffs[CONTROL_ID] = anchor - timedelta(days=CONTROL_DAYS)
        control = control_board(seed, me, teams[CONTROL_ID], anchor)
        boards = (*(b for b in boards if b.in_portfolio), control, *(b for b in boards if not b.in_portfolio))
        projects = (*projects, PortfolioProject(CONTROL_ID, CONTROL_NAME, None, control.id, CONTROL_CHARTER))
    top_logger = Counter(w.author for i in site.issues if i.project_key == "APL" for w in i.worklogs).most_common(1)
    rates = {who: SENIOR_RATE for who, _n in top_logger}
    charters = []
    for project in projects:
        style, nominal, (cpi, spi) = _CHARTERS[project.id]
        board = next((b for b in boards if b.id == project.trello_board_id), None)
        issues = [i for i in site.issues if i.project_key == project.jira_key]
        amount, end = _plan(issues, board, rates, nominal, cpi, spi, kickoffs[project.id], anchor)
        charters.append(
            CharterSpec(
                project.charter_title,
                project.name,
                amount,
                kickoffs[project.id],
                end,
                style,
                teams[project.id][0].account_id,
            )
        )
    authors = [me.account_id, *(teams[pid][0].account_id for pid in ("apollo", "borealis", "draco"))]
    spaces = generate_confluence(rng, charters, authors, min(kickoffs.values()) - timedelta(days=25), now)
    risks: tuple[JiraIssue, ...] = ()
    risk_truth: tuple[RiskTruth, ...] = ()
    if not realistic:  # the demo's risk register (sandbox.gen_risks), from a generator of its own
        currencies = {p.id: c.style.currency for p, c in zip(projects, charters, strict=True)}
        risks, spaces, risk_truth = plant_risks(
            seed, site.issues, teams, me, spaces, authors, now, currencies, CONFLUENCE_SPACE
        )

    pmo = next(s for s in spaces if s.key == CONFLUENCE_SPACE)
    truth = portfolio_truth(site, boards, projects, charters, len(pmo.pages), rates, anchor, HOURLY_RATE)
    truth = replace(truth, risks=risk_truth)
    signals = risk_signal_truth(site.issues, site.sprints, site.projects, boards, projects, truth.projects, anchor)
    truth = replace(truth, planted_signals=planted_signals, risk_signals=signals)
    return Portfolio(
        seed=seed,
        size=size,
        anchor=anchor,
        people=people,
        jira_projects=site.projects,
        sprints=site.sprints,
        issues=site.issues,
        trello_boards=boards,
        spaces=spaces,
        projects=projects,
        default_hourly_rate=HOURLY_RATE,
        hourly_rates=tuple(rates.items()),
        ground_truth=truth,
        jira_issues=jira_issues,
        story_point_fields=story_point_fields,
        sprint_field_format=sprint_field_format,
        profile=profile,
        jira_boards=site.boards,
        staffing=make_staffing(teams, anchor),
        risk_issues=risks,
    )


def _split(total: int, weights: dict[str, int]) -> dict[str, int]:
    """`total` split in proportion to `weights` (largest remainder), every share at least 1."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    shares = {key: max(1, int(value)) for key, value in exact.items()}
    by_remainder = sorted(weights, key=lambda key: (shares[key] - exact[key], key))
    for key in by_remainder[: max(0, total - sum(shares.values()))]:
        shares[key] += 1
    return shares


def _plan(
    issues: list[JiraIssue],
    board: TrelloBoard | None,
    rates: dict[str, int],
    nominal: int,
    cpi: float,
    spi: float,
    start: date,
    anchor: date,
) -> tuple[int, date]:
    """Budget and planned end that make the project run at `cpi` and `spi` on the anchor date.

    With share done p (items) and cost so far AC, a budget of cpi x AC / p gives EV / AC = cpi; a
    planned length of elapsed x spi / p days gives EV / PV = spi under a linear plan. Figures are
    rounded as people type them, so the realised indices are close to, not exactly, the targets.
    """
    items, done, *_rest = jira_figures(issues)
    cards, cards_done, _archived, _moves = trello_figures(board)
    share_done = (done + cards_done) / max(1, items + cards)
    cost = sum(w.seconds / 3600 * rates.get(w.author, HOURLY_RATE) for i in issues for w in i.worklogs)
    amount = cpi * cost / share_done if cost and share_done else float(nominal)
    elapsed = (anchor - start).days + 1
    planned_days = max(elapsed + 14, round(elapsed * spi / share_done)) if share_done else elapsed * 2
    return int(round(amount, -3)), start + timedelta(days=planned_days - 1)
