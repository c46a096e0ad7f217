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
    # signing
    "identity.no_signing_key": ("尚无签名密钥：请先设置自己的密码", "no signing key yet: set your own password first"),
    "identity.signing_password": ("密码错误，无法使用签名密钥", "wrong password: the signing key cannot be opened"),
    "identity.throttled": (
        "来自该地址的登录尝试过于频繁，请 {seconds} 秒后再试",
        "too many login attempts from this address; try again in {seconds} seconds",
    ),
}
