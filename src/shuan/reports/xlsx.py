"""The 分类分级清单 workbook of the city or of one department: a 汇总 sheet (totals; tables by level, department
and category; sensitive types; PIPL Art. 28 tables; scan freshness; a bar chart by level) followed by the
inventory sheets of `shuan export` with a 部门 column."""

from __future__ import annotations

from typing import IO, Any

from shuan.inventory.export import XlsxStyles, open_workbook, write_inventory_sheets
from shuan.messages import msg
from shuan.reports.inventory_report import Bucket, InventoryReport


def write_xlsx(report: InventoryReport, fh: IO[bytes]) -> None:
    wb, st = open_workbook(fh)
    wb.set_properties({"title": f"{report.scope}{msg('inventory.title')}", "subject": report.title,
                       "comments": report.generated_at})
    _summary(wb, st, report)
    write_inventory_sheets(wb, st, report.inventory, report.table_departments)
    wb.close()


def _summary(wb: Any, st: XlsxStyles, r: InventoryReport) -> None:
    ws = wb.add_worksheet(msg("report.summary_sheet"))
    title = wb.add_format({"bold": True, "font_size": 16, "font_color": "#1F3864"})
    section = wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F3864", "bottom": 2})
    stale = wb.add_format({"bold": True, "font_color": "#C00000", "border": 1})
    ws.set_column(0, 0, 30)
    ws.set_column(1, 12, 13)
    ws.write(0, 0, f"{r.scope}{r.title}", title)
    row = 2

    def heading(text: str) -> None:
        nonlocal row
        ws.write(row, 0, text, section)
        row += 1

    def table(headings: list[str], body: list[list[Any]], colors: list[str | None] | None = None) -> int:
        """Write a block; returns the row of its heading. `colors` paints the first cell of each row."""
        nonlocal row
        first = row
        ws.write_row(row, 0, headings, st.head)
        for i, values in enumerate(body):
            row += 1
            ws.write_row(row, 0, values, st.wrap)
            color = colors[i] if colors else None
            if color:
                ws.write(row, 0, values[0], st.level(color))
        if not body:
            row += 1
            ws.write(row, 0, msg("report.none"), st.wrap)
        row += 2
        return first

    table([msg("report.item"), msg("report.value")], [
        [msg("report.scope"), r.scope],
        [msg("report.scheme"), f"{r.scheme_name}（{r.scheme_id}）"],
        [msg("report.basis"), r.scheme_basis],
        [msg("report.generated_at"), r.generated_at],
        [msg("report.total_sources"), r.total_sources],
        [msg("report.total_tables"), r.total_tables],
        [msg("report.total_columns"), r.total_columns],
        [msg("report.total_rows"), r.total_rows],
        [msg("report.sensitive_columns"), r.sensitive_columns],
        [msg("report.pipl_count"), len(r.pipl_tables)],
    ])

    heading(msg("report.by_level"))
    first = table([msg("report.level"), msg("report.tables"), msg("report.columns")],
                  [[lv.label, r.by_level[lv.level], r.columns_by_level.get(lv.level, 0)] for lv in r.levels],
                  [lv.color for lv in r.levels])
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({
        "name": msg("report.chart_by_level"),
        "categories": [ws.name, first + 1, 0, first + len(r.levels), 0],
        "values": [ws.name, first + 1, 1, first + len(r.levels), 1],
        "points": [{"fill": {"color": lv.color}} for lv in r.levels],
        "data_labels": {"value": True},
    })
    chart.set_title({"name": msg("report.chart_by_level")})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})
    ws.insert_chart(first, 4, chart, {"x_scale": 1.1, "y_scale": 0.9})
    row = max(row, first + 16)

    def buckets(name: str, items: list[Bucket]) -> None:
        heading(msg(name))
        table([msg("report.department" if name == "report.by_department" else "report.category")]
              + [lv.label for lv in r.levels] + [msg("report.tables"), msg("report.rows")],
              [[b.label] + [b.by_level.get(lv.level, 0) for lv in r.levels] + [b.tables, b.rows] for b in items])

    buckets("report.by_department", r.by_department)
    buckets("report.by_category", r.by_category)

    heading(msg("report.type_counts"))
    table([msg("report.type"), msg("report.columns"), msg("report.tables"), msg("report.sensitive_pi")],
          [[tc.label, tc.columns, tc.tables, tc.sensitive] for tc in r.type_counts])

    heading(msg("report.pipl_tables"))
    table([msg("report.level"), msg("col.table"), msg("col.source"), msg("report.department"), msg("report.rows"),
           msg("report.sensitive_pi")],
          [[t.level_label, t.table, t.source, t.department, t.rows, "、".join(t.pipl)] for t in r.pipl_tables],
          [t.color for t in r.pipl_tables])

    heading(msg("report.freshness"))
    ws.write(row, 0, msg("report.stale_note", days=r.stale_days))
    row += 1
    start = row
    table([msg("col.source"), msg("report.department"), msg("report.scan_id"), msg("report.scanned_at"),
           msg("report.age_days"), msg("report.tables"), msg("report.error_count"), msg("report.status")],
          [[f.source, f.department, f.scan_id, f.scanned_at, f.age_days, f.tables, f.errors,
            msg("report.stale") if f.stale else msg("report.fresh")] for f in r.freshness])
    for i, f in enumerate(r.freshness, start=start + 1):
        if f.stale:
            ws.write(i, 7, msg("report.stale"), stale)
    ws.freeze_panes(1, 0)
