"""SM3 (GB/T 32905) and HMAC-SM3 (GM/T 0042) against published vectors and independent computations."""

from __future__ import annotations

import hashlib
import hmac
import os

import pytest

from shuan.crypto.sm3 import SM3, HmacSM3, hmac_sm3, hmac_sm3_verify, sm3, sm3_hex

# GB/T 32905-2016 Appendix A
SM3_VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
    # the empty message (also in OpenSSL's and GmSSL's test suites)
    (b"", "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"),
]

# GM/T 0042-2015 Appendix D.3, as carried by OpenSSL test/recipes/30-test_evp_data/evpmac_sm3.txt
HMAC_VECTORS = [
    (
        bytes(range(1, 33)),
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" * 2,
        "ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a",
    ),
    (
        bytes(range(1, 38)),
        b"\xcd" * 50,
        "220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae",
    ),
    (b"\x0b" * 32, b"Hi There", "c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e"),
    (
        b"Jefe Jeferson Jr",
        b"what do ya want for nothing?",
        "ce791a34c59adef472997a249600f3f244d59e875be04055ba2ae12fc845e78c",
    ),
]


@pytest.mark.parametrize(("message", "digest"), SM3_VECTORS)
def test_sm3_vectors(message: bytes, digest: str) -> None:
    assert sm3(message).hex() == digest
    assert sm3_hex(message) == digest
    assert SM3(message).hexdigest() == digest


def test_incremental_matches_one_shot_at_every_split() -> None:
    data = os.urandom(200)
    want = sm3(data)
    for cut in (0, 1, 55, 56, 63, 64, 65, 128, 199, 200):
        h = SM3()
        h.update(data[:cut])
        h.update(data[cut:])
        assert h.digest() == want


def test_copy_and_digest_do_not_finalize() -> None:
    h = SM3(b"ab")
    clone = h.copy()
    assert h.digest() == h.digest() == sm3(b"ab")
    h.update(b"c")
    assert h.hexdigest() == SM3_VECTORS[0][1]
    assert clone.digest() == sm3(b"ab")
    assert (SM3.digest_size, SM3.block_size, SM3.name) == (32, 64, "sm3")


def test_sm3_agrees_with_hashlib_on_random_lengths() -> None:
    for size in (1, 31, 32, 33, 64, 1000, 65537):
        data = os.urandom(size)
        assert sm3(data) == hashlib.new("sm3", data).digest()


@pytest.mark.parametrize(("key", "data", "tag"), HMAC_VECTORS)
def test_hmac_sm3_gmt0042_vectors(key: bytes, data: bytes, tag: str) -> None:
    assert hmac_sm3(key, data).hex() == tag
    assert hmac_sm3_verify(key, data, bytes.fromhex(tag))
    assert HmacSM3(key, data).hexdigest() == tag


def _hmac_by_hand(key: bytes, data: bytes) -> bytes:
    """RFC 2104 written out over hashlib's SM3: independent of both HMAC implementations."""
    if len(key) > 64:
        key = hashlib.new("sm3", key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.new("sm3", bytes(b ^ 0x36 for b in key) + data).digest()
    return hashlib.new("sm3", bytes(b ^ 0x5C for b in key) + inner).digest()


@pytest.mark.parametrize("key_size", [0, 1, 16, 32, 63, 64, 65, 200])
def test_hmac_sm3_matches_two_independent_computations(key_size: int) -> None:
    key, data = os.urandom(key_size), os.urandom(777)
    tag = hmac_sm3(key, data)
    assert tag == hmac.new(key, data, "sm3").digest()
    assert tag == _hmac_by_hand(key, data)


def test_hmac_verify_rejects_wrong_tag_key_and_data() -> None:
    key, data = os.urandom(32), b"payload"
    tag = hmac_sm3(key, data)
    bad = bytes([tag[0] ^ 1]) + tag[1:]
    assert not hmac_sm3_verify(key, data, bad)
    assert not hmac_sm3_verify(key, data, tag[:-1])
    assert not hmac_sm3_verify(key, data, b"")
    assert not hmac_sm3_verify(os.urandom(32), data, tag)
    assert not hmac_sm3_verify(key, data + b"!", tag)


def test_incremental_hmac() -> None:
    key = os.urandom(32)
    m = HmacSM3(key)
    m.update(b"Hello")
    snapshot = m.copy()
    m.update(b" World")
    assert m.digest() == hmac_sm3(key, b"Hello World")
    assert m.verify(hmac_sm3(key, b"Hello World"))
    assert not m.verify(hmac_sm3(key, b"Hello"))
    assert snapshot.digest() == hmac_sm3(key, b"Hello")
    assert repr(m) == "HmacSM3()"
