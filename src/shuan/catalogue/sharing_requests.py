"""Messages of the share request workflow (issue 5 item 4): the service, the holiday calendar, the CLI
`shuan share`, the REST routes and the console pages 共享申请."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the holiday calendar
    "workdays.file": (
        "节假日日历文件 {path} 无法读取：{reason}",
        "holiday calendar file {path} cannot be read: {reason}",
    ),
    "workdays.invalid": (
        "节假日日历 {path} 无效：{where}：{reason}",
        "holiday calendar {path} is invalid: {where}: {reason}",
    ),
    "workdays.reason_top": (
        "顶层须为只含 years 列表的映射",
        "the top level must be a mapping holding a years list",
    ),
    "workdays.reason_year_entry": (
        "每年须为含 year、holidays（可选 notice）的映射",
        "each year must be a mapping with year and holidays (notice optional)",
    ),
    "workdays.reason_year_twice": ("年份 {year} 重复", "year {year} is listed twice"),
    "workdays.reason_holiday": (
        "每个节日须为含 days（可选 name、working）的映射",
        "each holiday must be a mapping with days (name and working optional)",
    ),
    "workdays.reason_span": (
        "days 须为 [首日, 末日]，且末日不早于首日",
        "days must be [first day, last day], the last not before the first",
    ),
    "workdays.reason_date": ("不是有效日期（YYYY-MM-DD）：{value}", "not a valid date (YYYY-MM-DD): {value}"),
    "workdays.reason_year": ("日期 {value} 不在 {year} 年内", "date {value} is not in {year}"),
    "workdays.reason_twice": ("日期 {value} 重复", "date {value} is listed twice"),
    "workdays.reason_weekday": (
        "调休上班日 {value} 不是周末",
        "adjusted working day {value} is not a weekend day",
    ),
    "workdays.reason_both": (
        "日期 {value} 既是假日又是调休上班日",
        "date {value} is both a day off and a working day",
    ),
    # the service
    "share.reason_days": ("须为 1–60 的整数（工作日）", "must be an integer from 1 to 60 (working days)"),
    "share.no_department": (
        "只有部门成员可以提交共享申请",
        "only a member of a department may submit a share request",
    ),
    "share.entry_unknown": ("目录资源不存在：{entry}", "no such catalogue entry: {entry}"),
    "share.entry_not_published": (
        "目录资源 {entry} 尚未发布，不能申请",
        "catalogue entry {entry} is not published",
    ),
    "share.entry_not_compliant": (
        "目录资源 {entry} 的共享/开放属性与数据级别不符，暂不受理：{problems}",
        "catalogue entry {entry} has share/open attributes that do not match its grade: {problems}",
    ),
    "share.own_department": (
        "目录资源 {entry} 属于本部门，无需申请",
        "catalogue entry {entry} is your own department's: no request needed",
    ),
    "share.not_shared": (
        "目录资源 {entry} 不予共享（依据：{basis}）",
        "catalogue entry {entry} is not shared (basis: {basis})",
    ),
    "share.not_opened": (
        "目录资源 {entry} 不予开放，不能申请社会开放场景（依据：{basis}）",
        "catalogue entry {entry} is not open: the opening scenario is refused (basis: {basis})",
    ),
    "share.opening_level": (
        "社会开放场景只适用于一级数据：目录资源 {entry} 为 {level} 级（三级数据原则上不对社会开放）",
        "the opening scenario is for level 1 data only: catalogue entry {entry} is level {level}",
    ),
    "share.reason_columns": (
        "须为信息项（字段名）列表，至多 500 项",
        "must be a list of at most 500 item (column) names",
    ),
    "share.reason_source_columns": (
        "该目录资源描述整个数据源，不能只申请部分信息项：请申请全部信息项",
        "this entry describes a whole source: request all of its items, not some",
    ),
    "share.same_decider": (
        "合规审核人不能再以提供方身份审核共享申请 {request}（须由两人分别审核）",
        "whoever took the compliance check may not also review share request {request} as the provider",
    ),
    "share.reason_unknown_columns": (
        "目录资源中没有这些信息项：{columns}",
        "the entry has no such items: {columns}",
    ),
    "share.request_unknown": ("共享申请不存在：{request}", "no such share request: {request}"),
    "share.not_requester": (
        "只有申请部门可以办理共享申请 {request}",
        "only the requesting department may do this on share request {request}",
    ),
    "share.wrong_status": (
        "共享申请 {request} 当前状态为 {status}，不能进行此操作",
        "share request {request} is {status}: not possible now",
    ),
    "share.renew_status": (
        "只有已批准的申请可以续期：共享申请 {request} 当前状态为 {status}",
        "only an approved request can be renewed: share request {request} is {status}",
    ),
    "share.self_decision": (
        "不能审核本部门提出或本人提交的共享申请 {request}",
        "nobody decides on a share request of their own department or their own: {request}",
    ),
    "share.request_changed": (
        "共享申请 {request} 在签名期间已被修改，请重新审核",
        "share request {request} changed while it was being signed; review it again",
    ),
    "share.signature_unverified": (
        "共享申请 {request} 的审核签名验证失败，未记录",
        "the signature of the decision on share request {request} did not verify; nothing recorded",
    ),
    "share.reason_outcome": ("取值须为 {allowed} 之一", "must be one of {allowed}"),
    "share.reason_reasons_required": ("不予通过时须说明理由", "a refusal must state its reasons"),
    "share.not_authority": (
        "只有数据主管部门可以进行合规审核",
        "only the data authority may check a request's compliance",
    ),
    "share.not_provider": (
        "只有提供方部门的数据安全负责人、数据管理员或安全管理员可以审核",
        "only the provider's data security officer or steward, or the security administrator, may review",
    ),
    "share.not_revoker": (
        "只有提供方部门的数据安全负责人、数据管理员、安全管理员或数据主管部门可以撤销",
        "only the provider's officer or steward, the security administrator or the data authority may revoke",
    ),
    "share.reason_masking": ("未知的脱敏场景（可用：{known}）", "unknown masking profile (known: {known})"),
    "share.reason_expiry": (
        "到期时间须晚于现在和申请的起始时间，且不晚于申请的截止时间",
        "the expiry must be after now and the requested start, and not after the requested end",
    ),
    "share.undo_reason": (
        "共享审核未能记录，撤回随之创建的授权",
        "the share review was not recorded: its grants are withdrawn",
    ),
    "share.reason_scope": ("取值须为 {allowed} 之一", "must be one of {allowed}"),
    "share.reason_status": ("未知的申请状态", "unknown request status"),
    "share.overdue_title": (
        "共享申请 {request}（{entry}）{stage}已超期，请尽快办理",
        "share request {request} ({entry}): the {stage} is overdue",
    ),
    "share.stage_authority": ("合规审核", "compliance check"),
    "share.stage_provider": ("提供方审核", "provider review"),
    "share.stage_revocation": ("撤销", "revocation"),
    "share.status_authority_review": ("待主管部门合规审核", "awaiting the authority's compliance check"),
    "share.status_provider_review": ("待提供方审核", "awaiting the provider's review"),
    "share.status_approved": ("已批准", "approved"),
    "share.status_refused": ("未通过", "refused"),
    "share.status_withdrawn": ("已撤回", "withdrawn"),
    "share.status_revoked": ("已撤销", "revoked"),
    "share.outcome_pass": ("通过", "passed"),
    "share.outcome_refuse": ("不予通过", "refused"),
    "share.outcome_approve": ("批准", "approved"),
    "share.outcome_revoke": ("撤销", "revoked"),
    # CLI
    "share.signing_password_prompt": (
        "本人密码（用于以本人签名密钥签署审核意见）",
        "your password (opens your own signing key to sign the decision)",
    ),
    "share.done": ("共享申请 {request}：{status}", "share request {request}: {status}"),
    "share.verified": (
        "共享申请 {request} 的 {count} 项审核签名全部验证通过",
        "all {count} decision signatures of share request {request} verify",
    ),
    "share.verify_failed": (
        "共享申请 {request} 有审核签名验证失败：{decisions}",
        "share request {request} has decisions whose signature does not verify: {decisions}",
    ),
    "share.reminded": ("已发送 {count} 条超期提醒", "{count} overdue reminders sent"),
    "share.bad_row_filter": (
        "行过滤条件须为 JSON 列表：{reason}",
        "the row filter must be a JSON list: {reason}",
    ),
    "share.await_authority_note": (
        "授权 {grants} 为三级跨部门授权，待数据主管部门签名审批后生效",
        "grants {grants} are level 3 outside the owner: in force once the data authority signs their approval",
    ),
    # console
    "console.share_nav": ("共享申请", "share requests"),
    "console.share_title": ("共享申请", "share requests"),
    "console.share_mine": ("本部门的申请", "my department's requests"),
    "console.share_awaiting": ("待我审核", "awaiting my decision"),
    "console.share_none": ("暂无", "none"),
    "console.share_new": ("提交共享申请", "new share request"),
    "console.share_new_title": ("提交共享申请", "new share request"),
    "console.share_entry": ("目录资源", "catalogue entry"),
    "console.share_entry_id": ("目录资源编号", "catalogue entry id"),
    "console.share_choose": ("选择", "choose"),
    "console.share_provider": ("提供方部门", "provider department"),
    "console.share_requester": ("申请部门", "requesting department"),
    "console.share_purpose": ("用途", "purpose"),
    "console.share_scenario": ("使用场景", "usage scenario"),
    "console.share_columns": ("申请的信息项（不选即全部）", "items requested (none chosen: all)"),
    "console.share_period": ("申请期限", "period"),
    "console.share_from": ("起始日期", "from"),
    "console.share_until": ("截止日期", "until"),
    "console.share_basis": ("申请依据", "legal basis"),
    "console.share_submit": ("提交申请", "submit"),
    "console.share_status": ("状态", "status"),
    "console.share_due": ("办理期限", "due"),
    "console.share_overdue": ("已超期", "overdue"),
    "console.share_calendar_incomplete": (
        "（期限超出节假日日历覆盖的年份，按周一至周五计算）",
        "(the deadline reaches beyond the holiday calendar: counted Monday–Friday)",
    ),
    "console.share_detail_title": ("共享申请 {request}", "share request {request}"),
    "console.share_decisions": ("审核记录", "decisions"),
    "console.share_stage": ("环节", "stage"),
    "console.share_outcome": ("结论", "outcome"),
    "console.share_reasons": ("理由", "reasons"),
    "console.share_decider": ("审核人", "decided by"),
    "console.share_decided_at": ("时间", "at"),
    "console.share_signature": ("签名", "signature"),
    "console.share_signature_ok": ("验证通过", "verifies"),
    "console.share_signature_bad": ("验证失败", "does not verify"),
    "console.share_late": ("超期办理", "decided late"),
    "console.share_masking": ("脱敏场景", "masking profile"),
    "console.share_row_filter": ("行过滤条件（JSON，可选）", "row filter (JSON, optional)"),
    "console.share_expiry": ("到期日期（默认为申请截止日期）", "expiry (default: the requested end)"),
    "console.share_expires": ("授权到期", "grants expire"),
    "console.share_grants": ("授权", "grants"),
    "console.share_password": ("本人密码（签署审核意见）", "your password (signs the decision)"),
    "console.share_pass": ("合规审核通过", "pass the compliance check"),
    "console.share_refuse": ("不予通过", "refuse"),
    "console.share_approve": ("批准共享", "approve"),
    "console.share_revoke": ("撤销共享", "revoke"),
    "console.share_withdraw": ("撤回申请", "withdraw"),
    "console.share_renew": ("申请续期", "renew"),
    "console.share_done": ("已办理：共享申请 {request}，{status}", "done: share request {request}, {status}"),
    "console.share_renews": ("续期自申请 {request}", "renews request {request}"),
    "console.share_entry_required": (
        "请填写要申请的目录资源编号",
        "give the id of the catalogue entry to request",
    ),
    "console.share_submitted": ("已提交，编号 {request}", "submitted as request {request}"),
}
