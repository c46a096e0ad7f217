"""Password hashing (argon2id) and the password policy.

Production parameters: 3 passes over 64 MiB with 2 lanes (RFC 9106's memory-constrained
recommendation is 64 MiB and 3 passes), a few tenths of a second per hash. They are module
constants so tests can lower them with monkeypatch; a stored hash carries its own parameters, so a
change of constants re-hashes at the next successful login.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import hash_secret_raw

from shuan.config import Settings
from shuan.errors import InvalidInput

TIME_COST = 3
MEMORY_COST_KIB = 64 * 1024
PARALLELISM = 2
HASH_LEN = 32
SALT_LEN = 16

#: longest password the policy accepts; a login with a longer one fails without hashing it
MAX_LENGTH = 256
#: one-time secrets (bootstrap, reset) expire after this long and must be changed at first login
ONE_TIME_LIFETIME = timedelta(hours=24)

_dummy_hashes: dict[tuple[int, int, int], str] = {}


def hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=TIME_COST,
        memory_cost=MEMORY_COST_KIB,
        parallelism=PARALLELISM,
        hash_len=HASH_LEN,
        salt_len=SALT_LEN,
        type=Type.ID,
    )


def encodable(password: object) -> bool:
    if not isinstance(password, str):
        return False
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when `password` matches; never raises for a wrong password or a damaged hash."""
    if not encodable(password) or len(password) > MAX_LENGTH:
        verify_dummy()
        return False
    try:
        return hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def verify_dummy(password: str = "") -> bool:
    """Spend the time of a real verification (unknown usernames): always False."""
    key = (TIME_COST, MEMORY_COST_KIB, PARALLELISM)
    dummy = _dummy_hashes.get(key)
    if dummy is None:
        dummy = _dummy_hashes[key] = hash_password(secrets.token_urlsafe(24))
    candidate = password if encodable(password) and len(password) <= MAX_LENGTH else ""
    try:
        hasher().verify(dummy, candidate)
    except (VerificationError, InvalidHashError):
        pass
    return False


def new_one_time_secret() -> str:
    """A random secret shown once (about 120 bits), for a first login or an administrator's reset."""
    return secrets.token_urlsafe(15)


# -- policy -----------------------------------------------------------------------------------------


def character_classes(password: str) -> int:
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not (c.islower() or c.isupper() or c.isdigit()) for c in password)
    return lower + upper + digit + other


def check_policy(password: str, *, username: str, settings: Settings) -> None:
    """Length, at least 3 of 4 character classes, no control characters, not containing the username."""
    if not encodable(password):
        raise InvalidInput("identity.password_control")
    if len(password) < settings.password_min_length:
        raise InvalidInput("identity.password_too_short", min=settings.password_min_length)
    if len(password) > MAX_LENGTH:
        raise InvalidInput("identity.password_too_long", max=MAX_LENGTH)
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in password):
        raise InvalidInput("identity.password_control")
    if character_classes(password) < 3:
        raise InvalidInput("identity.password_classes")
    if username and username.lower() in password.lower():
        raise InvalidInput("identity.password_username")


def check_history(password: str, hashes: Iterable[str], *, remembered: int) -> None:
    """Refuse the current password and the last `remembered` ones."""
    if any(verify_password(h, password) for h in hashes):
        raise InvalidInput("identity.password_reused", count=remembered)


def password_expires_at(changed_at: datetime, settings: Settings) -> datetime:
    """When a password chosen at `changed_at` expires (settings.password_max_age_days later)."""
    return changed_at + timedelta(days=settings.password_max_age_days)


def password_expired(changed_at: datetime, settings: Settings, now: datetime) -> bool:
    return now >= password_expires_at(changed_at, settings)


# -- key derivation (signing keys) ------------------------------------------------------------------


def kdf_params() -> str:
    return f"argon2id$t={TIME_COST},m={MEMORY_COST_KIB},p={PARALLELISM}"


def derive_key(password: str, salt: bytes, params: str, length: int = 16) -> bytes:
    """A symmetric key from a password: argon2id raw output under `params` as stored (see kdf_params)."""
    kind, _, rest = params.partition("$")
    if kind != "argon2id":
        raise ValueError(f"unknown KDF {kind!r}")
    values = dict(item.split("=", 1) for item in rest.split(","))
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=int(values["t"]),
        memory_cost=int(values["m"]),
        parallelism=int(values["p"]),
        hash_len=length,
        type=Type.ID,
    )
