"""Account security in real Chromium: a forgotten password reset through the mailed link,
my sessions with "log out everywhere else", and a clinician's two-step log-in set-up with a
code computed as an authenticator app would (pyotp), then a log-in that asks for it."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Callable
from urllib.parse import unquote

import pyotp
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, Live, Tab, check_page
from tests.web.seed import CLINICIAN_EMAIL, NOW, OTHER_EMAIL, PASSWORD

NEW_PASSWORD = "quiet river under stone"


def _mailed_link(live: Live, address: str, page: str) -> str:
    """The token of the link to ``page`` in a message the server's worker delivered (with no
    SMTP host set, messages land as .eml files in the data folder's ``mail/``)."""
    folder = live.settings.data_dir / "mail"
    for _ in range(100):
        for path in sorted(folder.glob("*.eml")) if folder.is_dir() else ():
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            body = message.get_body(preferencelist=("plain",))
            if message["To"] != address or body is None:
                continue
            found = re.search(re.escape(page) + r"\?token=(\S+)", body.get_content())
            if found:
                return unquote(found.group(1))
        time.sleep(0.1)
    raise AssertionError(f"no message to {address} with a {page} link within 10 s")


def _log_in(tab: Tab, address: str, password: str) -> None:
    page = tab.go("/login")
    page.get_by_label("E-mail address").fill(address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_forgot_password_mail_reset_and_log_in(open_tab: Callable[..., Tab], live: Live) -> None:
    tab = open_tab(DESKTOP)
    phone = open_tab(PHONE)
    page = tab.go("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    check_page(page, "forgot-password")
    phone.go("/forgot-password")
    check_page(phone.page, "forgot-password")
    page.get_by_label("E-mail address").fill("ben-at-example")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("alert")).to_contain_text("E-mail address: Not an e-mail address")
    page.get_by_label("E-mail address").fill(OTHER_EMAIL)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    check_page(page, "forgot-sent")

    link = f"/reset-password?token={_mailed_link(live, OTHER_EMAIL, '/reset-password')}"
    phone.go(link)  # opening the link does not use it up
    check_page(phone.page, "reset-password")
    tab.go(link)
    check_page(page, "reset-password")
    page.get_by_label("New password").fill("password12")
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_role("alert")).to_contain_text("common, breached passwords")
    expect(page.get_by_label("New password")).to_have_value("")
    check_page(page, "reset-password-error")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_text("Your new password is set")).to_be_visible()
    check_page(page, "login-after-reset")
    page.get_by_label("E-mail address").fill(OTHER_EMAIL)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(tab.base + "/")
    tab.go(link)
    expect(page.get_by_text("This link is not valid any more.")).to_be_visible()

    # the security page from the account page; a second device; log out everywhere else
    _log_in(phone, OTHER_EMAIL, NEW_PASSWORD)
    phone.page.wait_for_url(phone.base + "/")
    tab.go("/account")
    page.get_by_role("link", name="Password & security").click()
    expect(page.get_by_role("heading", name="Where you are signed in")).to_be_visible()
    expect(page.get_by_text("This browser", exact=True)).to_have_count(1)
    check_page(page, "security")
    phone.go("/account/security")
    check_page(phone.page, "security")
    phone.page.get_by_role("button", name="Log out everywhere else").click()
    expect(phone.page.get_by_text("You are logged out everywhere else.")).to_be_visible()
    tab.go("/account/security")
    expect(page).to_have_url(re.compile(r"/login\?next="))

    # a runner may turn two-step log-in on: the QR code, drawn on the server
    phone.go("/account/two-factor")
    check_page(phone.page, "two-factor-off")
    phone.page.get_by_role("button", name="Set up two-step log-in").click()
    expect(phone.page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    check_page(phone.page, "two-factor-setup")


def test_a_clinician_sets_up_two_step_log_in_before_anything_else(
    open_tab: Callable[..., Tab], live: Live
) -> None:
    tab = open_tab(DESKTOP)
    page = tab.page
    _log_in(tab, CLINICIAN_EMAIL, PASSWORD)
    page.wait_for_url(tab.base + "/account/two-factor")
    expect(page.get_by_text("Clinic and admin accounts need two-step log-in.")).to_be_visible()
    check_page(page, "two-factor-gate")
    tab.go("/")
    expect(page).to_have_url(tab.base + "/account/two-factor")
    page.get_by_role("button", name="Set up two-step log-in").click()
    key = page.locator("code.secret").get_attribute("aria-label") or ""
    secret = key.removeprefix("Key: ")
    check_page(page, "two-factor-setup")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).at(NOW))
    page.get_by_role("button", name="Turn on two-step log-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    check_page(page, "recovery-codes")
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_text("must keep two-step log-in")).to_be_visible()
    check_page(page, "two-factor-on")
    tab.go("/")
    expect(page.get_by_role("heading", name="Signed in as Dr North")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # the next log-in asks for the code (the app's code of this step was used: a recovery code)
    phone = open_tab(PHONE)
    _log_in(phone, CLINICIAN_EMAIL, PASSWORD)
    expect(phone.page.get_by_role("heading", name="Enter your code")).to_be_visible()
    check_page(phone.page, "login-code")
    phone.page.get_by_label("Code from your authenticator app").fill(codes[0])
    phone.page.get_by_role("button", name="Log in").click()
    expect(phone.page.get_by_role("heading", name="Signed in as Dr North")).to_be_visible()
