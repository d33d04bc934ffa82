"""The runner's day in a real browser, at desktop and phone size: log in, today's session,
three taps to log it and see what changes, the plan with its exercise figures, an upload with
its progress, activities, progress, the assessment and my data; axe on every page."""

from __future__ import annotations

import datetime as dt
import gzip
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from backstride.services.demo.history import DemoRun, _gpx
from tests.e2e.conftest import DESKTOP, PHONE, Tab, check_page, log_in
from tests.web.seed import NOW

SIZES = {"desktop": (DESKTOP, "ana.desktop@example.org"), "phone": (PHONE, "ana.phone@example.org")}


def _nav(page: Page, label: str, *, phone: bool) -> None:
    """Go to an area the way a person does: the menu (phone: the bottom bar, or More)."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=label, exact=True)
    if phone and not link.is_visible():
        nav.get_by_role("link", name="More").click()
        page.get_by_role("link", name=re.compile(rf"^{re.escape(label)}\b")).first.click()
    else:
        link.click()
    page.wait_for_load_state()


def _gpx_file(folder: Path, name: str, days_ago: int) -> Path:
    start = dt.datetime.combine(NOW.date() - dt.timedelta(days=days_ago), dt.time(6), dt.UTC)
    data, _ = _gpx(
        DemoRun(1, start, "Hill repeats", 6000.0, 320.0, 0.8, "Hoka Clifton 9"),
        np.random.default_rng(days_ago),
    )
    path = folder / name
    path.write_bytes(gzip.decompress(data))
    return path


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_runners_day(size: str, open_tab: Callable[..., Tab], tmp_path: Path) -> None:
    viewport, email = SIZES[size]
    phone = size == "phone"
    tab = open_tab(viewport)
    page = tab.page
    tab.go("/")
    check_page(page, "welcome")
    tab.go("/login")
    check_page(page, "login")
    log_in(tab, email)

    # Home: today's session first, charts drawn by uPlot
    expect(page.get_by_role("heading", name="Today's session")).to_be_visible()
    expect(page.locator("figure.chart.enhanced").first).to_be_visible()
    check_page(page, "home")

    # Three taps: pain during, pain after, Save ("Done" is preselected)
    today = page.locator("#today")
    today.get_by_role("group", name="Back pain during").get_by_text("2", exact=True).click()
    today.get_by_role("group", name="Back pain after").get_by_text("3", exact=True).click()
    today.get_by_role("button", name="Save").click()
    result = page.get_by_role("heading", name=re.compile("^Saved: run on"))
    expect(result).to_be_visible()
    expect(result).to_be_focused()
    expect(page.get_by_text("What your answers mean")).to_be_visible()
    check_page(page, "home-logged")

    # The next-morning answer of an earlier run: one tap, then the plan adapts
    page.get_by_role("button", name="1 out of 10").first.click()
    page.wait_for_load_state()
    expect(
        page.get_by_text(re.compile("Here is what changes next|Your plan stays as it is"))
    ).to_be_visible()
    check_page(page, "log-result")

    _nav(page, "Plan", phone=phone)
    expect(page.get_by_role("heading", name=re.compile("^Week 2 of 8"))).to_be_visible()
    expect(page.locator(".exercise .figure svg").first).to_be_visible()
    check_page(page, "plan")

    _nav(page, "Log", phone=phone)
    check_page(page, "log")

    _nav(page, "Activities", phone=phone)
    check_page(page, "activities")
    page.get_by_label("Name contains").fill("long")
    expect(page).to_have_url(re.compile(r"q=long"))
    expect(page.locator("#activity-results tbody tr").first).to_contain_text("Long run")
    page.locator("#activity-results tbody a").first.click()
    expect(page.get_by_role("heading", name="Laps")).to_be_visible()
    expect(page.locator("figure.chart.enhanced").first).to_be_visible()
    check_page(page, "activity")

    _nav(page, "Upload", phone=phone)
    check_page(page, "upload")
    good = _gpx_file(tmp_path, "hills.gpx", 200 if phone else 210)
    bad = tmp_path / "broken.fit"
    bad.write_bytes(b"not a fit file")
    page.get_by_label(re.compile("Choose files")).set_input_files([str(good), str(bad)])
    page.get_by_role("button", name="Upload").click()
    results = page.locator("#upload-results")
    expect(results.get_by_text("Import finished")).to_be_visible(timeout=30_000)
    expect(results.get_by_text("refused", exact=True)).to_be_visible()
    expect(results.get_by_text("imported", exact=True)).to_be_visible()
    check_page(page, "upload-done")
    results.get_by_role("link", name=re.compile("^Upload of")).first.click()
    expect(page.get_by_role("heading", name="Your import")).to_be_visible()
    check_page(page, "import")

    _nav(page, "Progress", phone=phone)
    expect(page.get_by_role("heading", name=re.compile("Oswestry"))).to_be_visible()
    check_page(page, "progress")

    _nav(page, "My assessment", phone=phone)
    expect(page.get_by_role("heading", name=re.compile("Book an assessment"))).to_be_visible()
    check_page(page, "assessment")

    _nav(page, "My clinic & data", phone=phone)
    expect(page.get_by_text("Dr North (clinician) looked at your record").first).to_be_visible()
    page.get_by_role("button", name="Stop sharing with North Clinic").click()
    expect(page.get_by_text("You share your record with no clinic.")).to_be_visible()
    page.get_by_label("Share my record with").select_option(label="North Clinic")
    page.get_by_role("button", name="Share", exact=True).click()
    expect(page.get_by_text("North Clinic can see your record")).to_be_visible()
    check_page(page, "account")

    tab.go("/safety")
    check_page(page, "safety")
    tab.go("/no-such-page")
    check_page(page, "not-found")
    if phone:
        tab.go("/menu")
        check_page(page, "menu")
    tab.go("/account/delete")
    check_page(page, "delete")
    tab.go("/settings")
    check_page(page, "settings")
    page.get_by_role("button", name=re.compile("Log out")).click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
