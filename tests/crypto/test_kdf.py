"""HKDF-SM3 and the SM2 KDF against independent constructions written out from their specifications."""

from __future__ import annotations

import hashlib
import hmac
import os

import pytest

from shuan.crypto.kdf import HKDF_MAX_LENGTH, hkdf_sm3, sm2_kdf
from shuan.errors import CryptoError


def _hkdf_by_hand(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 §2.2–2.3 over Python's hmac with SM3."""
    prk = hmac.new(salt or bytes(32), ikm, "sm3").digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), "sm3").digest()
        okm += block
        counter += 1
    return okm[:length]


def _sm2_kdf_by_hand(z: bytes, klen: int) -> bytes:
    """GB/T 32918.4-2016 §5.4.3: Ha_i = H(Z ‖ ct), ct a 32-bit counter from 1."""
    out = b""
    ct = 1
    while len(out) < klen:
        out += hashlib.new("sm3", z + ct.to_bytes(4, "big")).digest()
        ct += 1
    return out[:klen]


@pytest.mark.parametrize("length", [1, 16, 31, 32, 33, 64, 100, HKDF_MAX_LENGTH])
def test_hkdf_sm3_matches_rfc5869_construction(length: int) -> None:
    ikm, salt, info = os.urandom(32), os.urandom(16), b"shuan:test:v1"
    assert hkdf_sm3(ikm, salt=salt, info=info, length=length) == _hkdf_by_hand(ikm, salt, info, length)


def test_hkdf_sm3_default_length_empty_salt_and_domain_separation() -> None:
    ikm = os.urandom(32)
    key = hkdf_sm3(ikm, salt=b"", info=b"a")
    assert len(key) == 16
    assert key == _hkdf_by_hand(ikm, b"", b"a", 16)
    assert key != hkdf_sm3(ikm, salt=b"", info=b"b")
    assert key != hkdf_sm3(ikm, salt=b"s", info=b"a")


@pytest.mark.parametrize("length", [0, -1, HKDF_MAX_LENGTH + 1])
def test_hkdf_sm3_bad_length(length: int) -> None:
    with pytest.raises(CryptoError) as err:
        hkdf_sm3(b"k" * 16, salt=b"", info=b"", length=length)
    assert err.value.key == "crypto.kdf_length"


@pytest.mark.parametrize("klen", [0, 1, 19, 32, 33, 64, 65, 1000])
def test_sm2_kdf_matches_the_standard(klen: int) -> None:
    z = os.urandom(64)
    out = sm2_kdf(z, klen)
    assert len(out) == klen
    assert out == _sm2_kdf_by_hand(z, klen)


def test_sm2_kdf_prefix_property_and_bad_length() -> None:
    z = os.urandom(64)
    assert sm2_kdf(z, 100)[:40] == sm2_kdf(z, 40)
    with pytest.raises(CryptoError):
        sm2_kdf(z, -1)
