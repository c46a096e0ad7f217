"""Key derivation with SM3: HKDF-SM3 (RFC 5869 over SM3) and the SM2 KDF of GB/T 32918.4-2016 §5.4.3."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shuan.crypto.sm3 import DIGEST_SIZE, SM3
from shuan.errors import CryptoError

__all__ = ["HKDF_MAX_LENGTH", "hkdf_sm3", "sm2_kdf"]

HKDF_MAX_LENGTH = 255 * DIGEST_SIZE
# GB/T 32918.4: the 32-bit counter must not wrap, klen < (2^32 - 1) * v
_SM2_KDF_MAX = (2**32 - 1) * DIGEST_SIZE - 1


def hkdf_sm3(ikm: bytes, *, salt: bytes, info: bytes, length: int = 16) -> bytes:
    """HKDF (extract then expand, RFC 5869) with SM3: ``length`` bytes (1..8160) bound to ``info``."""
    if not 1 <= length <= HKDF_MAX_LENGTH:
        raise CryptoError("crypto.kdf_length", actual=length, minimum=1, maximum=HKDF_MAX_LENGTH)
    return HKDF(algorithm=hashes.SM3(), length=length, salt=salt, info=info).derive(ikm)


def sm2_kdf(z: bytes, klen: int) -> bytes:
    """The SM2 key derivation function: SM3(Z ‖ ct) for ct = 1, 2, … (32-bit big-endian), truncated.

    ``klen`` is in **bytes** (the standard counts bits; every SM2 use is byte-aligned). klen = 0
    returns ``b""``.
    """
    if not 0 <= klen <= _SM2_KDF_MAX:
        raise CryptoError("crypto.kdf_length", actual=klen, minimum=0, maximum=_SM2_KDF_MAX)
    base = SM3(z)
    blocks = -(-klen // DIGEST_SIZE)
    out = bytearray()
    for ct in range(1, blocks + 1):
        h = base.copy()
        h.update(ct.to_bytes(4, "big"))
        out += h.digest()
    return bytes(out[:klen])
