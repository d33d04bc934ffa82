"""A clinician's day in a real browser, at desktop and phone size: the patient list (who needs
attention first), one runner's record, the review after the visit (a refused reason shown
beside its field, then saved), and on to booking the next visit with that runner chosen.
axe and a screenshot on every page (``check_page``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from backstride.services import accounts, consent, intake
from backstride.services.demo.data import demo_intake_document
from backstride.store.models import Assessment, Clinic, Runner
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
from tests.web.seed import NOW, PASSWORD, principal_of


def _sharing_runner(live: Live, email: str, name: str) -> str:
    """A runner who answered the intake a week ago and shares their record with North Clinic;
    their runner id."""
    with live_session(live) as session:
        north = session.query(Clinic).filter(Clinic.slug == "north").one()
        view = accounts.register_runner(
            session, email=email, password=PASSWORD, display_name=name, now=NOW - dt.timedelta(9)
        )
        assert view.runner_id
        runner = session.get(Runner, view.runner_id)
        assert runner is not None
        intake.submit_intake(
            session,
            runner_handle=runner.handle,
            document=demo_intake_document(),
            now=NOW - dt.timedelta(days=7),
        )
        consent.grant_consent(
            session,
            principal=principal_of(session, view.id),
            clinic_id=north.id,
            now=NOW - dt.timedelta(days=6),
        )
        return view.runner_id


def _in_force(live: Live, runner_id: str) -> tuple[str, dict[str, object]]:
    with live_session(live) as session:
        row = (
            session.query(Assessment)
            .filter(Assessment.runner_id == runner_id)
            .order_by(Assessment.created_at.desc())
            .first()
        )
        assert row is not None
        return row.disposition, dict(row.result.get("review") or {})


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_clinician_finds_a_runner_reviews_the_assessment_and_books_the_next_visit(
    size: str, open_tab: Callable[..., Tab], live: Live
) -> None:
    viewport = DESKTOP if size == "desktop" else PHONE
    email = f"review.{size}@example.org"
    secret, _ = north_clinician(live, email, f"Kim Review {size}")
    name = f"Pat Shares {size}"
    runner_id = _sharing_runner(live, f"pat.{size}@example.org", name)
    tab = open_tab(viewport)
    log_in_with_code(tab, email, secret)
    page = tab.page

    # in the main navigation at both sizes (the phone's bottom bar)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
    row = page.locator("tr", has=page.get_by_role("link", name=name, exact=True))
    expect(row).to_contain_text("Not reviewed yet")
    check_page(page, "clinic-patients")

    row.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Latest assessment")).to_be_visible()
    # one intake, a week ago: nothing from 4 weeks back to compare with
    expect(page.get_by_text("No score from before 4 weeks ago to compare").first).to_be_visible()
    check_page(page, "clinic-patient")

    page.get_by_label("Keep seeing the clinic").check()
    page.get_by_label("Reason").fill("too short")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator("#f-reason-error")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert page.get_by_label("Keep seeing the clinic").is_checked()  # the choice is kept
    check_page(page, "clinic-patient-review-refused")
    assert _in_force(live, runner_id)[1] == {}  # nothing saved

    page.get_by_label("Reason").fill("Tender sacroiliac joint on the left; treat, then review.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    disposition, review = _in_force(live, runner_id)
    assert disposition == "clinician"
    assert review["reason"] == "Tender sacroiliac joint on the left; treat, then review."
    check_page(page, "clinic-patient-reviewed")

    page.get_by_role("link", name="Book the next visit").click()
    expect(page.get_by_role("heading", name="Book for a runner")).to_be_visible()
    expect(page.get_by_label("Runner")).to_have_value(runner_id)
