"""SM3 (GB/T 32905-2016) hashing and HMAC-SM3 (GM/T 0042 / RFC 2104), native through OpenSSL.

The digest comes from ``hashlib`` when the OpenSSL it links provides SM3 (the usual case, and the
fastest path), otherwise from ``cryptography`` (which always bundles SM3). HMAC-SM3 always uses
``cryptography``; verification compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as _chmac

__all__ = [
    "BLOCK_SIZE",
    "DIGEST_SIZE",
    "SM3",
    "HmacSM3",
    "hmac_sm3",
    "hmac_sm3_verify",
    "sm3",
    "sm3_hex",
]

DIGEST_SIZE = 32
BLOCK_SIZE = 64


class _Hash(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def digest(self) -> bytes: ...
    def copy(self) -> _Hash: ...


class _CryptographyHash:
    """hashlib-like adapter over cryptography's SM3, used when hashlib lacks SM3."""

    __slots__ = ("_h",)

    def __init__(self, h: hashes.Hash | None = None) -> None:
        self._h = h if h is not None else hashes.Hash(hashes.SM3())

    def update(self, data: bytes, /) -> None:
        self._h.update(data)

    def digest(self) -> bytes:
        return self._h.copy().finalize()

    def copy(self) -> _CryptographyHash:
        return _CryptographyHash(self._h.copy())


def _prototype() -> _Hash:
    try:
        return hashlib.new("sm3")
    except ValueError:  # pragma: no cover - depends on the OpenSSL that Python links
        return _CryptographyHash()


# An empty hash object; copying it is the cheapest way to start a new hash.
_EMPTY: _Hash = _prototype()


class SM3:
    """Incremental SM3, hashlib style: ``h = SM3(); h.update(chunk); h.digest()``."""

    __slots__ = ("_h",)
    digest_size = DIGEST_SIZE
    block_size = BLOCK_SIZE
    name = "sm3"

    def __init__(self, data: bytes = b"") -> None:
        self._h = _EMPTY.copy()
        if data:
            self._h.update(data)

    def update(self, data: bytes) -> None:
        self._h.update(data)

    def digest(self) -> bytes:
        """The digest of everything fed so far; the object can still be updated afterwards."""
        return self._h.digest()

    def hexdigest(self) -> str:
        return self._h.digest().hex()

    def copy(self) -> SM3:
        clone = SM3.__new__(SM3)
        clone._h = self._h.copy()
        return clone

    def __repr__(self) -> str:
        return "SM3()"


def sm3(data: bytes) -> bytes:
    """SM3 digest of ``data`` (32 bytes)."""
    h = _EMPTY.copy()
    h.update(data)
    return h.digest()


def sm3_hex(data: bytes) -> str:
    """SM3 digest of ``data`` as 64 lowercase hex digits."""
    return sm3(data).hex()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC-SM3 tag (32 bytes). Any key length is accepted (RFC 2104); use ≥ 16 random bytes."""
    h = _chmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize()


def hmac_sm3_verify(key: bytes, data: bytes, tag: bytes) -> bool:
    """True when ``tag`` is the HMAC-SM3 of ``data`` under ``key``; constant-time comparison."""
    return hmac.compare_digest(hmac_sm3(key, data), tag)


class HmacSM3:
    """Incremental HMAC-SM3 for streams: ``m = HmacSM3(key); m.update(chunk); m.digest()``."""

    __slots__ = ("_h",)
    digest_size = DIGEST_SIZE

    def __init__(self, key: bytes, data: bytes = b"") -> None:
        self._h = _chmac.HMAC(key, hashes.SM3())
        if data:
            self._h.update(data)

    def update(self, data: bytes) -> None:
        self._h.update(data)

    def digest(self) -> bytes:
        """The tag of everything fed so far; the object can still be updated afterwards."""
        return self._h.copy().finalize()

    def hexdigest(self) -> str:
        return self.digest().hex()

    def verify(self, tag: bytes) -> bool:
        """Constant-time check of ``tag`` against the data fed so far."""
        return hmac.compare_digest(self.digest(), tag)

    def copy(self) -> HmacSM3:
        clone = HmacSM3.__new__(HmacSM3)
        clone._h = self._h.copy()
        return clone

    def __repr__(self) -> str:
        return "HmacSM3()"
