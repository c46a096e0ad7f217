"""Messages of the key hierarchy (root key, KEKs, data keys); merged into shuan.messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    "key.root_missing": (
        "未配置根密钥：请设置 SHUAN_ROOT_KEY、SHUAN_ROOT_KEY_FILE 或 SHUAN_KMS 之一（不提供默认密钥）",
        "no root key configured: set one of SHUAN_ROOT_KEY, SHUAN_ROOT_KEY_FILE or SHUAN_KMS (there is no default)",
    ),
    "key.root_ambiguous": (
        "根密钥来源只能配置一个，当前同时配置了：{sources}",
        "configure exactly one root key source; found: {sources}",
    ),
    "key.root_format": (
        "根密钥格式错误（{source}）：应为 32 位十六进制或 16 字节的 base64",
        "malformed root key ({source}): expected 32 hex digits or base64 of 16 bytes",
    ),
    "key.root_weak": ("根密钥全为零，拒绝使用（{source}）", "the root key is all zeros; refusing it ({source})"),
    "key.root_file": ("无法读取根密钥文件 {path}：{reason}", "cannot read root key file {path}: {reason}"),
    "key.root_file_mode": (
        "根密钥文件 {path} 的权限为 {mode}，其他用户可读；请执行 chmod 600",
        "root key file {path} has mode {mode} and is readable by others; run chmod 600",
    ),
    "key.kms_spec": ("SHUAN_KMS 格式应为 模块:工厂函数，当前为 {spec}", "SHUAN_KMS must be module:factory, got {spec}"),
    "key.kms_load": ("无法加载密钥管理插件 {spec}：{reason}", "cannot load KMS plugin {spec}: {reason}"),
    "key.bad_length": ("密钥长度错误：{length} 字节（SM4 密钥应为 16 字节）", "wrong key length: {length} bytes (SM4 keys are 16 bytes)"),
    "key.destroyed": ("密钥 {key_id} 已销毁，无法再解密由它保护的数据", "key {key_id} has been destroyed; data under it cannot be decrypted"),
    "key.not_found": ("密钥不存在：{key_id}", "no such key: {key_id}"),
    "key.bad_dataset": ("数据集名称无效：{dataset}（1–200 个字符，首尾不能有空白，不能含 / 或控制字符）",
                        "invalid dataset name: {dataset} (1–200 characters, no surrounding spaces, / or control characters)"),
    "key.dataset_owner": ("数据集 {dataset} 的密钥属于部门 {department}", "the key of dataset {dataset} belongs to department {department}"),
    "key.bad_envelope": ("密文格式无效（不是数安加密信封）", "malformed ciphertext (not a shuan envelope)"),
    "key.destroy_reason": ("销毁申请必须填写理由（不超过 2000 字）", "a destruction request needs a reason (up to 2000 characters)"),
    "key.request_not_found": ("销毁申请不存在：{request}", "no such destruction request: {request}"),
    "key.request_closed": ("销毁申请 {request} 已处理（{status}）", "destruction request {request} is already {status}"),
    "key.same_approver": ("销毁申请不能由申请人本人批准（需双人审批）", "the requester cannot approve their own destruction request (two people are required)"),
    "key.denied": ("无权执行密钥操作 {action}：需要安全管理员角色", "not allowed to {action}: the security administrator role is required"),
    "key.root_mismatch": (
        "根密钥与数据库不匹配：无法解开 {key_id}（请确认使用的是初始化该数据库时的根密钥）",
        "the root key does not match this store: cannot unwrap {key_id} (use the root key the store was created with)",
    ),
    "key.not_data_key": (
        "密文指向的密钥 {key_id} 不是数据密钥，拒绝解密",
        "the ciphertext names key {key_id}, which is not a data key; refusing to decrypt",
    ),
    "key.approval_unverified": (
        "销毁申请 {request} 的审批签名无法验证，未执行销毁",
        "the approval signature on destruction request {request} does not verify; nothing was destroyed",
    ),
    "key.approval_invalid": (
        "销毁申请 {request} 的审批签名验证失败（未批准、未签名或签名与申请内容不符）",
        "the approval of destruction request {request} does not verify (not approved, not signed, or no match)",
    ),
    "key.approval_valid": (
        "销毁申请 {request} 的审批签名有效：审批人 {approver}，密钥指纹 {fingerprint}",
        "the approval of destruction request {request} verifies: approved by {approver}, key fingerprint {fingerprint}",
    ),
    "key.signing_password_missing": ("批准销毁须提供本人的审批签名密码", "approving a destruction needs your signing password"),
    "key.signing_password_prompt": ("审批签名密码（本人登录密码）", "signing password (your own login password)"),
    "key.created": ("已创建密钥 {key_id}", "key created: {key_id}"),
    "key.rewrapped": ("已重新包装 {count} 个数据密钥", "{count} data keys rewrapped"),
    "key.destroy_requested": ("已提交销毁申请 {request}，待另一名安全管理员签名批准", "destruction request {request} filed; another security administrator must approve it"),
    "key.destroyed_done": ("已销毁 {count} 个密钥版本（密码学销毁）", "{count} key versions destroyed (crypto-shredded)"),
    "key.root_new_invalid": ("新根密钥无效：须为 16 字节、非全零且不同于当前根密钥", "invalid new root key: 16 bytes, not all zeros, not the current one"),
    "key.root_rotated": (
        "已用新根密钥重新包装 {count} 个密钥。请立即把 SHUAN_ROOT_KEY_FILE 指向 {path}（旧根密钥已不能打开本库）",
        "{count} keys rewrapped under the new root key. Point SHUAN_ROOT_KEY_FILE at {path} now (the old root key no longer opens this store)",
    ),
}
