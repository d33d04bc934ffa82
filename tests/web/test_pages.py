"""Every page answers a signed-in runner with HTML that is private, framed by the CSP, and
carries the safety line; visitors are sent to log in; clinicians are told the pages are not
theirs."""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.web.conftest import Browser
from tests.web.seed import CLINICIAN_EMAIL, NOW, OTHER_EMAIL, SeedWorld

RUNNER_PAGES = (
    "/",
    "/?window=6m",
    "/?window=1y",
    "/?window=all",
    "/plan",
    "/plan?week=3",
    "/log",
    "/activities",
    "/upload",
    "/progress",
    "/assessment",
    "/account",
    "/account/delete",
    "/menu",
)


@pytest.mark.parametrize("path", RUNNER_PAGES)
def test_every_runner_page_is_private_html_with_the_safety_line(reader: Browser, path: str) -> None:
    response = reader.page(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert 'href="/safety"' in response.text
    assert 'class="skip-link" href="#main"' in response.text


@pytest.mark.parametrize("path", RUNNER_PAGES)
def test_a_visitor_who_is_not_signed_in_is_sent_to_log_in_and_back(
    visitor: Browser, path: str
) -> None:
    response = visitor.get(path, follow_redirects=False)
    if path == "/" or path.startswith("/?"):
        assert response.status_code == 200
        assert "Create an account" in response.text
        return
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/")


def test_a_page_sent_to_log_in_comes_back_after_logging_in(anon: Browser) -> None:
    anon.page("/login?next=/progress")
    response = anon.submit(
        "/login",
        {"email": "ana@example.org", "password": "correct horse battery", "next": "/progress"},
    )
    assert response.headers["location"] == "/progress"


def test_log_in_never_sends_anyone_to_another_site(anon: Browser) -> None:
    anon.page("/login")
    response = anon.submit(
        "/login",
        {"email": "ana@example.org", "password": "correct horse battery", "next": "//evil.example"},
    )
    assert response.headers["location"] == "/"


def test_a_clinician_sees_that_the_runner_pages_are_not_theirs(anon: Browser) -> None:
    anon.log_in(CLINICIAN_EMAIL)  # staff set up two-step log-in first (test_security_pages)
    anon.page("/account/two-factor")
    started = anon.submit("/account/two-factor/start")
    secret = re.search(r'aria-label="Key: ([A-Z2-7]+)"', started.text)
    assert secret
    anon.submit("/account/two-factor/confirm", {"code": pyotp.TOTP(secret.group(1)).at(NOW)})
    home = anon.page("/")
    assert home.status_code == 200
    assert "Signed in as Dr North" in home.text
    assert 'href="/clinic/patients"' in home.text  # the clinic's day starts with the patients
    response = anon.get("/plan")
    assert response.status_code == 403
    assert "these pages are for runners" in response.text


def test_public_pages_need_no_account(visitor: Browser) -> None:
    for path in ("/safety", "/settings", "/login", "/signup"):
        response = visitor.get(path)
        assert response.status_code == 200, path
    assert "emergency department straight away" in visitor.get("/safety").text


def test_an_unknown_page_is_a_plain_404_page(reader: Browser) -> None:
    response = reader.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Traceback" not in response.text


def test_the_api_keeps_its_json_errors(reader: Browser) -> None:
    response = reader.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "route.not_found"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_a_crash_shows_a_page_that_leaks_nothing(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backstride.web import dashboard

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals /srv/backstride.db password=hunter2")

    monkeypatch.setattr(dashboard, "build", boom)
    with Browser(browser.app, base_url="http://testserver", raise_server_exceptions=False) as b:
        b.cookies = browser.cookies
        response = b.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    for leak in ("RuntimeError", "hunter2", "backstride.db", "Traceback", 'File "'):
        assert leak not in response.text


def test_another_runners_activity_is_not_found(browser: Browser, world: SeedWorld) -> None:
    from sqlalchemy import select

    from backstride.store.db import make_engine, session_factory
    from backstride.store.models import Activity

    settings = browser.app.state.settings  # type: ignore[attr-defined]
    engine = make_engine(settings.effective_database_url)
    with session_factory(engine)() as session:
        mine = session.scalars(
            select(Activity.id).where(Activity.runner_id == world.runner_id).limit(1)
        ).one()
    engine.dispose()
    assert browser.get(f"/activities/{mine}").status_code == 200
    browser.cookies.clear()
    browser.log_in("ben@example.org")
    response = browser.get(f"/activities/{mine}")
    assert response.status_code == 404
    assert "activity.not_found" in response.text


def test_the_colour_setting_is_kept_in_this_browser(anon: Browser) -> None:
    anon.page("/settings")
    response = anon.submit("/settings", {"theme": "dark"})
    assert response.headers["location"] == "/settings?saved=1"
    page = anon.get("/settings?saved=1")
    assert '<html lang="en" data-theme="dark">' in page.text
    assert 'id="theme-dark" name="theme" value="dark" checked' in page.text
    anon.submit("/settings", {"theme": "purple"})
    assert 'data-theme="dark"' in anon.get("/").text


def test_a_runner_without_runs_sees_no_data_rather_than_empty_charts(anon: Browser) -> None:
    anon.log_in(OTHER_EMAIL)
    home = anon.page("/")
    for chart_id in ("chart-weekly", "chart-fitness"):
        figure = home.text.split(f'id="{chart_id}"', 1)[1].split("</figure>", 1)[0]
        assert "No data in this window yet." in figure
        assert "<svg" not in figure


def test_a_runner_with_runs_gets_the_charts_drawn(reader: Browser) -> None:
    home = reader.page("/")
    for chart_id in ("chart-weekly", "chart-fitness"):
        figure = home.text.split(f'id="{chart_id}"', 1)[1].split("</figure>", 1)[0]
        assert "No data in this window yet." not in figure
        assert "<svg" in figure
