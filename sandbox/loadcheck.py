"""Load check of a served sandbox: startup time and memory at scale, bulkfetch throughput under concurrency.

    python -m sandbox.loadcheck --jira-issues 100000 --clients 8 --latency-ms 50 --seconds 20 [--profile demo]

It starts `pmhub sandbox serve` as a child process on 127.0.0.1 (so the server's memory and CPU are
its own), takes an ids-only census of the portfolio projects, then runs `--clients` threads that
POST /rest/api/3/issue/bulkfetch with 100 ids each (default fields, or `--changelog`: every field and
the embedded changelog) for `--seconds`, and prints the
startup time, peak RSS of the server, requests and issues per second, latency percentiles and the
server CPU per request. Bounded in time and count; the child is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN

_TICKS = os.sysconf("SC_CLK_TCK")


def _rss_peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _start(args: argparse.Namespace) -> tuple[subprocess.Popen[str], str, float]:
    command = [
        sys.executable,
        "-c",
        "from pipelines.cli import main; raise SystemExit(main())",
        "sandbox",
        "serve",
        "--port",
        "0",
        "--scale",
        f"jira_issues={args.jira_issues}",
        "--latency-ms",
        str(args.latency_ms),
        "--profile",
        args.profile,
    ]
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            threading.Thread(target=child.stdout.read, daemon=True).start()  # keep the pipe drained
            return child, found.group(1), time.monotonic() - started
    raise RuntimeError(f"the sandbox did not start (exit code {child.wait()})")


def _census(session: requests.Session, url: str) -> list[str]:
    ids: list[str] = []
    for key in ("APL", "BOR", "DRC"):
        token = None
        while True:
            body = {"jql": f"project = {key} ORDER BY id", "fields": ["id"], "maxResults": 5000}
            page = session.post(
                f"{url}/rest/api/3/search/jql", json={**body, **({"nextPageToken": token} if token else {})}
            )
            page.raise_for_status()
            data = page.json()
            ids += [i["id"] for i in data["issues"]]
            token = data.get("nextPageToken")
            if data["isLast"]:
                break
    return ids


def _client(
    url: str,
    body: dict[str, object],
    ids: list[str],
    slot: tuple[int, int],
    until: float,
    out: list[float],
    sizes: list[int],
) -> None:
    """Bulk-fetch batches slot[0], slot[0] + slot[1], ... until `until`; record latency and size."""
    session = requests.Session()
    session.auth = (ATLASSIAN_EMAIL, ATLASSIAN_TOKEN)
    batches = [ids[i : i + 100] for i in range(0, len(ids), 100)]
    index, stride = slot
    while time.monotonic() < until:
        batch = batches[index % len(batches)]
        index += stride
        started = time.monotonic()
        response = session.post(f"{url}/rest/api/3/issue/bulkfetch", json={**body, "issueIdsOrKeys": batch})
        if response.status_code != 200:
            raise RuntimeError(f"bulkfetch answered {response.status_code}: {response.text[:200]}")
        out.append(time.monotonic() - started)
        sizes.append(len(response.content))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.loadcheck", description=__doc__.splitlines()[0])
    parser.add_argument("--jira-issues", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--changelog", action="store_true", help="fetch *all fields and expand=changelog")
    parser.add_argument("--profile", choices=["realistic", "demo"], default="realistic", help="issue shapes served")
    args = parser.parse_args(argv)
    child, url, startup = _start(args)
    try:
        session = requests.Session()
        session.auth = (ATLASSIAN_EMAIL, ATLASSIAN_TOKEN)
        ids = _census(session, url)
        print(f"startup {startup:.1f} s, {len(ids)} portfolio issues, server peak RSS {_rss_peak_mb(child.pid):.0f} MB")
        cpu_before = _cpu_seconds(child.pid)
        latencies: list[float] = []
        sizes: list[int] = []
        body: dict[str, object] = {"fields": ["*all"], "expand": ["changelog"]} if args.changelog else {}
        until = time.monotonic() + args.seconds
        started = time.monotonic()
        threads = [
            threading.Thread(target=_client, args=(url, body, ids, (i, args.clients), until, latencies, sizes))
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        cpu = _cpu_seconds(child.pid) - cpu_before
        latencies.sort()
        count = len(latencies)
        print(
            f"{args.clients} clients, latency {args.latency_ms} ms: {count} bulkfetch requests in {elapsed:.1f} s = "
            f"{count / elapsed:.1f} req/s, {100 * count / elapsed:.0f} issues/s, "
            f"{sum(sizes) / max(1, count) / 1e6:.2f} MB per response"
        )
        print(
            f"latency p50 {latencies[count // 2] * 1000:.0f} ms, p95 {latencies[int(count * 0.95)] * 1000:.0f} ms; "
            f"server CPU {cpu / max(1, count) * 1000:.1f} ms per request; server peak RSS "
            f"{_rss_peak_mb(child.pid):.0f} MB"
        )
    finally:
        child.terminate()
        child.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
