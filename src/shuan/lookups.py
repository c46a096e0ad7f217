"""Front-end plumbing shared by the CLI and the REST API: turn the ids a person types into the values
the access services expect (a grant's `Subject` with its department path, a decision's subject
`Principal`). Lookups only; every rule stays in the services that receive these values.
"""

from __future__ import annotations

from shuan.access.service import Subject
from shuan.identity.common import build_principal
from shuan.identity.directory import get_department
from shuan.identity.principal import Principal
from shuan.platform import Platform


def grant_subject(platform: Platform, *, kind: str, subject_id: int, include_subdepartments: bool = False) -> Subject:
    """The grantee: a user (with the path of the user's department) or a department (its own path).
    NotFound when the user or department does not exist; an unknown `kind` is left for the access
    service to refuse."""
    if kind == "user":
        path = build_principal(platform, user_id=subject_id).department_path
    elif kind == "department":
        path = get_department(platform, department_id=subject_id).path
    else:
        path = ()
    return Subject(kind, subject_id, tuple(path), include_subdepartments)


def user_principal(platform: Platform, *, user_id: int) -> Principal:
    """Another user as the policy engine sees them (roles and department path as stored now)."""
    return build_principal(platform, user_id=user_id)
