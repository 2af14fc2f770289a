"""Changelog histories of the realistic profile beyond the scrum simulation, with a long tail.

Every history here changes a field neither the simulation nor the ground truth reads (status,
Sprint, story points and assignee histories all come from sandbox.jira_sim), so sprint reports,
burn-ups and costs stay exactly the simulated ones:

- body: what people do to an issue in its first days and weeks: description edits, custom fields,
  components, links and attachments set after creation (each the value the issue serves, from
  sandbox.realistic_content), re-ranking, priority, labels and summary changes, flagging;
- tail: one issue in twelve collects dozens of histories and one in fifty hundreds (backlog
  re-ranking and an automation rule writing a "Deployment status" field); one in two thousand, an
  issue an integration keeps in sync, over a thousand ("Sync status").

An automation field's value is the last one its changelog wrote (sandbox.realistic_json reads it
back). Nothing is written after the generation "now".
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sandbox.jira_catalog import PRIORITIES, RANK_FIELD
from sandbox.jira_draft import IssueDraft
from sandbox.model import ChangeItem, Person
from sandbox.realistic_content import Held, IssueContent, issue_content
from sandbox.realistic_fields import DEPLOYMENT_STATUS, SYNC_STATUS, CustomField
from sandbox.realistic_refs import component, date_text, link_text, option_id, person, team
from sandbox.realistic_text import BlockPool
from sandbox.timefmt import jira_ts

HEAVY_SHARE = 0.02  # issues with 150 or more histories
GIANT_SHARE = 0.0005  # issues with over 1,000 histories
BUSY_SHARE = 0.06  # issues with 21 to 140
_RANKS = (
    (ChangeItem("Rank", "custom", RANK_FIELD, "", "", "", "Ranked higher"),),
    (ChangeItem("Rank", "custom", RANK_FIELD, "", "", "", "Ranked lower"),),
)
_DEPLOY_STATES = ("queued", "building", "deployed to staging", "deployed to production", "rolled back")
_SYNC_STATES = ("in sync", "pending", "updated from ServiceNow", "conflict", "retrying")
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class NoiseContext:
    """A project's side of the site: `slot` (project id - 10000), `scoped` (team-managed project)."""

    now: datetime
    team: Sequence[str]
    people: Sequence[Person]
    slot: int
    scoped: bool
    pool: BlockPool


def age_minutes(created: datetime, now: datetime) -> int:
    """Whole minutes from creation to `now`, less one: content set at or after it has not happened."""
    return int((now - created).total_seconds() // 60) - 1


def draft_content(draft: IssueDraft, ctx: NoiseContext) -> IssueContent | None:
    if draft.content_seed is None:
        return None
    return issue_content(draft.content_seed, draft.issue_type, ctx.scoped, age_minutes(draft.created, ctx.now))


@cache
def _automation_item(field: CustomField, before: str | None, after: str) -> tuple[ChangeItem, ...]:
    # Shared item tuples: a thousand histories of one field cost a thousand references, not items.
    return (ChangeItem(field.name, "custom", field.id, None, before, None, after),)


def display(held: Held, ctx: NoiseContext, created: datetime) -> tuple[str | None, str]:
    """(to, toString) of the changelog item that set a custom field to `held`'s value."""
    field, value = held.field, held.value
    kind = field.kind
    if kind == "option":
        return option_id(field.num, value), field.options[value]
    if kind == "options":
        ids = ", ".join(option_id(field.num, i) for i in value)
        return f"[{ids}]", ",".join(field.options[i] for i in value)
    if kind == "user":
        who = person(ctx.people, value)
        return who.account_id, who.display_name
    if kind == "users":
        chosen = [person(ctx.people, v) for v in value]
        return "[" + ", ".join(p.account_id for p in chosen) + "]", ", ".join(p.display_name for p in chosen)
    if kind == "team":
        return team(value)
    if kind == "date":
        day = (created + timedelta(days=value)).date()
        return day.isoformat(), date_text(day)
    if kind == "datetime":
        return None, jira_ts(created + timedelta(minutes=value))
    if kind == "number":
        return None, str(int(value)) if value == int(value) else str(value)
    if kind == "richtext":
        return None, ctx.pool.wiki(value)
    if kind == "labels":
        return None, " ".join(value)
    return None, str(value)


def _body(rng: random.Random, draft: IssueDraft, ctx: NoiseContext) -> None:
    content = draft_content(draft, ctx)
    created = draft.created
    changes: list[tuple[int, tuple[ChangeItem, ...]]] = []
    if content is not None and content.description is not None:
        blocks, cuts = content.description, content.versions
        for k, minutes in enumerate(content.edited_after):
            old, new = ctx.pool.wiki(blocks[: cuts[k]]), ctx.pool.wiki(blocks[: cuts[k + 1]])
            changes.append((minutes, (ChangeItem("description", "jira", "description", None, old, None, new),)))
    if content is not None:
        for held in content.held:
            if held.set_after is not None:
                to, text = display(held, ctx, created)
                changes.append(
                    (held.set_after, (ChangeItem(held.field.name, "custom", held.field.id, None, None, to, text),))
                )
        if content.components and content.components_after is not None:
            for index in content.components:
                cid, name = component(ctx.slot, index)
                changes.append(
                    (content.components_after, (ChangeItem("Component", "jira", "components", None, None, cid, name),))
                )
        for link in content.links:
            if draft.num - link.back >= 1:
                key = f"{draft.project_key}-{draft.num - link.back}"
                text = link_text(link.kind, link.outward, key)
                changes.append((link.set_after, (ChangeItem("Link", "jira", "issuelinks", None, None, key, text),)))
        for k, attached in enumerate(content.attachments):
            item = ChangeItem(
                "Attachment",
                "jira",
                "attachment",
                None,
                None,
                attachment_id(draft.content_seed or 0, k),
                attached.filename,
            )
            changes.append((attached.set_after, (item,)))
    age = age_minutes(created, ctx.now)
    if rng.random() < 0.25:
        changes += [(_offset(rng), rng.choice(_RANKS)) for _ in range(1 + min(int(rng.expovariate(0.6)), 12))]
    chains = []
    if rng.random() < 0.1:
        chains.append(("priority", sorted(_offset(rng) for _ in range(rng.choice((1, 1, 2))))))
    if draft.labels and rng.random() < 0.12:
        chains.append(("labels", [_offset(rng)]))
    if rng.random() < 0.08:
        chains.append(("summary", [_offset(rng)]))
    for name, offsets in chains:
        changes += _chain(rng, draft, name, [m for m in offsets if m < age])
    for minutes, items in sorted((c for c in changes if c[0] < age), key=lambda c: c[0]):
        draft.note(created + minutes * _MINUTE, _author(rng, draft, ctx), items)
    if rng.random() < 0.03:
        toggles = sorted(m for m in (_offset(rng) for _ in range(rng.choice((1, 2, 2)))) if m < age)
        for minutes in toggles:
            draft.toggle_flag(created + minutes * _MINUTE, _author(rng, draft, ctx))


def attachment_id(seed: int, index: int) -> str:
    """A site-wide attachment id for the issue with this content seed."""
    return str(10000 + (seed >> 4) % 10**9 * 10 + index)


def _offset(rng: random.Random) -> int:
    """Minutes after creation of a change: most in the first days, a few weeks later."""
    return 5 + int(rng.expovariate(1 / (60 * 24 * 3)))


def _author(rng: random.Random, draft: IssueDraft, ctx: NoiseContext) -> str:
    return draft.assignee if draft.assignee and rng.random() < 0.5 else rng.choice(ctx.team)


def _chain(
    rng: random.Random, draft: IssueDraft, name: str, offsets: list[int]
) -> list[tuple[int, tuple[ChangeItem, ...]]]:
    """Changes of `name` at `offsets` (sorted) whose last one leaves the field as the issue holds it."""
    out: list[tuple[int, tuple[ChangeItem, ...]]] = []
    after: str = {"priority": draft.priority, "labels": " ".join(draft.labels), "summary": draft.summary}[name]
    for minutes in reversed(offsets):
        if name == "priority":
            before = rng.choice([p for p in PRIORITIES if p != after])
            item = ChangeItem("priority", "jira", "priority", PRIORITIES[before], before, PRIORITIES[after], after)
        elif name == "labels":
            before = " ".join(after.split()[:-1])
            item = ChangeItem("labels", "jira", "labels", None, before, None, after)
        else:
            before = after.rsplit(" ", 1)[0] if " " in after else f"Draft: {after}"
            item = ChangeItem("summary", "jira", "summary", None, before, None, after)
        out.append((minutes, (item,)))
        after = before
    return out


def _tail(rng: random.Random, draft: IssueDraft, ctx: NoiseContext, target: int, giant: bool) -> None:
    """Histories until the issue has `target`: re-ranking and an automation rule writing its field."""
    extra = target - len(draft.events)
    if extra <= 0:
        return
    start = draft.created + 5 * _MINUTE
    ongoing = rng.random() < (0.3 if giant else 0.08)  # most rules were switched off or the work moved on
    end = ctx.now - timedelta(seconds=1)
    if not ongoing:
        end = start + (end - start) * rng.uniform(0.1, 0.9)
    field, states = (SYNC_STATUS, _SYNC_STATES) if giant else (DEPLOYMENT_STATUS, _DEPLOY_STATES)
    automated = 0.85 if giant else 0.4
    bot, team, window, random_ = ctx.team[-1], ctx.team, end - start, rng.random
    value: str | None = None
    for share in sorted(random_() for _ in range(extra)):
        at = start + window * share
        if random_() < automated:
            others = [s for s in states if s != value]
            after = others[int(random_() * len(others))]
            draft.note(at, bot, _automation_item(field, value, after))
            value = after
        else:
            draft.note(at, team[int(random_() * len(team))], _RANKS[random_() < 0.5])


def add_history(rng: random.Random, drafts: Sequence[IssueDraft], ctx: NoiseContext) -> None:
    """Body histories on every issue, then the tail on a few issues at least a month old."""
    for draft in drafts:
        _body(rng, draft, ctx)
    old = [d for d in drafts if d.created < ctx.now - timedelta(days=30)]
    order = rng.sample(old, len(old))
    giants = int(len(drafts) * GIANT_SHARE + 0.5)
    heavy = giants + round(len(drafts) * HEAVY_SHARE)
    busy = heavy + round(len(drafts) * BUSY_SHARE)
    for rank, draft in enumerate(order[:busy]):
        if rank < giants:
            _tail(rng, draft, ctx, 1001 + min(int(rng.expovariate(1 / 700)), 3000), True)
        elif rank < heavy:
            _tail(rng, draft, ctx, 150 + min(int(rng.expovariate(1 / 110)), 700), False)
        else:
            _tail(rng, draft, ctx, 21 + min(int(rng.expovariate(1 / 25)), 120), False)
