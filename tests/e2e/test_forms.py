"""Forms without JavaScript (every action is a real form), the pain log by keyboard alone,
errors announced and focused, dark mode, and the browser in use."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, Live, Tab, check_page, log_in
from tests.web.seed import PASSWORD


def test_the_browser_and_playwright_versions(open_tab: Callable[..., Tab]) -> None:
    from importlib.metadata import version as installed

    tab = open_tab(DESKTOP)
    version = tab.context.browser.version if tab.context.browser else "?"
    print(f"playwright {installed('playwright')}, chromium {version}")
    assert re.match(r"\d+\.", version)


def test_without_javascript_every_form_still_works(
    open_tab: Callable[..., Tab], tmp_path: Path
) -> None:
    tab = open_tab(PHONE, javascript=False)
    checker = open_tab(PHONE).page
    page = tab.page
    log_in(tab, "ana.nojs@example.org")
    # the quick log: a real form, then the result page (post/redirect/get)
    today = page.locator("#today")
    today.get_by_text("Skipped", exact=True).click()
    today.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/log/[0-9a-f]{32}$"))
    expect(page.get_by_role("heading", name=re.compile("^Saved: run on .*skipped"))).to_be_visible()
    check_page(page, "nojs-log-result", checker=checker)
    # the full log form with an error kept beside its field
    tab.go("/log")
    page.get_by_text("Day, kind and more details").click()
    page.get_by_label("Distance (km)").fill("seven")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Distance: Enter a number")
    expect(page.get_by_label("Distance (km)")).to_have_value("seven")
    check_page(page, "nojs-log-error", checker=checker)
    # sharing with a clinic
    tab.go("/account")
    page.get_by_role("button", name="Stop sharing with North Clinic").click()
    expect(page.get_by_text("The clinic can no longer see your record.")).to_be_visible()
    # an upload: the browser posts the files, the import page follows
    bad = tmp_path / "notes.txt"
    bad.write_text("not a run")
    good = tmp_path / "empty.gpx"
    good.write_text("")
    tab.go("/upload")
    page.get_by_label(re.compile("Choose files")).set_input_files([str(bad), str(good)])
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="None of the files could be imported.")).to_be_visible()
    expect(page.get_by_text("notes.txt").first).to_be_visible()
    # a calendar link, shown once
    tab.go("/plan")
    page.get_by_role("button", name="Make a private link").click()
    expect(page.get_by_label("Subscription link")).to_have_value(re.compile(r"/calendar/"))
    check_page(page, "calendar-link", checker=checker)


def _mailed_token(live: Live, address: str) -> str:
    """The sign-up link's token from the message the server's worker delivered (with no SMTP
    host set, messages land as .eml files in the data folder's ``mail/``)."""
    folder = live.settings.data_dir / "mail"
    for _ in range(100):
        for path in sorted(folder.glob("*.eml")) if folder.is_dir() else ():
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == address:
                body = message.get_body(preferencelist=("plain",))
                assert body is not None
                text = body.get_content()
                found = re.search(r"/confirm-registration\?token=(\S+)", text)
                assert found, text
                return unquote(found.group(1))
        time.sleep(0.1)
    raise AssertionError(f"no message to {address} within 10 s")


def test_sign_up_and_delete_an_account_without_javascript(
    open_tab: Callable[..., Tab], live: Live
) -> None:
    tab = open_tab(DESKTOP, javascript=False)
    checker = open_tab(DESKTOP).page
    page = tab.go("/signup")
    page.get_by_label("Your name").fill("Dora")
    page.get_by_label("E-mail address").fill("dora@example.org")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Password: At least 10 characters")
    check_page(page, "signup-error", checker=checker)
    expect(page.get_by_label("Your name")).to_have_value("Dora")
    page.get_by_label("Password").fill("a long quiet river")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    check_page(page, "signup-sent", checker=checker)
    tab.go(f"/confirm-registration?token={_mailed_token(live, 'dora@example.org')}")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Your account is ready.")).to_be_visible()
    page.get_by_label("E-mail address").fill("dora@example.org")
    page.get_by_label("Password").fill("a long quiet river")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Welcome to backstride.")).to_be_visible()
    check_page(page, "home-new-runner", checker=checker)
    tab.go("/account/delete")
    page.get_by_label("Type your e-mail address to confirm").fill("dora@example.org")
    page.get_by_label("Your password").fill("a long quiet river")
    page.get_by_role("button", name="Delete everything").click()
    expect(page.get_by_text("Your account and all your data are deleted.")).to_be_visible()


def test_the_pain_log_by_keyboard_alone(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab(DESKTOP)
    page = tab.page
    log_in(tab, "ana.keys@example.org")
    tab.go("/log")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    # into the form: status radios (Done checked), then the pain groups
    done = page.get_by_role("radio", name="Done")
    while not page.evaluate("document.activeElement && document.activeElement.name === 'status'"):
        page.keyboard.press("Tab")
    expect(done).to_be_focused()
    outline = page.evaluate(
        "getComputedStyle(document.activeElement.nextElementSibling).outlineStyle"
    )
    assert outline == "solid"
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(
        page.get_by_role("group", name="Back pain during").get_by_role(
            "radio", name="2", exact=True
        )
    ).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")
    expect(
        page.get_by_role("group", name="Back pain after").get_by_role("radio", name="1", exact=True)
    ).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Saved: run on"))).to_be_visible()
    expect(page.get_by_text("Pain during 2/10 · after 1/10")).to_be_visible()


def test_a_wrong_password_is_announced_and_takes_the_focus(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab(PHONE)
    page = tab.go("/login")
    page.get_by_label("E-mail address").fill("ana@example.org")
    page.get_by_label("Password").fill(PASSWORD + "x")
    page.get_by_role("button", name="Log in").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The e-mail address or the password is not right.")
    expect(alert).to_be_focused()
    expect(page.get_by_label("E-mail address")).to_have_value("ana@example.org")
    check_page(page, "login-error")


def test_dark_mode_follows_the_device_and_the_setting(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab(DESKTOP, dark=True)
    page = tab.page
    log_in(tab, "ana@example.org")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(14, 19, 24)"
    check_page(page, "home-dark")
    tab.go("/settings")
    page.get_by_text("Light", exact=True).click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(245, 247, 250)"
