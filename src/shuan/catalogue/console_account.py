"""Messages of the console's account pages (first-login password change, TOTP enrolment, the own account);
zh-CN first, merged into shuan.messages. Templates look them up with `t()`."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the account page
    "console.account_nav": ("账户", "account"),
    "console.account_title": ("我的账户", "my account"),
    "console.account_username": ("用户名", "user name"),
    "console.account_display_name": ("姓名", "name"),
    "console.account_roles": ("角色", "roles"),
    "console.account_department": ("所属部门", "department"),
    "console.account_vendor_until": ("外包协议有效期至", "vendor agreement until"),
    "console.account_totp": ("动态口令（TOTP）", "one-time codes (TOTP)"),
    "console.account_totp_on": ("已绑定", "enrolled"),
    "console.account_totp_off": ("未绑定", "not enrolled"),
    "console.account_actions": ("账户操作", "account actions"),
    "console.account_change_password": ("修改密码", "change the password"),
    "console.account_enrol_totp": ("绑定动态口令", "enrol an authenticator"),
    "console.account_password_changed": (
        "密码已修改，您在其他设备上的会话均已结束。",
        "the password has been changed; your sessions on other devices have ended.",
    ),
    "console.account_back": ("返回我的账户", "back to my account"),
    # changing the password
    "console.account_password_title": ("修改密码", "change the password"),
    "console.account_password_first": (
        "首次登录或密码已过期：请先设置新密码，然后才能使用控制台。",
        "first login or expired password: set a new password before using the console.",
    ),
    "console.account_current_password": (
        "当前密码（首次登录时为一次性密码）",
        "current password (the one-time password at first login)",
    ),
    "console.account_new_password": ("新密码", "new password"),
    "console.account_repeat_password": ("再次输入新密码", "repeat the new password"),
    "console.account_password_hint": (
        "至少 {min} 个字符，包含大写字母、小写字母、数字、符号中的至少三类，不能包含用户名，"
        "不能与最近 {history} 次使用过的密码相同。",
        "at least {min} characters from at least three of upper case, lower case, digits and symbols; "
        "it must not contain the user name or repeat any of the last {history} passwords.",
    ),
    "console.account_password_mismatch": ("两次输入的新密码不一致", "the two new passwords differ"),
    "console.account_password_submit": ("修改密码", "change the password"),
    # enrolling an authenticator
    "console.account_totp_title": ("绑定动态口令", "enrol an authenticator"),
    "console.account_totp_required": (
        "您的角色要求使用动态口令（TOTP）登录：请先绑定认证器，然后才能使用控制台。",
        "your role requires one-time codes (TOTP) at login: enrol an authenticator before using the console.",
    ),
    "console.account_totp_steps": (
        "用认证器应用（如 Microsoft Authenticator、Google Authenticator、FreeOTP）扫描二维码，或手动输入下面的密钥，"
        "然后输入应用显示的 6 位动态口令以确认绑定。",
        "scan the QR code with an authenticator app (Microsoft Authenticator, Google Authenticator, "
        "FreeOTP …) or type the secret below into it, then enter the 6-digit code it shows to confirm.",
    ),
    "console.account_totp_qr": ("动态口令密钥的二维码", "QR code of the authenticator secret"),
    "console.account_totp_secret": ("密钥（手动输入时使用，空格可省略）", "secret (for manual entry; spaces may be left out)"),
    "console.account_totp_once": (
        "密钥只显示这一次，请勿截图或转发。重新打开本页会生成新密钥，之前的密钥随即失效。",
        "the secret is shown this once; do not screenshot or forward it. Opening this page again makes a new "
        "secret and the previous one stops working.",
    ),
    "console.account_totp_code": ("6 位动态口令", "6-digit code"),
    "console.account_totp_submit": ("确认绑定", "confirm"),
    "console.account_totp_retry": (
        "为安全起见，密钥不再显示。若认证器中还没有本平台的密钥，请重新生成密钥（之前的密钥将失效）。",
        "for safety the secret is not shown again. If your authenticator does not have it yet, make a new "
        "secret (the previous one stops working).",
    ),
    "console.account_totp_restart": ("重新生成密钥", "make a new secret"),
    "console.account_stage_signed_in": ("正在登录：{user}", "logging in: {user}"),
}
