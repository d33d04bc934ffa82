"""My clinic and my data: share and stop sharing, who saw my data, export, delete, and the
assessment and progress pages that read the stored record."""

from __future__ import annotations

import io
import json
import re
import zipfile

from tests.web.conftest import Browser
from tests.web.seed import RUNNER_EMAIL, SeedWorld


def test_the_audit_says_in_plain_words_who_looked_and_when(reader: Browser) -> None:
    page = reader.page("/account")
    assert "Dr North (clinician) looked at your record" in page.text
    assert "You started sharing your record with North Clinic" in page.text


def test_stopping_and_starting_to_share_with_a_clinic(browser: Browser, world: SeedWorld) -> None:
    browser.page("/account")
    stopped = browser.submit(f"/account/consents/{world.clinic_id}/revoke")
    assert stopped.headers["location"] == "/account?done=stopped#sharing"
    page = browser.page("/account?done=stopped")
    assert "The clinic can no longer see your record." in page.text
    assert "North Clinic can see your record" not in page.text
    assert "You stopped sharing your record with North Clinic" in page.text
    shared = browser.submit("/account/consents", {"clinic_id": world.other_clinic_id})
    assert shared.status_code == 303
    assert "South Clinic can see your record" in browser.page("/account").text


def test_sharing_with_an_unknown_clinic_says_so(browser: Browser) -> None:
    browser.page("/account")
    response = browser.submit("/account/consents", {"clinic_id": "nowhere"})
    assert response.status_code == 422
    assert "No such clinic" in response.text


def test_the_export_is_a_zip_of_my_records_and_original_files(reader: Browser) -> None:
    response = reader.get("/account/export.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        names = zf.namelist()
        accounts = json.loads(zf.read("data/accounts.json"))
    assert accounts[0]["email"] == RUNNER_EMAIL
    assert "password_hash" not in accounts[0]
    assert any(n.startswith("originals/") for n in names)
    assert "data/calendar_feeds.json" in names


def test_deleting_needs_the_address_and_the_password_then_removes_everything(
    browser: Browser,
) -> None:
    browser.page("/account/delete")
    wrong = browser.submit("/account/delete", {"confirm": "someone@else.org"})
    assert wrong.status_code == 422
    assert "Type your e-mail address exactly to confirm" in wrong.text
    no_password = browser.submit("/account/delete", {"confirm": RUNNER_EMAIL})
    assert no_password.status_code == 422
    assert "Enter your password" in no_password.text
    wrong_password = browser.submit(
        "/account/delete", {"confirm": RUNNER_EMAIL, "password": "not my password"}
    )
    assert wrong_password.status_code == 422
    assert "The password or code is not right." in wrong_password.text
    done = browser.submit(
        "/account/delete", {"confirm": RUNNER_EMAIL.upper(), "password": "correct horse battery"}
    )
    assert done.headers["location"] == "/?deleted=1"
    assert "Your account and all your data are deleted." in browser.get("/?deleted=1").text
    browser.page("/login")
    again = browser.submit("/login", {"email": RUNNER_EMAIL, "password": "correct horse battery"})
    assert again.status_code == 401


def test_the_assessment_leads_with_the_disposition_and_gives_each_reason_a_source(
    reader: Browser,
) -> None:
    page = reader.page("/assessment")
    head = page.text.index('class="disposition clinician"')
    assert head < page.text.index("Why")
    assert "Book an assessment with your clinic within 1-2 weeks" in page.text
    assert "Source: Laslett et al. 2005" in page.text
    assert "See your plan" in page.text
    assert "only an examination can confirm them" in page.text


def test_progress_charts_each_score_with_the_minimal_important_change(reader: Browser) -> None:
    page = reader.page("/progress")
    for title in ("Oswestry Disability Index", "Roland-Morris", "Pain rating", "PSFS"):
        assert title in page.text
    assert page.text.count('role="img"') >= 4
    assert "not a real change yet" in page.text
    assert re.search(r"<span class=\"badge ok\">better</span> by \d", page.text)
    assert "Ostelo 2008" in page.text


def test_an_urgent_assessment_leads_with_the_action_and_shows_no_plan(
    browser: Browser, world: SeedWorld
) -> None:
    from backstride.services import reviews
    from tests.web.seed import NOW, principal_of

    factory = browser.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        reviews.review_latest_assessment(
            session,
            principal=principal_of(session, world.clinician_account_id),
            runner_id=world.runner_id,
            disposition="urgent",
            reason="Constant night pain reported at the visit: see a doctor.",
            now=NOW,
        )
    page = browser.page("/assessment")
    assert 'class="disposition urgent"' in page.text
    assert "See a doctor today or tomorrow" in page.text
    assert "See your plan" not in page.text
    home = browser.page("/")
    assert "Care comes first." in home.text
    assert 'name="pain_during"' not in home.text
    plan = browser.page("/plan")
    assert "No training plan for now." in plan.text
    assert 'class="day' not in plan.text
