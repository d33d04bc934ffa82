"""The intake wizard in Chromium: from the home page's invitation through every step to the
assessment, on a desktop with the safety questions by keyboard alone, on a phone to an
emergency result, once without JavaScript; and a questionnaire answered again."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, Tab, check_page, log_in
from tests.web.seed import OTHER_EMAIL

SAFETY = (
    "New numbness or tingling around the back passage",
    "New trouble starting or feeling urination",
    "New loss of bowel control",
    "New sexual problems",
    "Pain, numbness or weakness now in BOTH legs",
)


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def _about_and_where(page: Page) -> None:
    progress = page.get_by_role("progressbar", name=re.compile(r"Step 1 of"))
    expect(progress).to_have_attribute("value", "1")
    expect(page.locator("#step-label")).to_have_text(re.compile(r"^Step 1 of \d+$"))
    page.get_by_label("How old are you (years)?").fill("34")
    page.get_by_role("group", name="Sex").get_by_text("female", exact=True).click()
    _continue(page)
    expect(page.get_by_role("heading", name="Where it hurts and since when")).to_be_visible()
    page.get_by_role("group", name="Where is the pain?").get_by_text("low back").click()
    page.get_by_role("group", name="Which side?").get_by_text("in the middle").click()
    page.get_by_label("Since when (e.g. 10 days or 3 weeks)?").fill("3 weeks")
    _continue(page)


def _answer_safety(page: Page, answer: str) -> None:
    for text in SAFETY:
        group = page.get_by_role("group", name=re.compile(re.escape(text)))
        group.get_by_text(answer, exact=True).click()
    _continue(page)


def _skip_optional_to_review(page: Page) -> None:
    while "/intake/review" not in page.url:
        skip = page.get_by_role("button", name="Skip this part")
        if skip.count():
            skip.click()
        else:
            _continue(page)


def _focused(page: Page) -> str:
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " return (e.tagName + ' ' + (e.name || '') + ' ' + (e.value || '')"
            " + ' ' + (e.textContent || '')).trim(); }"
        )
    )


def _tab_until(page: Page, pattern: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if re.search(pattern, _focused(page)):
            return
    raise AssertionError(f"no focus on {pattern}; last {_focused(page)}")


def test_a_new_runner_goes_from_the_home_page_to_the_assessment(
    open_tab: Callable[..., Tab],
) -> None:
    tab = open_tab(DESKTOP)
    page = tab.page
    log_in(tab, OTHER_EMAIL)
    check_page(page, "home-no-assessment")
    page.get_by_role("link", name="Answer the questions").click()
    check_page(page, "intake-start")
    page.get_by_role("button", name="Start").click()
    check_page(page, "intake-step-about")
    _about_and_where(page)
    # the safety step by keyboard alone: a blank Continue is refused and announced first
    expect(page.get_by_role("heading", name=re.compile("Safety questions: nerves"))).to_be_visible()
    _tab_until(page, r"^BUTTON action continue")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This is a safety question")
    check_page(page, "intake-safety-error")
    page.get_by_role("heading", name=re.compile("Safety questions")).focus()
    for _ in SAFETY:
        _tab_until(page, r"^INPUT red_flags\.cauda_equina\.\w+ yes$")
        page.keyboard.press("ArrowDown")  # yes -> no, as a radio group moves
        expect(page.locator(":focus")).to_have_value("no")
    # a question that follows an answer on the page appears only once that answer is given
    which_leg = page.get_by_role("group", name="Which leg?")
    expect(which_leg).to_be_hidden()
    leg_pain = page.get_by_role("group", name="Does pain go down a leg below the knee?")
    leg_pain.get_by_text("yes", exact=True).click()
    expect(which_leg).to_be_visible()
    leg_pain.get_by_text("no", exact=True).click()
    expect(which_leg).to_be_hidden()
    _tab_until(page, r"^BUTTON action continue")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("falls, illness"))).to_be_visible()
    _continue(page)  # no warning sign: the defaults stand
    _continue(page)  # how the pain behaves: defaults
    page.get_by_label("Usual weekly running distance, km").fill("30")
    _continue(page)
    check_page(page, "intake-step-nprs")
    page.goto(page.url.replace("/nprs", "/odi"))
    expect(page.get_by_text("0: none, no problem").first).to_be_visible()
    check_page(page, "intake-step-odi")
    page.goto(page.url.replace("/odi", "/nprs"))
    _skip_optional_to_review(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    check_page(page, "intake-review")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page).to_have_url(re.compile(r"/assessment$"))
    disposition = page.locator(".disposition")
    expect(disposition).to_be_visible()
    expect(page.get_by_role("link", name="See your plan")).to_be_visible()
    check_page(page, "intake-result")


def test_an_emergency_answer_on_a_phone_leads_with_the_action_and_no_plan(
    open_tab: Callable[..., Tab],
) -> None:
    tab = open_tab(PHONE)
    page = tab.page
    log_in(tab, "ana.wizard@example.org")
    tab.go("/intake")
    page.get_by_role("button", name="Start a new assessment").click()
    _about_and_where(page)
    check_page(page, "intake-step-nerves")
    for i, text in enumerate(SAFETY):
        group = page.get_by_role("group", name=re.compile(re.escape(text)))
        group.get_by_text("yes" if i == 0 else "no", exact=True).click()
    _continue(page)
    _continue(page)
    _continue(page)
    page.get_by_label("Usual weekly running distance, km").fill("20")
    _continue(page)
    _skip_optional_to_review(page)
    check_page(page, "intake-review")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("alert").first).to_contain_text("Go to an emergency department now")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="See your plan")).to_have_count(0)
    expect(main.get_by_text("What your plan respects")).to_have_count(0)
    check_page(page, "intake-emergency")


def test_a_questionnaire_answered_again_shows_on_progress(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab(PHONE)
    page = tab.page
    log_in(tab, "ana.desktop@example.org")
    tab.go("/progress")
    page.get_by_role("link", name="Answer a questionnaire again").click()
    page.get_by_role("link", name="Pain rating (0-10)").click()
    check_page(page, "questionnaire-nprs")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    for group in page.get_by_role("group").all():
        group.get_by_text(re.compile(r"^1$")).click()
    page.get_by_role("button", name="Save my answers").click()
    expect(page).to_have_url(re.compile(r"/progress\?answered=nprs"))
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_contain_text(
        "Your new Pain rating score is 1"
    )
    check_page(page, "progress-answered")


def test_the_wizard_works_without_javascript(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab(DESKTOP, javascript=False)
    checker = open_tab(DESKTOP).page
    page = tab.page
    log_in(tab, "ana.wiznojs@example.org")
    tab.go("/intake")
    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_label("How old are you (years)?").fill("eight")
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("How old are you")
    expect(page.get_by_label("How old are you (years)?")).to_have_value("eight")
    check_page(page, "nojs-intake-error", checker=checker)
    page.get_by_label("How old are you (years)?").fill("")
    page.goto(page.url)
    _about_and_where(page)
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", name="Where it hurts and since when")).to_be_visible()
    expect(page.get_by_label("Since when (e.g. 10 days or 3 weeks)?")).to_have_value("3 weeks")
    _continue(page)
    _answer_safety(page, "no")
    _continue(page)
    _continue(page)
    page.get_by_label("Usual weekly running distance, km").fill("25")
    _continue(page)
    _skip_optional_to_review(page)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".disposition")).to_be_visible()
    check_page(page, "nojs-intake-result", checker=checker)
