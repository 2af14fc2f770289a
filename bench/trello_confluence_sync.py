"""Trello and Confluence benchmark: 10 boards of 1,000 cards (with their generated activity feeds)
and a space of 2,000 pages behind a fixed latency, a full sync, then a second sync after a few cards
moved and pages changed.

Prints, per run, the wall time, the requests made per endpoint against the theoretical minimum
for the dataset (see `minimum_requests`) and the peak RSS of the `pmhub sync` process. The sandbox
runs in this process (its memory is not the sync's).

    .venv/bin/python bench/trello_confluence_sync.py --latency-ms 50
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import yaml
from jira_sync import Run, report, sync  # type: ignore[import-not-found]

from sandbox.gen_trello import TrelloSpec, generate_board
from sandbox.generator import generate
from sandbox.portfolio import Portfolio
from sandbox.server import SandboxServer

PAGE = 1000  # Trello cards and actions per request
CONFLUENCE_PAGE = 250  # Confluence v2 `limit` maximum


def bench_portfolio(boards: int, cards: int, pages: int) -> tuple[Portfolio, list[str], str]:
    """The small portfolio plus `boards` boards of `cards` cards and a space filled to `pages` pages."""
    base = generate(seed=7, size="small", anchor=date(2026, 11, 2))
    rng = random.Random(11)
    lists = ("Backlog", "To Do", "Doing", "Review", "Done")
    team = base.people[1:5]
    extra = tuple(
        generate_board(
            rng,
            TrelloSpec(f"Bench {n}", "apollo", base.anchor - timedelta(days=120), cards, lists, "Parked", False, team),
            base.me,
            base.now,
        )
        for n in range(boards)
    )
    pmo = base.spaces[0]
    template = pmo.pages[-1]
    filler = tuple(
        replace(template, id=str(9_000_000 + n), title=f"Meeting notes {n}")
        for n in range(max(0, pages - len(pmo.pages)))
    )
    spaces = (replace(pmo, pages=(*pmo.pages, *filler)), *base.spaces[1:])
    portfolio = replace(base, trello_boards=(*base.trello_boards, *extra), spaces=spaces)
    return portfolio, [b.id for b in extra], pmo.key


def minimum_requests(
    portfolio: Portfolio, board_ids: list[str], space_key: str, changed: tuple[list[str], int] | None = None
) -> dict[str, int]:
    """Fewest requests at the documented limits.

    Full run, per board: the board, its lists, members, custom fields, labels and checklists, then
    cards and actions at 1000 per request until a page shows the end (a short or empty one:
    floor(n/1000) + 1).
    Confluence: the space, then its pages at 250 per request (a page without `next` ends), and
    the versions and the labels of each page read (v2 has them per page only).
    A later run (`changed` = boards that changed, pages edited): every board's activity stamp, the
    same census of the changed boards with one page of new actions each, one CQL search for the
    pages modified since the last run (the edits fit in one page of results), the space's page
    census, and the bodies, versions and labels of the edited pages.
    """
    census = [b for b in portfolio.trello_boards if b.id in (changed[0] if changed else board_ids)]
    space = next(s for s in portfolio.spaces if s.key == space_key)
    minimum = {
        "GET /1/boards/{board}": len(board_ids),
        "GET /1/boards/{board}/lists": len(census),
        "GET /1/boards/{board}/members": len(census),
        "GET /1/boards/{board}/customFields": len(census),
        "GET /1/boards/{board}/labels": len(census),
        "GET /1/boards/{board}/checklists": len(census),
        "GET /1/boards/{board}/cards/{filter}": sum(len(b.cards) // PAGE + 1 for b in census),
        "GET /1/boards/{board}/actions": len(census) if changed else sum(len(b.actions) // PAGE + 1 for b in census),
        "GET /wiki/api/v2/spaces": 1,
        "GET /wiki/api/v2/spaces/{space}/pages": math.ceil(len(space.pages) / CONFLUENCE_PAGE),
    }
    read = changed[1] if changed else len(space.pages)  # pages whose content was read
    minimum["GET /wiki/api/v2/pages/{page}/versions"] = read  # one request each (<= 250 versions)
    minimum["GET /wiki/api/v2/pages/{page}/labels"] = read
    if changed:
        minimum["GET /wiki/rest/api/search"] = 1
        minimum["GET /wiki/api/v2/pages"] = math.ceil(changed[1] / CONFLUENCE_PAGE)
    return minimum


def compare_with_data(folder: Path, portfolio: Portfolio, board_ids: list[str], space_key: str) -> str:
    """Cards, list moves and pages in the warehouse against the served data ('yes (...)' or the gaps)."""
    boards = [b for b in portfolio.trello_boards if b.id in board_ids]
    expected = {
        "cards": sum(len(b.cards) for b in boards),
        "list moves": sum(1 for b in boards for a in b.actions if a.type == "updateCard" and "listBefore" in a.data),
        "pages": len(next(s for s in portfolio.spaces if s.key == space_key).pages),
    }
    with duckdb.connect(str(folder / "bench.duckdb"), read_only=True) as conn:
        got = {
            name: conn.execute(sql).fetchone()[0]  # type: ignore[index]
            for name, sql in (
                ("cards", "SELECT count(*) FROM core.work_items WHERE source_id LIKE 'trello:%'"),
                ("list moves", "SELECT count(*) FROM core.status_changes WHERE item_id LIKE 'trello:%'"),
                ("pages", "SELECT count(*) FROM core.documents"),
            )
        }
    wrong = [f"{k} {got[k]} != {expected[k]}" for k in expected if got[k] != expected[k]]
    return "NO: " + "; ".join(wrong) if wrong else "yes (" + ", ".join(f"{k} {v}" for k, v in got.items()) + ")"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--boards", type=int, default=10)
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    portfolio, board_ids, space_key = bench_portfolio(args.boards, args.cards, args.pages)
    actions = sum(len(b.actions) for b in portfolio.trello_boards if b.id in board_ids)
    print(f"{args.boards} boards x {args.cards} cards ({actions} actions), {args.pages} pages, {args.latency_ms} ms")
    with (
        tempfile.TemporaryDirectory(prefix="pmhub-bench-") as tmp,
        SandboxServer(portfolio, latency_ms=args.latency_ms) as server,
    ):
        folder = Path(tmp)
        config: dict[str, Any] = portfolio.pmhub_config(server.url)
        config["sources"]["trello"][0]["boards"] = board_ids
        # The benchmark boards park cards in "Parked", which no name rule places: the blocking check
        # `trello_lists_mapped` stops a sync whose boards hold cards in lists nobody categorised.
        config["sources"]["trello"][0]["list_categories"] = {"Parked": "todo"}
        config["sources"]["confluence"][0]["spaces"] = [space_key]
        config["portfolio"] = [{"id": "bench", "name": "Bench", "trello": [
            {"source": "sandbox", "board": b} for b in board_ids]}]  # fmt: skip
        (folder / "pmhub.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        env = {**os.environ, **portfolio.sandbox_env()}
        server.advance(2)
        runs = []
        for label, first in (("full", True), ("second", False)):
            if not first:
                # Runs are hours apart in use: let Trello's 10 s request window (which the full run
                # used up, so the limiter would pause) pass before the second one.
                time.sleep(10)
                server.advance(60)
                server.trello.move_cards(board_ids[0], board_ids[1], 5, seed=1)
                server.confluence.edit_pages([p.id for p in portfolio.spaces[0].pages[-20:]])
            server.reset_stats()
            wall, steps, rss, requests = sync(label, folder, env, server.url, "trello,confluence", "/1/|/wiki/")
            changed = None if first else (board_ids[:2], 20)
            minimum = minimum_requests(portfolio, board_ids, space_key, changed)
            matches = compare_with_data(folder, portfolio, board_ids, space_key)
            runs.append(Run(f"{label} sync", matches, wall, steps, rss, requests, minimum))
        report(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
