"""Leak tracing on the platform: fingerprinted extracts for named recipients, and `trace` of a found file.

* **Keys.** One random platform secret, the system key ``sys/trace`` (created on first use, wrapped
  under the root key like the audit HMAC key, audited as ``key.create``), so that rotating the root
  key does not orphan the fingerprints already delivered. A recipient's key is
  ``derive_system_key(trace secret, "trace/v1/<kind>:<id>")`` (HKDF-SM3), kind ``department`` or
  ``user``; it is derived again whenever needed and never stored.
* **Deliver** (`deliver_extract`, audited ``extract.deliver``): needs `Permission.GRANT_MANAGE`
  (安全管理员) or `Permission.GRANT_MANAGE_DEPT` (a department's steward or security officer, recorded
  as the providing department). Reads one table of a CSV/TSV/XLSX/Parquet/JSON file through
  `shuan.sources`, classifies its columns (`shuan.discovery`, so that checksummed identifiers and
  dates are never touched), marks it for the recipient (`shuan.protect.tracing.embed`), writes the
  copy (CSV with a UTF-8 BOM, XLSX or Parquet, by the output's extension), and registers it in the
  ``extracts`` table with the SM3 digest of the file written, all in one unit of work with its audit
  event. The copy is first written beside the target and moved into place only after the register
  and the audit chain have committed: no fingerprinted copy leaves without a record.
* **Trace** (`trace_file`, audited ``extract.trace``): needs `Permission.GRANT_MANAGE` or
  `Permission.AUDIT_READ` (安全管理员, 审计管理员). Reads every table of the suspect file, scores every
  recipient that ever received an extract (`shuan.protect.tracing.detect`) and names the most likely
  one only when its one-sided binomial p-value is ≤ 10^-6 / (number of recipients) — the false
  attribution bound and the statistic are stated in `shuan.protect.tracing` and in the output.
  Refusals of either are audited (`shuan.audit.guard.audited`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuan.access.rules import check_text
from shuan.audit.events import Event
from shuan.audit.guard import audited
from shuan.clock import utcnow
from shuan.crypto.sm3 import SM3
from shuan.errors import Conflict, InvalidInput, NotFound, PermissionDenied, UsageError
from shuan.identity.models import Department, User
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.messages import msg
from shuan.protect.tracing import GAMMA, SCHEME, Embedded, TraceResult, embed, format_p, observe
from shuan.protect.tracing import detect as detect_marks
from shuan.protect.tracing_models import Extract

if TYPE_CHECKING:
    from shuan.platform import Platform

ACTION_DELIVER = "extract.deliver"
ACTION_TRACE = "extract.trace"
KEY_PURPOSE = "trace"
OUTPUT_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
MAX_PURPOSE = 500
CLASSIFY_ROWS = 20_000  # rows the column classifier sees (types decide which columns may be marked)
_BATCH_ROWS = 65_536


# -- values handed to front ends --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    kind: str  # "department" | "user"
    id: int
    name: str
    department_id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}"

    def display(self) -> str:
        key = "tracing.recipient_department" if self.kind == "department" else "tracing.recipient_user"
        return msg(key, name=self.name, id=self.id)


@dataclass(frozen=True)
class ExtractView:
    id: int
    recipient_kind: str
    recipient_id: int
    recipient_name: str
    purpose: str
    source: str
    output_name: str
    output_format: str
    output_digest: str
    row_count: int
    columns: tuple[str, ...]
    marked_cells: int
    changed_cells: int
    carrier_cells: int
    scheme: str
    created_at: datetime
    created_by_name: str

    @property
    def recipient(self) -> Recipient:
        return Recipient(self.recipient_kind, self.recipient_id, self.recipient_name)

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["columns"] = list(self.columns)
        out["created_at"] = self.created_at.isoformat()
        return out


def _view(row: Extract) -> ExtractView:
    marks = row.marks or {}
    return ExtractView(
        id=int(row.id), recipient_kind=row.recipient_kind, recipient_id=int(row.recipient_id),
        recipient_name=row.recipient_name, purpose=row.purpose, source=row.source, output_name=row.output_name,
        output_format=row.output_format, output_digest=row.output_digest, row_count=int(row.row_count),
        columns=tuple(row.columns or ()), marked_cells=int(row.marked_cells),
        changed_cells=int(marks.get("changed", 0)), carrier_cells=int(marks.get("carriers", 0)),
        scheme=row.scheme, created_at=row.created_at, created_by_name=row.created_by_name)


@dataclass(frozen=True)
class TraceReport:
    """What `trace_file` found: the statistic for every candidate, the attribution, related extracts."""

    file: str
    digest: str
    columns: tuple[str, ...]
    result: TraceResult
    recipients: Mapping[str, Recipient]
    exact: ExtractView | None = None  # a registered copy the file is byte-identical to
    extracts: tuple[ExtractView, ...] = ()  # the attributed recipient's copies, most similar first
    others: tuple[Recipient, ...] = field(default=())  # other recipients also passing (a merged file)

    @property
    def recipient(self) -> Recipient | None:
        found = self.result.recipient
        return None if found is None else self.recipients[found.recipient]

    def as_dict(self) -> dict[str, Any]:
        r = self.result
        found = r.recipient
        best = r.best
        return {
            "file": self.file, "digest": self.digest, "rows": r.rows, "carrier_cells": r.cells,
            "positions": r.positions, "candidates": r.candidates, "alpha": r.alpha,
            "threshold": format_p(r.threshold_log10),
            "statistic": "one-sided binomial test, X ~ Binomial(n, 1/2) under H0; attribute iff p <= alpha/m",
            "found": found is not None,
            "recipient": None if found is None else {
                "kind": self.recipients[found.recipient].kind, "id": self.recipients[found.recipient].id,
                "name": self.recipients[found.recipient].name, **found.as_dict(),
                "adjusted_p": format_p(r.adjusted_log10(found))},
            "best": None if best is None else {"marks": best.marks, "matches": best.matches,
                                               "p_value": format_p(best.log10_p)},
            "others": [{"kind": o.kind, "id": o.id, "name": o.name} for o in self.others],
            "exact_extract": None if self.exact is None else self.exact.id,
            "extracts": [e.id for e in self.extracts],
        }


# -- keys --------------------------------------------------------------------------------------------------


def recipient_key(secret: bytes, kind: str, recipient_id: int) -> bytes:
    """A recipient's 32-byte tracing key, bound to the scheme version, the kind and the id."""
    from shuan.platform import derive_system_key

    return derive_system_key(secret, f"trace/{SCHEME}/{kind}:{recipient_id}", 32)


def _secret(platform: Platform, s: Session) -> bytes:
    key, _created = platform.keyring.system_key(s, KEY_PURPOSE, 32)
    return key


# -- recipients --------------------------------------------------------------------------------------------


def resolve_recipient(s: Session, spec: str) -> Recipient:
    """``department:ID`` / ``dept:ID`` / ``部门:ID`` / a bare number: a department; ``user:NAME`` /
    ``用户:NAME`` / anything else: an active user by username."""
    text = (spec or "").strip()
    kind, sep, value = text.partition(":")
    if not sep:
        kind, value = ("department" if text.isdigit() else "user"), text
    kind = {"dept": "department", "部门": "department", "用户": "user"}.get(kind.strip().lower(), kind.strip().lower())
    value = value.strip()
    if kind == "department" and value.isdigit() and len(value) < 10:
        dept = s.get(Department, int(value))
        if dept is not None:
            return Recipient("department", int(dept.id), dept.name)
    elif kind == "user" and value and len(value) <= 64:
        user = s.scalar(select(User).where(User.username == value.lower()))
        if user is not None and user.active:
            return Recipient("user", int(user.id), user.username, int(user.department_id))
    raise NotFound("tracing.recipient_not_found", recipient=text[:100])


def _candidates(s: Session) -> dict[str, Recipient]:
    """Every recipient that ever received an extract (name as at the latest delivery)."""
    out: dict[str, Recipient] = {}
    rows = s.execute(select(Extract.recipient_kind, Extract.recipient_id, Extract.recipient_name,
                            Extract.recipient_department_id).order_by(Extract.id))
    for kind, rid, name, dept in rows:
        r = Recipient(kind, int(rid), name, dept)
        out[r.label] = r
    return out


# -- files -------------------------------------------------------------------------------------------------


def _read(path: str | Path, *, table: str | None, every: bool,
          files_only: bool = True) -> tuple[list[tuple[str, pl.DataFrame]], str]:
    """The tables of one data file as frames (every table, or one: `table` or the only one); with
    `files_only` False, of any source (a registered database or directory)."""
    from shuan.sources import open_source
    from shuan.sources.files import FileSource

    if files_only and Path(path).is_dir():
        raise UsageError("tracing.not_a_file", path=str(path))
    source = open_source(str(path))
    try:
        if files_only and not isinstance(source, FileSource):
            raise UsageError("tracing.not_a_file", path=source.display)
        names = source.tables()
        if table is not None:
            if table not in names:
                raise NotFound("table.unknown", table=table)
            names = [table]
        elif not every and len(names) > 1:
            raise UsageError("tracing.table_required", path=source.display, tables="、".join(names[:10]))
        frames = []
        for name in names:
            reader = source.open_table(name, sample=None, batch_rows=_BATCH_ROWS)
            batches = list(reader.batches())
            if batches:
                got = pl.from_arrow(pa.Table.from_batches(batches))
                assert isinstance(got, pl.DataFrame)  # noqa: S101 - a table converts to a frame
                frames.append((name, got))
        return frames, source.display
    finally:
        source.close()


def _digest(path: Path) -> str:
    h = SM3()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write(frame: pl.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "csv":
        frame.write_csv(path, include_bom=True)
    elif fmt == "parquet":
        frame.write_parquet(path)
    else:
        _write_xlsx(frame, path)


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(list(frame.columns))
    for row in frame.iter_rows():
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: a leading "=" is never a formula
            cells.append(cell)
        ws.append(cells)
    wb.save(str(path))


def _column_types(frame: pl.DataFrame, platform: Platform) -> dict[str, list[str]]:
    """The discovered types of each column (a sample of rows), as the marking policy needs them."""
    from shuan.discovery.engine import classify_frame
    from shuan.inventory.service import registry_for

    sample = frame.head(CLASSIFY_ROWS).select(
        [pl.col(c).cast(pl.String) for c in frame.columns if frame.schema[c] != pl.Binary])
    results = classify_frame(sample, registry_for(platform.settings, []))
    return {r.name: [h.type for h in r.types] for r in results if r.types}


def _marks_summary(embedded: Embedded) -> dict[str, Any]:
    return {"scheme": SCHEME, "gamma": GAMMA, "carriers": embedded.carriers, "marked": embedded.marked,
            "changed": embedded.changed, "columns": [c.as_dict() for c in embedded.columns]}


# -- use cases ---------------------------------------------------------------------------------------------


def _require_deliver(actor: Principal) -> None:
    if not (actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)):
        raise PermissionDenied("tracing.deliver_denied")


def _require_trace(actor: Principal) -> None:
    if not (actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.AUDIT_READ)):
        raise PermissionDenied("tracing.trace_denied")


def _unwritable_column(frame: pl.DataFrame, fmt: str) -> str | None:
    """The first column CSV or XLSX cannot hold (binary, nested: from a Parquet or JSON source)."""
    if fmt == "parquet":
        return None
    for name, dtype in frame.schema.items():
        if dtype == pl.Binary or dtype == pl.Object or dtype.is_nested():
            return name
    return None


def deliver_extract(platform: Platform, actor: Principal, *, source: str | Path, recipient: str, purpose: str,
                    out: str | Path, table: str | None = None, keep: Collection[str] = (),
                    overwrite: bool = False, now: datetime | None = None,
                    registered: str | None = None) -> ExtractView:
    """Write a copy of `source` (one table) fingerprinted for `recipient` to `out`, and register it.
    An existing `out` is replaced only with `overwrite` (never the source itself, nor a directory).
    `registered`: the name of the registered source `source` is the (decrypted) location of — any kind
    of source is then read, and the audit resource is ``src:<name>``, never the location."""
    when = now or utcnow()
    src, target = Path(source), Path(out)
    partial = target.parent / f".{target.name}.part"  # moved into place once the record has committed
    try:
        with audited(platform, actor, ACTION_DELIVER,
                     f"src:{registered}" if registered else f"file:{src.name}") as s:
            _require_deliver(actor)
            purpose = check_text(purpose, "purpose", MAX_PURPOSE, required=True).strip()
            rcpt = resolve_recipient(s, recipient)
            fmt = OUTPUT_FORMATS.get(target.suffix.lower())
            if fmt is None:
                raise UsageError("tracing.format", path=str(target))
            if target.exists() and (target.is_dir() or (not registered and src.exists()
                                                         and target.resolve() == src.resolve())):
                raise UsageError("tracing.same_file", path=str(target))
            if (target.exists() or target.is_symlink()) and not overwrite:
                raise UsageError("tracing.out_exists", path=str(target))
            frames, display = (_read(str(source), table=table, every=False, files_only=False) if registered
                               else _read(src, table=table, every=False))
            if not frames or frames[0][1].height == 0:
                raise InvalidInput("tracing.empty", path=display)
            name, frame = frames[0]
            unknown = [c for c in keep if c not in frame.columns]
            if unknown:
                raise InvalidInput("tracing.keep_unknown", column=unknown[0][:100])
            secret = _secret(platform, s)
            embedded = embed(frame, recipient_key(secret, rcpt.kind, rcpt.id), _column_types(frame, platform),
                             keep=keep)
            bad = _unwritable_column(embedded.frame, fmt)
            if bad is not None:
                raise UsageError("tracing.column_format", column=bad[:100], type=str(embedded.frame.schema[bad])[:60],
                                 fmt=fmt.upper())
            try:
                _write(embedded.frame, partial, fmt)
            except OSError as exc:
                raise UsageError("tracing.write_failed", path=str(target), reason=exc.strerror or str(exc)) from exc
            except Exception as exc:  # noqa: BLE001 - a value the format cannot hold: one line, no traceback
                reason = f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}"
                raise UsageError("tracing.write_failed", path=str(target), reason=reason) from exc
            row = Extract(
                recipient_kind=rcpt.kind, recipient_id=rcpt.id, recipient_name=rcpt.name,
                recipient_department_id=rcpt.department_id, provider_department_id=actor.department_id,
                purpose=purpose, source=f"{display}#{name}"[:1000], output_name=target.name[:1000],
                output_format=fmt, output_digest=_digest(partial), row_count=frame.height,
                columns=list(frame.columns), marks=_marks_summary(embedded), marked_cells=embedded.marked,
                scheme=SCHEME, created_at=when, created_by=actor.user_id, created_by_name=actor.username)
            s.add(row)
            s.flush()
            platform.audit.record(s, Event(
                ACTION_DELIVER, actor, resource=f"extract:{row.id}", purpose=purpose,
                details={"extract_id": row.id, "recipient": rcpt.label, "recipient_name": rcpt.name,
                         "source": row.source, "output": row.output_name, "format": fmt,
                         "rows": frame.height, "columns": frame.width, "carriers": embedded.carriers,
                         "marked": embedded.marked, "changed": embedded.changed, "scheme": SCHEME,
                         "digest": row.output_digest}), now=when)
            view = _view(row)
    except BaseException:  # nothing written stays behind a refused or failed delivery
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    try:
        os.replace(partial, target)
    except OSError as exc:  # the register says delivered; the file is not where it should be
        with contextlib.suppress(OSError):
            partial.unlink()
        raise UsageError("tracing.write_failed", path=str(target), reason=exc.strerror or str(exc)) from exc
    return view


def list_extracts(platform: Platform, actor: Principal, *, limit: int = 100) -> list[ExtractView]:
    """The register, newest first (the same roles as tracing may read it)."""
    _require_trace(actor)
    with platform.store.sessions() as s:
        rows = s.scalars(select(Extract).order_by(Extract.id.desc()).limit(max(1, min(limit, 1000))))
        return [_view(r) for r in rows]


def trace_file(platform: Platform, actor: Principal, path: str | Path, *,
               now: datetime | None = None) -> TraceReport:
    """Which registered recipient's fingerprint does the file at `path` carry, if any."""
    when = now or utcnow()
    src = Path(path)
    with audited(platform, actor, ACTION_TRACE, f"file:{src.name}") as s:
        _require_trace(actor)
        frames, display = _read(src, table=None, every=True)
        digest = _digest(src)
        obs = observe(*(f for _, f in frames))
        recipients = _candidates(s)
        keys: dict[str, bytes] = {}
        if recipients:
            secret = _secret(platform, s)
            keys = {label: recipient_key(secret, r.kind, r.id) for label, r in recipients.items()}
        result = detect_marks(obs, keys)
        columns = tuple(dict.fromkeys(c for _, f in frames for c in f.columns))
        exact_row = s.scalar(select(Extract).where(Extract.output_digest == digest).order_by(Extract.id).limit(1))
        found = result.recipient
        extracts: tuple[ExtractView, ...] = ()
        if found is not None:
            r = recipients[found.recipient]
            rows = s.scalars(select(Extract).where(Extract.recipient_kind == r.kind, Extract.recipient_id == r.id))
            views = [_view(x) for x in rows]
            views.sort(key=lambda v: (-len(set(v.columns) & set(columns)), -v.id))
            extracts = tuple(views[:5])
        others = tuple(recipients[a.recipient] for a in result.attributed[1:])
        report = TraceReport(display, digest, columns, result, recipients,
                             None if exact_row is None else _view(exact_row), extracts, others)
        platform.audit.record(s, Event(ACTION_TRACE, actor, resource=f"file:{src.name}", details={
            "file": src.name, "digest": digest, "rows": result.rows, "carrier_cells": result.cells,
            "positions": result.positions, "candidates": result.candidates,
            "found": None if found is None else found.recipient,
            "marks": None if found is None else found.marks,
            "matches": None if found is None else found.matches,
            "log10_p": None if found is None else round(max(found.log10_p, -1e9), 3),
            "threshold_log10": round(result.threshold_log10, 3),
            "others": [o.label for o in others],
            "exact_extract": None if exact_row is None else int(exact_row.id)}), now=when)
    return report


# -- presentation (shared by the CLI and, later, the console) ------------------------------------------------


def describe(report: TraceReport) -> list[str]:
    """The finding in Chinese first, with the statistic stated (one line each)."""
    r = report.result
    lines = [msg("tracing.scanned", file=report.file, rows=r.rows, cells=r.cells, positions=r.positions,
                 candidates=r.candidates)]
    found = r.recipient
    if found is not None:
        who = report.recipients[found.recipient]
        lines.append(msg("tracing.found", recipient=who.display()))
        lines.append(msg("tracing.evidence", marks=found.marks, matches=found.matches, p=format_p(found.log10_p)))
        lines.append(msg("tracing.confidence", adjusted=format_p(r.adjusted_log10(found))))
        if report.others:
            lines.append(msg("tracing.also", others="、".join(o.display() for o in report.others)))
        for e in report.extracts:
            common = len(set(e.columns) & set(report.columns))
            lines.append(msg("tracing.extract", id=e.id, when=e.created_at.date().isoformat(), purpose=e.purpose,
                             source=e.source, common=common, columns=len(e.columns)))
    elif r.candidates == 0:
        lines.append(msg("tracing.none_found"))
        lines.append(msg("tracing.no_candidates"))
    elif r.positions == 0:
        lines.append(msg("tracing.none_found"))
        lines.append(msg("tracing.no_carriers"))
    else:
        best = r.best
        assert best is not None  # noqa: S101 - candidates exist
        lines.append(msg("tracing.none_found"))
        lines.append(msg("tracing.none_best", p=format_p(best.log10_p), marks=best.marks, matches=best.matches,
                         threshold=format_p(r.threshold_log10)))
    if report.exact is not None:
        lines.append(msg("tracing.exact", id=report.exact.id, when=report.exact.created_at.date().isoformat(),
                         recipient=report.exact.recipient.display()))
    lines.append(msg("tracing.rule", candidates=max(1, r.candidates), threshold=format_p(r.threshold_log10)))
    return lines


# -- registered sources and the register, for the front ends (REST and console) ------------------------------

#: where the front ends put delivered copies: $SHUAN_HOME/exports/extracts/<SM3 of the file>/<name>
EXTRACTS_DIR = ("exports", "extracts")
WEB_FORMATS = ("csv", "xlsx")  # what a browser download hands over (Parquet stays with the CLI)
DOWNLOAD_LIMIT = 256 << 20


def _refuse(platform: Platform, actor: Principal, action: str, resource: str, exc: Exception) -> None:
    from shuan.audit.events import Outcome
    from shuan.audit.guard import record_refusal

    record_refusal(platform, actor, action, resource, exc,
                   outcome=Outcome.DENIED if isinstance(exc, PermissionDenied) else Outcome.FAILURE)


def deliver_registered(platform: Platform, actor: Principal, *, source_id: int, recipient: str, purpose: str,
                       fmt: str = "csv", table: str | None = None, keep: Collection[str] = (),
                       now: datetime | None = None) -> ExtractView:
    """A fingerprinted copy of one table of a registered source, written under the platform home
    (`EXTRACTS_DIR`/<digest>/): the permission is checked before any lookup, then the source's
    department (a steward or security officer delivers the own department's sources only)."""
    import shutil
    from secrets import token_hex

    from shuan.inventory import sources as registered
    from shuan.protect.job import safe_file_stem

    where = f"source:{source_id}"
    try:
        _require_deliver(actor)
        if fmt not in WEB_FORMATS:
            raise InvalidInput("protect.extract_format", field="format", known="、".join(WEB_FORMATS))
        with platform.store.sessions() as s:
            row = registered._row(s, source_id)  # noqa: SLF001 - the service of the same platform
            name, department, active = row.name, row.department_id, row.active
            where = f"src:{name}"
            if not registered.may_manage(actor, department):
                raise PermissionDenied("sources.denied", department=department)
            if not active:
                raise Conflict("sources.inactive", name=name)
            location = registered._open(platform, s, row)  # noqa: SLF001 - decrypted in memory only
    except PermissionDenied as exc:
        _refuse(platform, actor, ACTION_DELIVER, where, exc)
        raise
    except (InvalidInput, NotFound, Conflict) as exc:
        _refuse(platform, actor, ACTION_DELIVER, where, exc)
        raise
    base = platform.settings.home.joinpath(*EXTRACTS_DIR)
    staging = base / f".{token_hex(8)}"
    staging.mkdir(parents=True, mode=0o700)
    stem = safe_file_stem(f"{name}-{table}" if table else name)[:120] or "extract"
    try:
        view = deliver_extract(platform, actor, source=location, recipient=recipient, purpose=purpose,
                               out=staging / f"{stem}.{fmt}", table=table, keep=keep, now=now, registered=name)
        final = base / view.output_digest
        if final.exists():  # the very same bytes were delivered before: one copy is enough
            shutil.rmtree(staging, ignore_errors=True)
        else:
            os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return view


def _reads_register(actor: Principal) -> bool:
    return actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.AUDIT_READ)


def list_register(platform: Platform, actor: Principal, *, limit: int = 100) -> list[ExtractView]:
    """The register, newest first: the security administrator and the auditor all of it; a steward or
    department security officer the extracts their department provided. Others are refused (audited)."""
    if not (_reads_register(actor) or actor.can(Permission.GRANT_MANAGE_DEPT)):
        denied = PermissionDenied("protect.register_denied")
        _refuse(platform, actor, "extract.list", "extracts", denied)
        raise denied
    with platform.store.sessions() as s:
        stmt = select(Extract).order_by(Extract.id.desc())
        if not _reads_register(actor):
            stmt = stmt.where(Extract.provider_department_id == actor.department_id)
        rows = s.scalars(stmt.limit(max(1, min(limit, 1000))))
        return [_view(r) for r in rows]


def extract_file(platform: Platform, actor: Principal, extract_id: int) -> tuple[ExtractView, bytes]:
    """A delivered copy written by the front ends, for a download (audited ``extract.download``): the
    security administrator, or a steward or security officer of the providing department. The bytes
    are checked against the digest registered at delivery."""
    action, where = "extract.download", f"extract:{extract_id}"
    try:
        if not (actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)):
            raise PermissionDenied("tracing.deliver_denied")
        with platform.store.sessions() as s:
            row = s.get(Extract, extract_id) if 0 < extract_id < 2**31 else None
            if row is None:
                raise NotFound("protect.extract_not_found", id=extract_id)
            view = _view(row)
            provider = row.provider_department_id
        if not (actor.can(Permission.GRANT_MANAGE) or provider == actor.department_id):
            raise PermissionDenied("sources.denied", department=provider or "-")
        path = platform.settings.home.joinpath(*EXTRACTS_DIR, view.output_digest, view.output_name)
        if len(view.output_digest) != 64 or "/" in view.output_name or not path.is_file():
            raise NotFound("protect.extract_file_missing", id=extract_id)
        if path.stat().st_size > DOWNLOAD_LIMIT:
            raise InvalidInput("protect.download_too_large", field="file", limit=DOWNLOAD_LIMIT)
        content = path.read_bytes()
        h = SM3()
        h.update(content)
        if h.hexdigest() != view.output_digest:
            raise Conflict("protect.extract_altered", id=extract_id)
        with platform.store.transaction() as s:
            platform.audit.record(s, Event(action, actor, resource=where, purpose=view.purpose, details={
                "extract_id": view.id, "file": view.output_name, "bytes": len(content),
                "recipient": view.recipient.label}))
    except (PermissionDenied, NotFound, InvalidInput, Conflict) as exc:
        _refuse(platform, actor, action, where, exc)
        raise
    return view, content
