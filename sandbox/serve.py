"""`pmhub sandbox serve`: run the sandbox in the foreground until Ctrl-C.

Fault grammar (`--faults`, one spec per fault):

    <status>:<path-regex>:<count>[:<retry-after-seconds>]

- status: 429 (rate limited) or 503 (unavailable); the body is the vendor's error shape.
- path-regex: searched in the request path (no query string); it may contain ":" since the
  numbers are read from the right.
- count: how many matching requests fail before the path answers normally again.
- retry-after: optional `Retry-After` header value in seconds (429 defaults to 1).

Examples: `429:/rest/api/3/search/jql:2:0` (two throttled searches, Retry-After 0),
`503:^/1/boards/.*/actions$:1` (one Trello actions call unavailable).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import cast

import yaml

from sandbox.generator import SCALE, Size, generate
from sandbox.server import SandboxServer


def start_sandbox(
    port: int, seed: int, size: str, latency_ms: int, faults: list[str], config_out: Path | None
) -> SandboxServer:
    """Generate, start the server, write the config if asked, and print how to use it."""
    if size not in SCALE:
        raise ValueError(f"size must be one of {', '.join(SCALE)}, not {size!r}")
    portfolio = generate(seed=seed, size=cast(Size, size))
    server = SandboxServer(portfolio, port=port, latency_ms=latency_ms, faults=faults)
    server.start()
    truth = portfolio.ground_truth
    print(f"pmhub sandbox (seed {seed}, size {size}, as of {portfolio.anchor}) listening on {server.url}")
    print(
        f"  Jira {server.url}/rest/api/3  Jira Software {server.url}/rest/agile/1.0  "
        f"Confluence {server.url}/wiki/api/v2  Trello {server.url}/1"
    )
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


def serve(port: int, seed: int, size: str, latency_ms: int, faults: list[str], config_out: Path | None) -> None:
    """Serve until interrupted (Ctrl-C), then shut the server down cleanly."""
    server = start_sandbox(port, seed, size, latency_ms, faults, config_out)
    print("Press Ctrl-C to stop.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("Stopping the sandbox.")
    finally:
        server.stop()
