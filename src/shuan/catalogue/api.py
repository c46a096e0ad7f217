"""Messages of the front ends of the security core (CLI authentication, REST); merged into shuan.messages.

No message carries a password, TOTP code, token, session id or one-time secret.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.token_missing": (
        "未提供访问令牌：请将 API 令牌放入环境变量 SHUAN_TOKEN（令牌由 shuan token create 或控制台生成）",
        "no access token: put an API token in SHUAN_TOKEN (create one with shuan token create or the console)",
    ),
    # REST: authentication and request problems
    "api.unauthenticated": (
        "需要身份认证：请在请求头 Authorization: Bearer 中提供 API 令牌，或在 X-Session 中提供会话",
        "authentication required: send an API token as Authorization: Bearer, or a session as X-Session",
    ),
    "api.ambiguous_credentials": (
        "同时提供了 API 令牌和会话：每个请求只能使用其中一种",
        "both an API token and a session were sent: use one of them per request",
    ),
    "api.session_required": (
        "此操作需要登录会话（请求头 X-Session）",
        "this needs a login session (the X-Session header)",
    ),
    "api.body_too_large": ("请求体过大：不能超过 {limit} 字节", "request body too large: at most {limit} bytes"),
    "api.malformed_json": ("请求体不是有效的 JSON（{reason}）", "the request body is not valid JSON ({reason})"),
    "api.invalid_request": ("请求参数 {field} 无效：{reason}", "invalid request parameter {field}: {reason}"),
    "api.invalid_request_more": (
        "请求参数 {field} 无效：{reason}（另有 {more} 处错误）",
        "invalid request parameter {field}: {reason} ({more} more errors)",
    ),
    "api.text_nul": ("不能包含 NUL 字符", "must not contain NUL characters"),
    "api.text_surrogate": ("含有无效的 Unicode 字符（孤立代理项）", "contains invalid Unicode (lone surrogates)"),
    "api.datetime_range": (
        "日期时间须带时区，年份在 {low} 到 {high} 之间",
        "a date and time needs a time zone and a year from {low} to {high}",
    ),
    "api.route_not_found": ("接口不存在", "no such endpoint"),
    "api.method_not_allowed": ("此接口不支持 {method} 请求", "this endpoint does not accept {method}"),
    "api.http_error": ("请求无法处理（HTTP {status}）", "the request cannot be handled (HTTP {status})"),
    "api.internal_error": (
        "服务器内部错误：请求未完成，已记录日志；请联系系统管理员",
        "internal server error: the request did not complete and was logged; contact a system administrator",
    ),
    "api.config_error": (
        "服务器配置错误，请求未完成；详情已记入服务器日志，请联系系统管理员",
        "server configuration error, the request did not complete; details are in the server log",
    ),
    "api.unavailable": (
        "审计日志或数据存储暂不可用，操作未执行；详情已记入服务器日志",
        "the audit log or the store is unavailable, nothing was done; details are in the server log",
    ),
    # problem titles, by HTTP status
    "api.title_400": ("请求无效", "bad request"),
    "api.title_401": ("未认证", "not authenticated"),
    "api.title_403": ("无权操作", "forbidden"),
    "api.title_404": ("不存在", "not found"),
    "api.title_405": ("请求方法不允许", "method not allowed"),
    "api.title_409": ("与当前状态冲突", "conflict"),
    "api.title_413": ("请求体过大", "content too large"),
    "api.title_415": ("不支持的请求体类型", "unsupported media type"),
    "api.title_422": ("请求参数无效", "unprocessable request"),
    "api.title_429": ("请求过于频繁或账户已锁定", "too many requests"),
    "api.title_500": ("服务器内部错误", "internal server error"),
    "api.title_503": ("服务暂不可用（审计或存储不可用，操作未执行）",
                      "service unavailable (audit or store unavailable; nothing was done)"),
    "api.title_other": ("请求失败", "request failed"),
    # CLI: serving
    "serve.listening": (
        "数安 REST 服务：http://{host}:{port}/api/v1（接口文档 http://{host}:{port}/docs）",
        "shuan REST service: http://{host}:{port}/api/v1 (API docs http://{host}:{port}/docs)",
    ),
    "serve.public_bind": (
        "注意：服务监听在 {host}，不只是本机；请在前面部署 TLS 反向代理，不要以明文 HTTP 暴露到网络",
        "note: listening on {host}, not only this machine; put a TLS reverse proxy in front, never plain HTTP",
    ),
    # CLI: interactive login for a token
    "login.username": ("用户名", "username"),
    "login.password": ("密码", "password"),
    "login.totp": ("动态口令（6 位数字）", "TOTP code (6 digits)"),
    "login.new_password": ("新密码", "new password"),
    "login.repeat_password": ("再次输入新密码", "repeat the new password"),
    "login.passwords_differ": ("两次输入的新密码不一致", "the two new passwords differ"),
    "login.must_change": (
        "首次登录或密码已过期：请设置新密码（至少 {min} 个字符，含三类字符）",
        "first login or expired password: choose a new password (at least {min} characters, three classes)",
    ),
    "login.enrol": (
        "请在认证器应用中添加以下密钥（只显示这一次），然后输入其显示的动态口令：",
        "add this secret to your authenticator app (shown once), then enter the code it shows:",
    ),
    "login.enrol_secret": ("密钥：{secret}", "secret: {secret}"),
    "login.enrol_uri": ("或扫描/导入：{uri}", "or import: {uri}"),
    "token.created": (
        "已创建令牌 {token_id}（{name}），有效期至 {expires}；令牌只显示这一次，请妥善保存（如 export SHUAN_TOKEN=…）",
        "token {token_id} ({name}) created, valid until {expires}; it is shown once, keep it safe "
        "(e.g. export SHUAN_TOKEN=…)",
    ),
    "token.revoked": ("已撤销令牌 {token_id}", "token {token_id} revoked"),
    "token.bad_days": ("有效天数应在 1 到 {max} 之间", "days must be between 1 and {max}"),
    # CLI: administration results
    "user.created": (
        "已创建用户 {username}（编号 {user_id}）；上面是一次性口令，只显示这一次，{hours} 小时内有效",
        "user {username} (id {user_id}) created; above is the one-time secret, shown once, valid for {hours} hours",
    ),
    "user.secret_reset": (
        "已重置 {username} 的密码；上面是新的一次性口令，只显示这一次",
        "password of {username} reset; above is the new one-time secret, shown once",
    ),
    "user.done": ("已完成：{action} {username}", "done: {action} {username}"),
    "user.sessions_ended": ("已结束 {username} 的 {count} 个会话", "ended {count} sessions of {username}"),
    "dept.done": ("部门 {name}（编号 {department_id}）", "department {name} (id {department_id})"),
    "grant.done": ("授权 {grant_id}：{status}", "grant {grant_id}: {status}"),
    "grant.subject_required": (
        "须指定 --user 或 --department 之一作为授权对象",
        "give exactly one of --user or --department as the grantee",
    ),
    "grant.bad_row_filter": ("--row-filter 应为 JSON 列表：{reason}", "--row-filter must be a JSON list: {reason}"),
    "api.datetime_cli": (
        "时间格式无效：{value}（应为 ISO-8601 并带时区，如 2026-12-31T00:00:00+08:00）",
        "invalid time: {value} (ISO-8601 with a time zone, e.g. 2026-12-31T00:00:00+08:00)",
    ),
}
