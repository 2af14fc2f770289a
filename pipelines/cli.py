"""The `pmhub` command line (contract in docs/product.md). Exit 0 only when every step succeeded."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from connectors.errors import ApiError, SourceError
from models.config import ConfigError
from pipelines.run_sync import TOOLS
from sandbox.serve import add_serve_arguments, serve_from_args


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stdout` is at the time (tests and callers may swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def _progress_to_stdout() -> None:
    # Progress goes to stdout so that stderr carries only the one-line error, if any.
    logger = logging.getLogger("pmhub.progress")
    if not any(isinstance(h, _StdoutHandler) for h in logger.handlers):
        handler = _StdoutHandler()
        handler.setFormatter(logging.Formatter("  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _only(value: str) -> list[str]:
    tools = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown or not tools:
        raise argparse.ArgumentTypeError(f"--only takes a comma list of {', '.join(TOOLS)}")
    return tools


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pmhub", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="sandbox + full sync + portfolio table")
    demo.add_argument("--db", type=Path, default=Path("pmhub-demo/demo.duckdb"))
    demo.add_argument("--size", choices=["small", "medium", "large"], default="small")
    sync = sub.add_parser("sync", help="sync the configured sources and rebuild the marts")
    sync.add_argument("--config", type=Path, required=True)
    sync.add_argument("--db", type=Path)
    sync.add_argument("--full", action="store_true", help="ignore cursors and re-read everything")
    sync.add_argument("--only", type=_only, default=list(TOOLS))
    query = sub.add_parser("query", help="run SQL on a warehouse, read-only")
    query.add_argument("--db", type=Path, required=True)
    query.add_argument("sql")
    report = sub.add_parser("report", help="write the portfolio report: one self-contained HTML file")
    report.add_argument("--db", type=Path, required=True)
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    report.add_argument("--as-of", type=date.fromisoformat, help="the day to show (default: the last sync's)")
    publish = sub.add_parser("publish", help="announce the last sync to the publish: webhooks (Slack, Teams)")
    publish.add_argument("--config", type=Path, required=True)
    check = sub.add_parser("check", help="validate config, env vars and connectivity")
    check.add_argument("--config", type=Path, required=True)
    status = sub.add_parser("status", help="last sync of each source, from the run log; exit 1 if the last run failed")
    status.add_argument("--config", type=Path, help="config naming the warehouse (default: pmhub.yaml unless --db)")
    status.add_argument("--db", type=Path, help="the warehouse whose run log to read (wins over the config's)")
    sandbox = sub.add_parser("sandbox", help="the built-in API sandbox")
    sandbox_sub = sandbox.add_subparsers(dest="sandbox_command", required=True)
    serve = sandbox_sub.add_parser("serve", help="serve a generated portfolio (and Trello exports) on 127.0.0.1")
    add_serve_arguments(serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _progress_to_stdout()
    try:
        return _dispatch(args)
    except (ConfigError, ApiError) as exc:
        print(f"pmhub: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pmhub: interrupted", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "sync":
        from pipelines.run_sync import run_sync

        outcome = run_sync(args.config, args.db, full=args.full, only=args.only)
        if not outcome.success:
            print(f"pmhub: sync failed: {outcome.message}", file=sys.stderr)
            return 1
        # core.* row counts and the data problems, from whichever warehouse step reported them
        core = {k: v for step in outcome.metadata.values() for k, v in step.items() if k.startswith("core.")}
        problems = "\n  ".join(
            line
            for step in outcome.metadata.values()
            if step.get("problems", "none") != "none"
            for line in str(step["problems"]).splitlines()
        )
        steps = ", ".join(f"{k} {v['duration_s']:.1f} s" for k, v in outcome.metadata.items() if "duration_s" in v)
        print(f"synced into {outcome.warehouse} ({steps})")
        for key in (
            "core.work_items",
            "core.status_changes",
            "core.sprints",
            "core.worklogs",
            "core.documents",
            "core.budgets",
        ):
            print(f"  {key}: {core.get(key, 0)} rows")
        if problems:
            print(f"data problems (not loaded as numbers):\n  {problems}", file=sys.stderr)
        return 0
    if args.command == "publish":
        from pipelines.digest import DigestError
        from pipelines.publish_cmd import PublishError, run_publish
        from pipelines.report import ReportError

        try:
            for line in run_publish(args.config):
                print(line)
        except (PublishError, DigestError, ReportError, SourceError) as exc:
            print(f"pmhub: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.command == "report":
        from pipelines.report import ReportError, write_report

        try:
            print(f"report written to {write_report(args.db, args.out, args.as_of)}")
        except ReportError as exc:
            print(f"pmhub: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.command == "query":
        from pipelines.query import QueryError, run_query

        try:
            print(run_query(args.db, args.sql))
        except QueryError as exc:
            print(f"pmhub: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.command == "check":
        from pipelines.check_cmd import run_check

        ok, lines = run_check(args.config)
        print("\n".join(lines))
        return 0 if ok else 1
    if args.command == "status":
        return _status(args.config, args.db)
    if args.command == "demo":
        from pipelines.demo import DemoError, closing_notes, run_demo

        try:
            outcome, text = run_demo(args.db, args.size)
        except DemoError as exc:
            print(f"pmhub: {exc}", file=sys.stderr)
            return 1
        if not outcome.success:
            print(f"pmhub: demo sync failed: {outcome.message}", file=sys.stderr)
            return 1
        print(text)
        print(closing_notes(args.db.resolve()))
        return 0
    if args.command == "sandbox":
        serve_from_args(args)
        return 0
    raise AssertionError(args.command)


def _status(config: Path | None, db: Path | None) -> int:
    from models.config import Settings
    from pipelines.config_outline import read_outline
    from pipelines.status import render_status

    sources: tuple[str, ...] = ()
    if config is None and db is not None:
        warehouse, stale = db.resolve(), Settings().stale_after_hours
    else:
        # Only the warehouse path, source names and settings are read: no secret is needed.
        outline = read_outline(config or Path("pmhub.yaml"), db)
        warehouse, sources, stale = outline.warehouse, outline.sources, outline.stale_after_hours
    report = render_status(warehouse, sources, stale)
    print(report.text)
    if not report.ok:
        print(f"pmhub: {report.problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
