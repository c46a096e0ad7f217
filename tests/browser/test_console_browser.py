"""The console in a real browser (Debian's chromium, headless, 1366×768): login with password and TOTP,
inventory search and review, keyboard use and layout, the auditor's verify, sources and the XLSX export.
Every test fails on a console error, a script error or a CSP violation (`tab` fixture)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from shuan.messages import msg
from tests.browser.conftest import (
    PLAIN_TABLE,
    SENSITIVE_TABLE,
    SOURCE_NAME,
    Console,
    Tab,
    log_in,
    sensitive_sqlite,
    shot,
)

pytestmark = pytest.mark.browser

NO_HSCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def active(page: Any) -> dict[str, str]:
    """What has the keyboard focus: tag, id, class, type, href."""
    found: dict[str, str] = page.evaluate("""() => {
        const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id || "", cls: e.className || "",
                type: e.getAttribute("type") || "", href: e.getAttribute("href") || ""};
    }""")
    return found


def widths(page: Any) -> str:
    found: str = page.evaluate(
        "() => document.documentElement.scrollWidth + ' > ' + document.documentElement.clientWidth")
    return found


def require_route(console: Console, path: str) -> None:
    """The pages these tests drive must exist: a missing route is a failure, not a skip."""
    assert path in console.routes, f"route not present: {path}"


def test_login_with_password_then_totp(tab: Tab, console: Console) -> None:
    page = tab.page
    page.goto(console.url("/console/"))
    page.wait_for_url("**/console/login")  # no session: the login page
    shot(page, "01-login")
    page.fill("#username", console.steward.username)
    page.fill("#password", console.steward.password)
    page.get_by_role("button", name=msg("console.login_submit")).click()
    page.wait_for_url("**/console/mfa")
    assert page.locator("h1").inner_text() == msg("console.mfa_title")
    # a wrong code is a one-line error on the same page
    page.fill("#code", "000000")
    page.get_by_role("button", name=msg("console.mfa_submit")).click()
    assert page.locator("[role=alert]").is_visible()
    shot(page, "02-mfa-wrong-code")
    tab.watch.problems = [p for p in tab.watch.problems if "status of 401" not in p]  # the refused POST itself
    page.fill("#code", console.code(console.steward))
    page.get_by_role("button", name=msg("console.mfa_submit")).click()
    page.wait_for_url("**/console/")
    assert page.locator("h1").inner_text() == msg("console.dashboard_title")
    assert console.steward.username in page.locator("header .who").inner_text()
    assert page.locator("ul.stats").is_visible() and page.locator(".charts svg").count() >= 1
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["shuan_console"]
    assert session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/console"
    shot(page, "03-dashboard")
    # logging out ends the session: the dashboard sends the browser to the login page again
    page.get_by_role("button", name=msg("console.logout")).click()
    page.wait_for_url("**/console/login")
    page.goto(console.url("/console/"))
    page.wait_for_url("**/console/login**")


def test_inventory_search_open_and_review(tab: Tab, console: Console) -> None:
    page = tab.page
    log_in(page, console, console.steward)
    page.get_by_role("link", name=msg("console.nav_inventory")).click()
    page.wait_for_url("**/console/inventory")
    results = page.locator("#results")
    assert SENSITIVE_TABLE in results.inner_text() and PLAIN_TABLE in results.inner_text()
    shot(page, "04-inventory")
    # search (htmx swaps #results and pushes the URL)
    page.fill("#q", SENSITIVE_TABLE)
    page.get_by_role("button", name=msg("console.apply")).click()
    page.wait_for_url(re.compile(r".*/console/inventory\?.*q=" + SENSITIVE_TABLE))
    page.wait_for_function("t => !document.querySelector('#results').innerText.includes(t)", arg=PLAIN_TABLE)
    assert SENSITIVE_TABLE in results.inner_text()
    # filter by a sensitive type: the table with mobile numbers stays, the code table is gone
    page.fill("#q", "")
    page.select_option("#type", "cn_mobile")
    page.get_by_role("button", name=msg("console.apply")).click()
    page.wait_for_url(re.compile(r".*type=cn_mobile.*"))
    page.wait_for_function("t => !document.querySelector('#results').innerText.includes(t)", arg=PLAIN_TABLE)
    assert SENSITIVE_TABLE in results.inner_text()
    shot(page, "05-inventory-filtered")
    page.get_by_role("link", name=SENSITIVE_TABLE).click()
    page.wait_for_url(re.compile(r".*/console/tables/\d+$"))
    assert SENSITIVE_TABLE in page.locator("h1").inner_text()
    assert page.locator("table.grid tbody th[scope=row]", has_text="sjhm").count() == 1
    shot(page, "06-table")
    # review: override the level of the remarks column, with a reason
    page.select_option("#column", "bz")
    page.get_by_role("radio", name=msg("console.review_override")).check()
    page.select_option("form[action$='/review'] #level", "2")
    page.fill("#reason", "备注列含个人信息，人工复核")
    page.get_by_role("button", name=msg("console.review_submit")).click()
    page.wait_for_load_state()
    status = page.locator("[role=status]")
    assert "已记录复核" in status.inner_text(), page.content()[-2000:]
    row = page.locator("table.grid tbody tr", has=page.locator("th[scope=row]", has_text="bz"))
    assert "备注列含个人信息" in row.inner_text(), row.inner_text()
    shot(page, "07-table-reviewed")


def test_keyboard_and_layout_at_1366(tab: Tab, console: Console) -> None:
    page = tab.page
    page.goto(console.url("/console/login"))
    assert active(page)["id"] == "username"  # autofocus
    # back to the top of the page: past the brand link, the skip link is the first stop
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert "skip" in active(page)["cls"] and active(page)["href"] == "#main", active(page)
    assert page.locator("a.skip").is_visible()  # shown when focused
    shot(page, "08-login-skip-link-focused")
    # from the skip link, Tab reaches username, password and submit in this order
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(active(page))
    stops = [(a["tag"], a["id"] or a["href"] or a["type"]) for a in order]
    assert stops == [("a", "/console/"), ("input", "username"), ("input", "password"), ("button", "submit")], stops
    # the skip link moves the focus to the main region, and the next Tab to the first field
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
    assert "skip" in active(page)["cls"], active(page)
    page.keyboard.press("Enter")
    assert active(page)["id"] == "main", active(page)
    page.keyboard.press("Tab")
    assert active(page)["id"] == "username", active(page)
    # the whole login by keyboard only
    page.keyboard.type(console.steward.username)
    page.keyboard.press("Tab")
    page.keyboard.type(console.steward.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/mfa")
    assert active(page)["id"] == "code"
    page.keyboard.type(console.code(console.steward))
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/")
    shot(page, "09-keyboard-dashboard")
    # the skip link on a page with navigation (the first Tab stop of a fresh page), then no horizontal
    # scrollbar at 1366 px
    page.keyboard.press("Tab")
    assert "skip" in active(page)["cls"], active(page)
    page.keyboard.press("Enter")
    assert active(page)["id"] == "main"
    assert page.evaluate(NO_HSCROLL), ("dashboard", widths(page))
    page.goto(console.url("/console/inventory"))
    assert page.evaluate(NO_HSCROLL), ("inventory", widths(page))
    shot(page, "10-inventory-1366")
    page.get_by_role("link", name=SENSITIVE_TABLE).click()
    page.wait_for_url(re.compile(r".*/console/tables/\d+$"))
    assert page.evaluate(NO_HSCROLL), ("table", widths(page))


def test_auditor_verifies_the_log(tab: Tab, console: Console) -> None:
    page = tab.page
    log_in(page, console, console.auditor)
    page.get_by_role("link", name=msg("console.nav_audit")).click()
    page.wait_for_url("**/console/audit")
    assert page.locator("table.grid tbody tr").count() > 0
    page.fill("#f-action", "auth.")
    page.get_by_role("button", name=msg("console.apply")).click()
    page.wait_for_url(re.compile(r".*/console/audit\?.*action=auth"))
    assert "auth.login" in page.locator("table.grid").inner_text()
    assert page.evaluate(NO_HSCROLL), ("audit", widths(page))
    shot(page, "11-audit-log")
    page.get_by_role("button", name=msg("console.audit_verify")).click()
    page.wait_for_url("**/console/audit/verify")
    result = page.locator("[role=status]")
    assert "日志链完整" in result.inner_text(), page.content()[-2000:]
    shot(page, "12-audit-verified")


def test_register_and_scan_a_source(tab: Tab, console: Console) -> None:
    require_route(console, "/console/sources")
    page = tab.page
    log_in(page, console, console.steward)
    page.get_by_role("link", name=msg("console.nav_sources")).click()
    page.wait_for_url("**/console/sources")
    assert SOURCE_NAME in page.locator("main table.grid").inner_text()  # the source the fixture registered
    assert page.evaluate(NO_HSCROLL), ("sources", widths(page))
    shot(page, "13-sources")
    page.get_by_role("link", name=msg("console.source_register")).click()
    page.wait_for_url("**/console/sources/new")
    location = sensitive_sqlite(console.tmp / "second.db")
    page.fill("#name", "第二人口库")
    page.fill("#location", str(location))
    page.fill("#responsible", console.steward.username)
    shot(page, "14-source-new")
    page.get_by_role("button", name=msg("console.source_register_submit")).click()
    page.wait_for_url(re.compile(r".*/console/sources/\d+$"))
    assert "第二人口库" in page.locator("h1").inner_text()
    page.get_by_role("button", name=msg("console.scan_submit")).click()
    page.locator("#scan-progress [data-finished=true]").wait_for(timeout=20_000)
    assert page.locator("#scan-progress .error").count() == 0, page.locator("#scan-progress").inner_text()
    shot(page, "15-source-scanned")
    page.goto(console.url("/console/inventory?q=" + SENSITIVE_TABLE))
    listed = page.locator("#results").inner_text()
    assert "第二人口库" in listed and SOURCE_NAME in listed, listed


def test_export_the_xlsx_and_open_it(tab: Tab, console: Console) -> None:
    require_route(console, "/console/exports")
    from openpyxl import load_workbook

    page = tab.page
    log_in(page, console, console.steward)
    page.get_by_role("link", name=msg("console.nav_exports")).click()
    page.wait_for_url("**/console/exports")
    shot(page, "16-exports")
    page.select_option("#format", "xlsx")
    with page.expect_download() as info:
        page.get_by_role("button", name=msg("console.export_submit")).click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    target = console.tmp / "export.xlsx"
    download.save_as(str(target))
    wb = load_workbook(target, read_only=True)
    try:
        assert msg("report.summary_sheet") in wb.sheetnames and msg("inventory.tables_sheet") in wb.sheetnames, \
            wb.sheetnames
        heading = wb[msg("report.summary_sheet")]["A1"].value
        assert heading == msg("report.scope_city") + msg("report.title"), heading  # the city-wide report
        cells = [str(c) for row in wb[msg("inventory.tables_sheet")].iter_rows(max_row=200, values_only=True)
                 for c in row if c is not None]
        assert SENSITIVE_TABLE in cells, cells[:50]
    finally:
        wb.close()
    shot(page, "17-exported")
