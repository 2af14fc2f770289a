"""Monte Carlo "when" forecasting on daily throughput (ActionableAgile / Magennis style, metrics.md §3.3).

Each run draws past days uniformly with replacement, zero days included, and adds their throughput
until the remaining items are done; the number of days drawn is that run's finish day (day 1 is the
first simulated day). The forecast for a confidence q is the smallest day by which at least q of the
runs had finished. Items are counted, not points. Seeded, so a forecast can be reproduced.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections.abc import Callable, Sequence
from itertools import accumulate

# A run not done within this many days is reported as not finishing (10 years).
MAX_DAYS = 3650


def simulate_finish_days(
    daily_throughput: Sequence[int], remaining: int, runs: int, seed: int | str, max_days: int = MAX_DAYS
) -> list[int | None]:
    """The finish day of each run (None when not done within `max_days`).

    Requires some throughput in the history; zero remaining items finish on day 0.
    """
    if remaining < 0 or runs <= 0:
        raise ValueError("remaining must be >= 0 and runs > 0")
    if remaining == 0:
        return [0] * runs
    if not daily_throughput or max(daily_throughput) <= 0 or min(daily_throughput) < 0:
        raise ValueError("daily throughput needs at least one day with finished items and none below zero")
    if remaining > max(daily_throughput) * max_days:  # not even the best day every day would do it
        return [None] * runs
    draw = _day_sampler(random.Random(seed), daily_throughput)
    mean = sum(daily_throughput) / len(daily_throughput)
    # Draw a little more than the expected need at once, and more only when a run needs it.
    batch = min(max_days, max(8, math.ceil(1.15 * remaining / mean)))
    finish: list[int | None] = []
    for _ in range(runs):
        totals: list[int] = []  # items done by the end of each simulated day
        while True:
            reached = totals[-1] if totals else 0
            chunk = list(accumulate(draw(min(batch, max_days - len(totals))), initial=reached))
            totals += chunk[1:]
            if totals[-1] >= remaining:
                finish.append(bisect_left(totals, remaining) + 1)
                break
            if len(totals) >= max_days:
                finish.append(None)
                break
    return finish


def _day_sampler(rng: random.Random, days: Sequence[int]) -> Callable[[int], Sequence[int]]:
    """A function giving k days drawn uniformly with replacement from `days` (their throughputs).

    A forecast draws millions of days. When there are at most 256 days of at most 255 items each,
    random bytes are mapped onto the days by one table lookup each, in C (`bytes.translate`); bytes
    beyond the largest multiple of the day count are dropped so that every day stays equally likely.
    Otherwise `Random.choices` draws them, a Python loop several times slower.
    """
    n = len(days)
    if n > 256 or max(days) > 255:
        return lambda k: rng.choices(days, k=k)
    usable = 256 - 256 % n
    table = bytes(days[b % n] if b < usable else 0 for b in range(256))
    beyond = bytes(range(usable, 256))

    def draw(k: int) -> bytes:
        drawn = b""
        while len(drawn) < k:
            wanted = k - len(drawn)
            drawn += rng.randbytes(wanted * 256 // usable + 8).translate(table, beyond)
        return drawn[:k]

    return draw


def day_for_confidence(finish_days: Sequence[int | None], confidence: float) -> int | None:
    """The smallest day by which at least `confidence` of the runs had finished; None if never."""
    if not 0 < confidence <= 1:
        raise ValueError("confidence must be in (0, 1]")
    done = sorted(d for d in finish_days if d is not None)
    needed = math.ceil(confidence * len(finish_days) - 1e-9)
    return done[needed - 1] if needed <= len(done) else None
