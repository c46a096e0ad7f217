"""Sample values of registered scans: kept encrypted, shown masked, revealed only with an audited reason.

A scan of a registered source (`inventory.sources.scan_source`) keeps a few distinct values of every
column from each table's first batch (`inventory.scan.first_values`). They are stored once per table
as an SM4-GCM envelope under the owning department's source key, bound to the table's id, next to
their masked forms (`discovery.engine.mask_example`, the same shape the evidence strings use). The
console shows the masked forms; the raw values leave the store only through `reveal_column`, which
checks that the actor may review the source, requires a reason, and writes the reveal to the audit
chain in the same transaction (no audit event, no values). Only the latest scan of a source keeps
samples (a new scan deletes the older scan's); destroying the department's key destroys them all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shuan.access.rules import check_id, check_text
from shuan.audit.events import Event
from shuan.audit.guard import audited
from shuan.clock import utcnow
from shuan.discovery.engine import mask_example
from shuan.errors import InvalidInput, NotFound
from shuan.identity.principal import Principal
from shuan.inventory.models import TableSample
from shuan.inventory.review import (
    _require_reviewer,
    latest_run,
    owner_department,
    require_any_reviewer,
    review_resource,
)
from shuan.inventory.scan import ScanReport
from shuan.platform import Platform
from shuan.store.models import ScanRun, TableAsset

KEEP_VALUES = 5  # distinct values kept per column
ACTION = "inventory.reveal"


def _aad(table_id: int) -> bytes:
    return f"shuan/table-samples/{table_id}".encode()


def seal_samples(platform: Platform, s: Session, run: ScanRun, report: ScanReport, *, dataset: str,
                 department_id: int, now: datetime) -> int:
    """Store the samples of `report` (just written as `run`, flushed) inside the caller's transaction,
    encrypted under the data key of `dataset`. Returns how many tables got samples."""
    # only the latest scan of a source keeps samples: the older scans' values go (no pile of raw values)
    older = select(TableAsset.id).join(ScanRun, ScanRun.id == TableAsset.scan_id).where(
        ScanRun.source_id == run.source_id, ScanRun.id != run.id)
    s.execute(delete(TableSample).where(TableSample.table_id.in_(older)))
    ids = {name: table_id for name, table_id in s.execute(
        select(TableAsset.name, TableAsset.id).where(TableAsset.scan_id == run.id))}
    stored = 0
    for table in report.tables:
        table_id = ids.get(table.name)
        if table_id is None or not table.samples:
            continue
        masked = {column: [mask_example(v) for v in values] for column, values in table.samples.items()}
        plain = json.dumps(table.samples, ensure_ascii=False).encode()
        envelope = platform.keyring.encrypt(s, dataset, plain, aad=_aad(table_id))
        s.add(TableSample(table_id=table_id, masked=masked, envelope=envelope, department_id=department_id,
                          created_at=now))
        stored += 1
    return stored


def masked_samples(s: Session, table_id: int) -> dict[str, list[str]]:
    """The masked sample values of a table by column (empty when its scan kept none)."""
    row = s.get(TableSample, table_id)
    return dict(row.masked) if row is not None else {}


@dataclass(frozen=True)
class Revealed:
    table_id: int
    table: str
    column: str
    values: list[str] = field(repr=False)


def reveal_column(platform: Platform, *, actor: Principal, table_id: int, column: str, reason: str,
                  now: datetime | None = None) -> Revealed:
    """The raw sample values of one column, for someone who may review the table's source, with a
    reason; the reveal (who, which column, how many values, why) is audited in the same transaction
    as the decryption. Refusals are audited too (`audit.guard.audited`)."""
    when = now or utcnow()
    resource = f"table:{table_id}"
    with audited(platform, actor, ACTION, resource) as s:
        require_any_reviewer(actor)
        check_id(table_id, "table_id")
        reason = check_text(reason, "reason", 500, required=True).strip()
        if not isinstance(column, str) or not column or len(column) > 500:
            raise InvalidInput("samples.bad_column")
        table = s.get(TableAsset, table_id)
        if table is None:
            raise NotFound("console.table_not_found", table=table_id)
        run = s.get(ScanRun, table.scan_id)
        assert run is not None  # noqa: S101 - a table belongs to its scan
        _require_reviewer(actor, owner_department(s, run.source_id))
        latest = latest_run(s, run.source_id)
        if latest is None or latest.id != run.id:
            raise NotFound("console.not_latest", table=table.name)
        row = s.get(TableSample, table_id)
        if row is None:
            raise NotFound("samples.none", table=table.name)
        values = json.loads(platform.keyring.decrypt(s, row.envelope, aad=_aad(table_id)))
        if column not in values:
            raise NotFound("samples.no_column", table=table.name, column=column)
        found = [str(v) for v in values[column]]
        platform.audit.record(s, Event(
            ACTION, actor, resource=review_resource(run.source_id, table.name, column), purpose=reason,
            details={"table_id": table_id, "scan_id": run.id, "values": len(found), "reason": reason}), now=when)
        result = Revealed(table_id, table.name, column, found)
    return result
