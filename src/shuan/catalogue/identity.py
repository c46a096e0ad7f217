"""Messages of the identity part of the platform (key -> (Chinese, English)); merged into shuan.messages.

No message carries a password, TOTP code or secret, token, session id or hash.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # field labels (used inside other messages)
    "identity.field_department": ("部门名称", "department name"),
    "identity.field_display_name": ("显示名", "display name"),
    "identity.field_vendor_name": ("外包单位名称", "vendor name"),
    "identity.field_token_name": ("令牌名称", "token name"),
    "identity.field_department_id": ("部门编号", "department id"),
    "identity.field_request_id": ("申请编号", "request id"),
    "identity.field_reason": ("理由", "reason"),
    # input
    "identity.bad_username": (
        "用户名无效：应为 3–64 个字母、数字或 . _ - 字符",
        "invalid username: 3 to 64 letters, digits or . _ - characters",
    ),
    "identity.bad_name": ("{field}无效：应为 1–{max} 个字符", "invalid {field}: 1 to {max} characters"),
    "identity.name_control": (
        "{field}含有控制字符或不可见的格式字符",
        "{field} contains control or invisible formatting characters",
    ),
    "identity.bad_id": ("{field}应为整数编号", "{field} must be an integer id"),
    "identity.unknown_role": ("未知角色：{role}", "unknown role: {role}"),
    "identity.no_change": ("没有需要修改的内容", "nothing to change"),
    "identity.concurrent_change": ("数据已被他人同时修改，请重试", "changed concurrently by someone else; try again"),
    # bootstrap
    "identity.already_bootstrapped": (
        "平台已初始化（已存在用户或部门），不能再次初始化",
        "the platform is already bootstrapped (users or departments exist)",
    ),
    "identity.bootstrap_distinct": (
        "系统管理员、安全管理员和审计管理员须是三个不同的用户名",
        "the system, security and audit administrators need three different usernames",
    ),
    # departments
    "identity.department_not_found": ("部门不存在：{department}", "no such department: {department}"),
    "identity.department_exists": (
        "同一上级部门下已有名为“{name}”的部门",
        'a department named "{name}" already exists under the same parent',
    ),
    "identity.department_cycle": (
        "不能把部门移动到其自身或其下级部门之下",
        "cannot move a department under itself or one of its sub-departments",
    ),
    "identity.root_immovable": (
        "主管部门是部门树的根，不能移动",
        "the data authority is the root of the department tree and cannot move",
    ),
    # users and roles
    "identity.user_not_found": ("用户不存在：{username}", "no such user: {username}"),
    "identity.user_exists": ("用户名已存在：{username}", "username already exists: {username}"),
    "identity.already_disabled": ("账户已处于停用状态", "the account is already disabled"),
    "identity.already_enabled": ("账户已处于启用状态", "the account is already enabled"),
    "identity.exclusive_roles": (
        "三员分立：同一账户不能同时担任{roles}",
        "separation of duties: one account cannot hold {roles} together",
    ),
    "identity.role_held": ("该用户已拥有角色 {role}", "the user already holds role {role}"),
    "identity.role_not_held": ("该用户没有角色 {role}", "the user does not hold role {role}"),
    "identity.self_role": ("不能修改自己的角色", "you cannot change your own roles"),
    "identity.self_admin": (
        "不能对自己的账户执行此管理操作",
        "you cannot perform this administrative action on your own account",
    ),
    "identity.forbidden": ("无权执行此操作：需要权限 {permission}", "not allowed: needs permission {permission}"),
    "identity.interactive_only": (
        "此操作须在本人的登录会话中进行（不能使用 API 令牌）",
        "this needs your own login session (not an API token)",
    ),
    "identity.vendor_until_required": (
        "外包人员账户须填写外包协议截止时间",
        "vendor staff accounts need a vendor agreement end date",
    ),
    "identity.vendor_until_naive": (
        "外包协议截止时间须带时区",
        "the vendor agreement end must include a time zone",
    ),
    "identity.vendor_until_past": (
        "外包协议截止时间须晚于当前时间",
        "the vendor agreement end must be in the future",
    ),
    "identity.vendor_role_missing": (
        "只有外包人员账户才有外包协议信息",
        "only vendor staff accounts carry vendor agreement details",
    ),
    "identity.not_locked": ("账户未被锁定", "the account is not locked"),
    # authentication
    "identity.bad_credentials": ("用户名或密码错误", "wrong username or password"),
    "identity.locked": (
        "账户因多次认证失败已临时锁定，请 {seconds} 秒后重试",
        "the account is locked after repeated failed attempts; try again in {seconds} s",
    ),
    "identity.account_disabled": ("账户已停用", "the account is disabled"),
    "identity.vendor_expired": (
        "外包协议已到期，该账户不能再登录",
        "the vendor agreement has ended; the account can no longer log in",
    ),
    "identity.one_time_expired": (
        "一次性口令已过期，请联系系统管理员重置",
        "the one-time secret has expired; ask a system administrator for a reset",
    ),
    "identity.session_invalid": ("会话无效或已结束，请重新登录", "the session is invalid or has ended; log in again"),
    "identity.session_expired": ("会话已超时，请重新登录", "the session has timed out; log in again"),
    "identity.stage_mfa": ("请先输入动态口令完成二次验证", "enter your TOTP code first"),
    "identity.stage_password": ("请先修改密码", "change your password first"),
    "identity.stage_enroll": ("请先绑定动态口令（TOTP）", "enrol a TOTP authenticator first"),
    "identity.stage_active": ("此会话已完成登录，无需此步骤", "this session is already fully logged in"),
    "identity.mfa_not_pending": ("此会话没有待完成的二次验证", "this session has no second-factor check pending"),
    # passwords
    "identity.bad_current_password": ("当前密码错误", "the current password is wrong"),
    "identity.password_too_short": ("密码过短：至少 {min} 个字符", "the password is too short: at least {min} characters"),
    "identity.password_too_long": ("密码过长：最多 {max} 个字符", "the password is too long: at most {max} characters"),
    "identity.password_classes": (
        "密码须至少包含小写字母、大写字母、数字、符号中的三类",
        "the password needs at least three of: lower case, upper case, digits, symbols",
    ),
    "identity.password_control": ("密码不能包含控制字符", "the password must not contain control characters"),
    "identity.password_username": ("密码不能包含用户名", "the password must not contain the username"),
    "identity.password_reused": (
        "新密码不能与当前密码或最近 {count} 次用过的密码相同",
        "the new password must differ from the current one and the last {count}",
    ),
    # TOTP
    "identity.totp_invalid": ("动态口令错误", "wrong TOTP code"),
    "identity.totp_reused": ("该动态口令已使用过，请等待下一个口令", "this TOTP code was already used; wait for the next one"),
    "identity.totp_enrolled": (
        "已绑定动态口令；如需更换设备请联系系统管理员重置",
        "TOTP is already enrolled; ask a system administrator to reset it to change devices",
    ),
    "identity.totp_not_pending": ("没有待确认的动态口令绑定，请先开始绑定", "no TOTP enrolment pending; start one first"),
    "identity.totp_not_enrolled": ("该用户未绑定动态口令", "the user has no TOTP enrolled"),
    # API tokens
    "identity.token_invalid": ("API 令牌无效", "invalid API token"),
    "identity.token_expired": ("API 令牌已过期", "the API token has expired"),
    "identity.token_revoked": ("API 令牌已被撤销", "the API token has been revoked"),
    "identity.token_not_found": ("令牌不存在", "no such token"),
    "identity.token_already_revoked": ("令牌已被撤销", "the token is already revoked"),
    "identity.token_expiry": (
        "令牌到期时间须晚于当前时间且不超过 {days} 天",
        "token expiry must be in the future and within {days} days",
    ),
    "identity.token_expiry_naive": ("令牌到期时间须带时区", "token expiry must include a time zone"),
    "identity.token_after_vendor": ("令牌有效期不能超过外包协议截止时间", "a token cannot outlive the vendor agreement"),
    "identity.token_scope_empty": ("令牌至少需要一个权限范围", "a token needs at least one scope"),
    "identity.token_scope_star": ("权限范围 * 不能与其他范围同时使用", "scope * cannot be combined with other scopes"),
    "identity.token_scope_unknown": ("未知的权限范围：{scope}", "unknown scope: {scope}"),
    "identity.token_scope_not_held": (
        "不能授予令牌自己没有的权限：{scope}",
        "a token cannot carry a permission you do not hold: {scope}",
    ),
    "identity.token_admin_expiry": (
        "含管理权限的令牌有效期不能超过 {hours} 小时（与登录会话相同）；只有本人自助或非管理权限的令牌可长达 365 天",
        "a token carrying an administrative permission may live at most {hours} hours (like a login session); "
        "only self-service or non-administrative tokens may last up to 365 days",
    ),
    "identity.token_admin_lifetime": (
        "该令牌有效期超过 {hours} 小时，而其所有者现拥有管理权限：请重新登录并创建新令牌",
        "this token lives longer than {hours} hours and its owner now holds an administrative permission: "
        "log in and create a new token",
    ),
    # dual control of changes to 三员 accounts
    "identity.request_duplicate": (
        "已有相同的待批准申请（编号 {request_id}）",
        "an identical request is already pending (id {request_id})",
    ),
    "identity.request_own": (
        "双人控制：不能批准或拒绝自己提出的申请（申请人可撤回）",
        "dual control: you cannot approve your own request (the requester may withdraw it)",
    ),
    "identity.request_target": (
        "双人控制：不能批准或拒绝针对自己账户的申请",
        "dual control: you cannot decide a request about your own account",
    ),
    "identity.request_not_admin": (
        "双人控制：须由系统管理员、安全管理员或审计管理员之一批准",
        "dual control: the approver must be a system, security or audit administrator",
    ),
    "identity.request_same_role": (
        "双人控制：{roles}不能批准此申请，须由另一类三员管理员批准",
        "dual control: a {roles} cannot approve this request; it needs an administrator of another kind",
    ),
    "identity.request_not_found": ("申请不存在：{request_id}", "no such request: {request_id}"),
    "identity.request_expired": (
        "申请 {request_id} 已过期，请重新提出",
        "request {request_id} has expired; make it again",
    ),
    "identity.request_closed": (
        "申请 {request_id} 已处理（{status}）",
        "request {request_id} has already been decided ({status})",
    ),
    "identity.request_requester_gone": (
        "申请 {request_id} 的申请人已停用或不再是系统管理员，申请不能批准",
        "the requester of request {request_id} is disabled or no longer a system administrator; it cannot be approved",
    ),
    "identity.request_bad_status": ("未知的申请状态：{status}", "unknown request status: {status}"),
    # CLI
    "identity.cli_pending": (
        "涉及三员账户的变更已提交为申请 {request_id}（{kind} {target}），须另一类三员管理员在 {hours} 小时内批准"
        "（shuan user approve {request_id}）后才生效",
        "the change to a separation-of-duties account is request {request_id} ({kind} {target}); it takes effect "
        "only when an administrator of another kind approves it within {hours} hours "
        "(shuan user approve {request_id})",
    ),
    "identity.cli_approved": (
        "已批准申请 {request_id}（{kind} {target}），变更已生效",
        "request {request_id} ({kind} {target}) approved; the change is made",
    ),
    "identity.cli_approved_secret": (
        "上面是 {target} 的一次性口令，只显示这一次：请当面交给本人（申请人看不到它）；{hours} 小时内有效",
        "above is the one-time secret of {target}, shown once: hand it to them in person (the requester never sees "
        "it); valid for {hours} hours",
    ),
    "identity.cli_refused": ("已拒绝申请 {request_id}", "request {request_id} refused"),
    "identity.cli_init_done": (
        "平台已初始化：主管部门“{department}”（编号 {department_id}）；三员账户：系统管理员 {admin}、安全管理员 {secadmin}、"
        "审计管理员 {auditor}",
        'platform bootstrapped: data authority "{department}" (id {department_id}); administrators: system {admin}, '
        "security {secadmin}, audit {auditor}",
    ),
    "identity.cli_init_secrets": (
        "上面是三名管理员各自的一次性口令（每行：角色、用户名、口令），只显示这一次，{hours} 小时内有效；"
        "请分别交给本人，各自首次登录须修改密码并绑定动态口令（shuan token bootstrap --username 用户名）",
        "above are the three administrators' one-time secrets (role, username, secret per line), shown once and valid "
        "for {hours} hours; give each to its owner alone — each first login changes it and enrols TOTP "
        "(shuan token bootstrap --username NAME)",
    ),
    "identity.cli_token_days_or_hours": ("--days 与 --hours 只能给出一个", "give --days or --hours, not both"),
    "identity.cli_token_admin_limit": (
        "含管理权限的令牌最长 {hours} 小时有效（与登录会话相同）",
        "tokens carrying an administrative permission live at most {hours} hours (like a login session)",
    ),
    # signing
    "identity.no_signing_key": ("尚无签名密钥：请先设置自己的密码", "no signing key yet: set your own password first"),
    "identity.signing_password": ("密码错误，无法使用签名密钥", "wrong password: the signing key cannot be opened"),
    "identity.throttled": (
        "来自该地址的登录尝试过于频繁，请 {seconds} 秒后再试",
        "too many login attempts from this address; try again in {seconds} seconds",
    ),
}
