"""The front ends' entry points for scanning: scan, save in the store, export. The CLI (and later the
API and console) parse input and render output; the order of the steps and their rules live here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from shuan.config import Settings
from shuan.discovery.registry import Registry, builtin_recognizers, builtin_types, load_file
from shuan.errors import UsageError
from shuan.grading.rules import Grader
from shuan.grading.scheme import load_scheme
from shuan.inventory.scan import Progress, ScanReport, run_scan
from shuan.messages import msg

if TYPE_CHECKING:
    from shuan.store.db import Store


@dataclass
class ScanRequest:
    source: str
    scheme: str | None = None
    sample_rows: int | None = None
    full: bool = False
    recognizer_files: Sequence[Path] = ()
    scale: Sequence[str] = ()  # "RULE=ROWS" overrides of a scheme rule's row threshold
    workers: int = 4
    save: bool = True
    output: Path | None = None
    keep_values: int = 0  # raw values kept per column (registered sources store them encrypted)
    types: Sequence[str] = ()  # only these data types are looked for (a targeted, unsaved scan)


@dataclass
class ScanOutcome:
    report: ScanReport
    scan_id: int | None
    exported: Path | None


def parse_scale(items: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        rule, sep, rows = item.partition("=")
        if not sep or not rule.strip() or not rows.strip().isdigit():
            raise UsageError("scale.syntax", value=item)
        out[rule.strip()] = int(rows)
    return out


def registry_for(settings: Settings, files: Sequence[Path], types: Sequence[str] = ()) -> Registry:
    """The built-in recognizers and the user's (SHUAN_RECOGNIZERS, then `files`); with `types`, only
    the recognizers of these types (the built-in others are not even validated)."""
    extra = list(files)
    if settings.recognizers is not None and settings.recognizers not in extra:
        extra.insert(0, settings.recognizers)
    if not types:
        return Registry.default(extra)
    custom = [rec for path in extra for rec in load_file(path)]
    wanted = parse_types(types, [*builtin_types(), *(rec.type for rec in custom)])
    return Registry([*builtin_recognizers(wanted), *custom]).only(wanted)


def parse_types(items: Sequence[str], known: Sequence[str]) -> list[str]:
    """`--types a,b --types c` → [a, b, c]; a type no recognizer detects is a usage error naming it."""
    wanted = list(dict.fromkeys(t.strip() for item in items for t in item.split(",") if t.strip()))
    for name in wanted:
        if name not in known:
            raise UsageError("scan.unknown_type", type=name)
    if not wanted:
        raise UsageError("scan.no_types")
    return wanted


def scan(request: ScanRequest, settings: Settings, progress: Progress | None = None) -> ScanOutcome:
    """Scan, then save and export. Configuration and the store are checked before any data is read, so
    a bad option or an unreachable store costs nothing; the save is one transaction."""
    # the store and the export writers (SQLAlchemy, Alembic, xlsxwriter: about half a second of imports)
    # load only when used, so a --no-save scan starts faster
    if request.types and request.save:
        # a look for a few types cannot stand in the inventory for the whole classification and grading
        raise UsageError("scan.types_not_saved")
    registry = registry_for(settings, request.recognizer_files, request.types)
    grader = Grader(load_scheme(request.scheme or settings.scheme), registry, parse_scale(request.scale))
    store: Store | None = None
    if request.save:
        from shuan.store.db import open_store

        store = open_store(settings.store_url())
    try:
        sample = None if request.full else (request.sample_rows or settings.sample_rows)
        report = run_scan(request.source, registry, grader, sample=sample, batch_rows=settings.batch_rows,
                          workers=request.workers, progress=progress, keep_values=request.keep_values)
        if request.types:
            note = msg("scan.types_only", types="、".join(registry.type_label(t) for t in registry.types()))
            for table in report.tables:
                table.warnings.insert(0, note)
        scan_id = None
        if store is not None:
            from shuan.inventory.persist import save_scan

            scan_id = save_scan(store, report)
    finally:
        if store is not None:
            store.close()
    exported = None
    if request.output is not None:
        from shuan.inventory.export import export, from_report

        exported = export(from_report(report, scan_id), request.output)
    return ScanOutcome(report, scan_id, exported)
