"""The administrators' console in a real browser (Debian's chromium, headless, 1366×768): the system
administrator creates a steward whose first login (one-time password → new password → TOTP enrolment) is
finished in a second browser; a reviewer reveals masked sample values with a reason, by keyboard only,
and the auditor finds the reveal in the log; the security administrator creates and revokes a grant.
The lists of users, grants and the inventory fit 1366 px without a horizontal scrollbar, and the main
navigation stays on one line. Every page fails the test on a console error, a script error or a CSP
violation (`watched_tab`)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from shuan.identity.roles import Role, role_label
from shuan.messages import msg
from shuan.web.console import adminkit
from tests.browser.conftest import (
    ARTIFACTS,
    SENSITIVE_TABLE,
    SOURCE_NAME,
    VIEWPORT,
    Console,
    Tab,
    log_in,
    shot,
    watched_tab,
)
from tests.web.conftest import Actor

pytestmark = pytest.mark.browser

NEW_STEWARD = "wang.wu"
NEW_PASSWORD = "Wangwu-Steward-77"
DEPARTMENT = "卫生健康委员会"
STEWARD_LABEL = role_label(Role.STEWARD, "zh")  # 数据管理员
#: the raw mobile numbers of the test source (`sensitive_sqlite`): 1380013xxxx
RAW_MOBILE = re.compile(r"\b1380013\d{4}\b")
#: the inventory table the grant is on (registered in the access register by the fixture's scan)
GRANT_RESOURCE = f"src:{SOURCE_NAME}/tbl:{SENSITIVE_TABLE}"


def layout(page: Any) -> dict[str, Any]:
    """What overflows at this width: the document's widths, the widest elements past the viewport, and
    the top of every link of the main navigation (one line: a single top)."""
    found: dict[str, Any] = page.evaluate("""(width) => {
        const root = document.documentElement;
        const wide = [];
        for (const e of document.querySelectorAll("body *")) {
            const r = e.getBoundingClientRect();
            if (r.right > width + 0.5) {
                const name = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                    + (typeof e.className === "string" && e.className ? "." + e.className.split(" ").join(".") : "");
                wide.push(name + " right=" + Math.round(r.right) + " width=" + Math.round(r.width));
            }
        }
        const links = Array.from(document.querySelectorAll("header.top nav a"));
        return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide: wide.slice(0, 12),
                nav: links.map(a => [a.textContent.trim(), a.offsetTop]),
                header: Math.round(document.querySelector("header.top").getBoundingClientRect().height)};
    }""", VIEWPORT["width"])
    return found


def assert_fits(page: Any, what: str) -> dict[str, Any]:
    """No horizontal scrollbar at 1366 px, and the main navigation on one line."""
    seen = layout(page)
    assert seen["scrollWidth"] <= VIEWPORT["width"], (what, "horizontal scrollbar", seen)
    tops = {top for _, top in seen["nav"]}
    assert seen["nav"] and len(tops) == 1, (what, "navigation wraps", seen)
    return seen


def cst_day(console: Console, days: int) -> str:
    """A date as the forms take it (YYYY-MM-DD, China Standard Time), `days` from the identity clock's now."""
    return (console.api.clock.now().astimezone(adminkit.CST).date() + timedelta(days=days)).isoformat()


def admin_of(console: Console) -> Actor:
    assert console.api.admin is not None  # bootstrapped by the fixture
    return console.api.admin


def test_admin_creates_a_steward_who_finishes_the_first_login(tab: Tab, console: Console, browser: Any) -> None:
    department = console.api.department(DEPARTMENT)
    page = tab.page
    log_in(page, console, admin_of(console))
    page.get_by_role("link", name=msg("console.admin_nav_users")).click()
    page.wait_for_url("**/console/users")
    assert page.locator("h1").inner_text() == msg("console.admin_users_title")
    page.get_by_role("link", name=msg("console.admin_user_new")).click()
    page.wait_for_url("**/console/users/new")
    page.fill("#username", NEW_STEWARD)
    page.fill("#display_name", "王五")
    page.select_option("#department", str(department))
    page.get_by_role("checkbox", name=STEWARD_LABEL, exact=True).check()
    shot(page, "18-admin-user-new")
    page.get_by_role("button", name=msg("console.admin_user_create")).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == msg("console.admin_secret_title"), page.content()[-2000:]
    assert msg("console.admin_secret_created", username=NEW_STEWARD) in page.locator("[role=status]").inner_text()
    one_time = page.locator("output.secret").inner_text().strip()
    assert one_time, "no one-time secret on the page"
    shot(page, "19-admin-user-secret")

    with watched_tab(browser) as other:
        newcomer = other.page
        newcomer.goto(console.url("/console/login"))
        newcomer.fill("#username", NEW_STEWARD)
        newcomer.fill("#password", one_time)
        newcomer.get_by_role("button", name=msg("console.login_submit")).click()
        newcomer.wait_for_url("**/console/account/password")
        assert newcomer.locator("h1").inner_text() == msg("console.account_password_title")
        assert newcomer.locator("header.top nav").count() == 0  # no navigation before the login is complete
        newcomer.fill("#current_password", one_time)
        newcomer.fill("#new_password", NEW_PASSWORD)
        newcomer.fill("#repeat_password", NEW_PASSWORD)
        shot(newcomer, "20-first-login-password")
        newcomer.get_by_role("button", name=msg("console.account_password_submit")).click()
        newcomer.wait_for_url("**/console/account/totp")
        assert newcomer.locator("h1").inner_text() == msg("console.account_totp_title")
        qr = newcomer.locator("figure svg.qr[role=img]")
        assert qr.is_visible()
        box = qr.bounding_box()
        assert box is not None and box["width"] >= 100 and box["height"] >= 100, box
        secret = newcomer.locator("#totp_secret").inner_text().replace(" ", "")
        assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
        shot(newcomer, "21-first-login-totp")
        newcomer.fill("#code", console.api.clock.fresh_code(secret))
        newcomer.get_by_role("button", name=msg("console.account_totp_submit")).click()
        newcomer.wait_for_url("**/console/")
        assert newcomer.locator("h1").inner_text() == msg("console.dashboard_title")
        assert NEW_STEWARD in newcomer.locator("header .who").inner_text()
        # a steward manages the grants of the own department: the link is in the navigation
        assert newcomer.get_by_role("link", name=msg("console.admin_nav_grants")).count() == 1
        shot(newcomer, "22-first-login-dashboard")

    # the administrator's list shows the account: department, role, the authenticator enrolled
    page.goto(console.url("/console/users"))
    row = page.locator("table.grid tbody tr", has=page.get_by_role("link", name=NEW_STEWARD, exact=True))
    text = row.inner_text()
    assert DEPARTMENT in text and STEWARD_LABEL in text and msg("console.admin_yes") in text, text
    assert_fits(page, "users")
    shot(page, "23-admin-users-1366")


def test_reveal_by_keyboard_then_the_audit_log(tab: Tab, console: Console) -> None:
    page = tab.page
    log_in(page, console, console.steward)
    page.goto(console.url("/console/inventory"))
    assert_fits(page, "inventory")
    page.get_by_role("link", name=SENSITIVE_TABLE).click()
    page.wait_for_url(re.compile(r".*/console/tables/\d+$"))
    table_url = page.url
    # the kept sample values are masked; no raw value is on the page
    samples = page.locator("table.grid td.samples")
    assert samples.count() >= 1
    masked = samples.all_inner_texts()
    assert any("*" in s for s in masked), masked
    before = page.content()
    assert not RAW_MOBILE.search(before), RAW_MOBILE.search(before)
    shot(page, "24-table-masked")
    # by keyboard only: the skip link, then Tab to the reveal form, the column by typing, the reason, Enter
    page.keyboard.press("Tab")
    assert "skip" in page.evaluate("document.activeElement.className")
    page.keyboard.press("Enter")
    stops: list[str] = []
    for _ in range(30):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
        if stops[-1] == "reveal-column":
            break
    assert stops[-1] == "reveal-column", stops
    page.keyboard.type("sjhm")  # a closed select takes the typed option
    assert page.evaluate("document.activeElement.value") == "sjhm"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "reveal-reason"
    page.keyboard.type("核对手机号列的分级")
    # what the user sees (a full-page shot of a scrolled page draws the sticky table header mid-page)
    page.screenshot(path=str(ARTIFACTS / "25-reveal-form-keyboard.png"))
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/reveal")) as answer:
        page.keyboard.press("Enter")  # submits the form from its text field
    assert answer.value.status == 200 and answer.value.headers["cache-control"] == "no-store"
    page.wait_for_load_state()
    revealed = page.locator("section.revealed")
    revealed.wait_for()
    assert msg("console.revealed_title", column="sjhm") in revealed.locator("h2").inner_text()
    values = revealed.locator("li code").all_inner_texts()
    assert values and all(RAW_MOBILE.fullmatch(v) for v in values), values
    assert page.url == table_url + "/reveal", page.url  # the form posted; the page is not cached
    shot(page, "26-reveal-raw-values")

    # the auditor, in the same browser after the steward logged out, finds the reveal in the log
    page.get_by_role("button", name=msg("console.logout")).click()
    page.wait_for_url("**/console/login")
    auditor = page
    log_in(auditor, console, console.auditor)
    auditor.get_by_role("link", name=msg("console.nav_audit")).click()
    auditor.wait_for_url("**/console/audit")
    auditor.fill("#f-action", "inventory.reveal")
    auditor.get_by_role("button", name=msg("console.apply")).click()
    auditor.wait_for_url(re.compile(r".*/console/audit\?.*action=inventory\.reveal"))
    rows = auditor.locator("table.grid tbody tr")
    assert rows.count() >= 1
    first = rows.first.inner_text()
    assert "inventory.reveal" in first and console.steward.username in first and "success" in first, first
    assert "核对手机号列的分级" in first, first
    assert not RAW_MOBILE.search(auditor.locator("table.grid").inner_text())  # the log keeps no raw value
    assert_fits(auditor, "audit")
    shot(auditor, "27-audit-reveal")


def test_secadmin_creates_and_revokes_a_grant(tab: Tab, console: Console) -> None:
    secadmin = console.api.officer(Role.SECADMIN)
    page = tab.page
    log_in(page, console, secadmin)
    assert_fits(page, "dashboard (security administrator)")
    page.get_by_role("link", name=msg("console.admin_nav_grants")).click()
    page.wait_for_url("**/console/grants")
    assert page.locator("h1").inner_text() == msg("console.admin_grants_title")
    page.get_by_role("link", name=msg("console.admin_grant_new")).click()
    page.wait_for_url("**/console/grants/new")
    page.get_by_role("radio", name=msg("console.admin_subject_kind_user")).check()
    page.fill("#subject_user", console.steward.username)
    page.fill("#resource", GRANT_RESOURCE)
    page.get_by_role("checkbox", name="读取").check()
    page.fill("#purpose", "户籍信息核查（浏览器测试）")
    page.fill("#valid_until", cst_day(console, 30))
    shot(page, "28-grant-new")
    page.get_by_role("button", name=msg("console.admin_grant_create")).click()
    page.wait_for_url(re.compile(r".*/console/grants\?created=\d+$"))
    grant = int(page.url.rsplit("=", 1)[1])
    assert msg("console.admin_grant_created", grant=grant) in page.locator("[role=status]").first.inner_text()
    row = page.locator(f"#grant-{grant}")
    text = row.inner_text()
    assert msg("console.admin_subject_user", name=console.steward.username) in text, text
    assert GRANT_RESOURCE in text and msg("console.admin_grant_in_force") in text, text
    assert_fits(page, "grants")
    shot(page, "29-grants-1366")
    # revoke with a reason
    row.get_by_label(msg("console.admin_revoke_reason")).fill("核查已完成")
    row.get_by_role("button", name=msg("console.admin_revoke")).click()
    page.wait_for_url(re.compile(rf".*/console/grants\?revoked={grant}$"))
    assert msg("console.admin_grant_revoked_done", grant=grant) in page.locator("[role=status]").first.inner_text()
    assert page.locator(f"#grant-{grant}").count() == 0  # the default list leaves revoked grants out
    page.select_option("#state", "revoked")
    page.get_by_role("button", name=msg("console.apply")).click()
    page.wait_for_url(re.compile(r".*/console/grants\?.*state=revoked"))
    text = page.locator(f"#grant-{grant}").inner_text()
    assert msg("console.admin_grant_revoked") in text and "核查已完成" in text, text
    assert page.locator(f"#grant-{grant} form").count() == 0  # nothing left to revoke
    assert_fits(page, "grants (revoked)")
    shot(page, "30-grant-revoked")
