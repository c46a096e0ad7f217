"""The printable report: one self-contained A4 HTML page in Chinese (inline CSS and SVG charts, no script,
no external asset, a Content-Security-Policy that forbids loading anything)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from shuan.messages import language, msg
from shuan.reports.charts import level_bars, stacked_bars
from shuan.reports.inventory_report import InventoryReport

#: nothing may load: no script, no network, no frames; only the page's own <style>
CSP = Markup("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")


@cache
def _environment() -> Environment:
    # autoescape everywhere: table and column names come from scanned data
    env = Environment(loader=PackageLoader("shuan.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["t"] = msg
    return env


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0.0%"


def render_html(report: InventoryReport) -> str:
    context: dict[str, Any] = {
        "r": report,
        "lang": "en" if language() == "en" else "zh-CN",
        "csp": CSP,
        "pct": _pct,
        "chart_level": level_bars(msg("report.chart_by_level"), report.levels, report.by_level),
        "chart_department": stacked_bars(msg("report.chart_by_department"), report.levels, report.by_department),
        "chart_category": stacked_bars(msg("report.chart_by_category"), report.levels, report.by_category),
        "level_of": {lv.level: lv for lv in report.levels},
    }
    return _environment().get_template("report.html").render(context)
