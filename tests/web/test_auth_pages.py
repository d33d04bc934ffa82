"""Log in, sign up and log out through the pages: CSRF on every form, errors beside their
fields and in a summary, the values kept, and a session that ends for real."""

from __future__ import annotations

import re

from backstride.config import Settings
from tests.api import mail
from tests.web.conftest import Browser
from tests.web.seed import PASSWORD, RUNNER_EMAIL


def test_a_runner_logs_in_and_gets_the_same_cookie_session_as_the_api(anon: Browser) -> None:
    response = anon.log_in()
    assert response.headers["location"] == "/"
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("backstride_session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=lax" in session_cookie
    me = anon.get("/api/v1/auth/me")
    assert me.json()["email"] == RUNNER_EMAIL


def test_a_wrong_password_re_renders_the_form_with_the_address_kept(anon: Browser) -> None:
    anon.page("/login")
    response = anon.submit("/login", {"email": RUNNER_EMAIL, "password": "not the password"})
    assert response.status_code == 401
    assert "The e-mail address or the password is not right." in response.text
    assert f'value="{RUNNER_EMAIL}"' in response.text
    assert 'role="alert"' in response.text
    assert "<title>Error: Log in" in response.text
    assert "not the password" not in response.text


def test_a_missing_field_is_named_beside_the_field_and_in_the_summary(anon: Browser) -> None:
    anon.page("/login")
    response = anon.submit("/login", {"email": RUNNER_EMAIL, "password": ""})
    assert response.status_code == 422
    assert 'id="f-password-error"' in response.text
    field = re.search(r'<input id="f-password"[^>]*>', response.text)
    assert field is not None
    assert 'aria-describedby="f-password-error"' in field.group(0)
    assert 'aria-invalid="true"' in field.group(0)
    assert '<a href="#f-password">Password: Enter password</a>' in response.text


def test_a_form_without_its_token_is_refused_and_nothing_happens(anon: Browser) -> None:
    anon.page("/login")
    response = anon.post(
        "/login", data={"email": RUNNER_EMAIL, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "auth.csrf_failed" in response.text
    assert "backstride_session" not in anon.cookies


def test_a_form_posted_from_another_site_is_refused(browser: Browser) -> None:
    response = browser.submit(
        "/account/consents", {"clinic_id": "south"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403


def test_a_signed_in_form_needs_the_sessions_own_token(browser: Browser) -> None:
    response = browser.post(
        "/account/consents",
        data={"csrf_token": "forged-token", "clinic_id": "south"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "CSRF token does not match" in response.text


def test_htmx_sends_the_token_as_a_header(browser: Browser) -> None:
    response = browser.post(
        "/account/consents",
        data={"clinic_id": "south"},
        headers={"X-CSRF-Token": browser.cookies["backstride_csrf"], "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "South Clinic can see your record" in response.text


def test_sign_up_shows_every_problem_and_keeps_what_was_typed(anon: Browser) -> None:
    anon.page("/signup")
    response = anon.submit(
        "/signup", {"display_name": "Cleo", "email": "not-an-address", "password": "short"}
    )
    assert response.status_code == 422
    assert 'value="Cleo"' in response.text
    assert 'value="not-an-address"' in response.text
    assert 'id="f-email-error"' in response.text
    assert "Not an e-mail address" in response.text
    assert 'id="f-password-error"' in response.text
    assert "10 characters" in response.text


def test_sign_up_with_a_weak_password_says_why_beside_the_password(anon: Browser) -> None:
    anon.page("/signup")
    response = anon.submit(
        "/signup", {"display_name": "Cleo", "email": "cleo@example.org", "password": "short"}
    )
    assert response.status_code == 422
    assert 'id="f-password-error"' in response.text
    assert "At least 10 characters" in response.text


def test_sign_up_mails_a_link_and_the_account_exists_once_it_is_followed(
    anon: Browser, web_settings: Settings
) -> None:
    anon.page("/signup")
    response = anon.submit(
        "/signup",
        {"display_name": "Cleo", "email": "cleo@example.org", "password": "a long quiet river"},
    )
    assert response.status_code == 200
    assert "Check your e-mail" in response.text
    assert "cleo@example.org" in response.text
    anon.page("/login")
    early = anon.submit("/login", {"email": "cleo@example.org", "password": "a long quiet river"})
    assert early.status_code == 401
    token = mail.token_in(
        mail.mails_to(web_settings, "cleo@example.org")[0], "/confirm-registration"
    )
    landing = anon.page(f"/confirm-registration?token={token}")
    assert "Create my account" in landing.text
    made = anon.submit("/confirm-registration", {"token": token})
    assert made.headers["location"] == "/login?confirmed=1&next=/%3Fwelcome%3D1"
    assert "Your account is ready" in anon.page(made.headers["location"]).text
    signed_in = anon.submit(
        "/login",
        {"email": "cleo@example.org", "password": "a long quiet river", "next": "/?welcome=1"},
    )
    assert signed_in.headers["location"] == "/?welcome=1"
    home = anon.get("/?welcome=1")
    assert "Welcome to backstride" in home.text
    assert "Hello Cleo" in home.text


def test_sign_up_with_a_taken_address_answers_exactly_as_for_a_new_one(
    anon: Browser, web_settings: Settings
) -> None:
    anon.page("/signup")
    taken = anon.submit(
        "/signup", {"display_name": "Ana", "email": RUNNER_EMAIL, "password": "a long quiet river"}
    )
    assert taken.status_code == 200
    assert "Check your e-mail" in taken.text
    assert "already" not in taken.text.split("<main", 1)[1].split("Already have an account")[0]
    notice = mail.mails_to(web_settings, RUNNER_EMAIL)[-1]
    assert "/forgot-password" in notice.body


def test_a_used_or_made_up_sign_up_link_is_refused_in_plain_words(anon: Browser) -> None:
    anon.page("/confirm-registration?token=made-up")
    response = anon.submit("/confirm-registration", {"token": "made-up"})
    assert response.status_code == 422
    assert "This link is not valid any more; sign up again." in response.text


def test_log_out_ends_the_session_on_the_server(browser: Browser) -> None:
    token = browser.cookies["backstride_session"]
    response = browser.submit("/logout")
    assert response.status_code == 303
    browser.cookies.set("backstride_session", token)
    assert browser.get("/plan", follow_redirects=False).status_code == 303
