"""Native point arithmetic on the SM2 curve sm2p256v1 (GB/T 32918.5-2017) through Tongsuo's libcrypto.

Only the scalar multiplications are native (``EC_POINT_mul`` of the cffi binding shipped with
tongsuopy); the protocol equations (mod n arithmetic, hashing) stay in :mod:`shuan.crypto.sm2`.

Points cross this module as 64 bytes ``x ‖ y`` (big-endian coordinates, no 04 prefix). Every
thread gets its own EC_GROUP and BN_CTX (a BN_CTX is not thread-safe and cffi releases the GIL
during native calls). Secret scalars go into short-lived BIGNUMs flagged BN_FLG_CONSTTIME and
freed with BN_clear_free; result points are freed with EC_POINT_clear_free.
"""

from __future__ import annotations

import threading
from typing import Any

from tongsuopy.backends.tongsuo.binding import Binding

from shuan.errors import CryptoError

# Curve parameters of sm2p256v1 (GB/T 32918.5-2017 §2)
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

COORD_SIZE = 32
POINT_SIZE = 2 * COORD_SIZE  # x ‖ y
ENCODED_POINT_SIZE = 1 + POINT_SIZE  # 04 ‖ x ‖ y

_binding = Binding()
_lib: Any = _binding.lib
_ffi: Any = _binding.ffi
_NID: int = _lib.OBJ_sn2nid(b"SM2")
_UNCOMPRESSED: int = _lib.POINT_CONVERSION_UNCOMPRESSED
_CONSTTIME: int = _lib.BN_FLG_CONSTTIME
_ZERO_POINT = bytes(ENCODED_POINT_SIZE)
_G = GX.to_bytes(COORD_SIZE, "big") + GY.to_bytes(COORD_SIZE, "big")


def _fail(operation: str) -> CryptoError:
    _lib.ERR_clear_error()  # leave the thread's OpenSSL error queue clean for other users of the library
    return CryptoError("crypto.native_failure", operation=operation)


def is_on_curve(point: bytes) -> bool:
    """True when the 64-byte ``x ‖ y`` is an affine point of sm2p256v1 (coordinates reduced mod p)."""
    if len(point) != POINT_SIZE:
        return False
    x = int.from_bytes(point[:COORD_SIZE], "big")
    y = int.from_bytes(point[COORD_SIZE:], "big")
    if x >= P or y >= P:
        return False
    return (y * y - (x * x * x + A * x + B)) % P == 0


class _Native:
    """Per-thread native state: the curve group and a BN_CTX."""

    __slots__ = ("ctx", "group")

    def __init__(self) -> None:
        group = _lib.EC_GROUP_new_by_curve_name(_NID)
        if group == _ffi.NULL:
            raise _fail("EC_GROUP_new_by_curve_name(SM2)")
        self.group: Any = _ffi.gc(group, _lib.EC_GROUP_free)
        ctx = _lib.BN_CTX_new()
        if ctx == _ffi.NULL:
            raise _fail("BN_CTX_new")
        self.ctx: Any = _ffi.gc(ctx, _lib.BN_CTX_free)
        self._check_parameters()

    def _check_parameters(self) -> None:
        """The native group must be exactly sm2p256v1 (generator and order), or nothing here is valid."""
        generator = _lib.EC_GROUP_get0_generator(self.group)
        if generator == _ffi.NULL or self.encode(generator) != _G:
            raise _fail("SM2 generator mismatch")
        order = _lib.BN_new()
        try:
            if order == _ffi.NULL or _lib.EC_GROUP_get_order(self.group, order, self.ctx) != 1:
                raise _fail("EC_GROUP_get_order")
            buf = _ffi.new("unsigned char[]", COORD_SIZE)
            if _lib.BN_num_bytes(order) != COORD_SIZE or _lib.BN_bn2bin(order, buf) != COORD_SIZE:
                raise _fail("SM2 order mismatch")
            if int.from_bytes(_ffi.buffer(buf, COORD_SIZE)[:], "big") != N:
                raise _fail("SM2 order mismatch")
        finally:
            _lib.BN_free(order)

    def encode(self, point: Any) -> bytes | None:
        """64-byte x ‖ y of a native point, None for the point at infinity."""
        if _lib.EC_POINT_is_at_infinity(self.group, point):
            return None
        out = _ffi.new("unsigned char[]", ENCODED_POINT_SIZE)
        try:
            size = _lib.EC_POINT_point2oct(
                self.group, point, _UNCOMPRESSED, out, ENCODED_POINT_SIZE, self.ctx
            )
            if size != ENCODED_POINT_SIZE:
                raise _fail("EC_POINT_point2oct")
            return bytes(_ffi.buffer(out, ENCODED_POINT_SIZE)[1:])
        finally:
            _ffi.memmove(out, _ZERO_POINT, ENCODED_POINT_SIZE)

    def new_point(self) -> Any:
        point = _lib.EC_POINT_new(self.group)
        if point == _ffi.NULL:
            raise _fail("EC_POINT_new")
        return point

    def load(self, xy: bytes) -> Any:
        """A new native point from 64-byte x ‖ y; the caller frees it (EC_POINT_free)."""
        point = self.new_point()
        # oct2point also checks that the point is on the curve (OpenSSL ≥ 1.1.1)
        if _lib.EC_POINT_oct2point(self.group, point, b"\x04" + xy, ENCODED_POINT_SIZE, self.ctx) != 1:
            _lib.EC_POINT_free(point)
            raise _fail("EC_POINT_oct2point")
        return point


_local = threading.local()


def _native() -> _Native:
    state: _Native | None = getattr(_local, "state", None)
    if state is None:
        state = _Native()
        _local.state = state
    return state


def _scalar(value: int) -> Any:
    """A new BIGNUM (constant-time flag set) holding ``value``; the caller frees it with BN_clear_free."""
    buf = _ffi.new("unsigned char[]", value.to_bytes(COORD_SIZE, "big"))
    try:
        bn = _lib.BN_bin2bn(buf, COORD_SIZE, _ffi.NULL)
    finally:
        _ffi.memmove(buf, bytes(COORD_SIZE), COORD_SIZE)
    if bn == _ffi.NULL:
        raise _fail("BN_bin2bn")
    _lib.BN_set_flags(bn, _CONSTTIME)
    return bn


def mul_base(k: int) -> bytes:
    """[k]G for 1 ≤ k < n, as 64-byte x ‖ y."""
    st = _native()
    bn = _scalar(k)
    result = st.new_point()
    try:
        if _lib.EC_POINT_mul(st.group, result, bn, _ffi.NULL, _ffi.NULL, st.ctx) != 1:
            raise _fail("EC_POINT_mul")
        out = st.encode(result)
    finally:
        _lib.EC_POINT_clear_free(result)
        _lib.BN_clear_free(bn)
    if out is None:
        raise _fail("EC_POINT_mul")
    return out


def mul(k: int, point: bytes) -> bytes:
    """[k]P for 1 ≤ k < n and a valid point P (64-byte x ‖ y), as 64-byte x ‖ y."""
    st = _native()
    base = st.load(point)
    bn = _scalar(k)
    result = st.new_point()
    try:
        if _lib.EC_POINT_mul(st.group, result, _ffi.NULL, base, bn, st.ctx) != 1:
            raise _fail("EC_POINT_mul")
        out = st.encode(result)
    finally:
        _lib.EC_POINT_clear_free(result)
        _lib.BN_clear_free(bn)
        _lib.EC_POINT_free(base)
    if out is None:
        raise _fail("EC_POINT_mul")
    return out


def mul_base_add(s: int, t: int, point: bytes) -> bytes | None:
    """[s]G + [t]P in one native call (public scalars: signature verification); None at infinity."""
    st = _native()
    base = st.load(point)
    bn_s = _scalar(s)
    bn_t = _scalar(t)
    result = st.new_point()
    try:
        if _lib.EC_POINT_mul(st.group, result, bn_s, base, bn_t, st.ctx) != 1:
            raise _fail("EC_POINT_mul")
        return st.encode(result)
    finally:
        _lib.EC_POINT_free(result)
        _lib.BN_free(bn_s)
        _lib.BN_free(bn_t)
        _lib.EC_POINT_free(base)
