"""Java values from MPXJ as plain Python values: text, numbers, flags, plan-time dates, hours.

Every function takes what an MPXJ getter returned (a Java object, or None for a field the file does
not hold) and returns None for None, so absent stays absent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def text(value: Any) -> str | None:
    """A Java string as str; an empty string counts as absent."""
    if value is None:
        return None
    result = str(value)
    return result or None


def integer(value: Any) -> int | None:
    """A Java Integer (or other whole number) as int."""
    return None if value is None else int(value)


def number(value: Any) -> float | None:
    """A java.lang.Number (Double, BigDecimal, Integer…) as float."""
    return None if value is None else float(value.doubleValue())


def flag(value: Any) -> bool:
    """A Java boolean as bool; an absent flag is False, as MS Project shows it."""
    return bool(value) if value is not None else False


def plan_time(value: Any) -> str | None:
    """A java.time.LocalDateTime or LocalDate as an ISO 8601 string without offset (plan time).

    Java prints ``2026-01-05T08:00``; Python's form ``2026-01-05T08:00:00`` is used, to the second
    (plans do not schedule below the minute).
    """
    if value is None:
        return None
    raw = str(value).split(".", 1)[0]  # drop fractions of a second
    if "T" in raw:
        return datetime.fromisoformat(raw).isoformat(timespec="seconds")
    return date.fromisoformat(raw).isoformat()


def hours(duration: Any, properties: Any, unit_hours: Any) -> float | None:
    """An org.mpxj.Duration in hours, converted with the plan's minutes per day / week / month.

    `unit_hours` is org.mpxj.TimeUnit.HOURS; `properties` the plan's ProjectProperties. A day of
    duration is the plan's working day (e.g. 8 h), not 24 h; elapsed units convert as calendar time.
    """
    if duration is None:
        return None
    return float(duration.convertUnits(unit_hours, properties).getDuration())
