"""The clinic's availability page and the pre-visit report in a real browser, at desktop and
phone size: a clinician adds and removes a block of hours and a few days off, sees a refused
time beside its field, and opens a runner's pre-visit report from the appointment. axe and a
screenshot on every page (``check_page``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from backstride.services import booking
from backstride.store.models import Account, Clinic, Runner
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    Live,
    Tab,
    check_page,
    live_session,
    log_in_with_code,
    north_clinician,
)
from tests.web.seed import NOW, RUNNER_EMAIL

LONDON = ZoneInfo("Europe/London")
VISIT = {"desktop": dt.datetime(2026, 12, 16, 7, 15), "phone": dt.datetime(2026, 12, 17, 7, 15)}
"""Each size's visit, outside the clinic's hours (the e2e server is shared)."""


def _clinician_with_visit(live: Live, email: str, name: str, start: dt.datetime) -> tuple[str, str]:
    """A North clinician with a second factor and a visit of Ana's booked with them:
    ``(TOTP secret, appointment id)``."""
    secret, clinician_id = north_clinician(live, email, name)
    with live_session(live) as session:
        north = session.query(Clinic).filter(Clinic.slug == "north").one()
        ana_account = session.query(Account).filter(Account.email == RUNNER_EMAIL).one()
        ana = session.query(Runner).filter(Runner.account_id == ana_account.id).one()
        type_id = next(
            t.id
            for t in booking.list_types(session, clinic_id=north.id)
            if t.name == "Re-assessment"
        )
        visit = booking.book(
            session,
            principal=None,
            clinic_id=north.id,
            appointment_type_id=type_id,
            start_at=start.replace(tzinfo=LONDON),
            clinician_id=clinician_id,
            runner_id=ana.id,
            override_reason="before work",
            now=NOW,
        ).appointment
    return secret, visit.id


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_clinician_manages_their_hours_and_reads_a_pre_visit_report(
    size: str, open_tab: Callable[..., Tab], live: Live
) -> None:
    viewport = DESKTOP if size == "desktop" else PHONE
    email = f"hours.{size}@example.org"
    name = f"Robin Hours {size}"
    secret, visit_id = _clinician_with_visit(live, email, name, VISIT[size])
    tab = open_tab(viewport)
    log_in_with_code(tab, email, secret)
    page = tab.page

    tab.go("/clinic")
    page.get_by_role("link", name="Availability").first.click()
    expect(page.get_by_role("heading", name=f"Availability: {name}")).to_be_visible()
    check_page(page, "clinic-availability")

    page.get_by_label("Day", exact=True).select_option(label="Sunday")
    page.get_by_label("From", exact=True).fill("12:00")
    page.get_by_label("To", exact=True).fill("10:00")
    page.get_by_role("button", name="Add hours").click()
    expect(page.locator("#f-end-error")).to_contain_text("The end must be after the start")
    check_page(page, "clinic-availability-refused")

    page.get_by_label("To", exact=True).fill("14:00")
    page.get_by_role("button", name="Add hours").click()
    expect(page.get_by_text("Hours added.")).to_be_visible()
    expect(page.locator(".hours-list > li", has_text="Sunday")).to_contain_text("12:00–14:00")

    page.get_by_label("First day").fill("2026-12-21")
    page.get_by_label("Last day").fill("2026-12-23")
    page.get_by_label("Reason (optional)").fill("Course")
    page.get_by_role("button", name="Add time off").click()
    expect(page.locator("strong", has_text="Mon 21 Dec – Wed 23 Dec (whole days)")).to_be_visible()
    check_page(page, "clinic-availability-changed")

    page.get_by_role("button", name="Remove Sunday 12:00–14:00").click()
    expect(page.get_by_text("Hours removed.")).to_be_visible()
    page.get_by_role("button", name="Remove time off Mon 21 Dec – Wed 23 Dec (whole days)").click()
    expect(page.get_by_text("No time off ahead.")).to_be_visible()

    tab.go(f"/clinic/appointments/{visit_id}")
    page.get_by_role("link", name="Pre-visit report").click()
    expect(page.get_by_role("heading", name="Before the visit: Ana Runner")).to_be_visible()
    expect(page.get_by_role("heading", name="Pain diary")).to_be_visible()
    check_page(page, "clinic-previsit")
    with page.expect_download() as got:
        page.get_by_role("link", name="Download as PDF").click()
    assert got.value.suggested_filename == "pre-visit.pdf"
