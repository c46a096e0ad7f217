"""Messages of the crypto part of the platform (key -> (Chinese, English)); merged into shuan.messages.

Keys carry no digits (the catalogue test only sees keys made of letters and underscores), and no
message ever includes key material: only lengths, names and the kind of failure.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # SM4
    "crypto.key_length": (
        "SM4 密钥长度错误：应为 {expected} 字节，实际 {actual} 字节",
        "wrong SM4 key length: expected {expected} bytes, got {actual}",
    ),
    "crypto.nonce_length": (
        "SM4-GCM 随机数（nonce）长度错误：应为 {expected} 字节，实际 {actual} 字节",
        "wrong SM4-GCM nonce length: expected {expected} bytes, got {actual}",
    ),
    "crypto.iv_length": (
        "SM4-CBC 初始向量（IV）长度错误：应为 {expected} 字节，实际 {actual} 字节",
        "wrong SM4-CBC IV length: expected {expected} bytes, got {actual}",
    ),
    "crypto.gcm_too_short": (
        "SM4-GCM 密文过短：{actual} 字节，至少应为 {minimum} 字节（nonce‖密文‖标签）",
        "SM4-GCM ciphertext too short: {actual} bytes, at least {minimum} (nonce‖ciphertext‖tag)",
    ),
    "crypto.gcm_auth_failed": (
        "SM4-GCM 认证失败：密文、附加数据（AAD）或密钥不匹配，数据可能被篡改",
        "SM4-GCM authentication failed: ciphertext, associated data or key do not match (data may have been tampered with)",
    ),
    "crypto.gcm_too_long": (
        "SM4-GCM 单条消息过长：{actual} 字节，超过 GCM 上限 {maximum} 字节",
        "SM4-GCM message too long: {actual} bytes, above the GCM limit of {maximum}",
    ),
    "crypto.cbc_length": (
        "SM4-CBC 密文长度错误：应为 16 字节的正整数倍，实际 {actual} 字节",
        "wrong SM4-CBC ciphertext length: must be a positive multiple of 16 bytes, got {actual}",
    ),
    "crypto.cbc_padding": (
        "SM4-CBC 解密失败：PKCS#7 填充无效（密钥或 IV 错误，或密文被篡改）",
        "SM4-CBC decryption failed: invalid PKCS#7 padding (wrong key or IV, or tampered ciphertext)",
    ),
    "crypto.chunk_size": (
        "分块大小无效：{actual}（应为正整数）",
        "invalid chunk size: {actual} (must be a positive integer)",
    ),
    # SM3 / KDF
    "crypto.kdf_length": (
        "密钥派生输出长度无效：{actual}（允许 {minimum} 至 {maximum} 字节）",
        "invalid key-derivation output length: {actual} (allowed {minimum} to {maximum} bytes)",
    ),
    # SM2
    "crypto.private_key_invalid": (
        "SM2 私钥无效：应为 32 字节大端整数，取值范围 1 至 n-2",
        "invalid SM2 private key: must be a 32-byte big-endian integer in [1, n-2]",
    ),
    "crypto.public_key_format": (
        "SM2 公钥格式错误：应为 65 字节未压缩格式 04‖x‖y，实际 {actual} 字节",
        "invalid SM2 public key encoding: expected 65 bytes uncompressed 04‖x‖y, got {actual}",
    ),
    "crypto.public_key_point": (
        "SM2 公钥无效：不是 sm2p256v1 曲线上的有效点",
        "invalid SM2 public key: not a valid point on curve sm2p256v1",
    ),
    "crypto.uid_length": (
        "SM2 用户标识（ID）过长：{actual} 字节，最多 {maximum} 字节",
        "SM2 user ID too long: {actual} bytes, at most {maximum}",
    ),
    "crypto.digest_length": (
        "SM2 待签名摘要长度错误：应为 32 字节（SM3(Z‖M)），实际 {actual} 字节",
        "wrong SM2 digest length: expected 32 bytes (SM3(Z‖M)), got {actual}",
    ),
    "crypto.signature_length": (
        "SM2 签名长度错误：应为 64 字节（r‖s），实际 {actual} 字节",
        "wrong SM2 signature length: expected 64 bytes (r‖s), got {actual}",
    ),
    "crypto.signature_der": (
        "SM2 签名的 DER 编码无效，或 r、s 超出取值范围",
        "invalid DER encoding of an SM2 signature, or r or s out of range",
    ),
    "crypto.plaintext_empty": (
        "SM2 加密的明文不能为空",
        "the SM2 plaintext must not be empty",
    ),
    "crypto.ciphertext_too_short": (
        "SM2 密文过短：{actual} 字节，至少应为 {minimum} 字节（C1‖C3‖C2）",
        "SM2 ciphertext too short: {actual} bytes, at least {minimum} (C1‖C3‖C2)",
    ),
    "crypto.ciphertext_point": (
        "SM2 密文无效：C1 不是 sm2p256v1 曲线上的有效点",
        "invalid SM2 ciphertext: C1 is not a valid point on curve sm2p256v1",
    ),
    "crypto.ciphertext_der": (
        "SM2 密文的 DER 编码（GM/T 0009 SM2Cipher）无效",
        "invalid DER encoding of an SM2 ciphertext (GM/T 0009 SM2Cipher)",
    ),
    "crypto.decrypt_failed": (
        "SM2 解密失败：C3 校验值不符（密文被篡改或私钥不匹配）",
        "SM2 decryption failed: the C3 check value does not match (tampered ciphertext or wrong private key)",
    ),
    "crypto.key_encoding": (
        "无法读取 SM2 密钥：PEM/DER 格式错误、口令错误或不是 sm2p256v1 密钥",
        "cannot read the SM2 key: bad PEM/DER, wrong password, or not an sm2p256v1 key",
    ),
    "crypto.native_failure": (
        "底层密码库运算失败：{operation}",
        "the native crypto library failed: {operation}",
    ),
}
