"""SM2 (GB/T 32918-2016, curve sm2p256v1): signatures with a user ID and public-key encryption.

The protocol equations are computed here on Python integers; every scalar multiplication runs
natively in Tongsuo's libcrypto (see :mod:`shuan.crypto._ec`), so signing and verification run at
native speed (thousands per second) and with OpenSSL's constant-time ladder for secret scalars.

* Signature: ``e = SM3(Z_A ‖ M)`` with ``Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA)``;
  the signature is 64 bytes ``r ‖ s`` (:func:`signature_to_der` / :func:`signature_from_der`
  convert to and from the ASN.1 ``SEQUENCE { r INTEGER, s INTEGER }`` of GM/T 0009).
* Encryption: ``C1 ‖ C3 ‖ C2`` (GB/T 32918.4-2016, GB/T 35276), ``C1 = 04 ‖ x1 ‖ y1``,
  ``C3 = SM3(x2 ‖ M ‖ y2)``; :func:`ciphertext_to_der` / :func:`ciphertext_from_der` convert to the
  GM/T 0009 ``SM2Cipher`` structure used by OpenSSL/Tongsuo, and the ``c1c2c3`` helpers to the
  older ``C1 ‖ C2 ‖ C3`` order.
* Keys: raw (32-byte scalar, 65-byte uncompressed point) and PEM/DER (PKCS#8, SubjectPublicKeyInfo)
  through tongsuopy's serializer.

A private key's scalar never appears in ``repr`` and the object refuses to be pickled.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from tongsuopy.crypto import serialization as _ts_serialization
from tongsuopy.crypto.asymciphers import ec as _ts_ec

from shuan.crypto import _ec
from shuan.crypto.kdf import sm2_kdf
from shuan.crypto.sm3 import SM3, sm3
from shuan.errors import CryptoError

__all__ = [
    "CIPHERTEXT_OVERHEAD",
    "DEFAULT_UID",
    "SIGNATURE_SIZE",
    "SM2PrivateKey",
    "SM2PublicKey",
    "ciphertext_from_c1c2c3",
    "ciphertext_from_der",
    "ciphertext_to_c1c2c3",
    "ciphertext_to_der",
    "signature_from_der",
    "signature_to_der",
]

DEFAULT_UID = b"1234567812345678"  # GM/T 0009-2012 §10 default user ID
SIGNATURE_SIZE = 64
PRIVATE_KEY_SIZE = 32
PUBLIC_KEY_SIZE = _ec.ENCODED_POINT_SIZE
DIGEST_SIZE = 32
CIPHERTEXT_OVERHEAD = _ec.ENCODED_POINT_SIZE + DIGEST_SIZE  # C1 (65) + C3 (32)
MAX_UID_SIZE = 0xFFFF // 8  # ENTL is the ID length in bits, on two bytes

_N = _ec.N
_C = _ec.COORD_SIZE
_CURVE_BYTES = b"".join(v.to_bytes(_C, "big") for v in (_ec.A, _ec.B, _ec.GX, _ec.GY))
_ZA_CACHE_SIZE = 8


def _xor(data: bytes, pad: bytes) -> bytes:
    return (int.from_bytes(data, "big") ^ int.from_bytes(pad, "big")).to_bytes(len(data), "big")


# ---------------------------------------------------------------------------------- public key


class SM2PublicKey:
    """An SM2 public key: a validated point of sm2p256v1 (never the point at infinity)."""

    __slots__ = ("_xy", "_za")

    def __init__(self, data: bytes) -> None:
        """From the 65-byte uncompressed encoding ``04 ‖ x ‖ y`` (same as :meth:`from_bytes`)."""
        if len(data) != PUBLIC_KEY_SIZE or data[0] != 0x04:
            raise CryptoError("crypto.public_key_format", actual=len(data))
        xy = bytes(data[1:])
        if not _ec.is_on_curve(xy):
            raise CryptoError("crypto.public_key_point")
        self._xy = xy
        self._za: dict[bytes, bytes] = {}

    @classmethod
    def from_bytes(cls, data: bytes) -> SM2PublicKey:
        """Parse ``04 ‖ x ‖ y`` (65 bytes); :class:`CryptoError` if malformed or not on the curve."""
        return cls(data)

    def to_bytes(self) -> bytes:
        """The 65-byte uncompressed encoding ``04 ‖ x ‖ y``."""
        return b"\x04" + self._xy

    @property
    def x(self) -> int:
        return int.from_bytes(self._xy[:_C], "big")

    @property
    def y(self) -> int:
        return int.from_bytes(self._xy[_C:], "big")

    # --- signatures

    def z_a(self, uid: bytes = DEFAULT_UID) -> bytes:
        """Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) (GB/T 32918.2 §5.5); cached per uid."""
        uid = bytes(uid)
        cached = self._za.get(uid)
        if cached is not None:
            return cached
        if len(uid) > MAX_UID_SIZE:
            raise CryptoError("crypto.uid_length", actual=len(uid), maximum=MAX_UID_SIZE)
        za = sm3((len(uid) * 8).to_bytes(2, "big") + uid + _CURVE_BYTES + self._xy)
        if len(self._za) >= _ZA_CACHE_SIZE:
            self._za.clear()
        self._za[uid] = za
        return za

    def hasher(self, uid: bytes = DEFAULT_UID) -> SM3:
        """An SM3 hasher already fed with Z_A: feed the message (e.g. a large file in chunks) and pass
        its ``digest()`` to :meth:`SM2PrivateKey.sign_digest` / :meth:`verify_digest`."""
        return SM3(self.z_a(uid))

    def message_digest(self, message: bytes, uid: bytes = DEFAULT_UID) -> bytes:
        """e = SM3(Z_A ‖ M), the value that is actually signed."""
        h = self.hasher(uid)
        h.update(message)
        return h.digest()

    def verify(self, signature: bytes, message: bytes, uid: bytes = DEFAULT_UID) -> bool:
        """True if ``signature`` (64 bytes r ‖ s) is valid for ``message`` and ``uid``.

        A malformed signature (wrong length, r or s outside [1, n-1]) gives False, never an
        exception. An over-long ``uid`` (> 8191 bytes) is a caller error and raises CryptoError.
        """
        return self.verify_digest(signature, self.message_digest(message, uid))

    def verify_digest(self, signature: bytes, digest: bytes) -> bool:
        """Verify against a precomputed e = SM3(Z_A ‖ M) (see :meth:`hasher`). Never raises."""
        try:
            if len(signature) != SIGNATURE_SIZE or len(digest) != DIGEST_SIZE:
                return False
            r = int.from_bytes(signature[:_C], "big")
            s = int.from_bytes(signature[_C:], "big")
            if not (1 <= r < _N and 1 <= s < _N):
                return False
            t = (r + s) % _N
            if t == 0:
                return False
            point = _ec.mul_base_add(s, t, self._xy)
            if point is None:
                return False
            x1 = int.from_bytes(point[:_C], "big")
            return (int.from_bytes(digest, "big") + x1) % _N == r
        except (CryptoError, TypeError, ValueError):
            return False

    # --- encryption

    def encrypt(self, plaintext: bytes) -> bytes:
        """SM2 public-key encryption, output ``C1 ‖ C3 ‖ C2`` (97 + len(plaintext) bytes).

        Meant for short secrets (wrapping a symmetric key); encrypt bulk data with SM4-GCM.
        """
        if not plaintext:
            raise CryptoError("crypto.plaintext_empty")
        while True:
            out = self._encrypt_with_k(plaintext, secrets.randbelow(_N - 1) + 1)
            if out is not None:
                return out

    def _encrypt_with_k(self, plaintext: bytes, k: int) -> bytes | None:
        """One encryption attempt with a given ephemeral k. Test vectors only: k must be secret and fresh."""
        plaintext = bytes(plaintext)
        c1 = _ec.mul_base(k)
        shared = _ec.mul(k, self._xy)  # (x2, y2) = [k]P_B; h = 1 so [h]P_B is never infinity
        pad = sm2_kdf(shared, len(plaintext))
        if pad.count(0) == len(pad):  # t all zero: pick another k
            return None
        c2 = _xor(plaintext, pad)
        c3 = sm3(shared[:_C] + plaintext + shared[_C:])
        return b"".join((b"\x04", c1, c3, c2))

    # --- encodings

    def to_der(self) -> bytes:
        """SubjectPublicKeyInfo (id-ecPublicKey, curve 1.2.156.10197.1.301), DER."""
        return bytes(
            self._tongsuo().public_bytes(
                _ts_serialization.Encoding.DER, _ts_serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def to_pem(self) -> bytes:
        """SubjectPublicKeyInfo, PEM (``-----BEGIN PUBLIC KEY-----``)."""
        return bytes(
            self._tongsuo().public_bytes(
                _ts_serialization.Encoding.PEM, _ts_serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    @classmethod
    def from_der(cls, data: bytes) -> SM2PublicKey:
        return cls._from_tongsuo(_load(lambda: _ts_serialization.load_der_public_key(data)))

    @classmethod
    def from_pem(cls, data: bytes) -> SM2PublicKey:
        return cls._from_tongsuo(_load(lambda: _ts_serialization.load_pem_public_key(data)))

    def _tongsuo(self) -> Any:
        return _ts_ec.EllipticCurvePublicNumbers(self.x, self.y, _ts_ec.SM2()).public_key()

    @classmethod
    def _from_tongsuo(cls, key: Any) -> SM2PublicKey:
        if not isinstance(key, _ts_ec.EllipticCurvePublicKey) or not isinstance(key.curve, _ts_ec.SM2):
            raise CryptoError("crypto.key_encoding")
        numbers = key.public_numbers()
        return cls(b"\x04" + numbers.x.to_bytes(_C, "big") + numbers.y.to_bytes(_C, "big"))

    # --- value semantics

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SM2PublicKey) and hmac.compare_digest(self._xy, other._xy)

    def __hash__(self) -> int:
        return hash(self._xy)

    def __repr__(self) -> str:
        return f"SM2PublicKey(04{self._xy[:8].hex()}…)"


# --------------------------------------------------------------------------------- private key


class SM2PrivateKey:
    """An SM2 private key d, 1 ≤ d ≤ n-2. ``repr`` shows the public key only; pickling is refused."""

    __slots__ = ("_d", "_dinv", "_public")

    def __init__(self, d: int) -> None:
        if not 1 <= d <= _N - 2:
            raise CryptoError("crypto.private_key_invalid")
        self._d = d
        self._dinv = pow(1 + d, -1, _N)  # (1 + d)^-1 mod n, fixed per key
        self._public = SM2PublicKey(b"\x04" + _ec.mul_base(d))

    @classmethod
    def generate(cls) -> SM2PrivateKey:
        """A fresh key from the OS CSPRNG (``secrets``)."""
        return cls(secrets.randbelow(_N - 2) + 1)

    @classmethod
    def from_bytes(cls, d: bytes) -> SM2PrivateKey:
        """From the 32-byte big-endian scalar; :class:`CryptoError` unless 1 ≤ d ≤ n-2."""
        if len(d) != PRIVATE_KEY_SIZE:
            raise CryptoError("crypto.private_key_invalid")
        return cls(int.from_bytes(d, "big"))

    def to_bytes(self) -> bytes:
        """The 32-byte big-endian scalar. Key material: wrap it before it leaves memory."""
        return self._d.to_bytes(PRIVATE_KEY_SIZE, "big")

    @property
    def public_key(self) -> SM2PublicKey:
        return self._public

    # --- signatures

    def sign(self, message: bytes, uid: bytes = DEFAULT_UID) -> bytes:
        """Signature ``r ‖ s`` (64 bytes) of SM3(Z_A ‖ message), with a fresh random k."""
        return self.sign_digest(self._public.message_digest(message, uid))

    def sign_digest(self, digest: bytes) -> bytes:
        """Sign a precomputed e = SM3(Z_A ‖ M) (from :meth:`SM2PublicKey.hasher`), 32 bytes."""
        if len(digest) != DIGEST_SIZE:
            raise CryptoError("crypto.digest_length", actual=len(digest))
        e = int.from_bytes(digest, "big")
        while True:
            rs = self._sign_e(e, secrets.randbelow(_N - 1) + 1)
            if rs is not None:
                return rs

    def _sign_with_k(self, message: bytes, k: int, uid: bytes = DEFAULT_UID) -> bytes | None:
        """Sign with a given k. Test vectors only: a repeated or predictable k reveals the key."""
        return self._sign_e(int.from_bytes(self._public.message_digest(message, uid), "big"), k)

    def _sign_e(self, e: int, k: int) -> bytes | None:
        x1 = int.from_bytes(_ec.mul_base(k)[:_C], "big")
        r = (e + x1) % _N
        if r == 0 or r + k == _N:
            return None
        # s = (1 + d)^-1 · (k − r·d) = (1 + d)^-1 · (k + r) − r  (mod n): d itself is not multiplied
        s = (self._dinv * (k + r) - r) % _N
        if s == 0:
            return None
        return r.to_bytes(_C, "big") + s.to_bytes(_C, "big")

    # --- decryption

    def decrypt(self, ciphertext: bytes) -> bytes:
        """Decrypt ``C1 ‖ C3 ‖ C2``; :class:`CryptoError` if malformed or if C3 does not match."""
        if len(ciphertext) <= CIPHERTEXT_OVERHEAD:
            raise CryptoError(
                "crypto.ciphertext_too_short", actual=len(ciphertext), minimum=CIPHERTEXT_OVERHEAD + 1
            )
        data = bytes(ciphertext)
        c1 = data[1 : _ec.ENCODED_POINT_SIZE]
        if data[0] != 0x04 or not _ec.is_on_curve(c1):
            raise CryptoError("crypto.ciphertext_point")
        c3 = data[_ec.ENCODED_POINT_SIZE : CIPHERTEXT_OVERHEAD]
        c2 = data[CIPHERTEXT_OVERHEAD:]
        shared = _ec.mul(self._d, c1)
        pad = sm2_kdf(shared, len(c2))
        if pad.count(0) == len(pad):
            raise CryptoError("crypto.decrypt_failed")
        plaintext = _xor(c2, pad)
        if not hmac.compare_digest(sm3(shared[:_C] + plaintext + shared[_C:]), c3):
            raise CryptoError("crypto.decrypt_failed")
        return plaintext

    # --- encodings

    def to_der(self, password: bytes | None = None) -> bytes:
        """PKCS#8 DER, encrypted with ``password`` when given (tongsuopy's best available scheme)."""
        return self._serialize(_ts_serialization.Encoding.DER, password)

    def to_pem(self, password: bytes | None = None) -> bytes:
        """PKCS#8 PEM (``-----BEGIN [ENCRYPTED] PRIVATE KEY-----``)."""
        return self._serialize(_ts_serialization.Encoding.PEM, password)

    @classmethod
    def from_der(cls, data: bytes, password: bytes | None = None) -> SM2PrivateKey:
        return cls._from_tongsuo(_load(lambda: _ts_serialization.load_der_private_key(data, password)))

    @classmethod
    def from_pem(cls, data: bytes, password: bytes | None = None) -> SM2PrivateKey:
        return cls._from_tongsuo(_load(lambda: _ts_serialization.load_pem_private_key(data, password)))

    def _tongsuo(self) -> Any:
        return _ts_ec.derive_private_key(self._d, _ts_ec.SM2())

    def _serialize(self, encoding: Any, password: bytes | None) -> bytes:
        protection: Any = (
            _ts_serialization.BestAvailableEncryption(password)
            if password
            else _ts_serialization.NoEncryption()
        )
        return bytes(
            self._tongsuo().private_bytes(encoding, _ts_serialization.PrivateFormat.PKCS8, protection)
        )

    @classmethod
    def _from_tongsuo(cls, key: Any) -> SM2PrivateKey:
        if not isinstance(key, _ts_ec.EllipticCurvePrivateKey) or not isinstance(key.curve, _ts_ec.SM2):
            raise CryptoError("crypto.key_encoding")
        return cls(int(key.private_numbers().private_value))

    # --- no leaks

    def __repr__(self) -> str:
        return f"SM2PrivateKey(public={self._public!r})"

    def __reduce__(self) -> Any:
        raise TypeError("SM2PrivateKey is not picklable; export it explicitly (to_bytes / to_pem)")


def _load(load: Callable[[], Any]) -> Any:
    try:
        return load()
    except Exception:  # tongsuopy raises ValueError, TypeError or UnsupportedAlgorithm
        raise CryptoError("crypto.key_encoding") from None


# ----------------------------------------------------------------------------- DER / orderings


def signature_to_der(signature: bytes) -> bytes:
    """64-byte ``r ‖ s`` → DER ``SEQUENCE { INTEGER r, INTEGER s }`` (GM/T 0009)."""
    if len(signature) != SIGNATURE_SIZE:
        raise CryptoError("crypto.signature_length", actual=len(signature))
    return encode_dss_signature(int.from_bytes(signature[:_C], "big"), int.from_bytes(signature[_C:], "big"))


def signature_from_der(der: bytes) -> bytes:
    """DER ``SEQUENCE { INTEGER r, INTEGER s }`` → 64-byte ``r ‖ s``; strict DER, 1 ≤ r, s < n."""
    try:
        r, s = decode_dss_signature(der)
    except ValueError:
        raise CryptoError("crypto.signature_der") from None
    if not (1 <= r < _N and 1 <= s < _N):
        raise CryptoError("crypto.signature_der")
    return r.to_bytes(_C, "big") + s.to_bytes(_C, "big")


def _split(ciphertext: bytes) -> tuple[bytes, bytes, bytes]:
    """C1 (65), C3 (32), C2 of a ``C1 ‖ C3 ‖ C2`` ciphertext (format checks only)."""
    if len(ciphertext) <= CIPHERTEXT_OVERHEAD:
        raise CryptoError(
            "crypto.ciphertext_too_short", actual=len(ciphertext), minimum=CIPHERTEXT_OVERHEAD + 1
        )
    data = bytes(ciphertext)
    if data[0] != 0x04:
        raise CryptoError("crypto.ciphertext_point")
    return (
        data[: _ec.ENCODED_POINT_SIZE],
        data[_ec.ENCODED_POINT_SIZE : CIPHERTEXT_OVERHEAD],
        data[CIPHERTEXT_OVERHEAD:],
    )


def ciphertext_to_c1c2c3(ciphertext: bytes) -> bytes:
    """``C1 ‖ C3 ‖ C2`` → the older ``C1 ‖ C2 ‖ C3`` order (GM/T 0003-2012 as first published)."""
    c1, c3, c2 = _split(ciphertext)
    return c1 + c2 + c3


def ciphertext_from_c1c2c3(data: bytes) -> bytes:
    """``C1 ‖ C2 ‖ C3`` → ``C1 ‖ C3 ‖ C2``."""
    if len(data) <= CIPHERTEXT_OVERHEAD:
        raise CryptoError("crypto.ciphertext_too_short", actual=len(data), minimum=CIPHERTEXT_OVERHEAD + 1)
    data = bytes(data)
    return data[: _ec.ENCODED_POINT_SIZE] + data[-DIGEST_SIZE:] + data[_ec.ENCODED_POINT_SIZE : -DIGEST_SIZE]


def _der_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _der_tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


def _der_uint(value: int) -> bytes:
    return _der_tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def ciphertext_to_der(ciphertext: bytes) -> bytes:
    """``C1 ‖ C3 ‖ C2`` → GM/T 0009 ``SM2Cipher ::= SEQUENCE { x INTEGER, y INTEGER,
    hash OCTET STRING (32), cipherText OCTET STRING }`` (the form OpenSSL/Tongsuo produce)."""
    c1, c3, c2 = _split(ciphertext)
    body = (
        _der_uint(int.from_bytes(c1[1 : 1 + _C], "big"))
        + _der_uint(int.from_bytes(c1[1 + _C :], "big"))
        + _der_tlv(0x04, c3)
        + _der_tlv(0x04, c2)
    )
    return _der_tlv(0x30, body)


class _DerReader:
    """A strict DER reader for the few shapes needed here (definite, minimal lengths)."""

    __slots__ = ("_data", "_pos")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def at_end(self) -> bool:
        return self._pos == len(self._data)

    def read(self, tag: int) -> bytes:
        data, pos = self._data, self._pos
        if pos + 2 > len(data) or data[pos] != tag:
            raise ValueError("tag")
        first = data[pos + 1]
        pos += 2
        if first < 0x80:
            size = first
        else:
            count = first & 0x7F
            if count == 0 or count > 4 or pos + count > len(data) or data[pos] == 0:
                raise ValueError("length")
            size = int.from_bytes(data[pos : pos + count], "big")
            if size < 0x80:
                raise ValueError("length not minimal")
            pos += count
        if pos + size > len(data):
            raise ValueError("truncated")
        self._pos = pos + size
        return data[pos : pos + size]

    def read_uint(self) -> int:
        content = self.read(0x02)
        if (
            not content
            or content[0] & 0x80
            or (len(content) > 1 and content[0] == 0 and not content[1] & 0x80)
        ):
            raise ValueError("integer")
        return int.from_bytes(content, "big")


def ciphertext_from_der(der: bytes) -> bytes:
    """GM/T 0009 ``SM2Cipher`` DER → ``C1 ‖ C3 ‖ C2``; strict DER, (x, y) must be on the curve."""
    try:
        outer = _DerReader(bytes(der))
        inner = _DerReader(outer.read(0x30))
        if not outer.at_end():
            raise ValueError("trailing data")
        x = inner.read_uint()
        y = inner.read_uint()
        c3 = inner.read(0x04)
        c2 = inner.read(0x04)
        if not inner.at_end() or len(c3) != DIGEST_SIZE or not c2 or x >= _ec.P or y >= _ec.P:
            raise ValueError("shape")
    except ValueError:
        raise CryptoError("crypto.ciphertext_der") from None
    c1 = x.to_bytes(_C, "big") + y.to_bytes(_C, "big")
    if not _ec.is_on_curve(c1):
        raise CryptoError("crypto.ciphertext_point")
    return b"\x04" + c1 + c3 + c2
