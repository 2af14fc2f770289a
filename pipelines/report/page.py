"""The report as one self-contained HTML page: inline styles, inline SVG charts, no script and no
reference to anything outside the file, so it works offline and prints one project per page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape
from typing import Any

from pipelines.report import charts
from pipelines.report.data import ProjectData, ReportData, Row

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; margin: 2rem; }
h1 { margin: 0 0 .2rem; } h2 { margin: 2rem 0 .4rem; } h3 { margin: 1.2rem 0 .3rem; font-size: 1rem; }
.meta { color: #52606d; }
table { border-collapse: collapse; margin: .4rem 0; }
th, td { border-bottom: 1px solid #d9e2ec; padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, td.date { white-space: nowrap; }
td.num, td.date { white-space: nowrap; }
.rag { display: inline-block; padding: 0 .5rem; border-radius: .6rem; color: #fff; font-weight: 600; }
.rag.red { background: #b22222; } .rag.amber { background: #c77700; } .rag.green { background: #2e8b57; }
.rag.unknown { background: #7b8794; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); gap: 1rem; }
figure { margin: 0; } details { margin: .2rem 0 1rem; } summary { cursor: pointer; color: #52606d; }
.empty { color: #7b8794; font-style: italic; }
.print-only { display: none; }
.failed { border-left: 4px solid #b22222; padding: .3rem .6rem; background: #fdecea; }
@page { size: A4 landscape; margin: 8mm; }
@media print {
  body { margin: 0; font-size: 9px; }
  section.project { break-before: page; break-inside: avoid; }
  h2 { margin: 0 0 .2rem; } p { margin: .1rem 0; }
  details { display: none; }
  .charts { grid-template-columns: repeat(4, 1fr); gap: .2rem .4rem; } .chart { break-inside: avoid; }
  .chart h3 { margin: .1rem 0; font-size: 9px; } figure svg { width: 100%; height: auto; }
  th, td { padding: .05rem .3rem; }
  .screen-only { display: none; } .print-only { display: block; color: #52606d; }
  a { color: inherit; text-decoration: none; }
}
"""


# A project prints on one page: its longest lists are cut there (the HTML file keeps them whole).
PRINTED_DRIVERS = 12


def _cell(value: Any, kind: str = "") -> str:
    if value is None:
        return "—"
    if kind == "html":  # markup this module made from escaped data (a RAG badge, an item link)
        return str(value)
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return escape(str(value))


def table(
    columns: Sequence[tuple[str, str, str]], rows: Sequence[Row], caption: str = "", printed: int | None = None
) -> str:
    """An HTML table of `rows`: columns are (key, heading, kind); kind 'pct', 'num', 'date', 'html'
    (markup made here, put in as it is) or '' (text, escaped). Only the first `printed` rows print."""
    css = {"pct": " class=num", "num": " class=num", "date": " class=date"}
    head = "".join(f'<th scope="col"{css.get(k, "")}>{escape(h)}</th>' for _key, h, k in columns)
    body = "".join(
        ("<tr class=screen-only>" if printed is not None and i >= printed else "<tr>")
        + "".join(f"<td{css.get(k, '')}>{_cell(r.get(key), k)}</td>" for key, _h, k in columns)
        + "</tr>"
        for i, r in enumerate(rows)
    )
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _link(row: Row, label_key: str = "key") -> Row:
    label = escape(str(row.get(label_key) or "—"))
    url = row.get("url")
    return {**row, label_key: f'<a href="{escape(url)}">{label}</a>' if url else label}


def _chart(title: str, rows: list[Row], spec: Callable[[], charts.Spec], columns: list[tuple[str, str, str]]) -> str:
    if not rows:
        return f'<div class="chart"><h3>{escape(title)}</h3><p class="empty">no data yet</p></div>'
    return (
        f'<div class="chart"><h3>{escape(title)}</h3><figure role="img" aria-label="{escape(title)}">'
        f"{charts.render(spec())}</figure>"
        f"<details><summary>Data ({len(rows)} rows)</summary>{table(columns, rows, title)}</details></div>"
    )


OVERVIEW_COLUMNS = [
    ("name", "Project", ""),
    ("rag", "RAG", "html"),
    ("pct_complete", "% complete", "pct"),
    ("cpi", "CPI", "num"),
    ("spi", "SPI", "num"),
    ("eac", "EAC", "num"),
    ("bac", "BAC", "num"),
    ("p50_date", "P50 finish", "date"),
    ("forecast_p85", "P85 finish", "date"),
    ("planned_end", "Planned end", "date"),
    ("schedule_variance_days", "Schedule variance (days)", "num"),
    ("estimate_coverage", "Estimated", "pct"),
    ("stale_containers", "Stale or missing sources", ""),
    ("rag_reason", "Why", ""),
]


def _rag(status: str) -> str:
    return f'<span class="rag {escape(status)}">{escape(status)}</span>'


def overview(data: ReportData) -> str:
    rows = [{**p.overview, "rag": _rag(p.overview["rag_status"])} for p in data.projects]
    overview_table = table(OVERVIEW_COLUMNS, rows, "Portfolio, worst first")
    return f'<section class="overview"><h2>Portfolio</h2>{overview_table}</section>'


@dataclass(frozen=True)
class ChartDef:
    """One chart of a project: its title, the mart rows it draws, its spec, and the columns of the
    table beside it."""

    title: str
    rows: list[Row]
    spec: Callable[[], charts.Spec]
    columns: list[tuple[str, str, str]]


def chart_defs(p: ProjectData) -> list[ChartDef]:
    """A project's charts, in the order the report shows them."""
    s = p.series
    first_aging = s["aging"][0] if s["aging"] else {}
    cycle_p = [first_aging.get(f"cycle_p{n}_days") for n in (50, 85, 95)]
    sprints = bool(s["sprints"])
    return [
        ChartDef(
            "Burn-up and forecast (items)",
            s["progress"],
            lambda: charts.burn_up(s["progress"], s["forecast"]),
            [("as_of", "Day", ""), ("items_total", "Scope", "num"), ("items_done", "Done", "num")],
        ),
        ChartDef(
            "Velocity (points per sprint)",
            s["sprints"],
            lambda: charts.velocity(s["sprints"]),
            [
                ("iteration_name", "Sprint", ""),
                ("committed_points", "Committed", "num"),
                ("completed_points", "Completed", "num"),
            ],
        )
        if sprints
        else ChartDef(
            "Throughput (items per week)",
            s["throughput"],
            lambda: charts.throughput(s["throughput"]),
            [("week_start", "Week", ""), ("items_done", "Items done", "num")],
        ),
        ChartDef(
            "Cumulative flow",
            s["flow"],
            lambda: charts.cumulative_flow(s["flow"]),
            [
                ("as_of", "Day", ""),
                ("todo", "To do", "num"),
                ("in_progress", "In progress", "num"),
                ("done", "Done", "num"),
                ("uncategorized", "Uncategorized", "num"),
            ],
        ),
        ChartDef(
            "Cycle time of finished items",
            s["cycle"],
            lambda: charts.cycle_scatter(s["cycle"], *cycle_p),
            [("key", "Item", ""), ("done_on", "Finished", ""), ("cycle_time_days", "Cycle time (days)", "num")],
        ),
        ChartDef(
            "Aging work in progress",
            s["aging"],
            lambda: charts.aging(s["aging"]),
            [
                ("key", "Item", ""),
                ("status", "Status", ""),
                ("age_days", "Age (days)", "num"),
                ("age_band", "Against cycle times", ""),
            ],
        ),
        ChartDef(
            "Earned value: PV, EV, AC",
            s["evm"],
            lambda: charts.evm(s["evm"]),
            [("as_of", "Day", ""), ("pv", "PV", "num"), ("ev", "EV", "num"), ("ac", "AC", "num")],
        ),
        ChartDef(
            "CPI and SPI",
            [r for r in s["evm"] if r["cpi"] is not None or r["spi"] is not None],
            lambda: charts.performance_indices(s["evm"]),
            [("as_of", "Day", ""), ("cpi", "CPI", "num"), ("spi", "SPI", "num")],
        ),
    ]


def chart_specs(p: ProjectData) -> list[tuple[str, charts.Spec]]:
    """The specs of a project's charts that have data, by title (for pages that embed images)."""
    return [(d.title, d.spec()) for d in chart_defs(p) if d.rows]


def project(p: ProjectData) -> str:
    o, s = p.overview, p.series
    parts = [_chart(d.title, d.rows, d.spec, d.columns) for d in chart_defs(p)]
    attention = [_link(r) for r in s["attention"]]
    drivers = (
        table(
            [
                ("key", "Item", "html"),
                ("title", "Title", ""),
                ("status", "Status", ""),
                ("reason", "Why", ""),
                ("detail", "Detail", ""),
            ],
            attention,
            "Items that drive the RAG",
            printed=PRINTED_DRIVERS,
        )
        + (
            f'<p class="print-only">and {len(attention) - PRINTED_DRIVERS} more in the HTML report</p>'
            if len(attention) > PRINTED_DRIVERS
            else ""
        )
        if attention
        else '<p class="empty">no aging, overdue or blocked items</p>'
    )
    forecast = s["forecast"][0] if s["forecast"] else {}
    return (
        f'<section class="project" id="project-{escape(o["project_id"])}">'
        f"<h2>{escape(o['name'])} {_rag(o['rag_status'])}</h2>"
        f"<p>{escape(o['rag_reason'] or '')}</p>"
        f"<p class=meta>Forecast: {escape(str(forecast.get('method') or forecast.get('null_reason') or '—'))}</p>"
        f'<div class="charts">{"".join(parts)}</div><h3>What drives the RAG</h3>{drivers}</section>'
    )


def page(data: ReportData, generated_at: datetime | None = None) -> str:
    generated = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    note = (
        f" (forecast, aging and attention items as of the last sync, {data.synced_as_of})"
        if data.as_of != data.synced_as_of
        else ""
    )
    body = "".join(project(p) for p in data.projects) or '<p class="empty">no portfolio project yet</p>'
    failed = data.failed_sync
    banner = (
        f'<p class="failed" role="alert">The last sync, at {escape(failed.finished_at)}, failed'
        f"{' in ' + escape(failed.failed_step) if failed.failed_step else ''}: {escape(failed.message)}. "
        "The figures below are those of the last successful sync.</p>"
        if failed
        else ""
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Portfolio report, data as of {data.as_of}</title><style>{STYLE}</style></head><body>"
        f'<header><h1>Portfolio report</h1><p class="meta">Data as of {data.as_of}{escape(note)} · '
        f"generated at {generated} · every figure from the warehouse's mart tables</p>{banner}</header>"
        f"{overview(data)}{body}</body></html>\n"
    )
