"""The release check as a use case: read the data, detect column types, grade the table, measure and decide
(`shuan.protect.release`), and — on a platform — record the check in the audit chain.

`check_release(platform, actor, data, request)` takes a file, directory, SQLite file or database URL (one
table, chosen with `request.table` when there are several) or an in-memory Polars frame. Every row is read
(a re-identification risk measured on a sample is meaningless), batch by batch, then held as one frame.

- With a platform (a root key is configured), every check is recorded as `release.check`: the target,
  verdict, grade, k, l, counts, column names and the rules applied — never a value. A refuse verdict is
  recorded with outcome `denied` (the release was refused by policy); pass and warn with `success`. A check
  that fails (unknown column, empty table, no quasi-identifier, unreadable source) is recorded as `failure`
  with the error's message key before the error goes on. Any authenticated user may run the check: it reads
  only what the caller hands it and changes nothing.
- Without a platform (`platform=None`, standalone discovery mode like `shuan scan`), the pure check runs and
  nothing is recorded.

The grade is the table's grade under the policy's scheme (jining-2020 by default: its levels are what the
policy's grade rules speak of), from the detected types and the exact row count; a declared level
(`request.level`, e.g. the recorded grade of the source an analysis result came from) can only raise it
(就高从严; derived data inherits the highest grade of its sources, 第二十四条).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from shuan.audit.events import Event, Outcome
from shuan.audit.guard import record_refusal
from shuan.config import Settings, get_settings
from shuan.discovery.engine import ColumnClassifier
from shuan.errors import ConfigError, ShuanError, UsageError
from shuan.grading.rules import Grader
from shuan.grading.scheme import Scheme, load_scheme
from shuan.identity.principal import Principal
from shuan.inventory.scan import TableReport, build_table_report
from shuan.inventory.service import registry_for
from shuan.protect.release import Grade, ReleasePolicy, ReleaseReport, assess, load_policy
from shuan.sources import open_source

if TYPE_CHECKING:
    from shuan.platform import Platform

ACTION = "release.check"


@dataclass
class ReleaseRequest:
    target: str  # open | share | stats
    qi: Sequence[str] | None = None  # declared quasi-identifiers (None: inferred)
    sensitive: Sequence[str] | None = None  # declared sensitive attributes (None: inferred)
    k: int | None = None  # overrides the target's k
    l: int | None = None  # noqa: E741 - overrides the target's l
    level: int | None = None  # declared grade (can only raise the detected one)
    count_column: str | None = None  # a frequency table's count column
    no_qi: bool = False  # declare that there is no quasi-identifier
    table: str | None = None  # which table of a multi-table source
    policy: Path | None = None  # a policy file instead of the built-in one
    recognizer_files: Sequence[Path] = field(default_factory=tuple)


@dataclass
class LoadedTable:
    display: str
    name: str
    frame: pl.DataFrame
    warnings: list[str]


def load_table(spec: str, table: str | None, batch_rows: int) -> LoadedTable:
    """Every row of one table of `spec` as one frame (text files stay text)."""
    with open_source(spec) as source:
        names = source.tables()
        if table is None:
            if len(names) != 1:
                raise UsageError("release.table_required", tables="、".join(names) or "-")
            table = names[0]
        reader = source.open_table(table, sample=None, batch_rows=batch_rows)
        parts: list[pl.DataFrame] = []
        for batch in reader.batches():
            part = pl.from_arrow(pa.Table.from_batches([batch]))
            assert isinstance(part, pl.DataFrame)
            parts.append(part)
        headers = [getattr(c, "name", c) for c in (getattr(reader, "columns", None) or [])]
        if parts:
            frame = pl.concat(parts, how="diagonal_relaxed")
        else:  # a header-only table: its columns, no rows
            frame = pl.DataFrame(schema={str(h): pl.Utf8 for h in headers})
        return LoadedTable(source.display, table, frame, list(reader.warnings))


def _classify(frame: pl.DataFrame, name: str, grader: Grader, warnings: list[str]) -> TableReport:
    clf = ColumnClassifier(grader.registry, full=True)
    if frame.height:
        clf.update(frame)
    for column in frame.columns:
        clf.declare(column)
    return build_table_report(name, frame.height, frame.height, clf.results(), grader, warnings)


def _grade(scheme: Scheme, report: TableReport, declared: int | None) -> Grade:
    if declared is not None and not 1 <= declared <= scheme.max_level:
        raise UsageError("release.level_invalid", scheme=scheme.id, max=scheme.max_level, level=declared)
    level = max(report.level, declared or 0)
    return Grade(scheme.id, level, scheme.label(level), report.level, declared, tuple(report.reasons))


def _check_policy(policy: ReleasePolicy, scheme: Scheme) -> None:
    for target, tp in policy.targets.items():
        missing = sorted({lv.level for lv in scheme.levels} - set(tp.grade))
        if missing:
            raise ConfigError("release.policy_levels", target=target, scheme=scheme.id,
                              levels="、".join(str(m) for m in missing))


def run_check(data: str | Path | pl.DataFrame, request: ReleaseRequest, settings: Settings | None = None, *,
              name: str | None = None) -> ReleaseReport:
    """The check without an audit record (standalone mode; `check_release` wraps it)."""
    settings = settings or get_settings()
    policy = load_policy(request.policy)
    scheme = load_scheme(policy.scheme)
    _check_policy(policy, scheme)
    grader = Grader(scheme, registry_for(settings, request.recognizer_files))
    if isinstance(data, pl.DataFrame):
        loaded = LoadedTable(name or "frame", name or "frame", data, [])
    else:
        loaded = load_table(str(data), request.table, settings.batch_rows)
    report = _classify(loaded.frame, loaded.name, grader, loaded.warnings)
    types = {c.name: [(str(t["type"]), str(t["evidence"])) for t in c.types] for c in report.columns}
    grade = _grade(scheme, report, request.level)
    return assess(loaded.frame, types, grade, target=request.target, policy=policy, qi=request.qi,
                  sensitive=request.sensitive, k=request.k, l=request.l, count_column=request.count_column,
                  no_qi=request.no_qi, source=loaded.display, table=loaded.name, warnings=loaded.warnings)


def _resource(data: str | Path | pl.DataFrame, request: ReleaseRequest, name: str | None) -> str:
    if isinstance(data, pl.DataFrame):
        where = name or "frame"
    else:
        from shuan.sources import is_url, mask_url

        text = str(data)
        where = mask_url(text) if is_url(text) else str(Path(text).expanduser().absolute())
    return f"release:{where}" + (f"#{request.table}" if request.table else "")


def check_release(platform: Platform | None, actor: Principal | None, data: str | Path | pl.DataFrame,
                  request: ReleaseRequest, *, name: str | None = None) -> ReleaseReport:
    """The audited release check (module docstring); `platform=None` runs it standalone, unrecorded."""
    if platform is None:
        return run_check(data, request, name=name)
    if actor is None:
        raise ValueError("an audited release check needs the acting principal")
    resource = _resource(data, request, name)
    try:
        report = run_check(data, request, platform.settings, name=name)
    except ShuanError as exc:
        record_refusal(platform, actor, ACTION, resource, exc, outcome=Outcome.FAILURE,
                       details={"reason": exc.key, "target": request.target})
        raise
    outcome = Outcome.DENIED if report.verdict == "refuse" else Outcome.SUCCESS
    with platform.store.transaction() as session:
        platform.audit.record(session, Event(ACTION, actor, outcome=outcome, resource=resource,
                                             details=report.audit_details()))
    return report
