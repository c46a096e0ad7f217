"""Units of work whose refusals are audited too.

Inside `audited(platform, actor, action, resource)` a service changes state and records its success
event in one transaction. If the work raises any ShuanError (PermissionDenied → DENIED; bad input,
unknown names, conflicts, failed authentication → FAILURE), that transaction rolls back (nothing
changed) and the event is written in a transaction of its own before the
error goes on to the caller: an attempted escalation always leaves a trace, a refused change never
leaves state behind.

`run_audited(platform, actor, action, resource, work, safe_params=...)` is the same promise for a
service that opens its own transactions inside `work`: a refusal (`REFUSALS`) is recorded, with the
refusal's key, the malformed field and why, and the parameters the caller names safe, then re-raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from shuan.audit.events import Event, Outcome
from shuan.errors import AuditError, AuthError, Conflict, InvalidInput, NotFound, PermissionDenied, ShuanError
from shuan.identity.principal import Principal

if TYPE_CHECKING:
    from shuan.platform import Platform

T = TypeVar("T")

#: the refusals `run_audited` records: malformed input and failed authentication (failure), the rest denied
REFUSALS = (InvalidInput, PermissionDenied, NotFound, Conflict, AuthError)


def show(value: object, limit: int = 500) -> str:
    """A bounded rendering of a caller's value for messages and audit fields (a string as is, else repr)."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def run_audited(
    platform: Platform,
    actor: Principal,
    action: str,
    resource: object,
    work: Callable[[], T],
    *,
    safe_params: frozenset[str],
    purpose: object = "",
    details: Mapping[str, Any] | None = None,
) -> T:
    """Run `work`; on a refusal, record a denied/failure audit event (own transaction) and re-raise.

    The event's details: the refusal's key, `details`, for malformed input the field and why, and those
    of the refusal's parameters named in `safe_params` (never overriding the others)."""
    try:
        return work()
    except REFUSALS as err:
        facts: dict[str, Any] = {"reason": err.key, **(details or {})}
        if isinstance(err, InvalidInput):
            facts["field"] = err.field
            facts["why"] = err.reason_key
        facts.update({k: v for k, v in err.params.items() if k in safe_params and k not in facts})
        outcome = Outcome.FAILURE if isinstance(err, InvalidInput | AuthError) else Outcome.DENIED
        record_refusal(platform, actor, action, show(resource), err, outcome=outcome, details=facts,
                       purpose=show(purpose) if purpose else "")
        raise
