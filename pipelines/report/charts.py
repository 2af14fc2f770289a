"""The report's charts as Vega-Lite specs, rendered to SVG inside the process.

Why Vega-Lite with `vl-convert-python`: a chart is a short declarative spec over the mart rows (the
same rows the table beside it shows), and the wheel renders it to a self-contained SVG with no
browser, Node or network, at build or at view time. Every mark carries an `aria-label` naming its
values, so the page reads out on a screen reader and a test can count marks.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import vl_convert

from pipelines.report.data import Row

Spec = dict[str, Any]
WIDTH, HEIGHT = 520, 220
COLORS = {"todo": "#9aa5b1", "in_progress": "#f0a202", "done": "#2e8b57", "uncategorized": "#c9c9c9"}


# Legends below the plot (a legend beside it is cut off in a narrow column); counts in whole numbers.
CONFIG = {"legend": {"orient": "bottom", "direction": "horizontal"}, "axisX": {"labelOverlap": True}}


def render(spec: Spec) -> str:
    """The chart as inline SVG markup."""
    return str(vl_convert.vegalite_to_svg({"width": WIDTH, "height": HEIGHT, "config": CONFIG, **spec}))


def render_png(spec: Spec) -> bytes:
    """The chart as a PNG image (for pages that take image files, such as a Confluence attachment)."""
    return bytes(vl_convert.vegalite_to_png({"width": WIDTH, "height": HEIGHT, "config": CONFIG, **spec}))


def _count_axis(title: str) -> Spec:
    return {"title": title, "format": "d", "tickMinStep": 1}


def _values(rows: list[Row]) -> list[Row]:
    return [{k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in r.items()} for r in rows]


def burn_up(progress: list[Row], forecast: list[Row]) -> Spec:
    """Scope and done items by day; from the sync day, lines to the total scope at the P50, P85 and
    P95 forecast dates (the Monte Carlo cone)."""
    lines = [
        {"day": r["as_of"], "items": r[k], "series": name}
        for r in progress
        for k, name in (("items_total", "scope"), ("items_done", "done"))
    ]
    cone: list[Row] = []
    if progress and forecast and forecast[0]["p50_date"] is not None:
        last = progress[-1]
        for key in ("p50_date", "p85_date", "p95_date"):
            if forecast[0][key] is not None:
                label = f"forecast {key[:3].upper()}"
                cone += [
                    {"day": last["as_of"], "items": last["items_done"], "series": label},
                    {"day": forecast[0][key], "items": last["items_total"], "series": label},
                ]
    return {
        "data": {"values": _values(lines + cone)},
        "mark": {"type": "line", "point": False},
        "encoding": {
            "x": {"field": "day", "type": "temporal", "title": None},
            "y": {"field": "items", "type": "quantitative", "axis": _count_axis("items")},
            "color": {"field": "series", "type": "nominal", "title": None},
            "strokeDash": {
                "condition": {"test": "indexof(datum.series, 'forecast') >= 0", "value": [4, 3]},
                "value": [1, 0],
            },
        },
    }


def velocity(sprints: list[Row]) -> Spec:
    """Committed and completed points per closed sprint, side by side, as Jira's velocity chart."""
    bars = [
        {"sprint": r["iteration_name"], "points": r[k], "kind": kind}
        for r in sprints
        for k, kind in (("committed_points", "committed"), ("completed_points", "completed"))
    ]
    return {
        "data": {"values": bars},
        "mark": "bar",
        "encoding": {
            "x": {"field": "sprint", "type": "nominal", "sort": None, "title": None},
            "xOffset": {"field": "kind"},
            "y": {"field": "points", "type": "quantitative"},
            "color": {"field": "kind", "type": "nominal", "scale": {"range": ["#9aa5b1", "#2e8b57"]}, "title": None},
        },
    }


def throughput(weeks: list[Row]) -> Spec:
    """Items finished per ISO week (projects without sprints)."""
    return {
        "data": {"values": _values(weeks)},
        "mark": "bar",
        "encoding": {
            "x": {"field": "week_start", "type": "ordinal", "timeUnit": "yearmonthdate", "title": "week"},
            "y": {"field": "items_done", "type": "quantitative", "axis": _count_axis("items done")},
        },
    }


def cumulative_flow(days: list[Row]) -> Spec:
    """Items per status category at the end of each day, stacked (done at the bottom)."""
    order = ["done", "in_progress", "todo", "uncategorized"]
    bands = [
        {"day": r["as_of"], "items": r[c], "category": c, "order": order.index(c)}
        for r in days
        for c in order
        if c != "uncategorized" or r[c]
    ]
    return {
        "data": {"values": _values(bands)},
        "mark": "area",
        "encoding": {
            "x": {"field": "day", "type": "temporal", "title": None},
            "y": {"field": "items", "type": "quantitative", "stack": "zero", "axis": _count_axis("items")},
            "color": {
                "field": "category",
                "type": "nominal",
                "sort": order,
                "scale": {"domain": order, "range": [COLORS[c] for c in order]},
            },
            "order": {"field": "order"},
        },
    }


def _percentile_rules(p50: int | None, p85: int | None, p95: int | None) -> list[Spec]:
    rules = [
        {"p": name, "days": value} for name, value in (("P50", p50), ("P85", p85), ("P95", p95)) if value is not None
    ]
    if not rules:
        return []
    return [
        {
            "data": {"values": rules},
            "mark": {"type": "rule", "strokeDash": [4, 3]},
            "encoding": {"y": {"field": "days", "type": "quantitative"}, "color": {"value": "#b22222"}},
        },
        {
            "data": {"values": rules},
            "mark": {"type": "text", "align": "left", "dx": 3, "dy": -5},
            "encoding": {
                "y": {"field": "days", "type": "quantitative"},
                "x": {"value": 0},
                "text": {"field": "p"},
                "color": {"value": "#b22222"},
            },
        },
    ]


def cycle_scatter(cycle: list[Row], p50: int | None, p85: int | None, p95: int | None) -> Spec:
    """Each finished item's cycle time by the day it finished, with the 50/85/95th percentile lines."""
    return {
        "layer": [
            {
                "data": {"values": _values(cycle)},
                "mark": {"type": "point", "filled": True, "opacity": 0.7},
                "encoding": {
                    "x": {"field": "done_on", "type": "temporal", "title": "finished", "axis": {"format": "%b %d"}},
                    "y": {"field": "cycle_time_days", "type": "quantitative", "title": "cycle time (days)"},
                    "tooltip": [{"field": "key"}, {"field": "cycle_time_days"}],
                },
            },
            *_percentile_rules(p50, p85, p95),
        ],
    }


def aging(items: list[Row]) -> Spec:
    """Each open item's age by its status, against the cycle-time percentiles."""
    first = items[0] if items else {}
    return {
        "layer": [
            {
                "data": {"values": _values(items)},
                "mark": {"type": "point", "filled": True},
                "encoding": {
                    "x": {"field": "status", "type": "nominal", "title": None},
                    "y": {"field": "age_days", "type": "quantitative", "title": "age (days)"},
                    "tooltip": [{"field": "key"}, {"field": "age_days"}],
                },
            },
            *_percentile_rules(first.get("cycle_p50_days"), first.get("cycle_p85_days"), first.get("cycle_p95_days")),
        ],
    }


def evm(days: list[Row]) -> Spec:
    """PV, EV and AC over time (the S-curve)."""
    lines = [{"day": r["as_of"], "value": r[k], "series": k.upper()} for r in days for k in ("pv", "ev", "ac")]
    return {
        "data": {"values": _values(lines)},
        "mark": "line",
        "encoding": {
            "x": {"field": "day", "type": "temporal", "title": None},
            "y": {"field": "value", "type": "quantitative", "title": "cost"},
            "color": {"field": "series", "type": "nominal", "title": None},
        },
    }


def performance_indices(days: list[Row]) -> Spec:
    """CPI and SPI over time, with 1.0 marked."""
    lines = [
        {"day": r["as_of"], "index": r[k], "series": k.upper()}
        for r in days
        for k in ("cpi", "spi")
        if r[k] is not None
    ]
    return {
        "layer": [
            {
                "data": {"values": _values(lines)},
                "mark": "line",
                "encoding": {
                    "x": {"field": "day", "type": "temporal", "title": None},
                    "y": {"field": "index", "type": "quantitative", "title": "index"},
                    "color": {"field": "series", "type": "nominal", "title": None},
                },
            },
            {
                "data": {"values": [{"one": 1.0}]},
                "mark": {"type": "rule", "strokeDash": [2, 2]},
                "encoding": {"y": {"field": "one", "type": "quantitative"}},
            },
        ],
    }
