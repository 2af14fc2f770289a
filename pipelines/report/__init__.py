"""`pmhub report`: one self-contained HTML file with the portfolio overview and, per project, its
burn-up with the forecast cone, velocity or throughput, cumulative flow, cycle times, aging work in
progress, earned value and the items that drive its RAG; each chart with its data beside it.

`data` reads the marts, `charts` draws them (Vega-Lite rendered to SVG), `page` lays them out.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipelines.report.data import ReportError, read_report_data
from pipelines.report.page import page

__all__ = ["ReportError", "write_report"]


def write_report(db: Path, out: Path, as_of: date | None = None) -> Path:
    """Write the report of warehouse `db` to `out` (written whole, then renamed into place)."""
    html = page(read_report_data(db, as_of))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(out)
    return out
