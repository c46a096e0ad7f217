"""Bar charts as inline SVG, drawn here (no JavaScript, no external assets): they print and convert to PDF
as they are. Every label is escaped; the result is markup ready to place in the page."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from shuan.reports.inventory_report import Bucket, LevelInfo

WIDTH = 680
ROW = 26
LABEL_W = 190
BAR_H = 18
FONT = "'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif"


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _clip(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(height: int, title: str, body: list[str]) -> Markup:
    head = (f'<svg class="chart" role="img" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
            f'font-family="{FONT}" font-size="12"><title>{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every value inside was escaped above


def level_bars(title: str, levels: Sequence[LevelInfo], counts: dict[int, int]) -> Markup:
    """One bar per level, in the level's colour, with the count at its end."""
    top = max(counts.values(), default=0) or 1
    span = WIDTH - LABEL_W - 60
    body = []
    for i, lv in enumerate(levels):
        y = 8 + i * ROW
        n = counts.get(lv.level, 0)
        w = span * n / top
        body.append(f'<text x="{LABEL_W - 8}" y="{y + 13}" text-anchor="end">{escape(lv.label)}</text>')
        body.append(f'<rect class="bar" x="{LABEL_W}" y="{y}" width="{_fmt(w)}" height="{BAR_H}" '
                    f'fill="{escape(lv.color)}"><title>{escape(lv.label)}: {n}</title></rect>')
        body.append(f'<text x="{_fmt(LABEL_W + w + 6)}" y="{y + 13}">{n}</text>')
    return _svg(16 + len(levels) * ROW, title, body)


def stacked_bars(title: str, levels: Sequence[LevelInfo], buckets: Sequence[Bucket]) -> Markup:
    """One bar per bucket (department or category), split by level colour, with a legend below."""
    top = max((b.tables for b in buckets), default=0) or 1
    span = WIDTH - LABEL_W - 60
    body = []
    for i, b in enumerate(buckets):
        y = 8 + i * ROW
        body.append(f'<text x="{LABEL_W - 8}" y="{y + 13}" text-anchor="end">{escape(_clip(b.label))}'
                    f'<title>{escape(b.label)}</title></text>')
        x = float(LABEL_W)
        for lv in levels:
            n = b.by_level.get(lv.level, 0)
            if not n:
                continue
            w = span * n / top
            body.append(f'<rect class="bar" x="{_fmt(x)}" y="{y}" width="{_fmt(w)}" height="{BAR_H}" '
                        f'fill="{escape(lv.color)}"><title>{escape(b.label)} {escape(lv.label)}: {n}</title></rect>')
            x += w
        body.append(f'<text x="{_fmt(x + 6)}" y="{y + 13}">{b.tables}</text>')
    y = 16 + len(buckets) * ROW
    x = LABEL_W
    for lv in levels:
        body.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{escape(lv.color)}"/>'
                    f'<text x="{x + 16}" y="{y + 11}">{escape(lv.label)}</text>')
        x += 24 + 13 * len(lv.label) + 10
    return _svg(y + 24, title, body)
