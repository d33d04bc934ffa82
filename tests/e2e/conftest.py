"""Browser tests: the app served by uvicorn in a thread on a free loopback port, driven by
Playwright in Debian's chromium-headless-shell (``scripts/debian-packages.txt``).

Every page a test opens can be checked with :func:`check_page`: axe-core (bundled with
axe-playwright-python, offline) finds no serious or critical violation, the page does not
scroll sideways, tap targets are at least 44 px, the browser logged no error (a CSP
violation is one), and a screenshot goes to ``build/screenshots`` (``make screenshots``).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
import uvicorn
from argon2 import PasswordHasher
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)
from sqlalchemy.orm import Session

from backstride.api.app import create_app
from backstride.config import Settings
from backstride.services import clinics, passwords
from backstride.store.db import make_engine, session_factory
from backstride.store.models import Account, Clinic
from tests.web.seed import NOW, PASSWORD, seed

CHROMIUM = os.environ.get("BACKSTRIDE_CHROMIUM", "/usr/lib/chromium/chromium-headless-shell")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("BACKSTRIDE_SCREENSHOTS", ROOT / "build" / "screenshots"))
DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=390, height=844)
TWINS = (
    "ana.desktop@example.org",
    "ana.phone@example.org",
    "ana.nojs@example.org",
    "ana.keys@example.org",
    "ana.wizard@example.org",
    "ana.wiznojs@example.org",
    "ana.book.desktop@example.org",
    "ana.book.phone@example.org",
    "ana.book.nojs@example.org",
    "ana.book.race1@example.org",
    "ana.book.race2@example.org",
)
_AXE = Axe()


@dataclass
class Live:
    """The running server: its base URL and settings."""

    url: str
    settings: Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The seeded app on a loopback port, with its background import worker."""
    saved = passwords.HASHER
    passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    settings = Settings(data_dir=data_dir, cookie_secure=True)
    try:
        seed(settings, twins=TWINS)
        app = create_app(settings, clock=lambda: NOW, run_worker=True)
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline:  # pragma: no cover - a broken start
                pytest.fail("the test server did not start")
            time.sleep(0.05)
        yield Live(f"http://127.0.0.1:{port}", settings)
        server.should_exit = True
        thread.join(10)
    finally:
        passwords.HASHER = saved


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright's sync API runs an event loop in this thread while it is open: closed after
    each module so that other tests of the same worker find no running loop."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium (Playwright's own download cannot reach the internet here)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM)
    yield browser
    browser.close()


@dataclass
class Tab:
    """A page in its own browser context, with the errors the browser logged."""

    page: Page
    context: BrowserContext
    base: str
    errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page


@pytest.fixture
def open_tab(chromium: Browser, live: Live) -> Iterator[Callable[..., Tab]]:
    """``open_tab(viewport, javascript=True, dark=False)``: a fresh context and page."""
    tabs: list[Tab] = []

    def make(
        viewport: ViewportSize = DESKTOP, *, javascript: bool = True, dark: bool = False
    ) -> Tab:
        context = chromium.new_context(
            viewport=viewport,
            java_script_enabled=javascript,
            color_scheme="dark" if dark else "light",
            reduced_motion="reduce",
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        tab = Tab(page, context, live.url)
        page.on(
            "console",
            lambda m: _console(
                tab, m.type, f"{m.text} [{m.location.get('url')}:{m.location.get('lineNumber')}]"
            ),
        )
        page.on("pageerror", lambda e: tab.errors.append(str(e)))
        tabs.append(tab)
        return tab

    yield make
    for tab in tabs:
        tab.context.close()
    for tab in tabs:
        assert tab.errors == [], tab.errors


def _console(tab: Tab, kind: str, text: str) -> None:
    """Browser errors fail the test (a CSP violation is one); an HTTP error status the test
    asked for (a 404 page, a refused upload) is the server's answer, not a page error."""
    if kind == "error" and not text.startswith("Failed to load resource"):
        tab.errors.append(text)


def log_in(tab: Tab, email: str) -> None:
    """Log in through the form, as a person would."""
    page = tab.go("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(tab.base + "/")


@contextmanager
def live_session(live: Live) -> Iterator[Session]:
    """A session on the live server's database (its own engine, disposed after)."""
    engine = make_engine(live.settings.effective_database_url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def north_clinician(live: Live, email: str, name: str) -> tuple[str, str]:
    """A clinician of North Clinic with a second factor: ``(TOTP secret, account id)``."""
    secret = pyotp.random_base32()
    with live_session(live) as session:
        north = session.query(Clinic).filter(Clinic.slug == "north").one()
        made = clinics.create_clinician(
            session,
            principal=None,
            email=email,
            password=PASSWORD,
            display_name=name,
            clinic_id=north.id,
            now=NOW - dt.timedelta(days=1),
        )
        account = session.get(Account, made.account_id)
        assert account is not None
        account.totp_secret = secret
        account.totp_enabled_at = NOW - dt.timedelta(days=1)
        session.commit()
    return secret, made.account_id


def log_in_with_code(tab: Tab, email: str, secret: str) -> None:
    """Log in as staff: password, then the authenticator app's code."""
    page = tab.go("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).at(NOW))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(tab.base + "/")


TAP_TARGETS = (
    "button:not(.link-button), a.btn, .main-nav a, .segmented a, input:not([type=hidden])"
    ":not([type=radio]):not([type=checkbox]), select, .choice label, .pager a"
)


def check_page(page: Page, name: str, *, checker: Page | None = None) -> dict[str, Any]:
    """axe (0 serious/critical), no sideways scroll, 44 px targets, a screenshot.

    A page without JavaScript cannot run axe: pass ``checker``, a page of a JavaScript
    context of the same size, and the checks run on a copy of the page's HTML there.
    """
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size or DESKTOP
    page.screenshot(
        path=str(SHOTS / f"{name}-{viewport['width']}x{viewport['height']}.png"), full_page=True
    )
    if checker is not None:
        copy_url = "/".join(page.url.split("/", 3)[:3]) + "/__a11y-copy"
        html = page.content()
        checker.route(
            copy_url,
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=html
            ),
        )
        checker.goto(copy_url)
        checker.unroute(copy_url)
        page = checker
    results = _AXE.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{name}: scrolls sideways ({width} px)"
    small = page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel))
            .filter(e => e.offsetParent !== null)
            .map(e => [e.getBoundingClientRect(), e])
            .filter(([r]) => r.width > 0 && (r.height < 43.5 || r.width < 43.5))
            .map(([r, e]) => e.outerHTML.slice(0, 80) + ' ' + Math.round(r.width)
                 + 'x' + Math.round(r.height))""",
        TAP_TARGETS,
    )
    assert small == [], f"{name}: small tap targets {small}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SHOTS / f"{name}-{viewport['width']}x{viewport['height']}.png"), full_page=True
    )
    response: dict[str, Any] = results.response  # axe's JSON report
    return response
