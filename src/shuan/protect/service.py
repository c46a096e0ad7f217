"""The masking use case, as the front ends call it: plan, key, run, audit, publish.

Two modes, chosen by the configuration (as for `shuan report`):

* **platform mode** (a root key is configured): `mask_audited`. The actor must hold the data steward,
  department data security officer or security administrator role (三员分立: the system administrator
  and the auditor do not handle data). The scenario's key is a platform **system key** kept by the key
  ring — ``sys/masking-<scenario>`` (or ``sys/masking-<scenario>-<label>`` with a key label, e.g. one per
  recipient department so that two recipients cannot link their extracts) — 32 random bytes created on
  first use (audited as ``key.create``) and stored wrapped under the root key, so it survives a root key
  rotation and pseudonyms stay stable across runs. It is never derived from the root key itself and
  never hard-coded. Every run writes one ``masking.run`` event (who, source, destination, scenario and
  rules file, the rule of every column, rows and masked values per column, the key's id and fingerprint)
  in the same transaction that publishes the output: if the event cannot be written, the output is
  removed. Refusals and failures are recorded too.
* **standalone mode** (no root key, like ``make demo``): `mask_standalone`, with no identity and no audit
  log. Keyed operators (pseudonym, tokenize, encrypt, date_shift, noise, fake) need an explicit key file
  (``--key-file``: 32–128 hex digits, mode 0600); without one the run is refused before any data is read,
  naming the columns that need a key.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shuan.audit.events import Event, Outcome
from shuan.audit.guard import record_refusal
from shuan.errors import AuditError, ConfigError, PermissionDenied, ShuanError
from shuan.identity.principal import Principal
from shuan.identity.roles import Role
from shuan.protect.job import (
    MaskOutput,
    MaskPlan,
    Progress,
    TableOutcome,
    open_output,
    plan_masking,
    run_plan,
)
from shuan.protect.operators import MaskingKey
from shuan.protect.profiles import DetectedColumn, Profile, load_profile, load_rules

if TYPE_CHECKING:
    from shuan.config import Settings
    from shuan.discovery.registry import Registry
    from shuan.platform import Platform

ACTION = "masking.run"
#: roles that may run masking jobs (三员分立: the system administrator and the auditor do not handle data)
MASK_ROLES = frozenset({Role.STEWARD, Role.DEPT_SECURITY_OFFICER, Role.SECADMIN})
_LABEL = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
_KEY_FILE_LIMIT = 4096  # 128 hex digits and some white space; anything longer is not a key file


@dataclass
class MaskRequest:
    source: str
    dest: str
    profile: str | None = None
    rules_file: Path | None = None
    fmt: str | None = None  # csv | parquet, for a directory destination
    overwrite: bool = False
    sample_rows: int | None = None  # rows sampled to type the columns (default: the settings' sample size)
    key_label: str | None = None
    purpose: str = ""
    recognizer_files: Sequence[Path] = ()
    detected: Mapping[str, Sequence[DetectedColumn]] | None = None  # column types from a reviewed scan
    resource: str | None = None  # the audit resource (``src:<name>`` of a registered source) instead of the location
    extra: Mapping[str, Any] = field(default_factory=dict)  # more facts for the audit record (no values, no secrets)


@dataclass
class MaskOutcome:
    source: str
    dest: str
    profile: str
    label: str
    rules_file: str | None
    tables: list[TableOutcome]
    targets: list[str] = field(default_factory=list)
    key_id: str | None = None
    key_fingerprint: str | None = None
    audited: bool = False

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def values(self) -> int:
        return sum(t.values for t in self.tables)

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "dest": self.dest, "profile": self.profile, "label": self.label,
                "rules_file": self.rules_file, "targets": self.targets, "rows": self.rows, "values": self.values,
                "key": {"id": self.key_id, "fingerprint": self.key_fingerprint} if self.key_id else None,
                "audited": self.audited, "tables": [t.as_json() for t in self.tables]}


# ------------------------------------------------------------------------------------------- keys


def key_purpose(profile_id: str, label: str | None = None) -> str:
    """The system-key purpose of a scenario (``masking-dev_test``, ``masking-statistics-dept12``)."""
    if label is not None and not _LABEL.match(label):
        raise ConfigError("masking.key_label", label=label[:80])
    return f"masking-{profile_id}" + (f"-{label}" if label else "")


def scenario_key(platform: Platform, purpose: str) -> MaskingKey:
    """The platform's key for `purpose` (created, wrapped and audited by the key ring on first use)."""
    with platform.store.transaction() as session:
        secret, _created = platform.keyring.system_key(session, purpose, 32)
    return MaskingKey(secret, label=f"sys/{purpose}")


def read_key_file(path: Path) -> MaskingKey:
    """A standalone masking key: 32–128 hex digits (16–64 bytes) in a file only its owner can read."""
    from shuan.smallfile import read_small

    try:
        raw = read_small(path, _KEY_FILE_LIMIT)  # a regular file: never /dev/zero or a FIFO
        mode = path.stat().st_mode
        text = raw.decode("ascii").strip()
    except OSError as exc:
        raise ConfigError("masking.key_file", path=str(path), reason=exc.strerror or type(exc).__name__) from None
    except UnicodeDecodeError as exc:
        raise ConfigError("masking.key_file", path=str(path), reason=type(exc).__name__) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError("masking.key_file_mode", path=str(path), mode=oct(mode & 0o777))
    if not re.fullmatch(r"(?:[0-9a-fA-F]{2}){16,64}", text):
        raise ConfigError("masking.key_file_format", path=str(path))
    return MaskingKey(bytes.fromhex(text), label="file")


# ------------------------------------------------------------------------------------------- plan


def request_profile(request: MaskRequest, registry: Registry) -> Profile:
    if request.rules_file is not None:
        return load_rules(request.rules_file, profile=request.profile, extra_types=registry.types())
    if not request.profile:
        from shuan.protect.profiles import scenario_ids

        raise ConfigError("masking.profile_required", known="、".join(scenario_ids()))
    return load_profile(request.profile)


def make_plan(request: MaskRequest, settings: Settings) -> MaskPlan:
    from shuan.inventory.service import registry_for

    registry = registry_for(settings, request.recognizer_files)
    profile = request_profile(request, registry)
    return plan_masking(request.source, profile, registry, sample_rows=request.sample_rows or settings.sample_rows,
                        batch_rows=settings.batch_rows, detected=request.detected)


def _output(request: MaskRequest, plan: MaskPlan) -> MaskOutput:
    return open_output(request.dest, tables=[t.name for t in plan.tables], fmt=request.fmt,
                       overwrite=request.overwrite, source=request.source)


def _close(output: MaskOutput) -> None:
    close = getattr(output, "close", None)
    if callable(close):
        close()


def _outcome(plan: MaskPlan, output: MaskOutput, tables: list[TableOutcome], key: MaskingKey | None,
             *, audited: bool) -> MaskOutcome:
    return MaskOutcome(plan.source, output.display, plan.profile.id, plan.profile.label, plan.profile.rules_file,
                       tables, output.targets(), key.label if key else None, key.fingerprint if key else None,
                       audited)


# ----------------------------------------------------------------------------------------- modes


def mask_standalone(request: MaskRequest, settings: Settings, *, key: MaskingKey | None = None,
                    progress: Progress | None = None) -> MaskOutcome:
    """Standalone mode: no identity, no audit log; keyed operators only with an explicit key."""
    plan = make_plan(request, settings)
    if key is None and plan.keyed_columns():
        raise ConfigError("masking.key_required", columns="、".join(plan.keyed_columns()[:10]))
    output = _output(request, plan)
    try:
        tables = run_plan(plan, request.source, output, key, batch_rows=settings.batch_rows, progress=progress)
        output.commit()
    except BaseException:
        output.discard()
        raise
    finally:
        _close(output)
    return _outcome(plan, output, tables, key, audited=False)


def _shown(spec: str) -> str:
    """A path as given, or a URL with its password masked (what an audit record may hold)."""
    from shuan.sources import is_url
    from shuan.urls import mask_url

    return mask_url(spec) if is_url(spec) else str(Path(spec).expanduser().absolute())


def _resource(spec: str) -> str:
    return f"source:{_shown(spec)}"


def audit_details(outcome: MaskOutcome) -> dict[str, Any]:
    """What the ``masking.run`` event records: no value of the data, no key material."""
    return {
        "source": outcome.source, "dest": outcome.dest, "targets": outcome.targets,
        "profile": outcome.profile, "label": outcome.label, "rules_file": outcome.rules_file,
        "key": {"id": outcome.key_id, "fingerprint": outcome.key_fingerprint} if outcome.key_id else None,
        "rows": outcome.rows, "values": outcome.values,
        "tables": [t.as_json() for t in outcome.tables],
    }


def mask_audited(platform: Platform, actor: Principal, request: MaskRequest, *, progress: Progress | None = None,
                 now: datetime | None = None) -> MaskOutcome:
    """Platform mode: check the role, plan, take the scenario key from the key ring, mask, then record
    ``masking.run`` and publish the output in one transaction (no record, no output)."""
    resource = request.resource or _resource(request.source)
    if not actor.roles & MASK_ROLES:
        denied = PermissionDenied("masking.role_denied")
        record_refusal(platform, actor, ACTION, resource, denied, now=now)
        raise denied
    output: MaskOutput | None = None
    try:
        plan = make_plan(request, platform.settings)
        resource = request.resource or f"source:{plan.source}"
        key = None
        if plan.keyed_columns():
            key = scenario_key(platform, key_purpose(plan.profile.id, request.key_label))
        output = _output(request, plan)
        tables = run_plan(plan, request.source, output, key, batch_rows=platform.settings.batch_rows,
                          progress=progress)
        outcome = _outcome(plan, output, tables, key, audited=True)
        with platform.store.transaction() as session:
            platform.audit.record(session, Event(ACTION, actor, resource=resource, purpose=request.purpose,
                                                 details={**audit_details(outcome), **request.extra}), now=now)
            output.commit()
    except BaseException as exc:
        if output is not None:
            output.discard()
        if isinstance(exc, ShuanError) and not isinstance(exc, AuditError):
            record_refusal(platform, actor, ACTION, resource, exc, now=now, purpose=request.purpose,
                           outcome=Outcome.DENIED if isinstance(exc, PermissionDenied) else Outcome.FAILURE,
                           details={"reason": exc.key, "message": exc.user_message[:500],
                                    "profile": request.profile,
                                    "dest": output.display if output else _shown(request.dest),
                                    **request.extra})
        raise
    finally:
        if output is not None:
            _close(output)
    return outcome


# ------------------------------------------------------------------- registered sources (REST and console)

#: where the front ends put masked copies: $SHUAN_HOME/exports/masked/<run>/out/<table>.csv
MASKED_DIR = ("exports", "masked")
_RUN = re.compile(r"^[0-9a-f]{16}$")
_OVERRIDE_FIELDS = ("types", "columns", "free_text", "untyped")
DOWNLOAD_LIMIT = 256 << 20  # a masked file served through the front ends is read whole: bounded


@dataclass(frozen=True)
class MaskingRun:
    """A ``masking.run`` event of the audit chain, as the front ends list it (no value of the data)."""

    seq: int
    at: str
    actor: str
    outcome: str
    resource: str
    purpose: str
    run: str | None
    source_id: int | None
    department_id: int | None
    profile: str | None
    rows: int
    values: int
    files: tuple[str, ...]
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["files"] = list(self.files)
        return out


def _refuse(platform: Platform, actor: Principal, resource: str, exc: ShuanError, *, action: str = ACTION,
            now: datetime | None = None) -> None:
    record_refusal(platform, actor, action, resource, exc, now=now,
                   outcome=Outcome.DENIED if isinstance(exc, PermissionDenied) else Outcome.FAILURE)


def _sees_all(actor: Principal) -> bool:
    from shuan.identity.roles import Permission

    return actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.AUDIT_READ)


def _overrides_file(overrides: Mapping[str, Any], profile: str, path: Path) -> Path:
    """The rule overrides a front end sent, as a rules file of the run (kept beside its output)."""
    import json

    from shuan.errors import InvalidInput

    unknown = [str(k) for k in overrides if k not in _OVERRIDE_FIELDS]
    if unknown:
        raise InvalidInput("protect.overrides_field", field="rules", name=unknown[0][:64],
                           known="、".join(_OVERRIDE_FIELDS))
    try:
        text = json.dumps({"profile": profile, **overrides}, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("protect.overrides_invalid", field="rules", reason=str(exc)[:200]) from None
    path.write_text(text, encoding="utf-8")
    return path


def mask_registered(platform: Platform, actor: Principal, *, source_id: int, profile: str,
                    overrides: Mapping[str, Any] | None = None, purpose: str = "", key_label: str | None = None,
                    now: datetime | None = None) -> tuple[str, MaskOutcome]:
    """Mask a registered source into a new run directory under the platform home; returns (run, outcome).

    The role (`MASK_ROLES`) is checked before any lookup; then the source's department: a steward or
    department security officer masks the own department's sources only (the security administrator any).
    Bad input (unknown scenario, invalid overrides) is `InvalidInput`, never a configuration error."""
    import shutil
    from secrets import token_hex

    from shuan.errors import Conflict, InvalidInput
    from shuan.inventory import sources as registered
    from shuan.protect.profiles import scenario_ids

    where = f"source:{source_id}"
    if not actor.roles & MASK_ROLES:
        denied = PermissionDenied("masking.role_denied")
        _refuse(platform, actor, where, denied, now=now)
        raise denied
    try:
        with platform.store.sessions() as s:
            row = registered._row(s, source_id)  # noqa: SLF001 - the service of the same platform
            name, department, active = row.name, row.department_id, row.active
            where = f"src:{name}"
            if not registered.may_manage(actor, department):
                raise PermissionDenied("sources.denied", department=department)
            if not active:
                raise Conflict("sources.inactive", name=name)
            if profile not in scenario_ids():
                raise InvalidInput("masking.profile_unknown", field="profile", profile=str(profile)[:64],
                                   known="、".join(scenario_ids()))
            location = registered._open(platform, s, row)  # noqa: SLF001 - decrypted in memory for this run
    except ShuanError as exc:
        _refuse(platform, actor, where, exc, now=now)
        raise
    run = token_hex(8)
    run_dir = platform.settings.home.joinpath(*MASKED_DIR, run)
    run_dir.mkdir(parents=True, mode=0o700)
    extra = {"run": run, "registered_source": source_id, "department_id": department}
    try:
        rules = None
        if overrides:
            try:
                rules = _overrides_file(overrides, profile, run_dir / "rules.json")
            except ShuanError as exc:
                _refuse(platform, actor, where, exc, now=now)
                raise
        request = MaskRequest(location, str(run_dir / "out"), profile, rules, "csv", purpose=purpose,
                              key_label=key_label, resource=where, extra=extra)
        try:
            outcome = mask_audited(platform, actor, request, now=now)
        except ConfigError as exc:
            if exc.key.startswith("masking."):  # the request's rules or label, not the server's configuration
                params = {**exc.params, "field": "rules"}
                if "path" in params:
                    params["path"] = "rules"  # the run's own file: not a path of the server to show
                raise InvalidInput(exc.key, **params) from None
            raise
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    return run, outcome


def _run_of(row: Any) -> MaskingRun:
    import json

    try:
        d = json.loads(row.details or "{}")
    except ValueError:
        d = {}
    d = d if isinstance(d, dict) else {}

    def num(key: str) -> int | None:
        value = d.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    targets = d.get("targets") if isinstance(d.get("targets"), list) else []
    return MaskingRun(int(row.seq), str(row.ts), str(row.actor), str(row.outcome), str(row.resource),
                      str(row.purpose or ""), d.get("run") if isinstance(d.get("run"), str) else None,
                      num("registered_source"), num("department_id"),
                      d.get("profile") if isinstance(d.get("profile"), str) else None,
                      num("rows") or 0, num("values") or 0,
                      tuple(Path(str(t)).name for t in targets or ()),
                      d.get("reason") if isinstance(d.get("reason"), str) else None)


def _visible(actor: Principal, run: MaskingRun, actor_department: str) -> bool:
    if _sees_all(actor):
        return True
    if run.department_id is not None:
        return run.department_id == actor.department_id
    return actor_department == str(actor.department_id)


def list_masking_runs(platform: Platform, actor: Principal, *, limit: int = 100) -> list[MaskingRun]:
    """The ``masking.run`` events the caller may see, newest first: the security administrator and the
    auditor all of them; a steward or department security officer those of the own department."""
    from sqlalchemy import select

    from shuan.audit.models import AuditEventRow

    if not (actor.roles & MASK_ROLES or _sees_all(actor)):
        denied = PermissionDenied("protect.runs_denied")
        _refuse(platform, actor, "masking:runs", denied, action="masking.list")
        raise denied
    limit = max(1, min(limit, 1000))
    out: list[MaskingRun] = []
    with platform.store.sessions() as s:
        stmt = select(AuditEventRow).where(AuditEventRow.action == ACTION).order_by(AuditEventRow.seq.desc())
        for row in s.scalars(stmt.limit(limit * 20)):
            run = _run_of(row)
            if _visible(actor, run, str(row.department_id)):
                out.append(run)
                if len(out) >= limit:
                    break
    return out


def masked_file(platform: Platform, actor: Principal, run: str, name: str) -> bytes:
    """One file of a run's masked output, for a download (audited ``masking.download``): a person who may
    mask the source's department's data (the auditor does not handle data)."""
    from sqlalchemy import select

    from shuan.audit.models import AuditEventRow
    from shuan.errors import InvalidInput, NotFound
    from shuan.identity.roles import Permission

    action, where = "masking.download", f"masking:{str(run)[:16]}"
    try:
        if not actor.roles & MASK_ROLES:
            raise PermissionDenied("masking.role_denied")
        if not _RUN.match(run) or not name or len(name) > 255 or "/" in name or "\\" in name or name.startswith("."):
            raise NotFound("protect.run_not_found", run=str(run)[:16])
        found: MaskingRun | None = None
        with platform.store.sessions() as s:
            stmt = select(AuditEventRow).where(AuditEventRow.action == ACTION, AuditEventRow.outcome == "success",
                                               AuditEventRow.details.contains(f'"run":"{run}"'))
            for row in s.scalars(stmt):
                candidate = _run_of(row)
                if candidate.run == run:
                    found = candidate
        if found is None or name not in found.files:
            raise NotFound("protect.run_not_found", run=run)
        if not (actor.can(Permission.GRANT_MANAGE) or found.department_id == actor.department_id):
            raise PermissionDenied("sources.denied", department=found.department_id or "-")
        path = platform.settings.home.joinpath(*MASKED_DIR, run, "out", name)
        if not path.is_file():
            raise NotFound("protect.run_not_found", run=run)
        if path.stat().st_size > DOWNLOAD_LIMIT:
            raise InvalidInput("protect.download_too_large", field="file", limit=DOWNLOAD_LIMIT)
        content = path.read_bytes()
        with platform.store.transaction() as s:
            platform.audit.record(s, Event(action, actor, resource=found.resource, details={
                "run": run, "file": name, "bytes": len(content), "source": found.source_id}))
    except ShuanError as exc:
        if not isinstance(exc, AuditError):
            _refuse(platform, actor, where, exc, action=action)
        raise
    return content
