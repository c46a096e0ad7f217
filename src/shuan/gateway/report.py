"""The periodic audit report of the data services (Jiangxi 第16条: call logs and periodic audits).

Read from the ``service.call`` events of the audit chain in a period (UTC instants; days and hours are
judged in 北京时间, CST):

* per service and per consumer: calls, calls allowed, rows returned, refusals by reason (the decision
  rule — ``deny_expired``, ``deny_purpose``, ``rate_limited`` … — or the error key);
* calls at unusual hours: outside 08:00-20:00 CST, or on a day that is not a working day on the
  official holiday calendar (shuan.sharing.workdays; outside the calendar's years, weekends);
* unusual volumes: a consumer's day whose calls (or rows) exceed `VOLUME_FACTOR` (3) times the median of
  that consumer's daily calls (rows) over the days of the period, and the floor (`CALL_FLOOR` calls,
  `ROW_FLOOR` rows) — a burst on an otherwise quiet account is flagged, a steady heavy user is not;
* calls outside the granted purpose or period: refused as expired, not yet valid, revoked, or made
  for another usage scenario (the grant's purpose).

Who: the security administrator (`GRANT_MANAGE`) and auditors (`AUDIT_READ`); refused before any
lookup otherwise. Producing a report is audited (``service.report``). Output: a JSON document, an XLSX
workbook (one sheet per section) or an HTML page.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html import escape
from io import BytesIO
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from shuan.audit.events import Event
from shuan.audit.guard import audited
from shuan.audit.log import format_ts
from shuan.audit.models import AuditEventRow
from shuan.clock import utcnow
from shuan.errors import InvalidInput, PermissionDenied
from shuan.gateway.service import ACTION_CALL, OUT_OF_GRANT_RULES
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import Permission
from shuan.messages import msg

if TYPE_CHECKING:
    from shuan.platform import Platform

CST_OFFSET = timedelta(hours=8)
DAY_START, DAY_END = 8, 20
VOLUME_FACTOR = 3.0
CALL_FLOOR = 100
ROW_FLOOR = 1000
MAX_PERIOD = timedelta(days=366)
ACTION_REPORT = "service.report"


@dataclass
class Tally:
    calls: int = 0
    allowed: int = 0
    rows: int = 0
    refused: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: str, rows: int, reason: str | None) -> None:
        self.calls += 1
        if outcome == "success":
            self.allowed += 1
            self.rows += rows
        else:
            self.refused += 1
            self.reasons[reason or outcome] += 1

    def as_dict(self) -> dict[str, Any]:
        return {"calls": self.calls, "allowed": self.allowed, "rows": self.rows, "refused": self.refused,
                "refusals": dict(sorted(self.reasons.items()))}


@dataclass
class ServiceReport:
    start: datetime
    end: datetime
    generated_at: datetime
    services: dict[str, Tally]
    consumers: dict[tuple[str, str], Tally]  # (service, consumer)
    unusual_hours: list[dict[str, Any]]
    unusual_volumes: list[dict[str, Any]]
    outside_grant: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "generated_at": self.generated_at.isoformat(),
            "thresholds": {"working_hours_cst": [DAY_START, DAY_END], "volume_factor": VOLUME_FACTOR,
                           "call_floor": CALL_FLOOR, "row_floor": ROW_FLOOR},
            "services": [{"service": k, **v.as_dict()} for k, v in sorted(self.services.items())],
            "consumers": [{"service": s, "consumer": c, **v.as_dict()} for (s, c), v in sorted(self.consumers.items())],
            "unusual_hours": self.unusual_hours,
            "unusual_volumes": self.unusual_volumes,
            "outside_grant": self.outside_grant,
        }


def _is_working_day(day: date) -> bool:
    try:
        from shuan.sharing.workdays import cached_calendar
    except ImportError:  # pragma: no cover - the calendar ships with the sharing part
        return day.weekday() < 5
    try:
        return cached_calendar().is_working_day(day)
    except Exception:  # noqa: BLE001 - a broken calendar file must not stop the report: weekends then
        return day.weekday() < 5


def unusual_hour(moment: datetime) -> bool:
    """Outside 08:00-20:00 CST, or on a CST day that is not a working day."""
    local = moment.astimezone(UTC) + CST_OFFSET
    return not (DAY_START <= local.hour < DAY_END) or not _is_working_day(local.date())


def _parse_ts(ts: str) -> datetime:
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _check_period(start: object, end: object) -> tuple[datetime, datetime]:
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        raise InvalidInput("gateway.report_period", field="from")
    s = start if start.tzinfo else start.replace(tzinfo=UTC)
    e = end if end.tzinfo else end.replace(tzinfo=UTC)
    if e <= s or e - s > MAX_PERIOD:
        raise InvalidInput("gateway.report_period", field="to")
    return s, e


def _volumes(daily: dict[str, dict[date, list[int]]], start: datetime, end: datetime) -> list[dict[str, Any]]:
    first = (start + CST_OFFSET).date()
    last = (end - timedelta(microseconds=1) + CST_OFFSET).date()
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    out: list[dict[str, Any]] = []
    for consumer, per_day in sorted(daily.items()):
        calls = [per_day.get(d, [0, 0])[0] for d in days]
        rows = [per_day.get(d, [0, 0])[1] for d in days]
        mc, mr = median(calls), median(rows)
        for d, c, r in zip(days, calls, rows, strict=True):
            reasons = []
            if c > VOLUME_FACTOR * mc and c > CALL_FLOOR:
                reasons.append("calls")
            if r > VOLUME_FACTOR * mr and r > ROW_FLOOR:
                reasons.append("rows")
            if reasons:
                out.append({"consumer": consumer, "day": d.isoformat(), "calls": c, "rows": r,
                            "median_calls": mc, "median_rows": mr, "exceeds": reasons})
    return out


def build_report(platform: Platform, actor: Principal, *, start: datetime, end: datetime,
                 now: datetime | None = None) -> ServiceReport:
    """The report for [start, end), audited as ``service.report``."""
    when = now or utcnow()
    with audited(platform, actor, ACTION_REPORT, "service:*") as s:
        if not (actor == SYSTEM or actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.AUDIT_READ)):
            raise PermissionDenied("gateway.report_denied")
        start, end = _check_period(start, end)
        rows = s.execute(select(AuditEventRow.ts, AuditEventRow.actor, AuditEventRow.resource, AuditEventRow.outcome,
                                AuditEventRow.purpose, AuditEventRow.details)
                         .where(AuditEventRow.action == ACTION_CALL, AuditEventRow.ts >= format_ts(start),
                                AuditEventRow.ts < format_ts(end))
                         .order_by(AuditEventRow.seq)).all()
        services: dict[str, Tally] = defaultdict(Tally)
        consumers: dict[tuple[str, str], Tally] = defaultdict(Tally)
        daily: dict[str, dict[date, list[int]]] = defaultdict(dict)
        odd_hours: list[dict[str, Any]] = []
        outside: list[dict[str, Any]] = []
        for ts, who, resource, outcome, purpose, details_text in rows:
            details = json.loads(details_text)
            service = str(resource).removeprefix("service:")
            n = int(details.get("rows") or 0)
            reason = details.get("rule") or details.get("reason")
            reason = None if reason is None else str(reason)
            services[service].add(outcome, n, reason)
            consumers[(service, who)].add(outcome, n, reason)
            moment = _parse_ts(ts)
            day = (moment + CST_OFFSET).date()
            bucket = daily[who].setdefault(day, [0, 0])
            bucket[0] += 1
            bucket[1] += n if outcome == "success" else 0
            line = {"time": (moment + CST_OFFSET).strftime("%Y-%m-%d %H:%M:%S"), "service": service,
                    "consumer": who, "outcome": outcome, "rows": n, "scenario": purpose}
            if unusual_hour(moment):
                odd_hours.append(line)
            if outcome != "success" and reason in OUT_OF_GRANT_RULES:
                outside.append({**line, "rule": reason})
        report = ServiceReport(start=start, end=end, generated_at=when, services=dict(services),
                               consumers=dict(consumers), unusual_hours=odd_hours,
                               unusual_volumes=_volumes(daily, start, end), outside_grant=outside)
        platform.audit.record(s, Event(ACTION_REPORT, actor, resource="service:*", details={
            "start": start.isoformat(), "end": end.isoformat(), "calls": len(rows),
            "unusual_hours": len(odd_hours), "unusual_volumes": len(report.unusual_volumes),
            "outside_grant": len(outside)}), now=when)
        return report


# -- writers -------------------------------------------------------------------------------------------


def _sections(r: ServiceReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    def reasons(t: Tally) -> str:
        return "; ".join(f"{k}×{v}" for k, v in sorted(t.reasons.items()))

    heads = [msg("gateway.col_calls"), msg("gateway.col_rows"), msg("gateway.col_refused"), msg("gateway.col_reasons")]
    line = [msg("gateway.col_time"), msg("gateway.col_service"), msg("gateway.col_consumer"),
            msg("gateway.col_outcome"), msg("gateway.col_rows")]
    return [
        (msg("gateway.report_services"), [msg("gateway.col_service"), *heads],
         [[k, t.calls, t.rows, t.refused, reasons(t)] for k, t in sorted(r.services.items())]),
        (msg("gateway.report_consumers"), [msg("gateway.col_service"), msg("gateway.col_consumer"), *heads],
         [[s, c, t.calls, t.rows, t.refused, reasons(t)] for (s, c), t in sorted(r.consumers.items())]),
        (msg("gateway.report_unusual_hours"), line,
         [[x["time"], x["service"], x["consumer"], x["outcome"], x["rows"]] for x in r.unusual_hours]),
        (msg("gateway.report_unusual_volume"),
         [msg("gateway.col_consumer"), msg("gateway.col_day"), msg("gateway.col_calls"), msg("gateway.col_rows"),
          msg("gateway.col_median")],
         [[x["consumer"], x["day"], x["calls"], x["rows"], f"{x['median_calls']} / {x['median_rows']}"]
          for x in r.unusual_volumes]),
        (msg("gateway.report_outside_grant"), [*line, msg("gateway.col_rule")],
         [[x["time"], x["service"], x["consumer"], x["outcome"], x["rows"], x["rule"]] for x in r.outside_grant]),
    ]


def _period_line(r: ServiceReport) -> str:
    fmt = "%Y-%m-%d %H:%M"
    return msg("gateway.report_period_line", start=(r.start + CST_OFFSET).strftime(fmt),
               end=(r.end + CST_OFFSET).strftime(fmt))


def render_html(r: ServiceReport) -> str:
    parts = ["<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
             f"<title>{escape(msg('gateway.report_title'))}</title></head><body>",
             f"<h1>{escape(msg('gateway.report_title'))}</h1><p>{escape(_period_line(r))}</p>"]
    for title, heads, body in _sections(r):
        parts.append(f"<h2>{escape(title)}</h2><table border=\"1\"><thead><tr>")
        parts.extend(f"<th>{escape(h)}</th>" for h in heads)
        parts.append("</tr></thead><tbody>")
        if not body:
            parts.append(f"<tr><td colspan=\"{len(heads)}\">{escape(msg('gateway.none'))}</td></tr>")
        for row in body:
            parts.append("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts)


def render_xlsx(r: ServiceReport) -> bytes:
    from shuan.inventory.export import open_workbook

    buffer = BytesIO()
    wb, st = open_workbook(buffer)
    for title, heads, body in _sections(r):
        ws = wb.add_worksheet(title[:31])
        ws.write(0, 0, msg("gateway.report_title"))
        ws.write(1, 0, _period_line(r))
        for j, h in enumerate(heads):
            ws.write(3, j, h, st.head)
            ws.set_column(j, j, 18)
        for i, row in enumerate(body, start=4):
            for j, v in enumerate(row):
                ws.write(i, j, v, st.wrap)
    wb.close()
    return buffer.getvalue()


def write_report(r: ServiceReport, path: Path) -> Path:
    """Write by the file's suffix: .json, .xlsx, .html (anything else: JSON)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        path.write_bytes(render_xlsx(r))
    elif suffix in (".html", ".htm"):
        path.write_text(render_html(r), encoding="utf-8")
    else:
        path.write_text(json.dumps(r.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


__all__ = ["ServiceReport", "build_report", "render_html", "render_xlsx", "unusual_hour", "write_report"]
