"""Messages of the registered sources (issue 4): owners, encrypted locations, scans, copies."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sources.not_found": ("登记的数据源不存在：{source}", "no such registered source: {source}"),
    "sources.name_exists": ("数据源名称已被登记：{name}", "a source with this name is already registered: {name}"),
    "sources.location_exists": (
        "该位置已登记为数据源 {name}（同一数据只登记一次，副本请用 copy-add 记录）",
        "this location is already registered as source {name} (register data once; record copies with copy-add)",
    ),
    "sources.access_owner": (
        "资源登记中 {path} 属于部门 {owner}，不能登记到部门 {department}",
        "{path} is registered to department {owner} in the resource register, not department {department}",
    ),
    "sources.denied": (
        "无权管理部门 {department} 的数据源（需本部门数据管理员、部门数据安全负责人或安全管理员）",
        "not allowed to manage the sources of department {department} (own department's steward or security "
        "officer, or a security administrator)",
    ),
    "sources.read_denied": (
        "无权查看部门 {department} 的数据源", "not allowed to see the sources of department {department}",
    ),
    "sources.user_not_found": ("用户不存在或已停用：{username}", "no such active user: {username}"),
    "sources.responsible_department": (
        "责任人 {username} 不属于部门 {department}（谁主管谁负责：责任人须是本部门人员）",
        "the responsible person {username} is not a member of department {department}",
    ),
    "sources.bad_location": ("数据源位置无效：{location}", "invalid source location: {location}"),
    "sources.bad_setting": ("参数 {field} 无效：{reason}", "invalid {field}: {reason}"),
    "sources.reason_positive": ("须为正整数", "must be a positive integer"),
    "sources.reason_schedule": ("须为 1–8760 小时", "must be 1–8760 hours"),
    "sources.reason_text": ("不能为空，且不超过 {limit} 个字符", "must be non-empty and at most {limit} characters"),
    "sources.reason_sample_full": (
        "抽样行数与全量扫描只能选其一", "choose either a sample size or a full scan",
    ),
    "sources.inactive": ("数据源 {name} 已停用", "source {name} is deactivated"),
    "sources.scan_running": (
        "数据源 {name} 正在扫描中（可能由其他进程发起），请待其完成后再试",
        "source {name} is being scanned (perhaps by another process); try again when it has finished",
    ),
    "sources.claim_lost": (
        "数据源 {name} 的扫描占用已失效（期间另有扫描开始），本次结果未保存",
        "the scan of source {name} lost its claim (another scan started meanwhile); its results were not saved",
    ),
    "sources.interrupted": ("扫描被中断", "the scan was interrupted"),
    "sources.scan_failed": ("扫描数据源 {name} 失败：{reason}", "scan of source {name} failed: {reason}"),
    "sources.copy_not_found": ("副本记录不存在：{copy}", "no such copy record: {copy}"),
    "sources.copy_ended": ("副本记录 {copy} 已结束", "copy record {copy} has already ended"),
    "sources.nothing_to_update": ("没有要修改的内容", "nothing to update"),
    # CLI
    "sources.cli_registered": ("已登记数据源 {name}（编号 {id}）", "registered source {name} (id {id})"),
    "sources.cli_scanned": (
        "已扫描数据源 {name}：扫描编号 {scan}，{tables} 张表，{errors} 个错误，最高级别 {level}",
        "scanned source {name}: scan {scan}, {tables} tables, {errors} errors, highest level {level}",
    ),
    "sources.cli_access_problem": ("资源登记未更新：{problem}", "resource register not updated: {problem}"),
    "sources.cli_due_none": ("没有到期需要重新扫描的数据源", "no source is due for a rescan"),
    "sources.cli_due_done": (
        "定时扫描完成：{ok} 个成功，{failed} 个失败", "scheduled scans done: {ok} succeeded, {failed} failed",
    ),
    "sources.cli_due_failed": ("数据源 {name} 扫描失败：{error}", "source {name} failed: {error}"),
    "sources.cli_copy_ended": ("副本记录 {copy} 已结束", "copy record {copy} ended"),
    "sources.cli_deactivated": ("数据源 {name} 已停用", "source {name} deactivated"),
}
