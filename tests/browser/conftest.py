"""Browser fixtures: a real platform served by uvicorn on 127.0.0.1 (console over plain http to localhost,
`console_allow_http`), and Debian's chromium driven by Playwright (never a downloaded browser).

One platform per module: the three administrators (三员), a steward and the auditor with TOTP, and a small
SQLite source with sensitive columns registered and scanned by the steward. The identity services run on
the tests' movable clock (`tests.web.conftest.Clock`), so each login uses a TOTP step no earlier login
used, without waiting for real time steps. Screenshots go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts

from shuan.config import Settings
from shuan.demo.fake import id_check_char
from shuan.identity import common, passwords
from shuan.identity.roles import Role
from shuan.inventory.sources import register_source, scan_source
from shuan.platform import Platform, open_platform
from shuan.web.app import create_app
from tests.conftest import TEST_ROOT_KEY, in_ci
from tests.web.conftest import Actor, Api, Clock
from tests.web.consolekit import principal

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
VIEWPORT = {"width": 1366, "height": 768}
STEWARD_NAME = "zhang.steward"
SOURCE_NAME = "人口库"
#: the table with sensitive columns, and a second one without any (so a search narrows the list)
SENSITIVE_TABLE = "rk_jbxx"
PLAIN_TABLE = "zd_dmb"


def _unavailable(reason: str) -> None:
    """Skip on a developer machine without a browser; in CI (CI=true) a missing browser is a failure."""
    if in_ci():
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium; `make test` installs it)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        _unavailable(f"playwright is not importable: {exc}")
    return CHROMIUM


def _id_number(i: int) -> str:
    first17 = f"370802{1980 + i % 20}{1 + i % 12:02d}{1 + i % 28:02d}{100 + i:03d}"
    return first17 + id_check_char(first17)


def sensitive_sqlite(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE {SENSITIVE_TABLE} (xm TEXT, sfzh TEXT, sjhm TEXT, bz TEXT)")
    surnames = "王李张刘陈杨赵黄周吴"
    con.executemany(f"INSERT INTO {SENSITIVE_TABLE} VALUES (?, ?, ?, ?)",  # noqa: S608 - test data
                    [(surnames[i % 10] + "小" + "明红华"[i % 3], _id_number(i), f"1380013{i:04d}", f"备注{i}")
                     for i in range(60)])
    con.execute(f"CREATE TABLE {PLAIN_TABLE} (dm TEXT, mc TEXT)")
    con.executemany(f"INSERT INTO {PLAIN_TABLE} VALUES (?, ?)",  # noqa: S608 - test data
                    [(f"{i:03d}", f"代码{i}") for i in range(20)])
    con.commit()
    con.close()
    return path


@dataclass
class Console:
    """The served platform and the people who use it."""

    base_url: str
    api: Api
    steward: Actor
    auditor: Actor
    routes: frozenset[str]
    source_path: Path
    tmp: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path

    def code(self, actor: Actor) -> str:
        """A TOTP code of a step no earlier login used (the identity clock moves on by one step)."""
        assert actor.totp_secret is not None
        return self.api.clock.fresh_code(actor.totp_secret)


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _wait_healthy(url: str, thread: threading.Thread, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("uvicorn stopped before it answered /api/v1/health")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - http://127.0.0.1 of the test
                if r.status == 200:
                    return
        except OSError as exc:
            last = exc
        time.sleep(0.05)
    raise RuntimeError(f"uvicorn did not answer {url} within {timeout} s: {last}")


@pytest.fixture(scope="module")
def console(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    import uvicorn

    tmp = tmp_path_factory.mktemp("browser")
    home = tmp / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHUAN_HOME", str(home))
        mp.setattr(passwords, "TIME_COST", 1)
        mp.setattr(passwords, "MEMORY_COST_KIB", 64)
        mp.setattr(passwords, "PARALLELISM", 1)
        clock = Clock()
        mp.setattr(common, "utcnow", clock.now)
        platform: Platform = open_platform(Settings(home=home, root_key=TEST_ROOT_KEY, console_allow_http=True))
        api = Api(platform, clock)
        try:
            api.bootstrap_admin()
            auditor = api.officer(Role.AUDITOR)
            steward = api.user(STEWARD_NAME, Role.STEWARD)
            source_path = sensitive_sqlite(tmp / "renkou.db")
            who = principal(api, steward)
            view = register_source(platform, actor=who, name=SOURCE_NAME, location=str(source_path),
                                   department_id=api.root_id, responsible_username=STEWARD_NAME)
            scan = scan_source(platform, actor=who, source_id=view.id)
            assert scan.scan_id is not None and scan.tables == 2, scan

            app = create_app(platform)
            routes = frozenset(r.path for r in iter_route_contexts(app.routes) if r.path)
            sock = _free_socket()
            port = sock.getsockname()[1]
            server = uvicorn.Server(uvicorn.Config(app=app, log_level="warning", lifespan="on",
                                                   server_header=False))
            thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
            thread.start()
            base = f"http://127.0.0.1:{port}"
            try:
                _wait_healthy(base + "/api/v1/health", thread)
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                yield Console(base, api, steward, auditor, routes, source_path, tmp)
            finally:
                server.should_exit = True
                thread.join(timeout=10)
                sock.close()
        finally:
            api.client.close()
            platform.close()


@pytest.fixture(scope="module")
def browser(console: Console, chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium_path), headless=True,
                               args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


class Watch:
    """Console errors, page errors and CSP violations seen by one page (all pages of a test)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def console(self, message: Any) -> None:
        if message.type in ("error", "assert"):  # a missing favicon (404) counts too: the console links one
            self.problems.append(f"console.{message.type}: {message.text} @ {message.location}")

    def page_error(self, error: Any) -> None:
        self.problems.append(f"pageerror: {error}")

    def violation(self, source: Any, report: str) -> None:
        self.problems.append(f"securitypolicyviolation on {source['frame'].url}: {report}")


CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__shuanCsp(e.violatedDirective + " blocked " + e.blockedURI + " (" + e.sourceFile + ":" + e.lineNumber + ")");
});
"""


@dataclass
class Tab:
    page: Any
    watch: Watch


@contextmanager
def watched_tab(browser: Any) -> Iterator[Tab]:
    """A fresh 1366×768 browser context (no cookies) and its page, watched for errors and CSP violations;
    on leaving, the test fails when any happened."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
    context.set_default_timeout(10_000)
    watch = Watch()
    context.expose_binding("__shuanCsp", watch.violation)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", watch.console)
    page.on("pageerror", watch.page_error)
    try:
        yield Tab(page, watch)
        assert watch.problems == [], watch.problems
    finally:
        context.close()


@pytest.fixture
def tab(browser: Any, console: Console) -> Iterator[Tab]:
    """A watched browser context of its own for each test (`watched_tab`)."""
    with watched_tab(browser) as fresh:
        yield fresh


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot under test-artifacts/browser/."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Any, console: Console, actor: Actor) -> None:
    """Password, then the TOTP code, through the console's forms; ends on the dashboard."""
    page.goto(console.url("/console/login"))
    page.fill("#username", actor.username)
    page.fill("#password", actor.password)
    page.click("form[action='/console/login'] button[type=submit]")
    page.wait_for_url("**/console/mfa")
    page.fill("#code", console.code(actor))
    page.click("form[action='/console/mfa'] button[type=submit]")
    page.wait_for_url("**/console/")
