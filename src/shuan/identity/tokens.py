"""API tokens: ``shuan_<prefix>_<secret>``, shown once.

The prefix (12 hex digits) is the public id used for lookup, listing and audit; the secret (256
random bits) is stored only as its SM3 digest and compared in constant time. A token always expires
(at most MAX_LIFETIME after creation; a token carrying an administrative permission — see
roles.ADMIN_PERMISSIONS, or "*" for an owner holding one — at most `session_absolute_hours`, like a
login session, so it cannot stand in for the second factor for months), may be revoked, and narrows its owner's permissions to its
scopes (Permission values, or "*" for all of the owner's). It is created only from a full login
session, and acts with the owner's roles as they are when it is used.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from shuan.audit.events import Outcome
from shuan.config import Settings
from shuan.errors import AuthError, Conflict, InvalidInput, NotFound, PermissionDenied, ShuanError
from shuan.identity.common import (
    TOKEN_REF_PREFIX,
    anonymous,
    audited,
    bare_principal,
    get_user_row,
    load_user,
    now_or,
    principal_for,
    record,
    record_refusal,
    require_interactive,
    roles_of,
    safe_text,
    user_resource,
    validate_name,
)
from shuan.identity.dual_control import PendingRequest, RequestKind, defer, guarded_roles
from shuan.identity.models import ApiToken, User
from shuan.identity.principal import Principal
from shuan.identity.roles import ADMIN_PERMISSIONS, Permission, permissions_of
from shuan.identity.sessions import account_refusal
from shuan.identity.stages import STAGE_ERRORS, SessionStage, actor_session, next_stage, require_active
from shuan.platform import Platform

MAX_LIFETIME = timedelta(days=365)
#: a token's `last_used_at` is kept to this precision (stamping every request would serialise its users)
LAST_USED_RESOLUTION = timedelta(seconds=60)
TOKEN_PREFIX = "shuan"  # noqa: S105 - a label, not a secret
ALL_SCOPES = "*"
_TOKEN_RE = re.compile(r"shuan_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class TokenInfo:
    token_id: str  # the public prefix
    user_id: int
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class CreatedToken:
    """The token string is shown once; only its digest is kept."""

    token: str = field(repr=False)
    info: TokenInfo


def _digest(secret: str) -> str:
    return hashlib.new("sm3", secret.encode("ascii")).hexdigest()


def _info(row: ApiToken) -> TokenInfo:
    return TokenInfo(token_id=row.prefix, user_id=row.user_id, name=row.name, scopes=tuple(row.scopes),
                     created_at=row.created_at, expires_at=row.expires_at, revoked_at=row.revoked_at,
                     last_used_at=row.last_used_at)


def _token_resource(prefix: str) -> str:
    return f"token:{prefix}"


def _check_scopes(scopes: Iterable[str], held: frozenset[Permission]) -> tuple[str, ...]:
    wanted = sorted({s if isinstance(s, str) else str(s) for s in scopes})
    if not wanted:
        raise InvalidInput("identity.token_scope_empty")
    if ALL_SCOPES in wanted:
        if len(wanted) > 1:
            raise InvalidInput("identity.token_scope_star")
        return (ALL_SCOPES,)
    for scope in wanted:
        try:
            perm = Permission(scope)
        except ValueError:
            raise InvalidInput("identity.token_scope_unknown", scope=safe_text(scope, 60)) from None
        if perm not in held:
            raise PermissionDenied("identity.token_scope_not_held", scope=perm.value)
    return tuple(wanted)


def is_admin_token(held: frozenset[Permission], scopes: Iterable[str]) -> bool:
    """Whether a token with `scopes`, of an owner holding `held`, carries an administrative permission."""
    wanted = set(scopes)
    if ALL_SCOPES in wanted:
        return bool(held & ADMIN_PERMISSIONS)
    return any(p.value in wanted for p in ADMIN_PERMISSIONS & held)


def max_lifetime(settings: Settings, held: frozenset[Permission], scopes: Iterable[str]) -> timedelta:
    """How long a token may live: an administrative one no longer than a login session
    (settings.session_absolute_hours), any other up to MAX_LIFETIME."""
    if is_admin_token(held, scopes):
        return timedelta(hours=settings.session_absolute_hours)
    return MAX_LIFETIME


def create_token(
    platform: Platform,
    *,
    actor: Principal,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime,
    now: datetime | None = None,
) -> CreatedToken:
    """A token for the actor, from a full login session; `expires_at` within MAX_LIFETIME."""
    now = now_or(now)

    def body(s: Session) -> CreatedToken:
        user_id = require_interactive(actor)
        actor_session(s, actor, (SessionStage.ACTIVE,), settings=platform.settings, now=now)
        user = get_user_row(s, user_id)
        label = validate_name(name, field="token_name")
        held = permissions_of(roles_of(s, user.id))
        granted = _check_scopes(scopes, held)
        if not isinstance(expires_at, datetime) or expires_at.tzinfo is None:
            raise InvalidInput("identity.token_expiry_naive")
        if expires_at <= now or expires_at > now + MAX_LIFETIME:
            raise InvalidInput("identity.token_expiry", days=MAX_LIFETIME.days)
        limit = max_lifetime(platform.settings, held, granted)
        if expires_at > now + limit:
            raise InvalidInput("identity.token_admin_expiry", hours=platform.settings.session_absolute_hours)
        if user.vendor_until is not None and expires_at > user.vendor_until:
            raise InvalidInput("identity.token_after_vendor")
        prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        row = ApiToken(prefix=prefix, secret_hash=_digest(secret), user_id=user.id, name=label, scopes=list(granted),
                       created_at=now, expires_at=expires_at)
        s.add(row)
        s.flush()
        record(platform, s, now, action="token.create", actor=actor, resource=_token_resource(prefix),
               details={"name": label, "scopes": list(granted), "expires_at": expires_at.isoformat()})
        return CreatedToken(token=f"{TOKEN_PREFIX}_{prefix}_{secret}", info=_info(row))

    return audited(platform, actor=actor, action="token.create", resource=_token_resource("new"), now=now, body=body)


def list_tokens(platform: Platform, *, actor: Principal, username: str | None = None,
                now: datetime | None = None) -> list[TokenInfo]:
    """The actor's tokens, or another user's for an identity administrator (never the secrets)."""
    now = now_or(now)

    def body(s: Session) -> list[TokenInfo]:
        require_active(s, actor, settings=platform.settings, now=now)
        if username is None:
            if actor.user_id is None:
                raise PermissionDenied("identity.interactive_only")
            user_id = actor.user_id
        else:
            user = load_user(s, username)
            if user.id != actor.user_id and not actor.can(Permission.IDENTITY_MANAGE):
                raise PermissionDenied("identity.forbidden", permission=Permission.IDENTITY_MANAGE.value)
            user_id = user.id
        rows = s.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc()))
        return [_info(r) for r in rows]

    return audited(platform, actor=actor, action="token.list", resource=user_resource(username or actor.username),
                   now=now, body=body)


def _apply_revoke(platform: Platform, s: Session, actor: Principal, row: ApiToken, now: datetime,
                  via: Mapping[str, object] | None = None) -> TokenInfo:
    if row.revoked_at is not None:
        raise Conflict("identity.token_already_revoked")
    row.revoked_at = now
    record(platform, s, now, action="token.revoke", actor=actor, resource=_token_resource(row.prefix),
           details=dict(via or {}))
    return _info(row)


def revoke_token(platform: Platform, *, actor: Principal, token_id: str, now: datetime | None = None
                 ) -> TokenInfo | PendingRequest:
    """Revoke a token by its public id: its owner, or an identity administrator (for a token of a
    三员 account, a request: PendingRequest)."""
    now = now_or(now)
    prefix = token_id if isinstance(token_id, str) and re.fullmatch(r"[0-9a-f]{12}", token_id) else None

    def body(s: Session) -> TokenInfo | PendingRequest:
        require_active(s, actor, settings=platform.settings, now=now)
        row = None if prefix is None else s.scalar(select(ApiToken).where(ApiToken.prefix == prefix)
                                                   .with_for_update())
        if row is None:
            raise NotFound("identity.token_not_found")
        if row.user_id != actor.user_id:
            if not actor.can(Permission.IDENTITY_MANAGE):
                raise PermissionDenied("identity.forbidden", permission=Permission.IDENTITY_MANAGE.value)
            if row.revoked_at is not None:
                raise Conflict("identity.token_already_revoked")
            concerns = guarded_roles(s, row.user_id)
            if concerns:
                owner = get_user_row(s, row.user_id)
                return defer(platform, s, actor=actor, kind=RequestKind.TOKEN_REVOKE, target_username=owner.username,
                             target_user_id=owner.id, params={"token_id": row.prefix}, concerns=concerns, now=now)
        return _apply_revoke(platform, s, actor, row, now)

    return audited(platform, actor=actor, action="token.revoke", resource=_token_resource(prefix or "?"), now=now,
                   body=body)


def apply_token_revoke(platform: Platform, s: Session, *, actor: Principal, user: User,
                       params: Mapping[str, object], now: datetime, via: Mapping[str, object]) -> TokenInfo:
    """An approved revocation of a 三员 account's token."""
    row = s.scalar(select(ApiToken).where(ApiToken.prefix == str(params.get("token_id")),
                                          ApiToken.user_id == user.id).with_for_update())
    if row is None:
        raise NotFound("identity.token_not_found")
    return _apply_revoke(platform, s, actor, row, now, via)


def resolve_token(platform: Platform, token: str, *, client: str | None = None, now: datetime | None = None
                  ) -> Principal:
    """The Principal a presented token acts as (owner's roles narrowed to the token's scopes).

    Unknown, malformed, expired and revoked tokens, and tokens of disabled or expired accounts, are
    refused with AuthError and audited; the presented secret is never recorded."""
    now = now_or(now)
    found = _TOKEN_RE.fullmatch(token) if isinstance(token, str) else None
    if found is None:
        _refuse(platform, anonymous(client), "", AuthError("identity.token_invalid"), now, "malformed")
    prefix, secret = found.group(1), found.group(2)
    error: ShuanError | None = None
    principal: Principal | None = None
    stamp = False
    with platform.store.sessions() as s:  # read-only: a token's use takes no lock (the data-service hot path)
        row = s.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
        if row is None or not hmac.compare_digest(row.secret_hash, _digest(secret)):
            error, why, owner = AuthError("identity.token_invalid"), "unknown", None
        else:
            owner = get_user_row(s, row.user_id)
            if row.revoked_at is not None:
                error, why = AuthError("identity.token_revoked"), "revoked"
            elif now >= row.expires_at:
                error, why = AuthError("identity.token_expired"), "expired"
            else:
                error = account_refusal(owner, now)
                why = "account"
                if error is None:
                    # a token is no way round the login steps: an owner whose password expired, or who
                    # now holds a role that needs TOTP without having enrolled, must finish them first
                    roles = roles_of(s, owner.id)
                    stage = next_stage(owner, roles, mfa_verified=True, settings=platform.settings, now=now)
                    if stage is not SessionStage.ACTIVE:
                        error, why = AuthError(STAGE_ERRORS[stage]), "stage"
                    elif row.expires_at - row.created_at > max_lifetime(
                            platform.settings, permissions_of(roles), row.scopes):
                        # a long-lived token whose owner has since gained an administrative role (or
                        # made before the limit existed) does not become a months-long admin credential
                        error, why = AuthError("identity.token_admin_lifetime",
                                               hours=platform.settings.session_absolute_hours), "admin_lifetime"
            if error is None:
                ref = f"{TOKEN_REF_PREFIX}{row.prefix}"
                principal = principal_for(s, owner, client=client, session_id=ref, token_scopes=row.scopes,
                                          roles=roles)
                stamp = row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION
    if principal is not None:
        if stamp:
            _stamp_last_used(platform, prefix, now)
        return principal
    actor = anonymous(client) if owner is None else replace(bare_principal(owner, client=client),
                                                            session_id=f"{TOKEN_REF_PREFIX}{prefix}")
    _refuse(platform, actor, _token_resource(prefix), error or AuthError("identity.token_invalid"), now, why)


def _stamp_last_used(platform: Platform, prefix: str, now: datetime) -> None:
    """Record a token's use, at most once per `LAST_USED_RESOLUTION` (a conditional update: concurrent
    requests with the same token do not queue on its row, and a revocation is never overwritten)."""
    threshold = now - LAST_USED_RESOLUTION
    with platform.store.transaction() as s:
        s.execute(update(ApiToken).where(ApiToken.prefix == prefix,
                                         or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= threshold))
                  .values(last_used_at=now))


def _refuse(platform: Platform, actor: Principal, resource: str, error: ShuanError, now: datetime, why: str
            ) -> NoReturn:
    outcome = Outcome.FAILURE if why in ("malformed", "unknown") else Outcome.DENIED
    record_refusal(platform, actor=actor, action="auth.token_failed", resource=resource, error=error, now=now,
                   details={"why": why}, outcome=outcome)
    raise error

