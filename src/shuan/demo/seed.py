"""The demo city 泗河市 as a running platform: the data authority and its three administrators (三员),
the departments that own the demo data set, a steward and a data user in each, a department security
officer, a vendor, and every demo file and the SQLite database registered and scanned; then every scanned
table catalogued and one share request carried through the workflow (shuan.demo.sharing).

The administrators', one steward's and one data user's (the requester, 医保局) first login is completed here, through the identity services
(the one-time secret replaced by a random strong password, TOTP enrolled with a generated secret), so
`shuan demo` can print ready-to-use credentials. The other accounts keep their one-time secrets (shown
nowhere: a system administrator resets them from the console when wanted).

Enrolment is confirmed with the code of the *previous* 30-second step (within the allowed drift), so
the code of the current step is still unused and can be printed as a convenience.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from shuan.demo.dataset import CITY, ensure_demo
from shuan.demo.sharing import SharingDemo, seed_sharing
from shuan.identity.account import change_password
from shuan.identity.bootstrap import bootstrap, needs_bootstrap
from shuan.identity.common import now_or
from shuan.identity.directory import CreatedUser, create_department, create_user
from shuan.identity.principal import Principal
from shuan.identity.roles import Role
from shuan.identity.sessions import login, logout, resume
from shuan.identity.totp import begin_totp_enrollment, code_at, confirm_totp_enrollment, time_step
from shuan.inventory.sources import ScanView, register_source, scan_source
from shuan.platform import Platform

AUTHORITY = f"{CITY}大数据局"
SYSADMIN = "sihe.sysadmin"
SECADMIN = "sihe.secadmin"
AUDITOR = "sihe.auditor"
VENDOR = "sihe.vendor"
VENDOR_COMPANY = "泗河数智科技有限公司"
VENDOR_DAYS = 180


@dataclass(frozen=True)
class DemoDepartment:
    name: str
    code: str  # the usernames' prefix
    sources: tuple[tuple[str, str], ...]  # (registered source name, demo file)


#: the departments owning the demo data set (see shuan.demo.dataset) and their sources
DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment("公安局", "gaj", (("户籍人口", "hj_rkxx.csv"),)),
    DemoDepartment("市场监管局", "scjgj", (("企业登记", "scjg_qydj.xlsx"),)),
    DemoDepartment("医保局", "ybj", (("医保结算", "yb_jsxx.parquet"),)),
    DemoDepartment("人社局", "rsj", (("政务数据库", "sihe_zwsj.db"),)),
    DemoDepartment("12345热线中心", "rxzx", (("热线工单", "rx_gd.jsonl"),)),
    DemoDepartment("交通运输局", "jtj", (("机动车登记", "jt_cl.csv"),)),
    DemoDepartment("统计局", "tjj", (("统计汇总", "tj_hz.csv"),)),
)

#: the steward whose credentials are printed (公安局, responsible for 户籍人口)
SHOWN_STEWARD = f"{DEPARTMENTS[0].code}.steward"
#: the department whose data user asks 人社局 for the 政务服务 cases (carried through and published as a data
#: service) and 市场监管局 for 企业登记 (left pending)
REQUESTER_DEPARTMENT = "ybj"
PROVIDER_DEPARTMENT = "rsj"
PROVIDER_TABLE = "bs_sxbl"
PENDING_SOURCE = "企业登记"


@dataclass(frozen=True)
class DemoAccount:
    """A ready-to-use account: password set, TOTP enrolled (show these once, on this machine only)."""

    role: Role
    username: str
    display_name: str
    department: str
    password: str = field(repr=False)
    totp_secret: str = field(repr=False)
    totp_uri: str = field(repr=False)

    def current_code(self, now: datetime | None = None) -> str:
        return code_at(self.totp_secret, time_step(now_or(now)))


@dataclass(frozen=True)
class DemoCredentials:
    accounts: tuple[DemoAccount, ...]  # 系统管理员, 安全管理员, 审计管理员, then the shown steward
    departments: tuple[str, ...]
    usernames: tuple[str, ...]  # every account created
    scans: tuple[ScanView, ...] = ()
    sharing: SharingDemo | None = None

    def account(self, username: str) -> DemoAccount:
        return next(a for a in self.accounts if a.username == username)

    @property
    def security_admin(self) -> DemoAccount:
        return self.account(SECADMIN)

    @property
    def steward(self) -> DemoAccount:
        return self.account(SHOWN_STEWARD)


def demo_password() -> str:
    """A random password of 4 groups of 4 letters and digits (upper, lower and digit guaranteed)."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    chars = [secrets.choice(string.ascii_uppercase.replace("O", "").replace("I", "")),
             secrets.choice(string.ascii_lowercase.replace("l", "")),
             secrets.choice("23456789")]
    chars += [secrets.choice(alphabet) for _ in range(13)]
    secrets.SystemRandom().shuffle(chars)
    return "-".join("".join(chars[i:i + 4]) for i in range(0, 16, 4))


def first_login(platform: Platform, *, role: Role, username: str, display_name: str, department: str,
                one_time_secret: str) -> tuple[DemoAccount, str]:
    """Replace the one-time secret with a strong password and enrol TOTP, as the person would at the
    console; returns the account and its session, now active (log it out when done)."""
    password = demo_password()
    started = login(platform, username=username, password=one_time_secret, client="shuan-demo")
    session_id = started.session_id
    change_password(platform, actor=started.principal, current_password=one_time_secret, new_password=password)
    actor = resume(platform, session_id=session_id).principal
    enrolment = begin_totp_enrollment(platform, actor=actor)
    previous = code_at(enrolment.secret, time_step(now_or(None)) - 1)  # leaves the current step's code unused
    confirm_totp_enrollment(platform, actor=actor, code=previous)
    account = DemoAccount(role=role, username=username, display_name=display_name, department=department,
                          password=password, totp_secret=enrolment.secret, totp_uri=enrolment.uri)
    return account, session_id


def _principal(platform: Platform, session_id: str) -> Principal:
    return resume(platform, session_id=session_id).principal


def _created(result: object) -> CreatedUser:
    if not isinstance(result, CreatedUser):  # only non-三员 accounts are created here: no dual control
        raise TypeError(f"unexpected pending request: {result!r}")
    return result


def seed_city(platform: Platform, folder: Path) -> DemoCredentials | None:
    """Seed the demo city into a fresh store; None (nothing changed) when the store is already set up."""
    if not needs_bootstrap(platform):
        return None
    folder = ensure_demo(folder)
    boot = bootstrap(platform, authority_name=AUTHORITY, admin_username=SYSADMIN, security_admin_username=SECADMIN,
                     auditor_username=AUDITOR, admin_display_name="系统管理员（演示）",
                     security_admin_display_name="安全管理员（演示）", auditor_display_name="审计管理员（演示）",
                     client="shuan-demo")
    logged_in = [first_login(platform, role=a.role, username=a.user.username, display_name=a.user.display_name,
                             department=AUTHORITY, one_time_secret=a.one_time_secret) for a in boot.accounts]
    admins = tuple(account for account, _ in logged_in)
    sys_session, sec_session, audit_session = (session for _, session in logged_in)
    logout(platform, session_id=audit_session)
    sysadmin = _principal(platform, sys_session)
    usernames = [a.username for a in admins]
    departments: list[tuple[DemoDepartment, int]] = []
    stewards: dict[str, CreatedUser] = {}
    analysts: dict[str, CreatedUser] = {}
    for dept in DEPARTMENTS:
        info = create_department(platform, actor=sysadmin, name=dept.name, parent_id=boot.department.id)
        departments.append((dept, info.id))
        dept_steward = _created(create_user(platform, actor=sysadmin, username=f"{dept.code}.steward",
                                            display_name=f"{dept.name}数据管理员", department_id=info.id,
                                            roles=(Role.STEWARD,)))
        stewards[dept.code] = dept_steward
        analyst = _created(create_user(platform, actor=sysadmin, username=f"{dept.code}.analyst",
                                       display_name=f"{dept.name}数据使用者", department_id=info.id,
                                       roles=(Role.DATA_USER,)))
        analysts[dept.code] = analyst
        usernames += [dept_steward.user.username, analyst.user.username]
    first_dept, first_id = departments[0]
    officer = _created(create_user(platform, actor=sysadmin, username=f"{first_dept.code}.officer",
                                   display_name=f"{first_dept.name}数据安全负责人", department_id=first_id,
                                   roles=(Role.DEPT_SECURITY_OFFICER,)))
    vendor = _created(create_user(platform, actor=sysadmin, username=VENDOR, display_name="运维外包人员",
                                  department_id=boot.department.id, roles=(Role.VENDOR,),
                                  vendor_name=VENDOR_COMPANY,
                                  vendor_until=now_or(None) + timedelta(days=VENDOR_DAYS)))
    usernames += [officer.user.username, vendor.user.username]
    logout(platform, session_id=sys_session)

    shown = stewards[first_dept.code]
    steward, steward_session = first_login(platform, role=Role.STEWARD, username=shown.user.username,
                                           display_name=shown.user.display_name, department=first_dept.name,
                                           one_time_secret=shown.one_time_secret)
    providing = next(dept for dept, _ in departments if dept.code == PROVIDER_DEPARTMENT)
    provider, provider_session = first_login(platform, role=Role.STEWARD, username=stewards[providing.code].user.username,
                                             display_name=stewards[providing.code].user.display_name,
                                             department=providing.name,
                                             one_time_secret=stewards[providing.code].one_time_secret)
    requesting = next(dept for dept, _ in departments if dept.code == REQUESTER_DEPARTMENT)
    _, requester_session = first_login(platform, role=Role.DATA_USER, username=analysts[requesting.code].user.username,
                                       display_name=analysts[requesting.code].user.display_name,
                                       department=requesting.name,
                                       one_time_secret=analysts[requesting.code].one_time_secret)

    secadmin = _principal(platform, sec_session)
    scans: list[ScanView] = []
    for dept, dept_id in departments:
        for name, filename in dept.sources:
            view = register_source(platform, actor=secadmin, name=name, location=str((folder / filename).resolve()),
                                   department_id=dept_id, responsible_username=f"{dept.code}.steward")
            scans.append(scan_source(platform, actor=secadmin, source_id=view.id))
    sources = [name for dept, _ in departments for name, _ in dept.sources]
    sharing = seed_sharing(platform, authority=secadmin, authority_password=admins[1].password,
                           provider=_principal(platform, provider_session), provider_password=provider.password,
                           requester=_principal(platform, requester_session), sources=sources,
                           provider_source=providing.sources[0][0], provider_table=PROVIDER_TABLE,
                           pending_source=PENDING_SOURCE)
    for session_id in (steward_session, provider_session, requester_session, sec_session):
        logout(platform, session_id=session_id)
    return DemoCredentials(accounts=(*admins, steward), departments=tuple(d.name for d, _ in departments),
                           usernames=tuple(usernames), scans=tuple(scans), sharing=sharing)
