"""Who is acting: the authenticated principal every service call and audit event carries."""

from __future__ import annotations

from dataclasses import dataclass, field

from shuan.identity.roles import Permission, Role, permissions_of


@dataclass(frozen=True)
class Principal:
    """An authenticated actor. `department_path` lists department ids from the root to the user's own."""

    user_id: int | None
    username: str
    department_id: int | None = None
    department_path: tuple[int, ...] = ()
    roles: frozenset[Role] = field(default_factory=frozenset)
    client: str | None = None  # client address (IP) or "cli"
    session_id: str | None = None  # session or token id, for the audit trail
    token_scopes: frozenset[str] | None = None  # an API token's scopes narrow the roles' permissions

    @property
    def permissions(self) -> frozenset[Permission]:
        perms = permissions_of(self.roles)
        if self.token_scopes is not None:
            perms = frozenset(p for p in perms if p.value in self.token_scopes or "*" in self.token_scopes)
        return perms

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def primary_role(self) -> str:
        return min((r.value for r in self.roles), default="")


#: the platform itself (migrations, bootstrap, scheduled jobs); never used for a human request
SYSTEM = Principal(user_id=None, username="system", client="local")
