"""Access: grants and deny-by-default policy decisions that explain themselves.

* `paths`: the resource path syntax (``src:<source>/tbl:<table>/col:<column>``), pure.
* `rules`: actions, usage scenarios, validity, row filters and their validators, pure.
* `models`: the register of protected resources, grants, the version row.
* `engine`: the in-memory decision engine (no database access per decision).
* `approval`: the canonical document a data authority signs when approving a grant.
* `service`: the use cases front ends call (register, grade, grant, approve, revoke, decide, verify).
"""

from __future__ import annotations

from shuan.access.engine import RULES, Decision, DecisionEngine, ResourceInfo
from shuan.access.paths import ResourcePath, parse, resource_path
from shuan.access.rules import ACTIONS, MAX_VALIDITY, SCENARIOS, Condition, inside_owner
from shuan.access.service import (
    ApprovalCheck,
    GrantView,
    ResourceView,
    Subject,
    approve_grant,
    create_grant,
    decide,
    decide_and_record,
    engine_for,
    get_grant,
    get_resource,
    grant_approval,
    list_grants,
    query_decision,
    register_resource,
    revoke_grant,
    set_authorised_departments,
    set_resource_level,
    set_resource_public,
    verify_grant_approval,
)
from shuan.errors import InvalidInput

__all__ = [
    "ACTIONS",
    "ApprovalCheck",
    "MAX_VALIDITY",
    "RULES",
    "SCENARIOS",
    "Condition",
    "Decision",
    "DecisionEngine",
    "GrantView",
    "InvalidInput",
    "ResourceInfo",
    "ResourcePath",
    "ResourceView",
    "Subject",
    "approve_grant",
    "create_grant",
    "decide",
    "decide_and_record",
    "engine_for",
    "get_grant",
    "get_resource",
    "grant_approval",
    "inside_owner",
    "list_grants",
    "parse",
    "query_decision",
    "register_resource",
    "resource_path",
    "revoke_grant",
    "set_authorised_departments",
    "set_resource_level",
    "set_resource_public",
    "verify_grant_approval",
]
