"""Who may register what: a steward cannot claim a source (a top-level ``src:`` path) — not even for
its own department — and registers tables and columns only below a source its department owns."""

from __future__ import annotations

import json

import pytest

from shuan.access import get_resource, register_resource, set_resource_public
from shuan.errors import NotFound, PermissionDenied
from shuan.identity.principal import SYSTEM, Principal
from shuan.platform import Platform
from tests.access.conftest import OFFICER10, SECADMIN, STEWARD10, STEWARD20, T0, last_event

# (case, actor, path, owner, level, refusal key or None)
CASES: list[tuple[str, Principal, str, int | None, int | None, str | None]] = [
    ("steward claims an unregistered source for its department", STEWARD10, "src:社保", 10, 1, "access.register_source"),
    ("officer claims an unregistered source", OFFICER10, "src:社保", 10, 1, "access.register_source"),
    ("steward claims a source for another department", STEWARD10, "src:社保", 20, 1, "access.not_owner_department"),
    ("steward registers a table below an unregistered source", STEWARD10, "src:社保/tbl:参保", 10, 2,
     "access.register_source"),
    ("steward registers a table below another department's source", STEWARD20, "src:公安/tbl:新表", None, None,
     "access.not_owner_department"),
    ("steward registers a table below its own source", STEWARD10, "src:公安/tbl:新表", None, None, None),
    ("steward registers a graded column below its own table", STEWARD10, "src:公安/tbl:户籍/col:住址", None, 3, None),
    ("security administrator registers a source", SECADMIN, "src:社保", 30, 2, None),
    ("the platform registers a source", SYSTEM, "src:社保", 30, 2, None),
]


@pytest.mark.parametrize(("actor", "path", "owner", "level", "refusal"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_who_registers_what(world: Platform, actor: Principal, path: str, owner: int | None, level: int | None,
                            refusal: str | None) -> None:
    if refusal is None:
        view = register_resource(world, actor, path, owner_department_id=owner, level=level, now=T0)
        assert view.path == path
        return
    with pytest.raises(PermissionDenied) as err:
        register_resource(world, actor, path, owner_department_id=owner, level=level, now=T0)
    assert err.value.key == refusal
    event = last_event(world, "resource.register")
    assert event.outcome == "denied" and json.loads(event.details)["reason"] == refusal
    with pytest.raises(NotFound):
        get_resource(world, path)


def test_a_steward_cannot_preempt_a_source_and_open_it(world: Platform) -> None:
    """The attack: claim a real department's source before it is registered, make it 一级 and public."""
    with pytest.raises(PermissionDenied):
        register_resource(world, STEWARD10, "src:卫健委业务库", owner_department_id=10, level=1, now=T0)
    with pytest.raises(NotFound):
        set_resource_public(world, STEWARD10, "src:卫健委业务库", True, now=T0)
    # the real owner's source is registered by the platform or the security administrator
    view = register_resource(world, SECADMIN, "src:卫健委业务库", owner_department_id=20, level=2, now=T0)
    assert view.owner_department_id == 20
