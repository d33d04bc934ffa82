"""Booking in a real browser, at desktop and phone size: a runner books a visit from home in
two clicks, sees it on home and plan, moves it and cancels it; one booking with JavaScript
off; two browsers racing for one time get one confirmation; the clinic's schedule and
book-on-behalf pages. axe and a screenshot on every page (``check_page``)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    Live,
    Tab,
    check_page,
    log_in,
    log_in_with_code,
    north_clinician,
)

SIZES = {
    "desktop": (DESKTOP, "ana.book.desktop@example.org"),
    "phone": (PHONE, "ana.book.phone@example.org"),
}


def _slot(page: Page, day: str, hhmm: str) -> None:
    """Click a free time (each test takes its own times: the e2e server is shared)."""
    page.locator(f'section[aria-labelledby="d-{day}"] a.slot', has_text=hhmm).click()
    page.wait_for_load_state()


TIMES = {"desktop": ("10:00", "16:00"), "phone": ("14:00", "11:00")}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_runner_books_moves_and_cancels_a_visit(size: str, open_tab: Callable[..., Tab]) -> None:
    viewport, email = SIZES[size]
    tab = open_tab(viewport)
    page = tab.page
    log_in(tab, email)

    # Two clicks from home to the free times: "Book a visit", then the visit type
    page.locator("#visits").get_by_role("link", name="Book a visit").click()
    expect(page.get_by_role("heading", name="What kind of visit?")).to_be_visible()
    check_page(page, "book-types")
    page.get_by_role("link", name="Initial assessment").click()
    expect(page.get_by_role("heading", name="Choose a time")).to_be_visible()
    expect(page.get_by_text("all times in London time")).to_be_visible()
    check_page(page, "book-slots")
    page.get_by_role("link", name="Next week").click()
    expect(page.get_by_role("heading", name="Mon 30 Nov", exact=True)).to_be_visible()
    book_at, move_to = TIMES[size]
    _slot(page, "2026-12-01", book_at)
    expect(page.get_by_role("heading", name="Confirm your visit")).to_be_visible()
    check_page(page, "book-confirm")
    page.get_by_role("button", name="Book this visit").click()
    when = f"Tue 1 Dec, {book_at} (London time)"
    expect(page.get_by_text(f"Booked: {when}.")).to_be_visible()
    check_page(page, "appointment-booked")

    # It shows on home and on the plan
    tab.go("/")
    expect(page.locator("#visits").get_by_text(when)).to_be_visible()
    tab.go("/plan?week=2")
    expect(page.locator("#visits").get_by_text(when)).to_be_visible()
    check_page(page, "plan-booked")

    # My appointments: move it, then cancel it
    tab.go("/appointments")
    check_page(page, "appointments")
    page.get_by_role("link", name=re.compile("^Move or cancel")).first.click()
    page.get_by_role("link", name="Move to another time").click()
    expect(page.get_by_role("heading", name="Choose a new time")).to_be_visible()
    check_page(page, "move-slots")
    page.get_by_role("link", name="Next week").click()
    _slot(page, "2026-12-02", move_to)
    page.get_by_role("button", name="Move my visit").click()
    expect(page.get_by_text(f"Moved to Wed 2 Dec, {move_to} (London time).")).to_be_visible()
    check_page(page, "appointment-moved")
    page.get_by_role("button", name="Cancel this visit").click()
    expect(page.get_by_text("Cancelled.", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Past and cancelled")).to_be_visible()
    check_page(page, "appointments-cancelled")


def test_booking_works_without_javascript(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab(PHONE, javascript=False)
    checker = open_tab(PHONE).page
    page = tab.page
    log_in(tab, "ana.book.nojs@example.org")
    tab.go("/book")
    page.get_by_role("link", name="Initial assessment").click()
    page.get_by_role("link", name="Next week").click()
    _slot(page, "2026-12-03", "10:00")
    check_page(page, "book-confirm-nojs", checker=checker)
    page.get_by_role("button", name="Book this visit").click()
    expect(page.get_by_text("Booked: Thu 3 Dec, 10:00 (London time).")).to_be_visible()
    check_page(page, "appointment-booked-nojs", checker=checker)


def test_two_browsers_racing_for_one_time_get_one_confirmation(
    open_tab: Callable[..., Tab],
) -> None:
    first, second = open_tab(DESKTOP), open_tab(DESKTOP)
    log_in(first, "ana.book.race1@example.org")
    log_in(second, "ana.book.race2@example.org")
    for tab in (first, second):
        tab.go("/book")
        tab.page.get_by_role("link", name="Initial assessment").click()
        tab.page.get_by_role("link", name="Next week").click()
        tab.page.locator("a.slot", has_text="15:00").first.click()
        expect(tab.page.get_by_role("button", name="Book this visit")).to_be_visible()
    first.page.get_by_role("button", name="Book this visit").click()
    second.page.get_by_role("button", name="Book this visit").click()
    expect(first.page.get_by_text(re.compile(r"^Booked: Mon 30 Nov, 15:00"))).to_be_visible()
    expect(second.page.get_by_role("heading", name="That time was just taken")).to_be_visible()
    expect(second.page.locator("a.slot").first).to_be_visible()
    check_page(second.page, "book-taken")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_front_desk_sees_the_day_and_books_for_a_runner(
    size: str, open_tab: Callable[..., Tab], live: Live
) -> None:
    viewport = DESKTOP if size == "desktop" else PHONE
    email = f"desk.{size}@example.org"
    secret, _ = north_clinician(live, email, "Sam Desk")
    tab = open_tab(viewport)
    log_in_with_code(tab, email, secret)
    page = tab.page

    tab.go("/clinic/book")
    check_page(page, "clinic-book")
    page.get_by_label("Runner").select_option(index=1)
    page.get_by_label("Visit type").select_option(label="Exercise review (30 min)")
    page.get_by_role("button", name="Show free times").click()
    page.get_by_role("link", name="Next week").click()
    friday = page.locator("fieldset", has_text="Friday 4 Dec")
    friday.locator(".choice label").nth(4 if size == "phone" else 0).click()
    check_page(page, "clinic-book-times")
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_text("Booked.", exact=True)).to_be_visible()
    check_page(page, "clinic-appointment")

    tab.go("/clinic/schedule?date=2026-11-30")
    expect(page.get_by_role("heading", name="Monday 30 Nov")).to_be_visible()
    check_page(page, "clinic-schedule-day")
    page.get_by_role("link", name="Week", exact=True).click()
    expect(page.get_by_role("heading", name="Week of Mon 30 Nov")).to_be_visible()
    check_page(page, "clinic-schedule-week")
