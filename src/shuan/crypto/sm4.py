"""SM4 (GB/T 32907-2016) in GCM and CBC modes, native through ``cryptography`` (OpenSSL).

* GCM (the default for data at rest): ``nonce(12) ‖ ciphertext ‖ tag(16)``; a 96-bit random nonce
  per message. Never reuse a (key, nonce) pair; with random nonces keep a key below ~2^32 messages.
* CBC with PKCS#7 padding, for interoperability with systems that require it. CBC is not
  authenticated: pair it with HMAC-SM3 (encrypt-then-MAC) or prefer GCM.
* Streaming GCM for large files (constant memory), in the same ``nonce ‖ ciphertext ‖ tag`` layout,
  so a small file encrypted by the stream helper decrypts with :func:`sm4_gcm_decrypt` and back.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from shuan.errors import CryptoError

__all__ = [
    "BLOCK_SIZE",
    "GCM_MAX_PLAINTEXT",
    "KEY_SIZE",
    "NONCE_SIZE",
    "OVERHEAD",
    "TAG_SIZE",
    "sm4_cbc_decrypt",
    "sm4_cbc_encrypt",
    "sm4_gcm_decrypt",
    "sm4_gcm_decrypt_file",
    "sm4_gcm_decrypt_stream",
    "sm4_gcm_encrypt",
    "sm4_gcm_encrypt_file",
    "sm4_gcm_encrypt_stream",
]

KEY_SIZE = 16
BLOCK_SIZE = 16
NONCE_SIZE = 12
TAG_SIZE = 16
OVERHEAD = NONCE_SIZE + TAG_SIZE
# NIST SP 800-38D: at most 2^39 - 256 bits of plaintext under one (key, nonce)
GCM_MAX_PLAINTEXT = 2**36 - 32
DEFAULT_CHUNK = 1 << 20


def _check_key(key: bytes) -> None:
    if len(key) != KEY_SIZE:
        raise CryptoError("crypto.key_length", expected=KEY_SIZE, actual=len(key))


def _check_nonce(nonce: bytes) -> None:
    if len(nonce) != NONCE_SIZE:
        raise CryptoError("crypto.nonce_length", expected=NONCE_SIZE, actual=len(nonce))


def _check_chunk(chunk_size: int) -> None:
    if chunk_size <= 0:
        raise CryptoError("crypto.chunk_size", actual=chunk_size)


def _check_gcm_length(size: int) -> None:
    if size > GCM_MAX_PLAINTEXT:
        raise CryptoError("crypto.gcm_too_long", actual=size, maximum=GCM_MAX_PLAINTEXT)


# ----------------------------------------------------------------------------------------- GCM


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, aad: bytes = b"", nonce: bytes | None = None) -> bytes:
    """SM4-GCM encryption: ``nonce(12) ‖ ciphertext ‖ tag(16)``; ``aad`` is authenticated, not stored.

    ``nonce`` defaults to 12 bytes from ``os.urandom``; pass one only for test vectors or when a
    protocol derives unique nonces itself.
    """
    _check_key(key)
    if nonce is None:
        nonce = os.urandom(NONCE_SIZE)
    else:
        _check_nonce(nonce)
    _check_gcm_length(len(plaintext))
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if aad:
        enc.authenticate_additional_data(aad)
    body = enc.update(plaintext)
    enc.finalize()
    return b"".join((nonce, body, enc.tag))


def sm4_gcm_decrypt(key: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    """Inverse of :func:`sm4_gcm_encrypt`; :class:`CryptoError` if the blob or ``aad`` was altered."""
    _check_key(key)
    if len(blob) < OVERHEAD:
        raise CryptoError("crypto.gcm_too_short", actual=len(blob), minimum=OVERHEAD)
    view = memoryview(blob)
    nonce = bytes(view[:NONCE_SIZE])
    tag = bytes(view[-TAG_SIZE:])
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    if aad:
        dec.authenticate_additional_data(aad)
    plain = dec.update(view[NONCE_SIZE:-TAG_SIZE])
    try:
        dec.finalize()
    except InvalidTag:
        raise CryptoError("crypto.gcm_auth_failed") from None
    return plain


def sm4_gcm_encrypt_stream(
    key: bytes,
    src: BinaryIO,
    dst: BinaryIO,
    *,
    aad: bytes = b"",
    nonce: bytes | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> int:
    """Encrypt ``src`` into ``dst`` chunk by chunk (same layout as :func:`sm4_gcm_encrypt`).

    Returns the number of bytes written. Memory use is about two chunks whatever the input size.
    """
    _check_key(key)
    _check_chunk(chunk_size)
    if nonce is None:
        nonce = os.urandom(NONCE_SIZE)
    else:
        _check_nonce(nonce)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if aad:
        enc.authenticate_additional_data(aad)
    dst.write(nonce)
    total = 0
    while chunk := src.read(chunk_size):
        total += len(chunk)
        _check_gcm_length(total)
        dst.write(enc.update(chunk))
    enc.finalize()
    dst.write(enc.tag)
    return total + OVERHEAD


def sm4_gcm_decrypt_stream(
    key: bytes,
    src: BinaryIO,
    dst: BinaryIO,
    *,
    aad: bytes = b"",
    chunk_size: int = DEFAULT_CHUNK,
) -> int:
    """Decrypt a ``nonce ‖ ciphertext ‖ tag`` stream into ``dst``; returns the plaintext size.

    The tag is only checked at the end: ``dst`` receives plaintext that is NOT yet authenticated,
    and on :class:`CryptoError` the caller must discard everything written. Use
    :func:`sm4_gcm_decrypt_file`, which only publishes the output once the tag has verified.
    Works on non-seekable streams (the last 16 bytes are held back as the tag).
    """
    _check_key(key)
    _check_chunk(chunk_size)
    nonce = _read_exact(src, NONCE_SIZE)
    if len(nonce) < NONCE_SIZE:
        raise CryptoError("crypto.gcm_too_short", actual=len(nonce), minimum=OVERHEAD)
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce)).decryptor()
    if aad:
        dec.authenticate_additional_data(aad)
    pending = b""  # the last TAG_SIZE bytes seen so far: possibly the tag
    total = 0
    while chunk := src.read(chunk_size):
        if len(chunk) >= TAG_SIZE:
            body = memoryview(chunk)[:-TAG_SIZE]
            if pending:
                dst.write(dec.update(pending))
                total += len(pending)
            dst.write(dec.update(body))
            total += len(body)
            pending = chunk[-TAG_SIZE:]
        else:
            joined = pending + chunk
            if len(joined) > TAG_SIZE:
                head = joined[:-TAG_SIZE]
                dst.write(dec.update(head))
                total += len(head)
            pending = joined[-TAG_SIZE:]
    if len(pending) < TAG_SIZE:
        raise CryptoError("crypto.gcm_too_short", actual=NONCE_SIZE + total + len(pending), minimum=OVERHEAD)
    try:
        dst.write(dec.finalize_with_tag(pending))
    except InvalidTag:
        raise CryptoError("crypto.gcm_auth_failed") from None
    return total


def _read_exact(src: BinaryIO, size: int) -> bytes:
    out = b""
    while len(out) < size:
        more = src.read(size - len(out))
        if not more:
            break
        out += more
    return out


def _atomic_output(dst: Path) -> tuple[BinaryIO, Path]:
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".part")
    return os.fdopen(fd, "wb"), Path(tmp)


def _transform_file(
    src_path: str | os.PathLike[str],
    dst_path: str | os.PathLike[str],
    work: Callable[[BinaryIO, BinaryIO], int],
) -> int:
    dst = Path(dst_path)
    out, tmp = _atomic_output(dst)
    try:
        with out, open(src_path, "rb") as src:
            n = work(src, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return n


def sm4_gcm_encrypt_file(
    key: bytes,
    src_path: str | os.PathLike[str],
    dst_path: str | os.PathLike[str],
    *,
    aad: bytes = b"",
    chunk_size: int = DEFAULT_CHUNK,
) -> int:
    """Encrypt a file; ``dst_path`` appears atomically (temp file + rename). Returns bytes written."""
    _check_key(key)
    _check_chunk(chunk_size)
    return _transform_file(
        src_path,
        dst_path,
        lambda src, dst: sm4_gcm_encrypt_stream(key, src, dst, aad=aad, chunk_size=chunk_size),
    )


def sm4_gcm_decrypt_file(
    key: bytes,
    src_path: str | os.PathLike[str],
    dst_path: str | os.PathLike[str],
    *,
    aad: bytes = b"",
    chunk_size: int = DEFAULT_CHUNK,
) -> int:
    """Decrypt a file; ``dst_path`` only appears if the tag verifies (no unauthenticated output is
    ever left behind: the temporary file, mode 0600, is removed on failure). Returns the plaintext size.
    """
    _check_key(key)
    _check_chunk(chunk_size)
    return _transform_file(
        src_path,
        dst_path,
        lambda src, dst: sm4_gcm_decrypt_stream(key, src, dst, aad=aad, chunk_size=chunk_size),
    )


# ----------------------------------------------------------------------------------------- CBC


def _check_iv(iv: bytes) -> None:
    if len(iv) != BLOCK_SIZE:
        raise CryptoError("crypto.iv_length", expected=BLOCK_SIZE, actual=len(iv))


def sm4_cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """SM4-CBC with PKCS#7 padding (output is 1–16 bytes longer than the input). Unauthenticated."""
    _check_key(key)
    _check_iv(iv)
    padder = padding.PKCS7(BLOCK_SIZE * 8).padder()
    padded = padder.update(plaintext) + padder.finalize()
    enc = Cipher(algorithms.SM4(key), modes.CBC(iv)).encryptor()
    return enc.update(padded) + enc.finalize()


def sm4_cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """Inverse of :func:`sm4_cbc_encrypt`; :class:`CryptoError` on a bad length or bad padding."""
    _check_key(key)
    _check_iv(iv)
    if not ciphertext or len(ciphertext) % BLOCK_SIZE:
        raise CryptoError("crypto.cbc_length", actual=len(ciphertext))
    dec = Cipher(algorithms.SM4(key), modes.CBC(iv)).decryptor()
    padded = dec.update(ciphertext) + dec.finalize()
    unpadder = padding.PKCS7(BLOCK_SIZE * 8).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise CryptoError("crypto.cbc_padding") from None
