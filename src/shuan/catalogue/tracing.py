"""Messages of leak tracing (issue 5 item 6): fingerprinted extracts and `shuan trace`; merged into shuan.messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    "tracing.deliver_denied": (
        "分发带指纹的数据副本需要安全管理员，或本部门数据管理员、部门数据安全负责人角色",
        "delivering a fingerprinted extract needs the security administrator, or a department steward or security"
        " officer role",
    ),
    "tracing.trace_denied": (
        "泄露溯源需要安全管理员或审计管理员角色",
        "leak tracing needs the security administrator or auditor role",
    ),
    "tracing.recipient_not_found": (
        "接收方不存在或已停用：{recipient}（部门写 department:编号 或编号，用户写 user:用户名 或用户名）",
        "no such recipient (or disabled): {recipient} (a department as department:ID or ID, a user as user:NAME"
        " or NAME)",
    ),
    "tracing.format": (
        "不支持的副本格式：{path}（按扩展名支持 .csv、.xlsx、.parquet）",
        "unsupported extract format: {path} (by extension: .csv, .xlsx, .parquet)",
    ),
    "tracing.not_a_file": (
        "只能对单个数据文件（csv、tsv、xlsx、parquet、json、jsonl）生成副本或溯源：{path}",
        "extracts and tracing work on one data file (csv, tsv, xlsx, parquet, json, jsonl): {path}",
    ),
    "tracing.table_required": (
        "文件 {path} 含多个表（{tables}），请用 --table 指定其一",
        "file {path} holds several tables ({tables}); choose one with --table",
    ),
    "tracing.same_file": ("副本不能覆盖原文件或目录：{path}", "the extract may not overwrite its source or a directory: {path}"),
    "tracing.out_exists": (
        "副本文件已存在：{path}（如需覆盖请加 --overwrite）", "the extract file exists: {path} (add --overwrite to replace it)",
    ),
    "tracing.column_format": (
        "列“{column}”的类型 {type} 无法写入 {fmt} 副本；请输出为 .parquet",
        "column \"{column}\" of type {type} cannot be written to a {fmt} extract; write a .parquet file",
    ),
    "tracing.write_failed": ("无法写入副本 {path}：{reason}", "cannot write the extract {path}: {reason}"),
    "tracing.empty": ("文件 {path} 没有数据行", "file {path} has no data rows"),
    "tracing.keep_unknown": ("--keep 指定的列不存在：{column}", "--keep names a column that does not exist: {column}"),
    "tracing.recipient_department": ("部门“{name}”（编号 {id}）", "department \"{name}\" (id {id})"),
    "tracing.recipient_user": ("用户 {name}（编号 {id}）", "user {name} (id {id})"),
    "tracing.delivered": (
        "已生成带指纹的副本：{path}（接收方 {recipient}，{rows} 行，{marked} 个单元格带标记，登记编号 {id}）",
        "fingerprinted extract written: {path} (recipient {recipient}, {rows} rows, {marked} cells marked,"
        " register id {id})",
    ),
    "tracing.no_marks_warning": (
        "注意：文件中没有足够的可承载指纹的数据（两位以上小数、含中文标点的文本、十六进制标识），该副本难以溯源",
        "warning: the file holds too little that can carry a fingerprint (numbers with 2+ decimals, Chinese text"
        " with punctuation, hex identifiers); this extract can hardly be traced",
    ),
    "tracing.scanned": (
        "已检查 {file}：{rows} 行，{cells} 个可承载指纹的单元格（{positions} 个不同位置），{candidates} 个候选接收方",
        "checked {file}: {rows} rows, {cells} cells able to carry a fingerprint ({positions} distinct positions),"
        " {candidates} candidate recipients",
    ),
    "tracing.found": ("最可能的泄露来源：{recipient}", "most likely source of the leak: {recipient}"),
    "tracing.evidence": (
        "依据：该接收方密钥在文件中选中 {marks} 个标记位，其中 {matches} 个与其指纹一致；若文件并非来自该接收方的副本，"
        "一致数服从二项分布 B({marks}, 1/2)，不少于 {matches} 个一致的概率（单侧 p 值）为 {p}",
        "evidence: this recipient's key selects {marks} marked positions in the file and {matches} of them hold its"
        " fingerprint; were the file not made from this recipient's copy, the number of agreements would follow"
        " Binomial({marks}, 1/2), and at least {matches} agreements has probability (one-sided p-value) {p}",
    ),
    "tracing.confidence": (
        "置信度：1 − {adjusted}（{adjusted} 为按候选数校正后的 p 值，即误认的概率上限）",
        "confidence: 1 − {adjusted} ({adjusted} is the p-value adjusted for the number of candidates, an upper"
        " bound on the chance of a wrong attribution)",
    ),
    "tracing.also": (
        "以下接收方也超过判定阈值（文件可能由多份副本合并而成）：{others}",
        "these recipients also pass the threshold (the file may merge several copies): {others}",
    ),
    "tracing.extract": (
        "该接收方的副本：#{id}（{when}，用途：{purpose}，来源 {source}，与本文件共有 {common}/{columns} 列）",
        "an extract of this recipient: #{id} ({when}, purpose: {purpose}, from {source}, {common}/{columns}"
        " columns in common with this file)",
    ),
    "tracing.none_found": ("未发现可认定的接收方指纹", "no recipient's fingerprint found"),
    "tracing.none_best": (
        "最小 p 值为 {p}（{marks} 个标记位中 {matches} 个一致），未达到判定阈值 {threshold}：样本过小、"
        "文件被改动，或并非本平台分发的副本",
        "the smallest p-value is {p} ({matches} of {marks} marked positions agree), above the threshold"
        " {threshold}: too small a sample, an altered file, or not an extract delivered by this platform",
    ),
    "tracing.no_candidates": (
        "平台尚未登记任何分发的副本，没有候选接收方",
        "no extract has been delivered through the platform yet: there is no candidate recipient",
    ),
    "tracing.no_carriers": (
        "文件中没有可承载指纹的数据（两位以上小数、含中文标点的文本、十六进制标识），无法溯源",
        "the file holds nothing that can carry a fingerprint (numbers with 2+ decimals, Chinese text with"
        " punctuation, hex identifiers): it cannot be traced",
    ),
    "tracing.exact": (
        "文件与登记的副本 #{id} 逐字节一致（{when} 分发给{recipient}）",
        "the file is byte-identical to registered extract #{id} (delivered {when} to {recipient})",
    ),
    "tracing.rule": (
        "判定规则：单侧二项检验，仅当 p ≤ 10⁻⁶ ÷ 候选数 {candidates} = {threshold} 时认定来源（Bonferroni 校正），"
        "把并非来自某接收方的文件误认为其泄露的概率不超过 10⁻⁶",
        "rule: one-sided binomial test; a recipient is named only when p ≤ 10⁻⁶ ÷ {candidates} candidates ="
        " {threshold} (Bonferroni), so a file not made from a recipient's copy is attributed to it with probability"
        " at most 10⁻⁶",
    ),
}
