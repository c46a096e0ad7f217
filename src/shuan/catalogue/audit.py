"""Messages of the audit log (append, verify, export, query); merged into shuan.messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    "audit.write_failed": (
        "审计事件写入失败，操作未执行：{reason}",
        "the audit event could not be written, so the action did not happen: {reason}",
    ),
    "audit.verify_ok": (
        "审计链完整：{events} 条事件（#{first}–#{last}），{checkpoints} 个签名检查点均有效",
        "audit chain intact: {events} events (#{first}–#{last}), {checkpoints} signed checkpoints valid",
    ),
    "audit.verify_empty": ("审计链为空", "the audit chain is empty"),
    "audit.verify_missing": (
        "审计链断裂：第 {seq} 号事件缺失（下一条为第 {found} 号）",
        "audit chain broken: event #{seq} is missing (the next one is #{found})",
    ),
    "audit.verify_reordered": (
        "审计链顺序异常：第 {seq} 号位置出现了第 {found} 号事件（重复或顺序被调换）",
        "audit chain out of order: event #{found} found where #{seq} was expected (duplicated or reordered)",
    ),
    "audit.verify_moved": (
        "审计链顺序被调换：第 {seq} 号事件原本是第 {origin} 号",
        "audit chain reordered: event #{seq} was originally #{origin}",
    ),
    "audit.verify_altered": (
        "审计事件被篡改：第 {seq} 号事件的内容与其哈希不符",
        "audit event altered: the content of event #{seq} does not match its hash",
    ),
    "audit.verify_link": (
        "审计链断裂：第 {seq} 号事件未链接到第 {prev} 号事件（事件被替换或调换顺序）",
        "audit chain broken: event #{seq} does not link to event #{prev} (replaced or reordered)",
    ),
    "audit.verify_checkpoint_sig": (
        "第 {seq} 号检查点的 SM2 签名无效（检查点被伪造或签名密钥不符）",
        "the SM2 signature of checkpoint #{seq} is invalid (forged checkpoint or wrong signing key)",
    ),
    "audit.verify_checkpoint_hash": (
        "审计链被改写：第 {seq} 号事件的哈希与已签名检查点不符",
        "audit chain rewritten: the hash of event #{seq} differs from the signed checkpoint",
    ),
    "audit.verify_truncated": (
        "审计链被截断：已签名检查点覆盖到第 {seq} 号，但链只到第 {last} 号",
        "audit chain truncated: a signed checkpoint covers #{seq} but the chain ends at #{last}",
    ),
    "audit.verify_head": (
        "审计链尾部异常：链头记录为第 {head} 号，实际最后一条为第 {last} 号",
        "audit chain tail mismatch: the head says #{head}, the last event is #{last}",
    ),
    "audit.archive_bad": ("审计归档文件无效：{path}：{reason}", "invalid audit archive {path}: {reason}"),
    "audit.archive_signature": (
        "审计归档的签名无效：{path}",
        "the signature of audit archive {path} is invalid",
    ),
    "audit.archive_key": (
        "审计归档的签名公钥指纹为 {actual}，与期望的 {expected} 不符",
        "the archive's signing key fingerprint is {actual}, expected {expected}",
    ),
    "audit.archive_ok": (
        "审计归档完整：{events} 条事件（#{first}–#{last}），签名公钥指纹 {fingerprint}",
        "audit archive intact: {events} events (#{first}–#{last}), signing key fingerprint {fingerprint}",
    ),
    "audit.export_written": ("已导出审计归档：{path}（{events} 条事件）", "audit archive written: {path} ({events} events)"),
    "audit.bad_time": ("时间格式无效：{value}（应为 ISO-8601，如 2026-11-21T08:00:00）",
                       "invalid time: {value} (expected ISO-8601, e.g. 2026-11-21T08:00:00)"),
    "audit.bad_limit": ("查询条数应在 1 到 {max} 之间：{value}", "limit must be between 1 and {max}: {value}"),
    "audit.denied": ("无权执行审计操作 {action}：需要审计管理员角色", "not allowed to {action}: the audit administrator role is required"),
    "audit.verify_failed": ("审计链校验失败：{detail}", "audit verification failed: {detail}"),
    "audit.export_fingerprint": (
        "签名公钥指纹：{fingerprint}（请另行妥善记录，离线校验时用 --expect-key 核对）",
        "signing key fingerprint: {fingerprint} (record it separately; check it offline with --expect-key)",
    ),
    "audit.archive_pin_hint": (
        "提示：未指定 --expect-key，请将上面的公钥指纹与导出时记录的指纹核对",
        "note: no --expect-key given; compare the fingerprint above with the one recorded at export",
    ),
    "audit.retention": (
        "审计记录须在线保存至少 {days} 天：只能归档清理 {latest} 之前的事件",
        "audit records stay online for at least {days} days: only events before {latest} can be archived and pruned",
    ),
    "audit.nothing_to_prune": ("{before} 之前没有可归档清理的审计事件", "no audit events before {before} to archive"),
    "audit.pruned": ("已归档并从在线日志移除 {events} 条事件（至第 {seq} 号），归档：{path}",
                     "{events} events (up to #{seq}) archived to {path} and removed from the online log"),
    "audit.verify_checkpoint_link": (
        "检查点链断裂：第 {seq} 号检查点指向的前一检查点（第 {prev} 号）不存在或已被改动（检查点被删除）",
        "checkpoint chain broken: checkpoint #{seq} names a previous checkpoint (#{prev}) that is missing or changed",
    ),
    "audit.verify_unsealed": (
        "审计链缺少检查点：第 {seq} 号之后应有签名检查点，最后一个检查点停在第 {last} 号（较新的检查点被删除）",
        "audit chain unsealed: a signed checkpoint should cover #{seq}, the last one is at #{last} (newer ones deleted)",
    ),
    "audit.verify_anchor": (
        "审计链起点（第 {seq} 号）没有对应的签名检查点和归档清理记录：较早的事件被非法删除",
        "the chain starts at #{seq} without a signed checkpoint and prune record for it: earlier events were deleted",
    ),
    "audit.archive_member": ("归档中有异常成员：{name}", "unexpected archive member: {name}"),
    "audit.archive_missing_member": ("归档缺少 {name}", "the archive lacks {name}"),
    "audit.archive_digest": ("归档文件摘要与清单不符（文件被改动）", "archive file digests do not match the manifest (modified)"),
    "audit.archive_format": ("不是数安审计归档（格式标识不符）", "not a shuan audit archive (format marker)"),
    "audit.archive_selfcheck": ("刚写出的归档未能通过校验，未删除任何事件", "the archive just written failed its check; nothing was deleted"),
    "audit.no_signing_key": ("审计签名密钥不可用", "the audit signing key is unavailable"),
    "audit.archive_unpinned": (
        "未指定 --expect-key：归档自带公钥，仅凭它无法证明签名者；请提供导出时记录的指纹，或明确使用 --trust-embedded-key",
        "no --expect-key: the archive carries its own public key, which proves nothing alone; give the fingerprint "
        "recorded at export, or pass --trust-embedded-key explicitly",
    ),
}
