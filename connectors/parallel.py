"""Run independent API calls concurrently while keeping output order deterministic."""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import TypeVar, cast

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


_DONE = object()


def interleaved(produce: Callable[[T], Iterable[R]], items: Iterable[T], max_workers: int) -> Iterator[R]:
    """Yield what `produce(item)` yields, for every item, as it arrives: up to `max_workers` items are
    produced at once, and one result at a time waits to be taken, so a producer that yields large
    pages is held back rather than held in memory.

    Results of one item keep their order; results of different items interleave. The first exception
    of a producer is raised here; leaving early stops the producers at their next result.
    """
    # One result waits at a time: a producer holding its next page is held back, not buffered.
    queued: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(value: object) -> bool:
        while not stop.is_set():
            try:
                queued.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run(item: T) -> None:
        if stop.is_set():  # the consumer left before this item started: produce nothing
            return
        try:
            for result in produce(item):
                if not put(result):
                    return
        except BaseException as problem:  # handed to the consumer, which raises it
            put(_Failure(problem))
        finally:
            put(_DONE)

    work = list(items)
    if not work:
        return
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(work))), thread_name_prefix="pmhub-io") as pool:
        for item in work:
            pool.submit(run, item)
        finished = 0
        try:
            while finished < len(work):
                value = queued.get()
                if value is _DONE:
                    finished += 1
                elif isinstance(value, _Failure):
                    raise value.problem
                else:
                    yield cast(R, value)
        finally:
            stop.set()


class _Failure:
    def __init__(self, problem: BaseException) -> None:
        self.problem = problem
