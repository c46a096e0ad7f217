"""Units of work whose refusals are audited too.

Inside `audited(platform, actor, action, resource)` a service changes state and records its success
event in one transaction. If the work raises any ShuanError (PermissionDenied → DENIED; bad input,
unknown names, conflicts, failed authentication → FAILURE), that transaction rolls back (nothing
changed) and the event is written in a transaction of its own before the
error goes on to the caller: an attempted escalation always leaves a trace, a refused change never
leaves state behind.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuan.audit.events import Event, Outcome
from shuan.errors import AuditError, PermissionDenied, ShuanError
from shuan.identity.principal import Principal

if TYPE_CHECKING:
    from shuan.platform import Platform


def record_refusal(platform: Platform, actor: Principal, action: str, resource: str, exc: Exception,
                   *, outcome: Outcome = Outcome.DENIED, details: Mapping[str, Any] | None = None,
                   sensitive: Mapping[str, str] | None = None, purpose: str = "",
                   now: datetime | None = None) -> None:
    """Write the refused attempt in a transaction of its own (the attempt's own one has rolled back).

    `details` default to the refusal's message key; callers add non-secret facts."""
    facts = dict(details) if details is not None else {"reason": getattr(exc, "key", type(exc).__name__)}
    with platform.store.transaction() as session:
        platform.audit.record(session, Event(action, actor, outcome=outcome, resource=resource, purpose=purpose,
                                             details=facts, sensitive=dict(sensitive or {})), now=now)


@contextmanager
def audited(platform: Platform, actor: Principal, action: str, resource: str = "") -> Iterator[Session]:
    try:
        with platform.store.transaction() as session:
            yield session
    except PermissionDenied as exc:
        record_refusal(platform, actor, action, resource, exc)
        raise
    except AuditError:
        raise  # the audit log itself failed: there is nothing to record the refusal in
    except ShuanError as exc:
        # bad input, unknown names, conflicts, failed authentication: refused, and recorded as a failure
        record_refusal(platform, actor, action, resource, exc, outcome=Outcome.FAILURE)
        raise
