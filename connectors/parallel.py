"""Run independent API calls concurrently while keeping output order deterministic."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(fn: Callable[[T], R], items: Iterable[T], max_workers: int) -> Iterator[R]:
    """Yield ``fn(item)`` for each item, in input order, running up to `max_workers` at once.

    Items are pulled lazily and at most `max_workers` results are in flight, so a long input (e.g.
    a stream of search pages) is overlapped with the work instead of being read up front, and
    memory stays bounded. The first exception is raised in order; pending work is cancelled.
    """
    if max_workers <= 1:
        yield from map(fn, items)
        return
    pending: deque[Future[R]] = deque()
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="pmhub-io") as pool:
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) >= max_workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Split `items` into lists of at most `size`, lazily."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
