"""Generates one Jira Cloud site: projects, boards, sprints and issues with full history.

Ids follow Jira's habits: issue, changelog and worklog ids are site-wide and grow with time, issue keys
grow per project, sprint ids are site-wide and grow per board.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sandbox.gen_text import issue_summary
from sandbox.jira_catalog import EPIC, STORY_POINTS_FIELD
from sandbox.jira_draft import IssueDraft
from sandbox.jira_sim import ESTIMATED_SHARE, SimContext, estimate, simulate, simulate_kanban
from sandbox.jira_worklogs import add_noise, make_worklogs
from sandbox.model import ChangeHistory, JiraBoard, JiraIssue, JiraProject, Person, Sprint, Worklog
from sandbox.realistic_gen import realistic_drafts, realistic_worklogs
from sandbox.realistic_history import NoiseContext, add_history
from sandbox.realistic_text import BlockPool
from sandbox.timefmt import between, midnight

_LABELS = ("frontend", "backend", "ux", "infra", "tech-debt", "customer")
# Goals are free text: commas (even a trailing one) are common and break naive sprint-string parsers.
_GOALS = (
    "Ship the first usable slice",
    "Stabilise before the demo",
    "Close the top customer bugs: login, export, and billing",
    "Finish the integration",
    "Harden, document, and hand over,",
    "Prepare the pilot",
)


@dataclass(frozen=True)
class JiraSpec:
    """What to generate for one Jira project.

    board_type: its own board's type (scrum, kanban, or simple for a team-managed project);
    style: "classic" or "next-gen" (team-managed). extra_boards: more boards located in the
    project, (name, type), none running sprints. sprint_board: the name of a board whose filter
    names no project and whose sprints hold this project's issues (its own board then runs none).
    """

    key: str
    name: str
    theme: str
    kickoff: date
    issues: int
    board_type: str
    in_portfolio: bool
    team: tuple[Person, ...]
    points_field: str = STORY_POINTS_FIELD
    style: str = "classic"
    extra_boards: tuple[tuple[str, str], ...] = ()
    sprint_board: str | None = None


@dataclass(frozen=True)
class JiraSite:
    """The generated site. planted: project key -> scenario name -> issue key (sandbox.jira_plant).
    boards: every agile board, by id."""

    projects: tuple[JiraProject, ...]
    sprints: tuple[Sprint, ...]
    issues: tuple[JiraIssue, ...]
    planted: dict[str, dict[str, str]] = field(default_factory=dict)
    boards: tuple[JiraBoard, ...] = ()


def schedule_sprints(
    rng: random.Random, key: str, board_id: int, first_id: int, kickoff: date, now: datetime
) -> list[Sprint]:
    """Two-week sprints from the first Monday after kickoff: closed ones, the active one, one future.

    Sprints start Monday 09:30 and end two weeks later at 09:00, completed minutes after, so "now"
    (always 00:00) falls inside exactly one sprint. The future sprint has no goal yet.
    """
    first_monday = kickoff + timedelta(days=7 - kickoff.weekday())
    sprints: list[Sprint] = []
    for k in itertools.count():
        start = midnight(first_monday + timedelta(days=14 * k)) + timedelta(hours=9, minutes=30 + rng.randrange(20))
        if start >= now:
            break
        end = midnight(first_monday + timedelta(days=14 * (k + 1))) + timedelta(hours=9)
        complete = end + timedelta(minutes=rng.randrange(2, 25), seconds=rng.randrange(60))
        closed = complete < now
        sprints.append(
            Sprint(
                id=first_id + k,
                board_id=board_id,
                name=f"{key} Sprint {k + 1}",
                state="closed" if closed else "active",
                goal=rng.choice(_GOALS),
                start=start,
                end=end,
                complete=complete if closed else None,
                created=start - timedelta(days=rng.randrange(2, 6), hours=rng.randrange(8)),
            )
        )
    active_start = sprints[-1].start if sprints else midnight(kickoff)
    assert active_start is not None
    # A goal is drawn and dropped so the random stream, and with it every site generated before future
    # sprints lost their goal, stays the same.
    rng.choice(_GOALS)
    sprints.append(
        Sprint(
            id=first_id + len(sprints),
            board_id=board_id,
            name=f"{key} Sprint {len(sprints) + 1}",
            state="future",
            goal=None,
            start=None,
            end=None,
            complete=None,
            created=between(rng, active_start, now - timedelta(hours=3)),
        )
    )
    return sprints


def _drafts(rng: random.Random, spec: JiraSpec, now: datetime, seq: itertools.count[int]) -> list[IssueDraft]:
    """The project's issues at creation: a batch at kickoff, then a steady trickle until now."""
    kickoff = midnight(spec.kickoff) + timedelta(hours=8)
    times = sorted(
        between(rng, kickoff, kickoff + timedelta(days=5))
        if rng.random() < 0.35
        else between(rng, kickoff, now - timedelta(hours=6))
        for _ in range(spec.issues)
    )
    drafts = []
    for num, created in enumerate(times, start=1):
        issue_type = rng.choices(("Story", "Bug", "Task"), (55, 20, 25))[0]
        estimated = rng.random() < ESTIMATED_SHARE[issue_type]
        drafts.append(
            IssueDraft(
                num=num,
                project_key=spec.key,
                issue_type=issue_type,
                summary=issue_summary(rng, spec.theme, issue_type),
                priority=rng.choices(("Highest", "High", "Medium", "Low"), (1, 4, 10, 3))[0],
                created=created,
                reporter=rng.choice(spec.team).account_id,
                points=estimate(rng) if estimated else None,
                due=(created + timedelta(days=rng.randrange(14, 70))).date() if rng.random() < 0.2 else None,
                labels=tuple(sorted(rng.sample(_LABELS, rng.choice((0, 1, 1, 2))))),
                seq=seq,
                points_field=spec.points_field,
            )
        )
    return drafts


def generate_jira(
    rng: random.Random,
    specs: Sequence[JiraSpec],
    people: Sequence[Person],
    now: datetime,
    pool: BlockPool | None = None,
) -> JiraSite:
    """Simulate every project, then give issues, histories and worklogs their site-wide ids.

    `pool` (the site's rich-text blocks) selects the realistic profile: realistic drafts, epics,
    changelog tail and worklog tail (sandbox.realistic); without it the demo site is generated.
    """
    names = {p.account_id: p.display_name for p in people}
    seq = itertools.count()
    projects: list[JiraProject] = []
    sprints: list[Sprint] = []
    per_project: list[tuple[list[IssueDraft], dict[int, list[Worklog]]]] = []
    planted: dict[str, dict[str, str]] = {}
    boards = _boards(specs)
    for index, spec in enumerate(specs):
        lead = spec.team[0].account_id
        board = next(b for b in boards if b.name == (spec.sprint_board or f"{spec.key} board"))
        projects.append(
            JiraProject(
                id=str(10000 + index),
                key=spec.key,
                name=spec.name,
                lead=lead,
                board_id=board.id,
                board_type=board.type,
                in_portfolio=spec.in_portfolio,
                points_field=spec.points_field,
                style=spec.style,
            )
        )
        prefix = spec.sprint_board or spec.key
        board_sprints = (
            schedule_sprints(rng, prefix, board.id, len(sprints) + 1, spec.kickoff, now)
            if board.type in ("scrum", "simple")
            else []
        )
        sprints += board_sprints
        drafts = realistic_drafts(rng, spec, now, seq) if pool else _drafts(rng, spec, now, seq)
        ctx = SimContext(rng, now, [p.account_id for p in spec.team], lead, names, {s.id: s.name for s in sprints})
        if board_sprints:
            planted[spec.key] = simulate(ctx, drafts, board_sprints)
        else:
            simulate_kanban(ctx, drafts)
        if pool is None:
            add_noise(rng, drafts, ctx.team, now)
            per_project.append((drafts, make_worklogs(rng, drafts, ctx.team, now, seq)))
            continue
        if board_sprints:  # epics stay out of sprints and move on their own, over months
            simulate_kanban(ctx, [d for d in drafts if d.issue_type == EPIC])
        add_history(rng, drafts, NoiseContext(now, ctx.team, people, index, spec.style == "next-gen", pool))
        per_project.append((drafts, realistic_worklogs(rng, drafts, ctx.team, now, seq)))
    return JiraSite(tuple(projects), tuple(sprints), _finalise(per_project), planted, boards)


def _boards(specs: Sequence[JiraSpec]) -> tuple[JiraBoard, ...]:
    """Each project's own board (id = its position + 1), then extra boards and project-less sprint boards."""
    boards = [JiraBoard(i + 1, f"{s.key} board", s.board_type, s.key) for i, s in enumerate(specs)]
    for spec in specs:
        for name, board_type in spec.extra_boards:
            boards.append(JiraBoard(len(boards) + 1, name, board_type, spec.key))
    for spec in specs:
        if spec.sprint_board is not None and all(b.name != spec.sprint_board for b in boards):
            boards.append(JiraBoard(len(boards) + 1, spec.sprint_board, "scrum", None))
    return tuple(boards)


def _finalise(per_project: list[tuple[list[IssueDraft], dict[int, list[Worklog]]]]) -> tuple[JiraIssue, ...]:
    """Assign site-wide ids in time order and freeze every draft into a JiraIssue."""
    drafts = sorted((d for ds, _ in per_project for d in ds), key=lambda d: (d.created, d.project_key, d.num))
    issue_ids = {(d.project_key, d.num): 10001 + i for i, d in enumerate(drafts)}
    events: list[tuple[datetime, int, int]] = []
    for draft in drafts:
        issue_id = issue_ids[(draft.project_key, draft.num)]
        events += [(e.at, issue_id, e.seq) for e in draft.events]
    events.sort()
    history_ids = {seq: 10001 + i for i, (_at, _issue, seq) in enumerate(events)}
    worklogs = sorted(
        (w for _ds, by_num in per_project for ws in by_num.values() for w in ws), key=lambda w: (w.created, w.id)
    )
    worklog_ids = {w.id: 10001 + i for i, w in enumerate(worklogs)}
    by_draft = {(ds[0].project_key, num): ws for ds, by_num in per_project if ds for num, ws in by_num.items()}
    issues = []
    for draft in drafts:
        issue_id = issue_ids[(draft.project_key, draft.num)]
        histories = tuple(
            ChangeHistory(history_ids[e.seq], e.author, e.at, tuple(e.items))
            for e in sorted(draft.events, key=lambda e: (e.at, e.seq))
        )
        logs = tuple(
            Worklog(worklog_ids[w.id], issue_id, w.author, w.started, w.seconds, w.created, w.updated, w.comment)
            for w in by_draft.get((draft.project_key, draft.num), [])
        )
        updated = max([draft.created, *(h.created for h in histories), *(w.updated for w in logs)])
        issues.append(
            JiraIssue(
                id=issue_id,
                key=draft.key,
                project_key=draft.project_key,
                issue_type=draft.issue_type,
                summary=draft.summary,
                priority=draft.priority,
                status_id=draft.status.id,
                assignee=draft.assignee,
                reporter=draft.reporter,
                created=draft.created,
                updated=updated,
                resolution_date=draft.resolution_date,
                status_category_changed=draft.category_changed or draft.created,
                due_date=draft.due,
                story_points=draft.points,
                sprint_ids=tuple(draft.sprints),
                labels=draft.labels,
                flagged=draft.flagged,
                histories=histories,
                worklogs=logs,
                content_seed=draft.content_seed,
            )
        )
    return tuple(issues)
