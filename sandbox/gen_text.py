"""Invented work-item titles and comments, themed per project so the data reads plausibly."""

from __future__ import annotations

import random

THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # project id -> (objects, roles)
    "apollo": (
        (
            "booking flow",
            "payment page",
            "seat map",
            "loyalty widget",
            "itinerary email",
            "search filters",
            "fare calendar",
            "checkout API",
            "mobile header",
            "price alerts",
        ),
        ("traveller", "agent", "admin"),
    ),
    "borealis": (
        (
            "sensor ingest",
            "alert rules",
            "weather feed",
            "station registry",
            "map tiles",
            "export job",
            "retention policy",
            "dashboard",
            "calibration screen",
            "ingest queue",
        ),
        ("analyst", "operator"),
    ),
    "cygnus": (
        (
            "launch checklist",
            "press kit",
            "landing page",
            "pricing sheet",
            "demo video",
            "partner brief",
            "webinar",
            "release notes",
            "social calendar",
            "FAQ",
        ),
        ("marketer", "partner"),
    ),
    "draco": (
        (
            "backup job",
            "VPN gateway",
            "log shipping",
            "patch window",
            "DNS failover",
            "cost report",
            "on-call rota",
            "certificate renewal",
            "status page",
            "runbook",
        ),
        ("engineer", "on-call lead"),
    ),
    "noise": (("coffee machine", "team offsite", "book club", "desk booking", "quiz night"), ("colleague",)),
}
_STORY_VERBS = ("filter", "export", "review", "save", "compare", "share", "schedule", "restore")
_BUG_SYMPTOMS = (
    "times out",
    "shows stale data",
    "crashes",
    "rounds totals wrongly",
    "ignores the locale",
    "loses the selection",
    "renders blank",
)
_BUG_WHEN = ("on Safari", "after a refresh", "for large accounts", "at month end", "when offline", "in dark mode")
_TASK_VERBS = ("Upgrade", "Document", "Migrate", "Audit", "Automate", "Clean up", "Benchmark", "Configure")
_COMMENTS = (
    "Looks good to me.",
    "Blocked on the vendor reply.",
    "Moved after stand-up.",
    "Need input from design.",
    "Done on staging, waiting for sign-off.",
    "Split into two cards.",
    "Deadline agreed with sponsor.",
)


def issue_summary(rng: random.Random, theme: str, issue_type: str) -> str:
    objects, roles = THEMES[theme]
    obj = rng.choice(objects)
    if issue_type == "Story":
        return f"As a {rng.choice(roles)} I can {rng.choice(_STORY_VERBS)} the {obj}"
    if issue_type == "Bug":
        return f"{obj.capitalize()} {rng.choice(_BUG_SYMPTOMS)} {rng.choice(_BUG_WHEN)}"
    return f"{rng.choice(_TASK_VERBS)} the {obj}"


def card_name(rng: random.Random, theme: str) -> str:
    objects, _roles = THEMES[theme]
    return f"{rng.choice(_TASK_VERBS)} {rng.choice(objects)}"


def comment(rng: random.Random) -> str:
    return rng.choice(_COMMENTS)
