"""Keep an extract's memory and CPU for the answers it parses, not for the allocator's habits.

An extract turns hundreds of megabytes of JSON into millions of short-lived objects in several
threads. Two process-wide defaults made that costly (measured on a 10,000-issue realistic site):

- The cyclic garbage collector ran thousands of times and walked every object of the loaded
  libraries on each full pass: half the extract's CPU (4.8 s of user CPU, 3.0 s with passes every
  50,000 allocations). The parsed answers hold no reference cycles, so reference counting frees
  them as before; so the search for cycles is off until the extract ends, and runs once then
  (landing 5.4-5.7 s with passes every 50,000 allocations, 4.9 s without, the same peak RSS).
- glibc gives each thread its own malloc arena, and memory freed in an arena mostly stays with the
  process: the extract ended about 220 MB above where it started, and the DuckDB load that follows
  in the same process added its own. Two arenas and a trim afterwards keep that to about 100 MB.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager

# mallopt parameter number of M_ARENA_MAX in glibc's malloc.h.
_M_ARENA_MAX = -8
_ARENAS = 2


@contextmanager
def lean_parsing() -> Iterator[None]:
    """Collect no cycles and cap malloc arenas while answers are parsed; collect, and hand the
    freed memory back to the system, afterwards."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, _ARENAS)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        # With collection off, every object made meanwhile is still in the youngest generation:
        # collecting that one finds any cycle the extract left, without walking the libraries.
        gc.collect(0)
        if libc is not None:
            libc.malloc_trim(0)


def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (mallopt and malloc_trim are glibc's); None elsewhere."""
    try:
        # By its soname: ctypes.util.find_library would run a subprocess on every call.
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt  # noqa: B018 - raises AttributeError on a C library without it
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc
