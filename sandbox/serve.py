"""`pmhub sandbox serve`: run the sandbox in the foreground until Ctrl-C.

Scale (`--scale`): `small`, `medium` or `large`, and/or `jira_issues=N` for N issues across the
three portfolio Jira projects, comma-separated: `--scale jira_issues=100000`, `--scale
large,jira_issues=5000`. Site variants: `--story-point-fields both`, `--sprint-field-format legacy`.
Profile: `--profile realistic` generates Jira issues shaped and sized like a real Cloud site's
(sandbox.realistic); the default `demo` keeps the small, uniform demo data.
Behaviour: `--jql-time-zone America/New_York`, `--index-lag-minutes 5`, `--confluence-v1-gone`
(see SandboxServer).

Real Trello data (`--trello-export FILE`, repeatable): serve a Trello JSON export (a board's "Export
as JSON", or a single card's) through the real Trello endpoints next to the generated boards, e.g.
`--trello-export board.json --trello-export card.json` (see sandbox.trello_import). The token's member
sees each imported board. With `--config-out`, the config's Trello source also lists the imported
board ids, and the portfolio gains one project per imported board, `export-<board shortLink>`. The
generated portfolio, its ground truth and the printed expected counts are unchanged.

Fault grammar (`--faults`, one spec per fault):

    <status>:<path-regex>:<count>[:<retry-after-seconds>]
    burst:<count>[:<retry-after-seconds>[:<after-requests>]]
    ignore-expand:<path-regex>:<name>[:<count>]
    drop-field:<path-regex>:<dotted.path>[:<count>]
    cut-page:<path-regex>:<keep>[:<count>]
    page-total:<path-regex>[:<count>]
    warn:<path-regex>:<TYPE>[:<count>]

- status: 429 (rate limited) or 503 (unavailable); the body is the vendor's error shape.
- path-regex: searched in the request path (no query string); it may contain ":" since the
  numbers are read from the right.
- count: how many matching requests fail before the path answers normally again.
- retry-after: optional `Retry-After` header value in seconds (429 defaults to 1).
- burst: Jira's burst limit over every /rest/ path, after `after-requests` pass, with the
  `RateLimit-Reason: jira-burst-based` and `X-RateLimit-NearLimit` headers (see sandbox.faults).
- The last five answer 200 with less than was asked (sandbox.payload_faults): an expand ignored,
  a field left out (`*` walks a list: `issues.*.fields.status`), a page cut to `keep` items with its
  paging intact, a changelog `total` that counts only the embedded histories, a `warnings` entry
  (Jira's flag for a truncated search). Without a count they apply to every matching request.

Examples: `429:/rest/api/3/search/jql:2:0` (two throttled searches, Retry-After 0),
`503:^/1/boards/.*/actions$:1` (one Trello actions call unavailable), `burst:5:2:100`,
`ignore-expand:/rest/api/3/issue/bulkfetch:changelog`, `drop-field:/cards/all$:*.customFieldItems`.
"""

from __future__ import annotations

import argparse
import signal
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from sandbox.generator import SCALE, Size, SprintFieldFormat, StoryPointFields, generate
from sandbox.realistic import PROFILES, Profile

if TYPE_CHECKING:
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
    confluence_v1_gone: bool = False,
    story_point_fields: str = "estimate",
    sprint_field_format: str = "json",
    trello_exports: Sequence[Path] = (),
    profile: str = "demo",
) -> SandboxServer:
    """Generate, start the server, write the config if asked, and print how to use it.

    `trello_exports`: Trello export files served next to the generated boards (--trello-export).
    """
    # The server, its OpenAPI validation and the export reader load only when a sandbox is served.
    from sandbox.server import SandboxServer
    from sandbox.trello_import import config_with_trello_exports, load_trello_export

    scale, jira_issues = parse_scale(size)
    started = time.monotonic()
    imported = [load_trello_export(path) for path in trello_exports]
    portfolio = generate(
        seed=seed,
        size=cast(Size, scale),
        jira_issues=jira_issues,
        story_point_fields=cast(StoryPointFields, story_point_fields),
        sprint_field_format=cast(SprintFieldFormat, sprint_field_format),
        profile=cast(Profile, profile),
    )
    options: dict[str, Any] = {
        "jql_time_zone": jql_time_zone,
        "index_lag_minutes": index_lag_minutes,
        "confluence_v1_gone": confluence_v1_gone,
    }
    server = SandboxServer(
        portfolio, port=port, latency_ms=latency_ms, faults=faults, trello_exports=imported, **options
    )
    server.start()
    truth = portfolio.ground_truth
    print(
        f"pmhub sandbox (seed {seed}, scale {size}, profile {profile}, as of {portfolio.anchor}, ready in "
        f"{time.monotonic() - started:.1f} s) listening on {server.url}"
    )
    print(
        f"  Jira {server.url}/rest/api/3  Jira Software {server.url}/rest/agile/1.0  "
        f"Confluence {server.url}/wiki/api/v2 (+ {server.url}/wiki/rest/api/search)  Trello {server.url}/1"
    )
    print(f"  controls {server.url}/_sandbox/ (mutate, truth, stats, reset-stats, clock, faults)")
    print(
        f"  expected: {truth.work_items} work items, {truth.status_changes} status changes, "
        f"{truth.sprints} sprints, {truth.worklogs} worklogs, {truth.documents} documents"
    )
    for export in imported:
        board = export.board
        print(
            f"  Trello export {export.path}: board {board.id} ({len(board.lists)} lists, {len(board.cards)} cards, "
            f"{len(board.actions)} actions), project {export.project_id}"
        )
    if config_out is not None:
        config = config_with_trello_exports(portfolio.pmhub_config(server.url), [e.board for e in imported])
        config_out.write_text(yaml.safe_dump(config, sort_keys=False))
        print(f"Wrote {config_out}. Export these, then run: pmhub sync --config {config_out}")
    else:
        print("Credentials (export these for a config that refers to them):")
    for name, value in portfolio.sandbox_env().items():
        print(f"  export {name}={value}")
    return server


def serve(
    port: int, seed: int, size: str, latency_ms: int, faults: list[str], config_out: Path | None, **options: Any
) -> None:
    """Serve until interrupted (Ctrl-C, or SIGTERM), then shut the server down cleanly. `options`: see
    start_sandbox.

    A bad option value ends the command with a one-line message and exit status 1.
    """
    try:
        server = start_sandbox(port, seed, size, latency_ms, faults, config_out, **options)
    except ValueError as problem:
        raise SystemExit(f"pmhub sandbox serve: {problem}") from None
    stop = threading.Event()
    # Handlers of our own: a process started in the background by a shell inherits SIGINT ignored,
    # and would otherwise never stop on Ctrl-C's signal.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    print("Press Ctrl-C to stop.", flush=True)
    try:
        stop.wait()
        print("Stopping the sandbox.")
    finally:
        server.stop()


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `pmhub sandbox serve` (see the module text)."""
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--scale", "--size", dest="size", default="small", help="small|medium|large and/or jira_issues=N"
    )
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--faults", action="append", default=[], help="e.g. 429:/rest/api/3/search/jql:3:1")
    parser.add_argument("--config-out", type=Path, help="write a pmhub.yaml for this sandbox here")
    parser.add_argument("--jql-time-zone", default="UTC", help="zone bare JQL date-times are read in")
    parser.add_argument("--index-lag-minutes", type=int, default=0, help="search misses issues this fresh")
    parser.add_argument(
        "--confluence-v1-gone", action="store_true", help="Confluence v1 CQL search answers 410 (removed)"
    )
    parser.add_argument("--story-point-fields", choices=["estimate", "both"], default="estimate")
    parser.add_argument("--sprint-field-format", choices=["json", "legacy"], default="json")
    parser.add_argument(
        "--profile", choices=list(PROFILES), default="demo", help="realistic: Jira issues sized like a real site's"
    )
    parser.add_argument(
        "--trello-export",
        dest="trello_exports",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="also serve this Trello JSON export (board or single card); repeatable",
    )


def serve_from_args(args: argparse.Namespace) -> None:
    """Run `serve` with the options add_serve_arguments parsed."""
    serve(
        args.port,
        args.seed,
        args.size,
        args.latency_ms,
        args.faults,
        args.config_out,
        jql_time_zone=args.jql_time_zone,
        index_lag_minutes=args.index_lag_minutes,
        confluence_v1_gone=args.confluence_v1_gone,
        story_point_fields=args.story_point_fields,
        sprint_field_format=args.sprint_field_format,
        trello_exports=args.trello_exports,
        profile=args.profile,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m sandbox.serve [options]`: the same as `pmhub sandbox serve [options]`."""
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.serve", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_serve_arguments(parser)
    serve_from_args(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
