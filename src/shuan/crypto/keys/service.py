"""Key-ring use cases for the front ends: each runs in one audited unit of work.

`Keyring` methods take an open session; these functions open it through `shuan.audit.guard.audited`
(a refused call leaves a ``denied`` event) so that the REST API and the CLI call one function per
operation. Listing keys needs Permission.KEY_MANAGE like every other key operation (only metadata
is ever listed, never key material).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuan.audit.guard import audited
from shuan.crypto.keys.keyring import KeyInfo
from shuan.errors import NotFound, PermissionDenied
from shuan.identity.models import Department
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.platform import Platform


def _department_exists(session: Session, department_id: int) -> None:
    """Keys belong to real departments: a KEK for a department that does not exist is refused."""
    if session.get(Department, department_id) is None:
        raise NotFound("identity.department_not_found", department=department_id)


def list_keys(platform: Platform, actor: Principal, department_id: int | None = None) -> list[KeyInfo]:
    with audited(platform, actor, "key.list", "key:*") as session:
        if not actor.can(Permission.KEY_MANAGE):
            raise PermissionDenied("key.denied", action="key.list")
        return platform.keyring.list_keys(session, department_id)


def create_data_key(platform: Platform, actor: Principal, dataset: str, department_id: int) -> KeyInfo:
    with audited(platform, actor, "key.create", f"key:dek/{dataset[:200]}") as session:
        _department_exists(session, department_id)
        return platform.keyring.create_data_key(session, actor, dataset, department_id)


def rotate_kek(platform: Platform, actor: Principal, department_id: int) -> KeyInfo:
    with audited(platform, actor, "key.rotate", f"key:kek/dept/{department_id}") as session:
        _department_exists(session, department_id)
        return KeyInfo.of(platform.keyring.rotate_kek(session, actor, department_id))


def rewrap(platform: Platform, actor: Principal, department_id: int) -> int:
    with audited(platform, actor, "key.rewrap", f"key:kek/dept/{department_id}") as session:
        return platform.keyring.rewrap(session, actor, department_id)


def request_destruction(platform: Platform, actor: Principal, dataset: str, reason: str) -> int:
    with audited(platform, actor, "key.destroy_request", f"key:dek/{dataset[:200]}") as session:
        return platform.keyring.request_destruction(session, actor, dataset, reason)


def approve_destruction(platform: Platform, actor: Principal, request_id: int) -> int:
    with audited(platform, actor, "key.destroy", f"key-request:{request_id}") as session:
        return platform.keyring.approve_destruction(session, actor, request_id)
