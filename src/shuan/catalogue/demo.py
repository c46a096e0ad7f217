"""Messages of `shuan demo` in console mode (the seeded demo city); merged into shuan.messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    "demo.key_created": (
        "演示模式已创建根密钥文件（权限 0600）：{path}。仅供本机演示；正式部署请配置 SHUAN_ROOT_KEY_FILE 或 KMS",
        "demo mode created a root key file (mode 0600): {path}. For a local demo only; a deployment configures "
        "SHUAN_ROOT_KEY_FILE or a KMS",
    ),
    "demo.key_reused": ("使用演示根密钥文件：{path}", "using the demo root key file: {path}"),
    "demo.reset_done": ("已删除演示数据库：{path}", "deleted the demo store: {path}"),
    "demo.reset_external": (
        "设置了 SHUAN_DATABASE_URL 时，--reset 不会删除外部数据库；请改用空的 SHUAN_HOME",
        "--reset does not delete an external database (SHUAN_DATABASE_URL is set); use an empty SHUAN_HOME instead",
    ),
    "demo.mode_conflict": ("--console 与 --scan-only 不能同时使用", "--console and --scan-only cannot be combined"),
    "demo.seeding": (
        "正在建立演示城市{city}：部门、用户、数据源登记与扫描……",
        "setting up the demo city {city}: departments, users, registered sources and their scans…",
    ),
    "demo.seeded": (
        "已建立 {departments} 个部门、{users} 个账号，登记并扫描 {sources} 个数据源",
        "created {departments} departments and {users} accounts, registered and scanned {sources} sources",
    ),
    "demo.sharing": (
        "共享目录已编目并发布 {entries} 条；共享申请 #{approved} 已经数据主管部门与提供方签名批准，数据服务 {service} 已发布"
        "（申请方按授权调用返回 {rows} 行）；共享申请 #{pending} 待主管部门审核",
        "catalogued and published {entries} entries; share request #{approved} approved with the authority's and "
        "the provider's signatures, data service {service} published ({rows} rows to the requester under its "
        "grant); share request #{pending} awaits the authority",
    ),
    "demo.reused": (
        "沿用已有的演示数据库 {path}：账号凭据只在首次建立时显示过一次。要重新开始，请运行 shuan demo --reset",
        "reusing the existing demo store {path}: the credentials were shown once, when it was first set up. "
        "To start over, run shuan demo --reset",
    ),
    "demo.console_url": ("控制台地址：{url}", "console: {url}"),
    "demo.account": ("【{role}】{display}（所属：{department}）", "[{role}] {display} ({department})"),
    "demo.username": ("  用户名：{value}", "  username: {value}"),
    "demo.password": ("  密码：{value}", "  password: {value}"),
    "demo.totp_secret": ("  TOTP 密钥：{value}", "  TOTP secret: {value}"),
    "demo.totp_uri": ("  验证器链接：{value}", "  authenticator URI: {value}"),
    "demo.totp_now": ("  当前验证码（仅为方便，30 秒内有效）：{value}", "  current code (a convenience, valid 30 s): {value}"),
    "demo.qr_hint": ("  用验证器 App 扫描下面的二维码：", "  scan this QR code with an authenticator app:"),
    "demo.credentials_once": (
        "以上凭据只显示这一次，仅用于本机演示；其他演示账号可由系统管理员在控制台重置密码",
        "these credentials are shown this once, for a local demo only; a system administrator can reset the "
        "other demo accounts' passwords in the console",
    ),
    "demo.stop_hint": ("按 Ctrl-C 停止", "press Ctrl-C to stop"),
}
