"""What an audit event holds. Services build one per security-relevant action."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from shuan.identity.principal import Principal


class Outcome(StrEnum):
    SUCCESS = "success"
    DENIED = "denied"  # refused by policy (permission, guardrail, lockout)
    FAILURE = "failure"  # attempted and failed (wrong password, bad TOTP, tampered input)


@dataclass(frozen=True)
class Event:
    """One security-relevant action.

    `action` is a dotted verb such as ``auth.login``, ``grant.create``, ``key.rotate``, ``audit.export``.
    `resource` names what was acted on (``user:alice``, ``table:src/hj_rkxx``, ``key:dept-3``).
    `details` are plain, non-secret facts (ids, counts, reasons). `sensitive` holds values that must
    never be stored in clear (a username typed at a failed login, a row filter, a value): they are
    HMAC-SM3'd under the audit key before the event is written.
    """

    action: str
    actor: Principal
    outcome: Outcome = Outcome.SUCCESS
    resource: str = ""
    purpose: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    sensitive: dict[str, str] = field(default_factory=dict)
