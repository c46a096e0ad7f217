"""Messages of steward reviews, scan diffs and console notifications; merged into shuan.messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    # sample values
    "samples.none": ("数据表 {table} 没有保存样本值（仅登记数据源的扫描保存样本）",
                     "table {table} has no kept sample values (only scans of registered sources keep them)"),
    "samples.no_column": ("数据表 {table} 没有字段 {column} 的样本值", "table {table} has no sample values of column {column}"),
    "samples.bad_column": ("字段名无效", "invalid column name"),
    # reviews
    "review.denied": (
        "无权复核该数据源：只有数据源所属部门的数据管理员、部门数据安全负责人或安全管理员可以复核",
        "not allowed to review this source: only the owning department's steward or security officer, "
        "or a security administrator, may review it",
    ),
    "review.denied_unowned": (
        "该数据源尚未登记所属部门，只有安全管理员可以复核",
        "this source is not registered to a department; only a security administrator may review it",
    ),
    "review.denied_read": (
        "无权查看该数据源的复核记录与扫描变化",
        "not allowed to see the reviews and scan changes of this source",
    ),
    "review.source_not_found": ("数据源不存在：{source}", "no such source: {source}"),
    "review.no_scan": ("数据源 {source} 还没有完成的扫描", "source {source} has no completed scan yet"),
    "review.column_not_found": (
        "最近一次扫描（{scan}）中没有字段 {table}.{column}",
        "the latest scan ({scan}) has no column {table}.{column}",
    ),
    "review.reason_decision": ("应为 confirm（确认）或 override（更正）", "must be confirm or override"),
    "review.reason_confirm_values": (
        "确认时不能同时给出类型或级别（更正请用 override）",
        "a confirmation takes no types or level (use override to change them)",
    ),
    "review.reason_override_empty": (
        "更正时至少要给出类型或级别之一",
        "an override needs types, a level, or both",
    ),
    "review.reason_types": ("应为类型编号列表", "must be a list of type ids"),
    "review.reason_unknown_type": ("未知的类型编号：{type}", "unknown type id: {type}"),
    "review.reason_level": (
        "不是分级方案 {scheme} 的级别（可选：{levels}）",
        "not a level of scheme {scheme} (choose from: {levels})",
    ),
    "review.stamp": ("复核人 {reviewer}，{at}", "reviewer {reviewer}, {at}"),
    "review.confirmed": ("人工复核确认：{reason}（{stamp}）", "confirmed by review: {reason} ({stamp})"),
    "review.column_reason": ("人工复核：{reason}（{stamp}）", "steward review: {reason} ({stamp})"),
    "review.evidence": ("人工复核认定", "set by steward review"),
    "review.table_reason": (
        "人工复核：字段“{column}”定为{level}，理由：{reason}（{stamp}）；表级按复核后的字段重新定级",
        "steward review: column \"{column}\" set to {level}, because: {reason} ({stamp}); "
        "the table is graded again from the reviewed columns",
    ),
    "review.decision.confirm": ("确认", "confirmed"),
    "review.decision.override": ("更正", "overridden"),
    "review.orphaned": ("（字段已不在最近一次扫描中，未生效）", "(column not in the latest scan; not applied)"),
    "review.done": ("已记录复核 {id}：{table}.{column} {decision}", "review {id} recorded: {table}.{column} {decision}"),
    "review.cli_decision": ("请指定 --confirm 或 --override", "give --confirm or --override"),
    "review.cli_no_types": ("--no-types 不能与 --type 同时使用", "--no-types cannot be combined with --type"),
    # scan changes
    "changes.scan_not_found": ("数据源 {source} 没有扫描 {scan}", "source {source} has no scan {scan}"),
    "changes.bad_range": ("比较的扫描应从早到晚：{old} → {new}", "compare an earlier scan with a later one: {old} → {new}"),
    "changes.title": ("数据源 {source} 扫描发现变化：{summary}", "scan of {source} found changes: {summary}"),
    "changes.kind.table_added": ("新增表", "new tables"),
    "changes.kind.table_removed": ("消失的表", "vanished tables"),
    "changes.kind.column_sensitive": ("新增敏感字段", "new sensitive columns"),
    "changes.kind.column_raised": ("字段级别升高", "column levels raised"),
    "changes.kind.column_lowered": ("字段级别降低", "column levels lowered"),
    "changes.kind.column_types": ("字段类型变化", "column types changed"),
    "changes.kind.table_raised": ("表级别升高", "table levels raised"),
    "changes.kind.table_lowered": ("表级别降低", "table levels lowered"),
    "changes.none": ("两次扫描之间没有变化", "no changes between the two scans"),
    "changes.notification_not_found": ("通知不存在：{id}", "no such notification: {id}"),
    "changes.not_recipient": ("只能处理发给自己的通知", "only the recipient may mark a notification read"),
}
