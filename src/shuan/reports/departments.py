"""Which department a scanned source belongs to.

The link lives in the registered-sources table (`shuan.inventory.models.RegisteredSource`: a department
and the source's last scan). It is read defensively: when that model or its table is not there (an older
store, the standalone discovery mode), every source counts as 「未登记」 (no department).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shuan.store.models import ScanRun

#: the department key of sources that no registered source links to a department
UNASSIGNED = 0


def _registered_model() -> Any:
    try:
        from shuan.inventory import models
    except ImportError:
        return None
    return getattr(models, "RegisteredSource", None)


def source_departments(session: Session) -> dict[int, int]:
    """SourceRecord id -> department id, for the sources registered to a department.

    A registered source names its last scan (`last_scan_id`); the scan names the SourceRecord. A model that
    also carries the SourceRecord directly (`source_record_id` / `source_id`) is read that way too."""
    model = _registered_model()
    if model is None or not hasattr(model, "department_id"):
        return {}
    out: dict[int, int] = {}
    try:
        with session.begin_nested():
            direct = next((getattr(model, n) for n in ("source_record_id", "source_id") if hasattr(model, n)), None)
            if direct is not None:
                for src_id, dept_id in session.execute(select(direct, model.department_id)):
                    if src_id is not None and dept_id is not None:
                        out[int(src_id)] = int(dept_id)
            if hasattr(model, "last_scan_id"):
                rows = session.execute(select(ScanRun.source_id, model.department_id)
                                       .join(ScanRun, ScanRun.id == model.last_scan_id))
                for src_id, dept_id in rows:
                    if dept_id is not None:
                        out.setdefault(int(src_id), int(dept_id))
    except (SQLAlchemyError, AttributeError):
        return {}
    return out


def department_tree(session: Session) -> dict[int, tuple[str, int | None]]:
    """Department id -> (name, parent id); empty when the directory is empty or absent."""
    try:
        from shuan.identity.models import Department
    except ImportError:
        return {}
    try:
        with session.begin_nested():
            return {d.id: (d.name, d.parent_id) for d in session.scalars(select(Department))}
    except SQLAlchemyError:
        return {}


def within(tree: dict[int, tuple[str, int | None]], department: int, ancestor: int) -> bool:
    """Whether `department` is `ancestor` or below it in the tree."""
    seen: set[int] = set()
    current: int | None = department
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = tree[current][1] if current in tree else None
    return False
