"""The service context: settings, store, key ring and audit log, opened once per process.

Front ends (CLI, REST) open a Platform and hand it to service functions; services open
transactions on `platform.store` and append to `platform.audit` inside them.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shuan.audit.log import AuditLog
from shuan.config import Settings, get_settings
from shuan.crypto.keys.keyring import Keyring
from shuan.crypto.keys.root import provider_from_settings
from shuan.store.db import Store, open_store


def derive_system_key(root: bytes, purpose: str, length: int = 32) -> bytes:
    """A system key bound to one purpose (HKDF-SM3 over the root key); never stored."""
    return HKDF(algorithm=hashes.SM3(), length=length, salt=b"shuan/system-keys/v1", info=purpose.encode()).derive(root)


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
    audit = AuditLog(derive_system_key(root, "audit-hmac"), checkpoint_every=settings.audit_checkpoint_every)
    keyring = Keyring(root, audit)
    if migrate:
        with store.transaction() as session:
            audit.signer = keyring.audit_signer(session)
    return Platform(settings=settings, store=store, audit=audit, keyring=keyring, root_key_source=provider.name)
