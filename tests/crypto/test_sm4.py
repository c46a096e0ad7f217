"""SM4 (GB/T 32907) block vectors, SM4-GCM (RFC 8998) and SM4-CBC (draft-ribose-cfrg-sm4) modes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from shuan.crypto.sm4 import (
    OVERHEAD,
    sm4_cbc_decrypt,
    sm4_cbc_encrypt,
    sm4_gcm_decrypt,
    sm4_gcm_decrypt_file,
    sm4_gcm_decrypt_stream,
    sm4_gcm_encrypt,
    sm4_gcm_encrypt_file,
    sm4_gcm_encrypt_stream,
)
from shuan.errors import CryptoError

KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")

# RFC 8998 Appendix A.1 (also OpenSSL test/recipes/30-test_evp_data/evpciph_sm4.txt)
GCM_NONCE = bytes.fromhex("00001234567800000000abcd")
GCM_AAD = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
GCM_PLAIN = bytes.fromhex(
    "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
    "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa"
)
GCM_CIPHER = bytes.fromhex(
    "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
    "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
)
GCM_TAG = bytes.fromhex("83de3541e4c2b58177e065a9bf7b62ec")


def _ecb(key: bytes, block: bytes) -> bytes:
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def test_gbt32907_example_1() -> None:
    assert _ecb(KEY, KEY).hex() == "681edf34d206965e86b3e94f536e4246"


def test_gbt32907_example_2_million_iterations() -> None:
    # about 0.4 s natively, so not marked slow
    enc = Cipher(algorithms.SM4(KEY), modes.ECB()).encryptor()
    block = KEY
    for _ in range(1_000_000):
        block = enc.update(block)
    assert block.hex() == "595298c7c6fd271f0402f804c33d3f66"


# --------------------------------------------------------------------------------------- GCM


def test_rfc8998_gcm_vector_encrypt() -> None:
    blob = sm4_gcm_encrypt(KEY, GCM_PLAIN, GCM_AAD, nonce=GCM_NONCE)
    assert blob == GCM_NONCE + GCM_CIPHER + GCM_TAG


def test_rfc8998_gcm_vector_decrypt() -> None:
    assert sm4_gcm_decrypt(KEY, GCM_NONCE + GCM_CIPHER + GCM_TAG, GCM_AAD) == GCM_PLAIN


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 1000, 65536 + 3])
def test_gcm_round_trip(size: int) -> None:
    key, data, aad = os.urandom(16), os.urandom(size), os.urandom(size % 40)
    blob = sm4_gcm_encrypt(key, data, aad)
    assert len(blob) == size + OVERHEAD
    assert sm4_gcm_decrypt(key, blob, aad) == data


def test_gcm_nonces_are_random() -> None:
    key = os.urandom(16)
    assert sm4_gcm_encrypt(key, b"same")[:12] != sm4_gcm_encrypt(key, b"same")[:12]


def _flip(blob: bytes, index: int) -> bytes:
    out = bytearray(blob)
    out[index] ^= 0x01
    return bytes(out)


REFERENCE_BLOB = GCM_NONCE + GCM_CIPHER + GCM_TAG


@pytest.mark.parametrize(
    ("what", "blob", "aad"),
    [
        ("nonce", _flip(REFERENCE_BLOB, 0), GCM_AAD),
        ("nonce end", _flip(REFERENCE_BLOB, 11), GCM_AAD),
        ("ciphertext", _flip(REFERENCE_BLOB, 12), GCM_AAD),
        ("ciphertext end", _flip(REFERENCE_BLOB, len(REFERENCE_BLOB) - 17), GCM_AAD),
        ("tag", _flip(REFERENCE_BLOB, len(REFERENCE_BLOB) - 1), GCM_AAD),
        ("aad", REFERENCE_BLOB, _flip(GCM_AAD, 3)),
        ("missing aad", REFERENCE_BLOB, b""),
        ("extra aad", REFERENCE_BLOB, GCM_AAD + b"x"),
        ("truncated", REFERENCE_BLOB[:-1], GCM_AAD),
        ("extended", REFERENCE_BLOB + b"\0", GCM_AAD),
    ],
)
def test_gcm_tampering_is_detected(what: str, blob: bytes, aad: bytes) -> None:
    with pytest.raises(CryptoError) as err:
        sm4_gcm_decrypt(KEY, blob, aad)
    assert err.value.key == "crypto.gcm_auth_failed", what


def test_gcm_wrong_key_fails_authentication() -> None:
    with pytest.raises(CryptoError, match="认证失败"):
        sm4_gcm_decrypt(os.urandom(16), REFERENCE_BLOB, GCM_AAD)


@pytest.mark.parametrize("size", [0, 12, 27])
def test_gcm_too_short(size: int) -> None:
    with pytest.raises(CryptoError) as err:
        sm4_gcm_decrypt(KEY, bytes(size))
    assert err.value.key == "crypto.gcm_too_short"


@pytest.mark.parametrize("size", [0, 15, 17, 24, 32])
def test_wrong_key_length(size: int) -> None:
    for call in (
        lambda: sm4_gcm_encrypt(bytes(size), b"x"),
        lambda: sm4_gcm_decrypt(bytes(size), bytes(40)),
        lambda: sm4_cbc_encrypt(bytes(size), bytes(16), b"x"),
        lambda: sm4_cbc_decrypt(bytes(size), bytes(16), bytes(16)),
    ):
        with pytest.raises(CryptoError) as err:
            call()
        assert err.value.key == "crypto.key_length"
        assert "16" in str(err.value) and str(size) in str(err.value)


@pytest.mark.parametrize("size", [0, 8, 11, 13, 16])
def test_wrong_nonce_length(size: int) -> None:
    with pytest.raises(CryptoError) as err:
        sm4_gcm_encrypt(KEY, b"x", nonce=bytes(size))
    assert err.value.key == "crypto.nonce_length"


def test_error_messages_are_one_line_and_hold_no_key_material(monkeypatch: pytest.MonkeyPatch) -> None:
    key = bytes.fromhex("00112233445566778899aabbccddeeff00")
    for lang in ("zh", "en"):
        monkeypatch.setenv("SHUAN_LANG", lang)
        with pytest.raises(CryptoError) as err:
            sm4_gcm_encrypt(key, b"x")
        text = str(err.value)
        assert "\n" not in text and key.hex() not in text and "00112233" not in text
    monkeypatch.setenv("SHUAN_LANG", "zh")
    with pytest.raises(CryptoError) as err:
        sm4_gcm_decrypt(KEY, _flip(REFERENCE_BLOB, 20), GCM_AAD)
    assert str(err.value).startswith("SM4-GCM 认证失败")


# ------------------------------------------------------------------------------- streaming GCM


class _Trickle(io.RawIOBase):
    """A non-seekable source that returns at most `step` bytes per read."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data, self._pos, self._step = data, 0, step

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        n = self._step if size < 0 else min(size, self._step)
        out = self._data[self._pos : self._pos + n]
        self._pos += len(out)
        return out


@pytest.mark.parametrize("size", [0, 1, 16, 100, 4096 * 3 + 5])
@pytest.mark.parametrize("chunk", [1, 7, 16, 17, 4096])
def test_stream_round_trip_and_compatibility(size: int, chunk: int) -> None:
    key, data, aad = os.urandom(16), os.urandom(size), b"file-id"
    out = io.BytesIO()
    written = sm4_gcm_encrypt_stream(key, io.BytesIO(data), out, aad=aad, chunk_size=chunk)
    blob = out.getvalue()
    assert written == len(blob) == size + OVERHEAD
    assert sm4_gcm_decrypt(key, blob, aad) == data  # one-shot reads the stream format
    back = io.BytesIO()
    assert sm4_gcm_decrypt_stream(key, io.BytesIO(blob), back, aad=aad, chunk_size=chunk) == size
    assert back.getvalue() == data
    trickled = io.BytesIO()
    sm4_gcm_decrypt_stream(key, _Trickle(blob, 5), trickled, aad=aad, chunk_size=chunk)  # type: ignore[arg-type]
    assert trickled.getvalue() == data


def test_stream_matches_one_shot_vector() -> None:
    out = io.BytesIO()
    sm4_gcm_encrypt_stream(KEY, io.BytesIO(GCM_PLAIN), out, aad=GCM_AAD, nonce=GCM_NONCE, chunk_size=10)
    assert out.getvalue() == REFERENCE_BLOB


@pytest.mark.parametrize("index", [0, 12, 40, len(REFERENCE_BLOB) - 1])
def test_stream_tampering_is_detected(index: int) -> None:
    with pytest.raises(CryptoError) as err:
        sm4_gcm_decrypt_stream(KEY, io.BytesIO(_flip(REFERENCE_BLOB, index)), io.BytesIO(), aad=GCM_AAD)
    assert err.value.key == "crypto.gcm_auth_failed"


@pytest.mark.parametrize("size", [0, 5, 12, 27])
def test_stream_too_short(size: int) -> None:
    with pytest.raises(CryptoError) as err:
        sm4_gcm_decrypt_stream(KEY, io.BytesIO(bytes(size)), io.BytesIO())
    assert err.value.key == "crypto.gcm_too_short"


def test_file_helpers(tmp_path: Path) -> None:
    key, data = os.urandom(16), os.urandom(300_000)
    src, enc, dec = tmp_path / "a.bin", tmp_path / "a.enc", tmp_path / "a.out"
    src.write_bytes(data)
    assert sm4_gcm_encrypt_file(key, src, enc, aad=b"a", chunk_size=65536) == len(data) + OVERHEAD
    assert sm4_gcm_decrypt(key, enc.read_bytes(), b"a") == data
    assert sm4_gcm_decrypt_file(key, enc, dec, aad=b"a", chunk_size=4096) == len(data)
    assert dec.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "a.enc", "a.out"]


def test_file_decrypt_leaves_nothing_behind_on_tampering(tmp_path: Path) -> None:
    key = os.urandom(16)
    src, enc, dec = tmp_path / "a.bin", tmp_path / "a.enc", tmp_path / "a.out"
    src.write_bytes(os.urandom(50_000))
    sm4_gcm_encrypt_file(key, src, enc)
    enc.write_bytes(_flip(enc.read_bytes(), 30_000))
    with pytest.raises(CryptoError):
        sm4_gcm_decrypt_file(key, enc, dec, chunk_size=4096)
    assert not dec.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "a.enc"]


def test_stream_bad_chunk_size() -> None:
    with pytest.raises(CryptoError) as err:
        sm4_gcm_encrypt_stream(KEY, io.BytesIO(b"x"), io.BytesIO(), chunk_size=0)
    assert err.value.key == "crypto.chunk_size"


# --------------------------------------------------------------------------------------- CBC

# draft-ribose-cfrg-sm4 (also OpenSSL evpciph_sm4.txt): raw CBC, no padding
CBC_IV = KEY
CBC_PLAIN = KEY * 2
CBC_CIPHER = bytes.fromhex("2677f46b09c122cc975533105bd4a22af6125f7275ce552c3a2bbcf533de8a3b")


def test_cbc_published_vector_with_pkcs7_block() -> None:
    out = sm4_cbc_encrypt(KEY, CBC_IV, CBC_PLAIN)
    # an aligned input gains one full padding block; the data blocks are the published ones
    assert len(out) == 48 and out[:32] == CBC_CIPHER
    # the padding block is 16 × 0x10 chained from the last ciphertext block
    assert out[32:] == _ecb(KEY, bytes(a ^ 0x10 for a in CBC_CIPHER[16:]))
    assert sm4_cbc_decrypt(KEY, CBC_IV, out) == CBC_PLAIN


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 31, 32, 1000])
def test_cbc_round_trip(size: int) -> None:
    key, iv, data = os.urandom(16), os.urandom(16), os.urandom(size)
    out = sm4_cbc_encrypt(key, iv, data)
    assert len(out) == (size // 16 + 1) * 16
    assert sm4_cbc_decrypt(key, iv, out) == data


def _cbc_raw(key: bytes, iv: bytes, padded: bytes) -> bytes:
    enc = Cipher(algorithms.SM4(key), modes.CBC(iv)).encryptor()
    return enc.update(padded) + enc.finalize()


@pytest.mark.parametrize(
    "last_block",
    [
        bytes(16),  # pad byte 0
        b"A" * 15 + b"\x11",  # pad byte 17 > block size
        b"A" * 14 + b"\x01\x02",  # 2 announced, bytes differ
        b"A" * 12 + b"\x03\x04\x04\x04",  # 4 announced, one wrong
    ],
)
def test_cbc_bad_padding(last_block: bytes) -> None:
    iv = os.urandom(16)
    ciphertext = _cbc_raw(KEY, iv, b"B" * 16 + last_block)
    with pytest.raises(CryptoError) as err:
        sm4_cbc_decrypt(KEY, iv, ciphertext)
    assert err.value.key == "crypto.cbc_padding"


@pytest.mark.parametrize("size", [0, 1, 15, 17, 33])
def test_cbc_bad_ciphertext_length(size: int) -> None:
    with pytest.raises(CryptoError) as err:
        sm4_cbc_decrypt(KEY, bytes(16), bytes(size))
    assert err.value.key == "crypto.cbc_length"


@pytest.mark.parametrize("size", [0, 12, 15, 17])
def test_cbc_bad_iv_length(size: int) -> None:
    with pytest.raises(CryptoError) as err:
        sm4_cbc_encrypt(KEY, bytes(size), b"x")
    assert err.value.key == "crypto.iv_length"
