"""Account security through the pages: a forgotten password reset by an e-mailed link, the
same answer for known and unknown addresses, password and e-mail change, my sessions and
logging out elsewhere, two-step log-in (TOTP) with recovery codes, and the staff gate."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyotp
import pytest
from fastapi import FastAPI

from backstride.api.app import create_app
from backstride.config import Settings
from tests.api import mail
from tests.web.conftest import Browser
from tests.web.seed import CLINICIAN_EMAIL, NOW, PASSWORD, RUNNER_EMAIL

NEW_PASSWORD = "quiet river under stone"
_SECRET = re.compile(r'aria-label="Key: ([A-Z2-7]+)"')
_CODES = re.compile(r"<li><code>([a-z0-9-]{14})</code></li>")


@dataclass
class Clock:
    """The app's clock, moved on by the tests (a TOTP code works once per 30-second step)."""

    now: dt.datetime = NOW

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, seconds: int = 60) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed_app(web_settings: Settings, clock: Clock) -> FastAPI:
    """The app on the seeded copy with a clock the test moves."""
    return create_app(web_settings, clock=clock, run_worker=False)


@pytest.fixture
def ana(timed_app: FastAPI) -> Iterator[Browser]:
    with Browser(timed_app, base_url="http://testserver") as client:
        client.log_in()
        yield client


@pytest.fixture
def stranger(timed_app: FastAPI) -> Iterator[Browser]:
    with Browser(timed_app, base_url="http://testserver") as client:
        yield client


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def _kinds(settings: Settings, address: str) -> set[str]:
    return {m.kind for m in mail.mails_to(settings, address)}


def _ask_reset(client: Browser, email: str) -> str:
    client.page("/forgot-password")
    response = client.submit("/forgot-password", {"email": email})
    assert response.status_code == 200, response.text[:400]
    return _main(response.text)


# -- forgotten password ----------------------------------------------------------------------


def test_the_log_in_page_links_to_forgot_password(anon: Browser) -> None:
    assert '<a href="/forgot-password">Forgot your password?</a>' in anon.page("/login").text


def test_forgot_password_answers_the_same_for_a_known_and_an_unknown_address(
    anon: Browser, web_settings: Settings
) -> None:
    known = _ask_reset(anon, RUNNER_EMAIL)
    unknown = _ask_reset(anon, "nobody@example.org")
    assert known.replace(RUNNER_EMAIL, "X") == unknown.replace("nobody@example.org", "X")
    assert "a link to choose a new password is on its way" in known
    assert [m.kind for m in mail.mails_to(web_settings, RUNNER_EMAIL)] == ["account.password_reset"]
    assert mail.mails_to(web_settings, "nobody@example.org") == []


def test_forgot_password_with_a_broken_address_says_so_beside_the_field(anon: Browser) -> None:
    anon.page("/forgot-password")
    response = anon.submit("/forgot-password", {"email": "ana-at-example"})
    assert response.status_code == 422
    assert 'id="f-email-error"' in response.text
    assert "Not an e-mail address" in response.text
    assert 'value="ana-at-example"' in response.text


def test_too_many_reset_requests_are_refused_in_plain_words(anon: Browser) -> None:
    for _ in range(10):
        _ask_reset(anon, "someone@example.org")
    anon.page("/forgot-password")
    response = anon.submit("/forgot-password", {"email": "someone@example.org"})
    assert response.status_code == 429
    assert "Too many tries. Wait about an hour, then try again." in response.text


def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(
    anon: Browser, browser: Browser, web_settings: Settings
) -> None:
    _ask_reset(anon, RUNNER_EMAIL)
    token = mail.token_in(mail.mails_to(web_settings, RUNNER_EMAIL)[-1], "/reset-password")
    for _ in range(2):  # opening the link (a mail scanner, a second look) never uses it up
        page = anon.page(f"/reset-password?token={token}")
        assert page.status_code == 200
        assert "At least 10 characters" in page.text
    weak = anon.submit("/reset-password", {"token": token, "new_password": "password12"})
    assert weak.status_code == 422
    assert 'id="f-new_password-error"' in weak.text
    assert "password12" not in weak.text
    done = anon.submit("/reset-password", {"token": token, "new_password": NEW_PASSWORD})
    assert done.headers["location"] == "/login?reset=1"
    assert "Your new password is set" in anon.page("/login?reset=1").text
    assert browser.get("/plan", follow_redirects=False).status_code == 303  # signed out
    old = anon.submit("/login", {"email": RUNNER_EMAIL, "password": PASSWORD})
    assert old.status_code == 401
    anon.log_in(RUNNER_EMAIL, NEW_PASSWORD)
    assert "account.password_changed" in _kinds(web_settings, RUNNER_EMAIL)
    used = anon.get(f"/reset-password?token={token}")
    assert used.status_code == 422
    assert "This link is not valid any more." in used.text
    assert 'href="/forgot-password">Ask for a new link' in used.text
    again = anon.submit("/reset-password", {"token": token, "new_password": "another long phrase"})
    assert again.status_code == 422
    assert "this link is not valid any more; ask for a new one" in again.text.lower()


def test_an_expired_reset_link_is_refused_in_plain_words(
    stranger: Browser, clock: Clock, web_settings: Settings
) -> None:
    _ask_reset(stranger, RUNNER_EMAIL)
    token = mail.token_in(mail.mails_to(web_settings, RUNNER_EMAIL)[-1], "/reset-password")
    clock.tick(web_settings.password_reset_ttl_min * 60 + 1)
    page = stranger.page(f"/reset-password?token={token}")
    assert page.status_code == 422
    assert "This link is not valid any more." in page.text
    assert 'name="new_password"' not in page.text


# -- password and e-mail change --------------------------------------------------------------


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    browser: Browser, app: FastAPI, web_settings: Settings
) -> None:
    with Browser(app, base_url="http://testserver") as phone:
        phone.log_in()
        browser.page("/account/security")
        wrong = browser.submit(
            "/account/security/password",
            {"current_password": "not it at all", "new_password": NEW_PASSWORD},
        )
        assert wrong.status_code == 403
        assert 'id="f-current_password-error"' in wrong.text
        assert "The password or code is not right." in wrong.text
        assert "not it at all" not in wrong.text
        assert NEW_PASSWORD not in wrong.text
        weak = browser.submit(
            "/account/security/password",
            {"current_password": PASSWORD, "new_password": "password12"},
        )
        assert weak.status_code == 422
        assert 'id="f-new_password-error"' in weak.text
        old_cookie = browser.cookies["backstride_session"]
        done = browser.submit(
            "/account/security/password",
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        )
        assert done.headers["location"] == "/account/security?done=password"
        assert browser.cookies["backstride_session"] != old_cookie  # rotated
        assert "Your password is changed" in browser.page(done.headers["location"]).text
        assert phone.get("/plan", follow_redirects=False).status_code == 303
    assert "account.password_changed" in _kinds(web_settings, RUNNER_EMAIL)


def test_changing_the_e_mail_address_goes_through_a_link_to_the_new_one(
    browser: Browser, anon: Browser, web_settings: Settings
) -> None:
    browser.page("/account/security")
    wrong = browser.submit(
        "/account/security/email", {"new_email": "ana.new@example.org", "password": "nope nope"}
    )
    assert wrong.status_code == 403
    assert 'value="ana.new@example.org"' in wrong.text
    assert 'id="f-password-error"' in wrong.text
    sent = browser.submit(
        "/account/security/email", {"new_email": "ana.new@example.org", "password": PASSWORD}
    )
    assert sent.headers["location"] == "/account/security?done=email"
    assert "account.email_change_notice" in _kinds(web_settings, RUNNER_EMAIL)
    token = mail.token_in(mail.mails_to(web_settings, "ana.new@example.org")[-1], "/confirm-email")
    landing = anon.page(f"/confirm-email?token={token}")
    assert "Use this address" in landing.text
    moved = anon.submit("/confirm-email", {"token": token})
    assert moved.headers["location"] == "/login?email_changed=1"
    assert browser.get("/plan", follow_redirects=False).status_code == 303
    anon.log_in("ana.new@example.org", PASSWORD)
    again = anon.submit("/confirm-email", {"token": token})
    assert again.status_code == 422
    assert "This link is not valid any more; ask for a new one." in again.text


# -- sessions --------------------------------------------------------------------------------


def test_my_sessions_are_listed_and_log_out_everywhere_else_ends_the_others(
    app: FastAPI, web_settings: Settings
) -> None:
    phone_agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1) AppleWebKit Safari/604.1"
    with (
        Browser(app, base_url="http://testserver") as laptop,
        Browser(app, base_url="http://testserver", headers={"User-Agent": phone_agent}) as phone,
    ):
        laptop.log_in()
        phone.log_in()
        page = laptop.page("/account/security")
        assert "Safari on iPhone" in page.text
        assert page.text.count('<span class="badge ok">This browser</span>') == 1
        assert "Log out everywhere else" in page.text
        ended = laptop.submit("/account/security/sessions/end-others")
        assert ended.headers["location"] == "/account/security?done=others#sessions"
        assert phone.get("/plan", follow_redirects=False).status_code == 303
        assert laptop.get("/plan").status_code == 200
        after = laptop.page("/account/security")
        assert "only this browser is signed in" in after.text
        assert "Safari on iPhone" not in after.text


def test_one_other_session_can_be_logged_out_and_no_one_elses(
    app: FastAPI, browser: Browser
) -> None:
    with Browser(app, base_url="http://testserver") as other:
        other.log_in()
        me = browser.get("/api/v1/auth/sessions").json()
        theirs = next(s["id"] for s in me if not s["current"])
        browser.page("/account/security")
        assert f"/account/security/sessions/{theirs}/end" in browser.page("/account/security").text
        done = browser.submit(f"/account/security/sessions/{theirs}/end")
        assert done.status_code == 303
        assert other.get("/plan", follow_redirects=False).status_code == 303
        other.cookies.clear()
        other.log_in("ben@example.org", PASSWORD)
        refused = other.submit(f"/account/security/sessions/{me[0]['id']}/end")
        assert refused.status_code == 404
    assert browser.get("/plan").status_code == 200


def test_session_forms_need_the_csrf_token(browser: Browser) -> None:
    response = browser.post("/account/security/sessions/end-others", follow_redirects=False)
    assert response.status_code == 403


# -- two-step log-in -------------------------------------------------------------------------


def _enrol(client: Browser, clock: Clock) -> tuple[pyotp.TOTP, list[str]]:
    client.page("/account/two-factor")
    started = client.submit("/account/two-factor/start")
    assert started.status_code == 200, started.text[:400]
    assert "<svg" in started.text
    assert "<title>QR code for your authenticator app" in started.text
    found = _SECRET.search(started.text)
    assert found, started.text
    app_code = pyotp.TOTP(found.group(1))
    wrong = client.submit("/account/two-factor/confirm", {"code": "000000"})
    assert wrong.status_code == 422
    assert 'id="f-code-error"' in wrong.text
    assert "<svg" in wrong.text  # the same QR code again, to try once more
    enabled = client.submit("/account/two-factor/confirm", {"code": app_code.at(clock.now)})
    assert enabled.status_code == 200, enabled.text[:600]
    codes = _CODES.findall(enabled.text)
    assert len(codes) == 10
    assert enabled.headers["cache-control"] == "no-store"
    return app_code, codes


def test_two_step_log_in_is_set_up_with_a_qr_code_and_then_asked_for_at_log_in(
    ana: Browser, stranger: Browser, clock: Clock, web_settings: Settings
) -> None:
    app_code, codes = _enrol(ana, clock)
    assert "3 recovery codes" not in ana.page("/account/two-factor").text
    assert "10 recovery codes left" in ana.page("/account/two-factor").text
    assert "account.second_factor" in _kinds(web_settings, RUNNER_EMAIL)
    clock.tick()
    stranger.page("/login")
    asked = stranger.submit("/login", {"email": RUNNER_EMAIL, "password": PASSWORD})
    assert "Enter your code" in asked.text
    challenge = re.search(r'name="challenge" value="([^"]+)"', asked.text)
    assert challenge
    done = stranger.submit(
        "/login/code", {"challenge": challenge.group(1), "code": app_code.at(clock.now)}
    )
    assert done.status_code == 303, done.text[:400]
    assert stranger.get("/plan").status_code == 200
    del codes


def test_a_recovery_code_logs_in_once(ana: Browser, stranger: Browser, clock: Clock) -> None:
    _, codes = _enrol(ana, clock)
    for attempt, expected in ((1, 303), (2, 401)):
        stranger.cookies.clear()
        stranger.page("/login")
        asked = stranger.submit("/login", {"email": RUNNER_EMAIL, "password": PASSWORD})
        challenge = re.search(r'name="challenge" value="([^"]+)"', asked.text)
        assert challenge, (attempt, asked.text[:300])
        answer = stranger.submit("/login/code", {"challenge": challenge.group(1), "code": codes[0]})
        assert answer.status_code == expected, attempt
        if expected == 401:
            assert "That code is not right." in answer.text


def test_recovery_codes_are_made_anew_and_two_step_log_in_turned_off_with_a_code(
    ana: Browser, clock: Clock
) -> None:
    app_code, codes = _enrol(ana, clock)
    clock.tick()
    ana.page("/account/two-factor")
    fresh = ana.submit(
        "/account/two-factor/recovery-codes",
        {"password": PASSWORD, "totp_code": app_code.at(clock.now)},
    )
    new_codes = _CODES.findall(fresh.text)
    assert len(new_codes) == 10
    assert set(new_codes).isdisjoint(codes)
    assert "the old ones no longer work" in fresh.text
    clock.tick()
    no_code = ana.submit("/account/two-factor/disable", {"password": PASSWORD, "totp_code": ""})
    assert no_code.status_code == 403
    assert "The password or code is not right." in no_code.text
    clock.tick()
    off = ana.submit(
        "/account/two-factor/disable", {"password": PASSWORD, "totp_code": app_code.at(clock.now)}
    )
    assert off.headers["location"] == "/account/two-factor?done=off"
    assert "Set up two-step log-in" in ana.page("/account/two-factor?done=off").text


def test_staff_without_a_second_factor_go_to_the_set_up_and_nowhere_else(
    stranger: Browser, clock: Clock
) -> None:
    stranger.page("/login")
    signed_in = stranger.submit("/login", {"email": CLINICIAN_EMAIL, "password": PASSWORD})
    assert signed_in.headers["location"] == "/account/two-factor"
    for path in ("/", "/account/security", "/menu", "/plan"):
        gated = stranger.get(path, follow_redirects=False)
        assert gated.status_code == 303, path
        assert gated.headers["location"] == "/account/two-factor", path
    page = stranger.page("/account/two-factor")
    assert "Clinic and admin accounts need two-step log-in" in page.text
    assert stranger.get("/api/v1/auth/sessions").status_code == 200  # enrolment scope
    assert stranger.get("/api/v1/clinics").status_code == 403
    _enrol(stranger, clock)
    home = stranger.get("/", follow_redirects=False)
    assert home.status_code == 200
    page = stranger.page("/account/two-factor")
    assert "must keep two-step log-in" in page.text
    assert "/account/two-factor/disable" not in page.text
