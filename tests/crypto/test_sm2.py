"""SM2 on sm2p256v1: GB/T 32918.5 / GM/T 0003.5 examples, validation, tampering, interop with Tongsuo."""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization as c_serialization
from cryptography.hazmat.primitives.asymmetric import ec as c_ec
from tongsuopy.backends.tongsuo.binding import Binding
from tongsuopy.crypto import hashes as ts_hashes
from tongsuopy.crypto.asymciphers import ec as ts_ec

from shuan.crypto import _ec
from shuan.crypto.sm2 import (
    DEFAULT_UID,
    SM2PrivateKey,
    SM2PublicKey,
    ciphertext_from_c1c2c3,
    ciphertext_from_der,
    ciphertext_to_c1c2c3,
    ciphertext_to_der,
    signature_from_der,
    signature_to_der,
)
from shuan.errors import CryptoError

N = _ec.N
P = _ec.P

# GB/T 32918.5-2017 / GM/T 0003.5-2012 Annex A (signature) and Annex C (encryption) on sm2p256v1,
# as carried by OpenSSL test/sm2_internal_test.c (sm2_sig_test, sm2_crypt_test).
D = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
PUB = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
K = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
Z_A = "b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3"
E = "f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640"
SIG = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)
C1 = bytes.fromhex(
    "04"
    "04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73"
    "E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0"
)
C3 = bytes.fromhex("59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766")
C2 = bytes.fromhex("21886CA989CA9C7D58087307CA93092D651EFA")
CIPHERTEXT = C1 + C3 + C2
CIPHERTEXT_DER = bytes.fromhex(
    "307C"
    "0220"
    "04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73"
    "022100"
    "E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0"
    "0420"
    "59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766"
    "0413"
    "21886CA989CA9C7D58087307CA93092D651EFA"
)


@pytest.fixture(scope="module")
def std_key() -> SM2PrivateKey:
    return SM2PrivateKey.from_bytes(D)


@pytest.fixture(scope="module")
def key() -> SM2PrivateKey:
    return SM2PrivateKey.generate()


# ------------------------------------------------------------------------- published examples


def test_standard_public_key_za_and_digest(std_key: SM2PrivateKey) -> None:
    assert std_key.public_key.to_bytes() == PUB
    assert std_key.public_key.z_a(b"1234567812345678").hex() == Z_A
    assert std_key.public_key.message_digest(b"message digest").hex() == E


def test_standard_signature_with_fixed_k(std_key: SM2PrivateKey) -> None:
    assert std_key._sign_with_k(b"message digest", K) == SIG


def test_standard_signature_verifies() -> None:
    pub = SM2PublicKey.from_bytes(PUB)
    assert pub.verify(SIG, b"message digest")
    assert pub.verify(SIG, b"message digest", uid=DEFAULT_UID)
    assert not pub.verify(SIG, b"message digesT")
    assert not pub.verify(SIG, b"message digest", uid=b"1234567812345679")


def test_standard_encryption_with_fixed_k(std_key: SM2PrivateKey) -> None:
    assert std_key.public_key._encrypt_with_k(b"encryption standard", K) == CIPHERTEXT
    assert ciphertext_to_der(CIPHERTEXT) == CIPHERTEXT_DER  # byte for byte OpenSSL's expected DER


def test_standard_decryption(std_key: SM2PrivateKey) -> None:
    assert std_key.decrypt(CIPHERTEXT) == b"encryption standard"
    assert std_key.decrypt(ciphertext_from_der(CIPHERTEXT_DER)) == b"encryption standard"


# ------------------------------------------------------------------------------- signatures


@pytest.mark.parametrize("uid", [DEFAULT_UID, b"", b"ALICE123@YAHOO.COM", "张三@政务".encode(), b"u" * 8191])
@pytest.mark.parametrize("message", [b"", b"m", bytes(range(256)) * 40])
def test_sign_verify_round_trip(key: SM2PrivateKey, uid: bytes, message: bytes) -> None:
    sig = key.sign(message, uid)
    assert len(sig) == 64
    assert key.public_key.verify(sig, message, uid)


def test_signatures_are_randomised(key: SM2PrivateKey) -> None:
    a, b = key.sign(b"same"), key.sign(b"same")
    assert a != b
    assert key.public_key.verify(a, b"same") and key.public_key.verify(b, b"same")


def test_wrong_uid_message_or_key_fails(key: SM2PrivateKey) -> None:
    sig = key.sign(b"payload", b"alice")
    assert not key.public_key.verify(sig, b"payload")  # default uid
    assert not key.public_key.verify(sig, b"payload", b"bob")
    assert not key.public_key.verify(sig, b"payloae", b"alice")
    assert not SM2PrivateKey.generate().public_key.verify(sig, b"payload", b"alice")


def test_every_bit_flip_of_a_signature_fails(key: SM2PrivateKey) -> None:
    sig = key.sign(b"payload")
    for i in range(0, 64 * 8, 7):
        bad = bytearray(sig)
        bad[i // 8] ^= 1 << (i % 8)
        assert not key.public_key.verify(bytes(bad), b"payload")


def _rs(r: int, s: int) -> bytes:
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


@pytest.mark.parametrize(
    "signature",
    [
        b"",
        SIG[:63],
        SIG + b"\0",
        signature_to_der(SIG),
        _rs(0, int.from_bytes(SIG[32:], "big")),
        _rs(int.from_bytes(SIG[:32], "big"), 0),
        _rs(N, 1),
        _rs(1, N),
        _rs(N + 1, 1),
        _rs(2**256 - 1, 2**256 - 1),
        _rs(1, N - 1),  # t = r + s = n: rejected before any point arithmetic
        bytes(64),
    ],
)
def test_malformed_signatures_return_false(signature: bytes) -> None:
    pub = SM2PublicKey.from_bytes(PUB)
    assert pub.verify(signature, b"message digest") is False


def test_verify_never_raises_on_odd_types() -> None:
    pub = SM2PublicKey.from_bytes(PUB)
    assert pub.verify(bytearray(SIG), b"message digest")
    assert pub.verify(memoryview(SIG), b"message digest")
    assert pub.verify_digest(SIG, b"short") is False
    assert pub.verify_digest("x" * 64, bytes(32)) is False  # type: ignore[arg-type]


def test_overlong_uid_is_a_caller_error(key: SM2PrivateKey) -> None:
    with pytest.raises(CryptoError) as err:
        key.sign(b"m", b"u" * 8192)
    assert err.value.key == "crypto.uid_length"


def test_streaming_digest_sign_and_verify(key: SM2PrivateKey) -> None:
    h = key.public_key.hasher(b"file-uid")
    for chunk in (b"part one, ", b"part two"):
        h.update(chunk)
    digest = h.digest()
    assert digest == key.public_key.message_digest(b"part one, part two", b"file-uid")
    sig = key.sign_digest(digest)
    assert key.public_key.verify(sig, b"part one, part two", b"file-uid")
    assert key.public_key.verify_digest(key.sign(b"part one, part two", b"file-uid"), digest)
    with pytest.raises(CryptoError) as err:
        key.sign_digest(b"\0" * 31)
    assert err.value.key == "crypto.digest_length"


# ------------------------------------------------------------------------------------ keys


def test_private_key_range() -> None:
    assert SM2PrivateKey.from_bytes((1).to_bytes(32, "big")).public_key.to_bytes() == b"\x04" + _ec.mul_base(
        1
    )
    assert SM2PrivateKey.from_bytes((N - 2).to_bytes(32, "big")).to_bytes() == (N - 2).to_bytes(32, "big")
    for bad in (
        bytes(32),
        (N - 1).to_bytes(32, "big"),
        N.to_bytes(32, "big"),
        b"\xff" * 32,
        D[:31],
        b"\0" + D,
    ):
        with pytest.raises(CryptoError) as err:
            SM2PrivateKey.from_bytes(bad)
        assert err.value.key == "crypto.private_key_invalid"


def test_generated_keys_round_trip() -> None:
    k = SM2PrivateKey.generate()
    again = SM2PrivateKey.from_bytes(k.to_bytes())
    assert again.public_key == k.public_key
    assert SM2PublicKey.from_bytes(k.public_key.to_bytes()) == k.public_key
    assert hash(SM2PublicKey.from_bytes(k.public_key.to_bytes())) == hash(k.public_key)
    assert k.public_key != SM2PrivateKey.generate().public_key


def _point(x: int, y: int, prefix: bytes = b"\x04") -> bytes:
    return prefix + x.to_bytes(32, "big") + y.to_bytes(32, "big")


GX, GY = _ec.GX, _ec.GY


@pytest.mark.parametrize(
    ("encoded", "key"),
    [
        (b"", "crypto.public_key_format"),
        (PUB[:64], "crypto.public_key_format"),
        (PUB + b"\0", "crypto.public_key_format"),
        (b"\x02" + PUB[1:33], "crypto.public_key_format"),  # compressed: not accepted
        (_point(GX, GY, b"\x02"), "crypto.public_key_format"),
        (_point(GX, GY, b"\x00"), "crypto.public_key_format"),
        (_point(GX, GY + 1), "crypto.public_key_point"),
        (_point(0, 0), "crypto.public_key_point"),  # infinity has no affine encoding
        (_point(P, GY), "crypto.public_key_point"),  # coordinates must be reduced mod p
        (_point(GX, P), "crypto.public_key_point"),
        (_point(2**256 - 1, GY), "crypto.public_key_point"),
    ],
)
def test_invalid_public_keys_are_rejected(encoded: bytes, key: str) -> None:
    with pytest.raises(CryptoError) as err:
        SM2PublicKey.from_bytes(encoded)
    assert err.value.key == key


def test_negated_point_is_valid_but_a_different_key() -> None:
    neg = SM2PublicKey.from_bytes(_point(GX, P - GY))
    assert neg != SM2PublicKey.from_bytes(_point(GX, GY))


def test_repr_and_pickle_do_not_leak_the_scalar(std_key: SM2PrivateKey) -> None:
    text = repr(std_key) + str(std_key)
    assert D.hex() not in text.lower() and D.hex()[:8] not in text.lower()
    assert "SM2PublicKey(0409f9df" in text
    with pytest.raises(TypeError):
        pickle.dumps(std_key)


def test_pem_and_der_round_trips(key: SM2PrivateKey) -> None:
    pem = key.to_pem()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert SM2PrivateKey.from_pem(pem).to_bytes() == key.to_bytes()
    assert SM2PrivateKey.from_der(key.to_der()).to_bytes() == key.to_bytes()
    locked = key.to_pem(b"correct horse")
    assert locked.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert SM2PrivateKey.from_pem(locked, b"correct horse").to_bytes() == key.to_bytes()
    assert SM2PrivateKey.from_der(key.to_der(b"pw"), b"pw").to_bytes() == key.to_bytes()
    pub_pem = key.public_key.to_pem()
    assert pub_pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert SM2PublicKey.from_pem(pub_pem) == key.public_key
    assert SM2PublicKey.from_der(key.public_key.to_der()) == key.public_key
    # the SM2 curve OID 1.2.156.10197.1.301 is in the SubjectPublicKeyInfo
    assert bytes.fromhex("06082a811ccf5501822d") in key.public_key.to_der()


def test_bad_key_encodings(key: SM2PrivateKey) -> None:
    p256 = c_ec.generate_private_key(c_ec.SECP256R1())
    p256_pem = p256.private_bytes(
        c_serialization.Encoding.PEM, c_serialization.PrivateFormat.PKCS8, c_serialization.NoEncryption()
    )
    p256_pub = p256.public_key().public_bytes(
        c_serialization.Encoding.PEM, c_serialization.PublicFormat.SubjectPublicKeyInfo
    )
    cases: list[Callable[[], Any]] = [
        lambda: SM2PrivateKey.from_pem(key.to_pem(b"right"), b"wrong"),
        lambda: SM2PrivateKey.from_pem(key.to_pem(b"right")),
        lambda: SM2PrivateKey.from_pem(b"-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n"),
        lambda: SM2PrivateKey.from_der(b"\x30\x03\x02\x01\x01"),
        lambda: SM2PrivateKey.from_pem(p256_pem),
        lambda: SM2PublicKey.from_pem(p256_pub),
        lambda: SM2PublicKey.from_der(b""),
    ]
    for case in cases:
        with pytest.raises(CryptoError) as err:
            case()
        assert err.value.key == "crypto.key_encoding"


# ------------------------------------------------------------------------------- encryption


@pytest.mark.parametrize("size", [1, 16, 31, 32, 33, 1000])
def test_encrypt_decrypt_round_trip(key: SM2PrivateKey, size: int) -> None:
    data = bytes(range(256)) * 4
    data = data[:size]
    ct = key.public_key.encrypt(data)
    assert len(ct) == 97 + size and ct[0] == 4
    assert key.decrypt(ct) == data
    assert key.public_key.encrypt(data) != ct  # fresh k each time


def test_empty_plaintext_is_refused(key: SM2PrivateKey) -> None:
    with pytest.raises(CryptoError) as err:
        key.public_key.encrypt(b"")
    assert err.value.key == "crypto.plaintext_empty"


def _flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


@pytest.mark.parametrize(
    ("index", "keys"),
    [
        (0, {"crypto.ciphertext_point"}),  # 04 → 05
        (1, {"crypto.ciphertext_point"}),  # C1.x
        (64, {"crypto.ciphertext_point"}),  # C1.y
        (65, {"crypto.decrypt_failed"}),  # C3
        (96, {"crypto.decrypt_failed"}),
        (97, {"crypto.decrypt_failed"}),  # C2
        (97 + 18, {"crypto.decrypt_failed"}),
    ],
)
def test_tampered_ciphertext_raises(std_key: SM2PrivateKey, index: int, keys: set[str]) -> None:
    with pytest.raises(CryptoError) as err:
        std_key.decrypt(_flip(CIPHERTEXT, index))
    assert err.value.key in keys


def test_truncated_extended_and_foreign_ciphertexts(std_key: SM2PrivateKey, key: SM2PrivateKey) -> None:
    for short in (b"", CIPHERTEXT[:97], CIPHERTEXT[:65]):
        with pytest.raises(CryptoError) as err:
            std_key.decrypt(short)
        assert err.value.key == "crypto.ciphertext_too_short"
    for bad in (CIPHERTEXT[:-1], CIPHERTEXT + b"\0"):
        with pytest.raises(CryptoError) as err:
            std_key.decrypt(bad)
        assert err.value.key == "crypto.decrypt_failed"
    with pytest.raises(CryptoError) as err:
        key.decrypt(CIPHERTEXT)  # another private key
    assert err.value.key == "crypto.decrypt_failed"
    assert "encryption standard" not in str(err.value)


def test_ciphertext_orders_and_der(key: SM2PrivateKey) -> None:
    ct = key.public_key.encrypt(b"sixteen byte key")
    old = ciphertext_to_c1c2c3(ct)
    assert old[:65] == ct[:65] and old[-32:] == ct[65:97]
    assert ciphertext_from_c1c2c3(old) == ct
    der = ciphertext_to_der(ct)
    assert ciphertext_from_der(der) == ct
    assert key.decrypt(ciphertext_from_der(der)) == b"sixteen byte key"


@pytest.mark.parametrize(
    "der",
    [
        b"",
        CIPHERTEXT_DER[:-1],
        CIPHERTEXT_DER + b"\0",  # trailing data
        b"\x31" + CIPHERTEXT_DER[1:],  # SET instead of SEQUENCE
        bytes.fromhex("3080") + CIPHERTEXT_DER[2:] + b"\0\0",  # indefinite length
        bytes.fromhex("30817C") + CIPHERTEXT_DER[2:],  # non-minimal length
        CIPHERTEXT_DER[:4] + b"\x80" + CIPHERTEXT_DER[5:],  # x made negative
        CIPHERTEXT_DER.replace(bytes.fromhex("0413"), bytes.fromhex("0412"), 1),  # C2 length off by one
        CIPHERTEXT_DER.replace(bytes.fromhex("0420"), bytes.fromhex("041F"), 1),  # C3 not 32 bytes
    ],
)
def test_ciphertext_der_is_strict(der: bytes) -> None:
    with pytest.raises(CryptoError) as err:
        ciphertext_from_der(der)
    assert err.value.key in {"crypto.ciphertext_der", "crypto.ciphertext_point"}


def test_ciphertext_der_point_off_curve() -> None:
    bad = bytearray(CIPHERTEXT_DER)
    bad[10] ^= 1  # inside x
    with pytest.raises(CryptoError) as err:
        ciphertext_from_der(bytes(bad))
    assert err.value.key == "crypto.ciphertext_point"


# ----------------------------------------------------------------------------- DER signatures


def test_signature_der_round_trip() -> None:
    der = signature_to_der(SIG)
    assert der[0] == 0x30
    assert signature_from_der(der) == SIG
    small = _rs(1, 2)
    assert signature_to_der(small) == bytes.fromhex("3006020101020102")
    assert signature_from_der(signature_to_der(small)) == small


@pytest.mark.parametrize(
    "der",
    [
        b"",
        b"\x30\x00",
        bytes.fromhex("3006020100020102"),  # r = 0
        bytes.fromhex("300702020001020102"),  # non-minimal integer
        bytes.fromhex("3006020101020102") + b"\0",  # trailing data
        bytes.fromhex("3006020181020102"),  # negative r
    ],
)
def test_signature_der_is_strict(der: bytes) -> None:
    with pytest.raises(CryptoError) as err:
        signature_from_der(der)
    assert err.value.key == "crypto.signature_der"


def test_signature_der_rejects_out_of_range() -> None:
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    for r, s in ((N, 1), (1, N), (2**256, 1)):
        with pytest.raises(CryptoError):
            signature_from_der(encode_dss_signature(r, s))
    with pytest.raises(CryptoError) as err:
        signature_to_der(SIG[:63])
    assert err.value.key == "crypto.signature_length"


# ----------------------------------------------------------------------- interop with Tongsuo


def _tongsuo_private(key: SM2PrivateKey) -> Any:
    return ts_ec.derive_private_key(int.from_bytes(key.to_bytes(), "big"), ts_ec.SM2())


def test_our_signatures_verify_with_tongsuo(key: SM2PrivateKey) -> None:
    ts_pub = _tongsuo_private(key).public_key()
    for message in (b"", b"interop", bytes(5000)):
        ts_pub.verify(signature_to_der(key.sign(message)), message, ts_ec.ECDSA(ts_hashes.SM3()))
    # Tongsuo's public API always uses the default uid: a custom uid must not verify there
    from tongsuopy.crypto.exceptions import InvalidSignature

    with pytest.raises(InvalidSignature):
        ts_pub.verify(signature_to_der(key.sign(b"x", b"alice")), b"x", ts_ec.ECDSA(ts_hashes.SM3()))


def test_tongsuo_signatures_verify_with_ours(key: SM2PrivateKey) -> None:
    ts_key = _tongsuo_private(key)
    for message in (b"", b"interop", bytes(5000)):
        der = ts_key.sign(message, ts_ec.ECDSA(ts_hashes.SM3()))
        assert key.public_key.verify(signature_from_der(der), message)
        assert not key.public_key.verify(signature_from_der(der), message + b"!")


def test_tongsuo_generated_key_loads_into_ours() -> None:
    ts_key = ts_ec.generate_private_key(ts_ec.SM2())
    d = ts_key.private_numbers().private_value
    if d > N - 2:  # Tongsuo draws from [1, n-1]; n-1 is not a valid SM2 key
        pytest.skip("drew n-1")
    ours = SM2PrivateKey.from_bytes(d.to_bytes(32, "big"))
    numbers = ts_key.public_key().public_numbers()
    assert (ours.public_key.x, ours.public_key.y) == (numbers.x, numbers.y)


def _evp_crypt(evp_pkey: Any, data: bytes, *, encrypt: bool) -> bytes:
    """Tongsuo's native SM2 encryption (EVP_PKEY_encrypt/decrypt, GM/T 0009 DER ciphertexts)."""
    binding = Binding()
    lib, ffi = binding.lib, binding.ffi
    ctx = ffi.gc(lib.EVP_PKEY_CTX_new(evp_pkey, ffi.NULL), lib.EVP_PKEY_CTX_free)
    init, run = (
        (lib.EVP_PKEY_encrypt_init, lib.EVP_PKEY_encrypt)
        if encrypt
        else (
            lib.EVP_PKEY_decrypt_init,
            lib.EVP_PKEY_decrypt,
        )
    )
    assert init(ctx) == 1
    size = ffi.new("size_t *")
    assert run(ctx, ffi.NULL, size, data, len(data)) == 1
    out = ffi.new("unsigned char[]", size[0])
    assert run(ctx, out, size, data, len(data)) == 1
    return bytes(ffi.buffer(out, size[0]))


def test_our_ciphertexts_decrypt_with_tongsuo(key: SM2PrivateKey) -> None:
    ts_key = _tongsuo_private(key)
    for message in (b"k", b"a 16-byte secret", bytes(range(200))):
        der = ciphertext_to_der(key.public_key.encrypt(message))
        assert _evp_crypt(ts_key._evp_pkey, der, encrypt=False) == message


def test_tongsuo_ciphertexts_decrypt_with_ours(key: SM2PrivateKey) -> None:
    ts_pub = _tongsuo_private(key).public_key()
    for message in (b"k", b"a 16-byte secret", bytes(range(200))):
        der = _evp_crypt(ts_pub._evp_pkey, message, encrypt=True)
        assert key.decrypt(ciphertext_from_der(der)) == message


# ------------------------------------------------------------------------------ concurrency


def test_concurrent_use_from_threads() -> None:
    keys = [SM2PrivateKey.generate() for _ in range(4)]
    failures: list[str] = []
    barrier = threading.Barrier(len(keys))

    def work(k: SM2PrivateKey, index: int) -> None:
        barrier.wait()
        for i in range(40):
            message = f"{index}-{i}".encode()
            sig = k.sign(message)
            if not k.public_key.verify(sig, message):
                failures.append(f"verify {index} {i}")
            if k.decrypt(k.public_key.encrypt(message)) != message:
                failures.append(f"decrypt {index} {i}")

    threads = [threading.Thread(target=work, args=(k, i)) for i, k in enumerate(keys)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
