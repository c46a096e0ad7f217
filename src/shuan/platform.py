"""The service context: settings, store, key ring and audit log, opened once per process.

Front ends (CLI, REST) open a Platform and hand it to service functions; services open
transactions on `platform.store` and append to `platform.audit` inside them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuan.audit.events import Event
from shuan.audit.log import AuditLog
from shuan.audit.models import AuditEventRow
from shuan.config import Settings, get_settings
from shuan.crypto.kdf import hkdf_sm3
from shuan.crypto.keys.keyring import Keyring
from shuan.crypto.keys.root import provider_from_settings
from shuan.identity.principal import SYSTEM
from shuan.store.db import Store, open_store


def derive_system_key(root: bytes, purpose: str, length: int = 32) -> bytes:
    """A system key bound to one purpose (HKDF-SM3 over the root key); never stored."""
    return hkdf_sm3(root, salt=b"shuan/system-keys/v1", info=purpose.encode(), length=length)


#: settings whose every change is audited (the security policy in force); secrets are never among them
AUDITED_SETTINGS = (
    "session_idle_minutes", "session_absolute_hours", "auth_attempts_per_minute", "lockout_threshold",
    "lockout_base_seconds", "password_min_length", "password_max_age_days", "password_history",
    "audit_retention_days", "audit_checkpoint_every",
)


def record_configuration(session: Session, audit: AuditLog, settings: Settings) -> None:
    """Configuration comes from the environment; at start the policy in force is compared with the last one
    recorded, and a difference is written to the audit chain as `config.change` (with old and new values)."""
    current = {name: getattr(settings, name) for name in AUDITED_SETTINGS}
    current["root_key_source"] = provider_kind(settings)
    last = session.scalar(select(AuditEventRow.details).where(AuditEventRow.action == "config.change")
                          .order_by(AuditEventRow.seq.desc()).limit(1))
    previous = json.loads(last).get("new", {}) if last else {}
    if previous != current:
        changed = {k: {"old": previous.get(k), "new": v} for k, v in current.items() if previous.get(k) != v}
        audit.record(session, Event("config.change", SYSTEM, resource="config:security",
                                    details={"new": current, "changed": sorted(changed)}))


def provider_kind(settings: Settings) -> str:
    return "env" if settings.root_key else "file" if settings.root_key_file else "kms" if settings.kms else "none"


@dataclass
class Platform:
    settings: Settings
    store: Store
    audit: AuditLog
    keyring: Keyring
    root_key_source: str

    def close(self) -> None:
        self.store.close()


def open_platform(settings: Settings | None = None, *, url: str | None = None, migrate: bool = True) -> Platform:
    """Open the store (migrating it) and the audit log. Refuses to start without a root key."""
    settings = settings or get_settings()
    provider = provider_from_settings(settings)
    root = provider.root_key()
    store = open_store(url or settings.store_url(), migrate=migrate)
    keyring = Keyring(root)
    with store.transaction() as session:  # one unit of work: a key created here is audited with it
        hmac_key, created = keyring.system_key(session, "audit-hmac", 32)
        audit = AuditLog(hmac_key, checkpoint_every=settings.audit_checkpoint_every)
        keyring.audit = audit
        if created:
            audit.record(session, Event("key.create", SYSTEM, resource="key:sys/audit-hmac/v1",
                                        details={"kind": "system", "purpose": "audit-hmac"}))
        keyring.system_key(session, "totp", 16)  # the key that wraps TOTP secrets (audited when created)
        audit.signer = keyring.audit_signer(session)
        record_configuration(session, audit, settings)
    return Platform(settings=settings, store=store, audit=audit, keyring=keyring, root_key_source=provider.name)
