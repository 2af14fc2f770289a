"""`pmhub sandbox serve`: run the sandbox in the foreground until Ctrl-C.

Scale (`--scale`): `small`, `medium` or `large`, and/or `jira_issues=N` for N issues across the
three portfolio Jira projects, comma-separated: `--scale jira_issues=100000`, `--scale
large,jira_issues=5000`. Site variants: `--story-point-fields both`, `--sprint-field-format legacy`.
Behaviour: `--jql-time-zone America/New_York`, `--index-lag-minutes 5` (see SandboxServer).

Fault grammar (`--faults`, one spec per fault):

    <status>:<path-regex>:<count>[:<retry-after-seconds>]
    burst:<count>[:<retry-after-seconds>[:<after-requests>]]

- status: 429 (rate limited) or 503 (unavailable); the body is the vendor's error shape.
- path-regex: searched in the request path (no query string); it may contain ":" since the
  numbers are read from the right.
- count: how many matching requests fail before the path answers normally again.
- retry-after: optional `Retry-After` header value in seconds (429 defaults to 1).
- burst: Jira's burst limit over every /rest/ path, after `after-requests` pass, with the
  `RateLimit-Reason: jira-burst-based` and `X-RateLimit-NearLimit` headers (see sandbox.faults).

Examples: `429:/rest/api/3/search/jql:2:0` (two throttled searches, Retry-After 0),
`503:^/1/boards/.*/actions$:1` (one Trello actions call unavailable), `burst:5:2:100`.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, cast

import yaml

from sandbox.generator import SCALE, Size, SprintFieldFormat, StoryPointFields, generate
from sandbox.server import SandboxServer


def parse_scale(text: str) -> tuple[str, int | None]:
    """(size, jira_issues) from `small|medium|large` and/or `jira_issues=N`, comma-separated."""
    size, jira_issues = "small", None
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, value = part.partition("=")
        if not sep and name in SCALE:
            size = name
        elif sep and name.strip() == "jira_issues" and value.strip().isdigit():
            jira_issues = int(value)
        else:
            raise ValueError(f"scale {text!r}: expected small, medium, large and/or jira_issues=N, not {part!r}")
    return size, jira_issues


def start_sandbox(
    port: int,
    seed: int,
    size: str,
    latency_ms: int,
    faults: list[str],
    config_out: Path | None,
    *,
    jql_time_zone: str = "UTC",
    index_lag_minutes: int = 0,
    story_point_fields: str = "estimate",
    sprint_field_format: str = "json",
) -> SandboxServer:
    """Generate, start the server, write the config if asked, and print how to use it."""
    scale, jira_issues = parse_scale(size)
    started = time.monotonic()
    portfolio = generate(
        seed=seed,
        size=cast(Size, scale),
        jira_issues=jira_issues,
        story_point_fields=cast(StoryPointFields, story_point_fields),
        sprint_field_format=cast(SprintFieldFormat, sprint_field_format),
    )
    options: dict[str, Any] = {"jql_time_zone": jql_time_zone, "index_lag_minutes": index_lag_minutes}
    server = SandboxServer(portfolio, port=port, latency_ms=latency_ms, faults=faults, **options)
    server.start()
    truth = portfolio.ground_truth
    print(
        f"pmhub sandbox (seed {seed}, scale {size}, as of {portfolio.anchor}, ready in "
        f"{time.monotonic() - started:.1f} s) listening on {server.url}"
    )
    print(
        f"  Jira {server.url}/rest/api/3  Jira Software {server.url}/rest/agile/1.0  "
        f"Confluence {server.url}/wiki/api/v2  Trello {server.url}/1"
    )
    print(f"  controls {server.url}/_sandbox/ (mutate, truth, stats, reset-stats, clock, faults)")
    print(
        f"  expected: {truth.work_items} work items, {truth.status_changes} status changes, "
        f"{truth.sprints} sprints, {truth.worklogs} worklogs, {truth.documents} documents"
    )
    if config_out is not None:
        config_out.write_text(yaml.safe_dump(portfolio.pmhub_config(server.url), sort_keys=False))
        print(f"Wrote {config_out}. Export these, then run: pmhub sync --config {config_out}")
    else:
        print("Credentials (export these for a config that refers to them):")
    for name, value in portfolio.sandbox_env().items():
        print(f"  export {name}={value}")
    return server


def serve(
    port: int, seed: int, size: str, latency_ms: int, faults: list[str], config_out: Path | None, **options: Any
) -> None:
    """Serve until interrupted (Ctrl-C), then shut the server down cleanly. `options`: see start_sandbox.

    A bad option value ends the command with a one-line message and exit status 1.
    """
    try:
        server = start_sandbox(port, seed, size, latency_ms, faults, config_out, **options)
    except ValueError as problem:
        raise SystemExit(f"pmhub sandbox serve: {problem}") from None
    print("Press Ctrl-C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("Stopping the sandbox.")
    finally:
        server.stop()
