"""Messages of masking (issue 5): operators, scenario profiles and custom rules, masking jobs, the CLI."""

MESSAGES: dict[str, tuple[str, str]] = {
    # operators
    "masking.unknown_operator": (
        "未知的脱敏算子：{operator}（可用：{known}）", "unknown masking operator: {operator} (known: {known})",
    ),
    "masking.bad_param": (
        "脱敏算子 {operator} 的参数 {field} 无效：{reason}", "masking operator {operator}: invalid {field}: {reason}",
    ),
    "masking.reason_char": ("须为单个字符", "must be a single character"),
    "masking.reason_range": ("结束位置须大于起始位置", "the end must come after the start"),
    "masking.reason_bounds": ("lower 与 upper 至少给出一个，且 lower 不大于 upper",
                              "give lower or upper (or both, lower not above upper)"),
    "masking.reason_prefix": ("只能含字母、数字、_-:，不超过 16 个字符",
                              "letters, digits and _-: only, at most 16 characters"),
    "masking.reason_separator": ("不能为空", "must not be empty"),
    "masking.reason_occurrence": ("不能为 0（1 表示第一个，-1 表示最后一个）",
                                  "must not be 0 (1 is the first, -1 the last)"),
    "masking.key_short": ("脱敏密钥太短：{length} 字节（至少 16 字节）", "masking key too short: {length} bytes (16 at least)"),
    "masking.key_weak": ("脱敏密钥全为零，拒绝使用", "the masking key is all zeros; refusing it"),
    "masking.key_unbound": (
        "脱敏算子 {operator} 需要密钥，但未提供", "masking operator {operator} needs a key and has none",
    ),
    "masking.not_reversible": ("脱敏算子 {operator} 不可逆，无法还原", "masking operator {operator} is not reversible"),
    "masking.token_invalid": (
        "无法还原令牌：格式错误、被篡改或不是由该密钥生成（{token}）",
        "cannot detokenise: malformed, altered, or not made under this key ({token})",
    ),
    "masking.cipher_invalid": (
        "无法解密：不是有效的 base64 密文（{value}）", "cannot decrypt: not valid base64 ciphertext ({value})",
    ),
    "masking.fake_kind": (
        "仿真替换不支持类型 {kind}（支持：{known}）", "fake replacement does not support {kind} (supported: {known})",
    ),
    # profiles and custom rules
    "masking.profile_unknown": ("未知的脱敏场景：{profile}（可用：{known}）", "unknown masking scenario: {profile} (known: {known})"),
    "masking.profile_required": ("请用 --profile 指定脱敏场景（可用：{known}）", "give a masking scenario with --profile (known: {known})"),
    "masking.profile_missing": (
        "未指定脱敏场景：请用 --profile 指定，或在规则文件 {path} 中写 profile（可用：{known}）",
        "no masking scenario: give --profile, or profile in the rules file {path} (known: {known})",
    ),
    "masking.rules_file": ("脱敏规则文件 {path} 无效：{reason}", "masking rules file {path} is invalid: {reason}"),
    "masking.rules_field": ("脱敏规则文件 {path}：{where}：{reason}", "masking rules file {path}: {where}: {reason}"),
    "masking.reason_top": (
        "顶层须为映射，可含 profile、types、columns、free_text、untyped",
        "the top level must be a mapping with profile, types, columns, free_text, untyped",
    ),
    "masking.reason_unknown_field": ("不允许的字段 {field}（可用：{known}）", "unknown field {field} (known: {known})"),
    "masking.reason_unknown_type": ("未知的数据类型 {type}（可用：{known}）", "unknown data type {type} (known: {known})"),
    "masking.reason_rule_shape": (
        "规则须为映射，且含 operator（算子名）", "a rule must be a mapping with an operator",
    ),
    "masking.reason_column_key": (
        "字段规则的键须为 字段名 或 表名.字段名", "a column rule's key must be COLUMN or TABLE.COLUMN",
    ),
    # the plan and the job
    "masking.rule_column": ("字段规则 {key}", "column rule {key}"),
    "masking.rule_type": ("类型{label}（{type}）：{origin}", "type {label} ({type}): {origin}"),
    "masking.rule_header_only": ("（值未通过校验，按列名提示的类型脱敏）",
                                 " (no value validated: masked by the type the column name suggests)"),
    "masking.rule_free_text": ("自由文本（含{labels}）：{origin}", "free text (holds {labels}): {origin}"),
    "masking.rule_untyped": ("未识别出敏感类型：{origin}", "no sensitive type found: {origin}"),
    "masking.origin_custom": ("自定义规则", "custom rule"),
    "masking.origin_scenario": ("场景“{label}”", "scenario \"{label}\""),
    "masking.origin_default": ("默认规则", "default rule"),
    "masking.key_required": (
        "以下字段的脱敏算子需要密钥（{columns}）：未配置根密钥时请用 --key-file 指定密钥文件，"
        "或配置根密钥由平台管理场景密钥",
        "these columns use keyed operators ({columns}): without a root key, give a key file with --key-file, "
        "or configure a root key so that the platform keeps the scenario keys",
    ),
    "masking.key_file": ("无法读取脱敏密钥文件 {path}：{reason}", "cannot read masking key file {path}: {reason}"),
    "masking.key_file_mode": (
        "脱敏密钥文件 {path} 的权限为 {mode}，其他用户可读；请执行 chmod 600",
        "masking key file {path} has mode {mode} and is readable by others; run chmod 600",
    ),
    "masking.key_file_format": (
        "脱敏密钥文件 {path} 格式错误：应为 32–128 位十六进制（16–64 字节随机数）",
        "masking key file {path} is malformed: expected 32–128 hex digits (16–64 random bytes)",
    ),
    "masking.key_file_platform": (
        "已配置根密钥（平台模式）：场景密钥由平台管理，不接受 --key-file",
        "a root key is configured (platform mode): the platform keeps the scenario keys; --key-file is refused",
    ),
    "masking.key_label": (
        "密钥标签无效：{label}（1–64 个字母、数字、_ 或 -）", "invalid key label: {label} (1–64 letters, digits, _ or -)",
    ),
    "masking.dest_exists": (
        "输出位置已存在：{dest}（如需覆盖请加 --overwrite）", "the destination exists: {dest} (add --overwrite to replace it)",
    ),
    "masking.dest_format": (
        "无法确定输出格式：{dest}（文件须以 .csv 或 .parquet 结尾，或为目录、.db 文件、数据库 URL）",
        "cannot tell the output format: {dest} (a .csv or .parquet file, a directory, a .db file or a database URL)",
    ),
    "masking.dest_multi": (
        "数据源有 {count} 张表，输出须为目录或数据库，不能是单个文件：{dest}",
        "the source has {count} tables: the destination must be a directory or a database, not one file: {dest}",
    ),
    "masking.dest_is_source": ("输出位置不能与数据源相同：{dest}", "the destination must not be the source: {dest}"),
    "masking.dest_write": ("写入脱敏结果失败（{dest}）：{reason}", "writing the masked copy failed ({dest}): {reason}"),
    "masking.no_tables": ("数据源中没有可脱敏的表：{source}", "no table to mask in the source: {source}"),
    "masking.table_failed": ("表 {table} 脱敏失败，未输出任何结果：{reason}",
                             "masking table {table} failed; nothing was written: {reason}"),
    "masking.role_denied": (
        "无权执行数据脱敏（需数据管理员、部门数据安全负责人或安全管理员）",
        "not allowed to run masking jobs (data steward, department data security officer or security administrator)",
    ),
    # CLI
    "masking.progress": ("脱敏 {table}（已处理 {rows} 行）", "masking {table} ({rows} rows done)"),
    "masking.done": (
        "脱敏完成：{tables} 张表，{rows} 行，脱敏 {values} 个值，输出到 {dest}",
        "masking finished: {tables} tables, {rows} rows, {values} values masked, written to {dest}",
    ),
    "masking.audited": ("已记入审计日志（masking.run）", "recorded in the audit log (masking.run)"),
    "masking.standalone": (
        "未配置根密钥（独立模式）：本次脱敏不记入审计日志", "no root key (standalone mode): this run is not audited",
    ),
}
