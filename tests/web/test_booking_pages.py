"""The booking pages: triage gates them, the times shown are the service's, a form books once
however often it is sent, a lost race shows the next free times, a runner sees only their own
appointments and never the clinic's pages, and the clinic's actions are audited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.clinic.eligibility import EMERGENCY_ACTION, URGENT_ACTION
from backstride.services import booking, consent
from backstride.store.db import make_engine, session_factory
from backstride.store.models import Account, Assessment, AuditEvent
from backstride.units import new_id
from tests.web.conftest import Browser, staff_client
from tests.web.seed import CLINICIAN_EMAIL, NOW, OTHER_EMAIL, SeedWorld, principal_of

LONDON = ZoneInfo("Europe/London")


def _type_id(session: Session, clinic_id: str, name: str) -> str:
    return next(t.id for t in booking.list_types(session, clinic_id=clinic_id) if t.name == name)


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=LONDON)


MONDAY = dt.date(2026, 11, 30)


def _book_for(
    session: Session, clinic_id: str, type_id: str, runner_id: str, start: dt.datetime
) -> booking.AppointmentView:
    """The front desk (CLI) books a visit."""
    return booking.book(
        session,
        principal=None,
        clinic_id=clinic_id,
        appointment_type_id=type_id,
        start_at=start,
        now=NOW,
        runner_id=runner_id,
    ).appointment


def _set_disposition(session: Session, runner_id: str, disposition: str) -> None:
    session.add(
        Assessment(
            id=new_id(),
            runner_id=runner_id,
            created_at=NOW,
            disposition=disposition,
            rules_version="t",
            result={},
        )
    )
    session.commit()


def _starts(html: str) -> list[dt.datetime]:
    return [
        dt.datetime.fromisoformat(unquote(m))
        for m in re.findall(r'/confirm\?start=([^"&]+)', html.replace("&amp;", "&"))
    ]


@pytest.mark.parametrize(
    ("disposition", "action"), [("urgent", URGENT_ACTION), ("emergency", EMERGENCY_ACTION)]
)
def test_urgent_and_emergency_show_the_action_instead_of_booking(
    browser: Browser, db: Session, world: SeedWorld, disposition: str, action: str
) -> None:
    _set_disposition(db, world.runner_id, disposition)
    assessment_type = _type_id(db, world.clinic_id, "Initial assessment")
    page = browser.page("/book", follow_redirects=True)
    assert page.status_code == 200
    assert action in page.text
    assert "What kind of visit?" not in page.text
    slots = browser.get(f"/book/{world.clinic_id}/{assessment_type}", follow_redirects=False)
    assert slots.status_code == 303
    sent = browser.submit(
        f"/book/{world.clinic_id}/{assessment_type}",
        {"start_at": _at(MONDAY, "10:00").isoformat(), "idempotency_key": "k-1"},
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/book/{world.clinic_id}"
    assert (
        booking.list_my_appointments(
            db, principal=principal_of(db, world.runner_account_id), now=NOW
        )
        == []
    )


def test_a_clinician_disposition_books_an_assessment_by_the_deadline(
    browser: Browser, world: SeedWorld
) -> None:
    page = browser.page("/book", follow_redirects=True)
    assert "What kind of visit?" in page.text
    assert "Initial assessment" in page.text
    assert "45 minutes" in page.text
    assert "Gait analysis" not in page.text
    assert "Your assessment asks for a visit by <strong>Thu 10 Dec</strong>" in page.text


def test_self_management_offers_every_online_visit_for_a_new_runner(
    browser: Browser, db: Session, world: SeedWorld
) -> None:
    _set_disposition(db, world.runner_id, "self_management")
    page = browser.page(f"/book/{world.clinic_id}")
    assert "Initial assessment" in page.text
    assert "Gait analysis" in page.text
    assert "Re-assessment" not in page.text  # for returning runners only


def test_a_runner_who_shares_with_no_clinic_is_told_how_to_share_first(
    anon: Browser, world: SeedWorld
) -> None:
    anon.log_in(OTHER_EMAIL)
    start = anon.page("/book")
    assert "Share your record with your clinic first" in start.text
    assert 'href="/account#sharing"' in start.text
    page = anon.page(f"/book/{world.clinic_id}")
    assert "Share your record with North Clinic first" in page.text
    assert "What kind of visit?" not in page.text


def test_the_times_shown_are_the_services_free_slots_on_the_clinics_clock(
    reader: Browser, world: SeedWorld, shared_app: FastAPI
) -> None:
    engine = make_engine(shared_app.state.settings.effective_database_url)
    with session_factory(engine)() as session:
        type_id = _type_id(session, world.clinic_id, "Initial assessment")
        found = booking.list_free_slots(
            session,
            principal=principal_of(session, world.runner_account_id),
            clinic_id=world.clinic_id,
            appointment_type_id=type_id,
            now=NOW,
            from_at=_at(MONDAY, "00:00"),
            to_at=_at(MONDAY + dt.timedelta(days=7), "00:00"),
        )
    engine.dispose()
    page = reader.page(f"/book/{world.clinic_id}/{type_id}?week=1")
    assert page.status_code == 200
    assert "Mon 30 Nov – Sun 6 Dec" in page.text
    assert "all times in London time" in page.text
    assert _starts(page.text) == sorted({s.start_at for s in found.slots})
    assert 'id="d-2026-11-30">Mon 30 Nov<' in page.text
    assert ">09:00<" in page.text


def test_the_confirm_page_says_the_time_in_the_clinics_zone(
    reader: Browser, world: SeedWorld
) -> None:
    type_id = reader.page(f"/book/{world.clinic_id}").text.split(f"/book/{world.clinic_id}/")[1][
        :32
    ]
    start = quote(_at(MONDAY, "09:30").astimezone(dt.UTC).isoformat())
    page = reader.page(f"/book/{world.clinic_id}/{type_id}/confirm?start={start}")
    assert "Mon 30 Nov, 09:30 (London time)" in page.text
    assert 'name="idempotency_key"' in page.text


def _confirm_form(
    browser: Browser, clinic_id: str, type_id: str, start: dt.datetime
) -> dict[str, str]:
    page = browser.page(
        f"/book/{clinic_id}/{type_id}/confirm?start={quote(start.astimezone(dt.UTC).isoformat())}"
    )
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
    at = re.search(r'name="start_at" value="([^"]+)"', page.text)
    assert key is not None
    assert at is not None
    return {"start_at": at.group(1), "idempotency_key": key.group(1)}


def test_sending_the_same_form_twice_books_once(
    browser: Browser, db: Session, world: SeedWorld
) -> None:
    type_id = _type_id(db, world.clinic_id, "Initial assessment")
    form = _confirm_form(browser, world.clinic_id, type_id, _at(MONDAY, "10:00"))
    first = browser.submit(f"/book/{world.clinic_id}/{type_id}", form)
    second = browser.submit(f"/book/{world.clinic_id}/{type_id}", form)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    mine = booking.list_my_appointments(
        db, principal=principal_of(db, world.runner_account_id), now=NOW
    )
    assert len(mine) == 1
    done = browser.page(first.headers["location"])
    assert "Booked: Mon 30 Nov, 10:00 (London time)" in done.text
    assert f'href="/appointments/{mine[0].id}/calendar.ics"' in done.text


def test_a_time_taken_meanwhile_shows_the_next_free_times(
    browser: Browser, db: Session, world: SeedWorld
) -> None:
    type_id = _type_id(db, world.clinic_id, "Initial assessment")
    form = _confirm_form(browser, world.clinic_id, type_id, _at(MONDAY, "10:00"))
    ben = principal_of(db, _account_id(db, OTHER_EMAIL))
    consent.grant_consent(db, principal=ben, clinic_id=world.clinic_id, now=NOW)
    _book_for(db, world.clinic_id, type_id, world.other_runner_id, _at(MONDAY, "10:00"))
    lost = browser.submit(f"/book/{world.clinic_id}/{type_id}", form)
    assert lost.status_code == 409
    assert "That time was just taken" in lost.text
    assert "Nothing was booked for you" in lost.text
    offered = _starts(lost.text)
    assert offered
    assert all(s >= _at(MONDAY, "11:00") for s in offered)  # 10:00 + 45 min + 15 min buffer
    assert (
        booking.list_my_appointments(
            db, principal=principal_of(db, world.runner_account_id), now=NOW
        )
        == []
    )


def _account_id(session: Session, email: str) -> str:
    found = session.scalar(select(Account.id).where(Account.email == email))
    assert found is not None
    return found


def test_a_runner_never_sees_another_runners_appointment(
    browser: Browser, db: Session, world: SeedWorld
) -> None:
    type_id = _type_id(db, world.clinic_id, "Initial assessment")
    ben = principal_of(db, _account_id(db, OTHER_EMAIL))
    consent.grant_consent(db, principal=ben, clinic_id=world.clinic_id, now=NOW)
    his = _book_for(db, world.clinic_id, type_id, world.other_runner_id, _at(MONDAY, "14:00"))
    assert browser.get(f"/appointments/{his.id}").status_code == 404
    assert browser.get(f"/appointments/{his.id}/calendar.ics").status_code == 404
    assert browser.get(f"/appointments/{his.id}/move").status_code == 404
    assert browser.submit(f"/appointments/{his.id}/cancel", {"version": "1"}).status_code == 404
    assert his.id not in browser.page("/appointments").text
    assert booking.get_appointment(db, principal=None, appointment_id=his.id, now=NOW).status == (
        "booked"
    )


def test_a_runner_cannot_open_the_clinics_pages(browser: Browser, world: SeedWorld) -> None:
    for path in ("/clinic/schedule", "/clinic/book", "/clinic"):
        response = browser.get(path)
        assert response.status_code == 403, path
        assert "these pages are for the clinic" in response.text
    assert "Schedule" not in browser.page("/menu").text


def test_my_appointment_shows_on_home_and_plan_with_its_calendar_file(
    browser: Browser, db: Session, world: SeedWorld
) -> None:
    type_id = _type_id(db, world.clinic_id, "Initial assessment")
    mine = _book_for(db, world.clinic_id, type_id, world.runner_id, _at(MONDAY, "09:00"))
    home = browser.page("/")
    assert "Mon 30 Nov, 09:00 (London time)" in home.text
    plan = browser.page("/plan?week=2")
    assert "Booked: " in plan.text
    assert f'href="/appointments/{mine.id}"' in plan.text
    ics = browser.get(f"/appointments/{mine.id}/calendar.ics")
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert mine.id.encode() in ics.content


def test_the_plans_clinic_visit_days_offer_their_free_times(
    reader: Browser, world: SeedWorld
) -> None:
    plan = reader.page("/plan")
    assert "Visits your plan suggests" in plan.text
    links = _starts(plan.text)
    assert links
    assert links[0].astimezone(LONDON).date() == MONDAY


def test_moving_with_a_stale_version_is_explained_and_changes_nothing(
    browser: Browser, db: Session, world: SeedWorld
) -> None:
    type_id = _type_id(db, world.clinic_id, "Initial assessment")
    mine = _book_for(db, world.clinic_id, type_id, world.runner_id, _at(MONDAY, "09:00"))
    page = browser.page(
        f"/appointments/{mine.id}/move/confirm?start={quote(_at(MONDAY, '11:00').isoformat())}"
    )
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
    assert key is not None
    booking.reschedule(  # the clinic moves it meanwhile
        db,
        principal=None,
        appointment_id=mine.id,
        version=1,
        start_at=_at(MONDAY, "14:00"),
        now=NOW,
    )
    stale = browser.submit(
        f"/appointments/{mine.id}/move",
        {
            "version": "1",
            "start_at": _at(MONDAY, "11:00").isoformat(),
            "idempotency_key": key.group(1),
        },
    )
    assert stale.status_code == 409
    assert "This appointment changed after you opened that page" in stale.text
    assert "Mon 30 Nov, 14:00 (London time)" in stale.text
    fresh = booking.get_appointment(db, principal=None, appointment_id=mine.id, now=NOW)
    assert fresh.start_at == _at(MONDAY, "14:00")


def test_moving_and_cancelling_inside_the_window(
    browser: Browser, db: Session, world: SeedWorld
) -> None:
    type_id = _type_id(db, world.clinic_id, "Initial assessment")
    mine = _book_for(db, world.clinic_id, type_id, world.runner_id, _at(MONDAY, "09:00"))
    moved = browser.submit(
        f"/appointments/{mine.id}/move",
        {"version": "1", "start_at": _at(MONDAY, "11:00").isoformat(), "idempotency_key": "m-1"},
    )
    assert moved.status_code == 303
    assert (
        "Moved to Mon 30 Nov, 11:00 (London time)" in browser.page(moved.headers["location"]).text
    )
    cancelled = browser.submit(
        f"/appointments/{mine.id}/cancel", {"version": "2", "idempotency_key": "c-1"}
    )
    assert cancelled.status_code == 303
    listing = browser.page(cancelled.headers["location"])
    assert "Cancelled." in listing.text
    assert "Past and cancelled" in listing.text


def test_too_close_to_change_online_says_why_and_to_phone_the_clinic(
    browser: Browser, db: Session, world: SeedWorld
) -> None:
    type_id = _type_id(db, world.clinic_id, "Initial assessment")
    tomorrow = _at(NOW.date() + dt.timedelta(days=1), "09:00")
    mine = _book_for(db, world.clinic_id, type_id, world.runner_id, tomorrow)
    page = browser.page(f"/appointments/{mine.id}")
    assert "It can no longer be moved or cancelled online" in page.text
    assert "Please phone North Clinic" in page.text
    assert f"/appointments/{mine.id}/cancel" not in page.text
    refused = browser.submit(f"/appointments/{mine.id}/cancel", {"version": "1"})
    assert refused.status_code == 409
    assert "phone the clinic" in refused.text
    assert booking.get_appointment(db, principal=None, appointment_id=mine.id, now=NOW).status == (
        "booked"
    )


# ---- the clinic's side -------------------------------------------------------------------


@pytest.fixture
def staff(app: FastAPI, db: Session) -> Iterator[Browser]:
    with staff_client(app, db, CLINICIAN_EMAIL) as client:
        yield client


def _events(session: Session, account_id: str, resource: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(
                AuditEvent.actor_account_id == account_id, AuditEvent.resource == resource
            )
        )
    )


def test_staff_without_a_second_factor_get_no_clinic_page(anon: Browser) -> None:
    anon.log_in(CLINICIAN_EMAIL)
    response = anon.get("/clinic/schedule", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/account/two-factor")
    assert "authenticator app" in anon.get(response.headers["location"]).text


def test_the_schedule_shows_the_day_by_clinician_and_reads_are_audited(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    type_id = _type_id(db, world.clinic_id, "Initial assessment")
    _book_for(db, world.clinic_id, type_id, world.runner_id, _at(MONDAY, "09:00"))
    day = staff.page("/clinic/schedule?date=2026-11-30")
    assert day.status_code == 200
    assert '<th scope="col">Dr North</th>' in day.text
    assert 'rowspan="3"' in day.text  # 45 minutes on a 15-minute grid
    assert "Ana Runner" in day.text
    week = staff.page("/clinic/schedule?view=week&date=2026-12-02")
    assert "Week of Mon 30 Nov" in week.text
    assert "09:00–09:45" in week.text
    assert _events(db, world.clinician_account_id, "clinic_schedule")


def test_staff_book_on_behalf_move_and_cancel_through_the_service_audited(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    type_id = _type_id(db, world.clinic_id, "Exercise review")  # staff book any type
    page = staff.page(f"/clinic/book?runner={world.runner_id}&type={type_id}&week=1")
    slot = re.search(r'name="slot" value="([^"]+)"', page.text)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
    assert slot is not None
    assert key is not None
    form = {
        "runner_id": world.runner_id,
        "appointment_type_id": type_id,
        "slot": slot.group(1),
        "idempotency_key": key.group(1),
    }
    booked = staff.submit("/clinic/book", form)
    assert booked.status_code == 303
    again = staff.submit("/clinic/book", form)
    assert again.headers["location"] == booked.headers["location"]
    appointment_id = booked.headers["location"].split("/")[3].split("?")[0]
    view = booking.get_appointment(db, principal=None, appointment_id=appointment_id, now=NOW)
    assert view.booked_via == "staff"
    assert view.runner_id == world.runner_id
    moved = staff.submit(
        f"/clinic/appointments/{appointment_id}/move",
        {
            "version": "1",
            "on_date": "2026-12-01",
            "at_time": "15:00",
            "clinician_id": world.clinician_account_id,
        },
    )
    assert moved.status_code == 303, moved.text[:2000]
    cancelled = staff.submit(
        f"/clinic/appointments/{appointment_id}/cancel", {"version": "2", "reason": "runner ill"}
    )
    assert cancelled.status_code == 303
    final = booking.get_appointment(db, principal=None, appointment_id=appointment_id, now=NOW)
    assert final.status == "cancelled"
    assert final.cancel_reason == "runner ill"
    changes = [
        e.detail.get("status") for e in _events(db, world.clinician_account_id, "appointment")
    ]
    assert "cancelled" in changes
    assert len(_events(db, world.clinician_account_id, "appointment")) >= 3


def test_an_override_needs_a_reason_and_never_overlaps(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    type_id = _type_id(db, world.clinic_id, "Initial assessment")
    base = {
        "runner_id": world.runner_id,
        "appointment_type_id": type_id,
        "on_date": "2026-11-30",
        "at_time": "07:30",
        "clinician_id": world.clinician_account_id,
    }
    refused = staff.submit("/clinic/book", {**base, "idempotency_key": "o-1"})
    assert refused.status_code == 422
    assert "There is a problem" in refused.text
    made = staff.submit(
        "/clinic/book", {**base, "override_reason": "only before work", "idempotency_key": "o-2"}
    )
    assert made.status_code == 303
    appointment_id = made.headers["location"].split("/")[3].split("?")[0]
    view = booking.get_appointment(db, principal=None, appointment_id=appointment_id, now=NOW)
    assert view.override_reason == "only before work"
    overlap = staff.submit(
        "/clinic/book",
        {**base, "at_time": "07:45", "override_reason": "again", "idempotency_key": "o-3"},
    )
    assert overlap.status_code == 409
    assert (
        len(
            booking.list_runner_appointments(
                db,
                principal=principal_of(db, world.clinician_account_id),
                runner_id=world.runner_id,
                now=NOW,
            )
        )
        == 1
    )


def test_staff_mark_a_started_visit_attended(staff: Browser, db: Session, world: SeedWorld) -> None:
    type_id = _type_id(db, world.clinic_id, "Initial assessment")
    started = booking.book(
        db,
        principal=None,
        clinic_id=world.clinic_id,
        appointment_type_id=type_id,
        start_at=_at(NOW.date(), "09:00"),
        now=NOW - dt.timedelta(days=2),
        runner_id=world.runner_id,
    ).appointment
    page = staff.page(f"/clinic/appointments/{started.id}")
    assert "After the visit" in page.text
    marked = staff.submit(
        f"/clinic/appointments/{started.id}/attendance", {"version": "1", "status": "attended"}
    )
    assert marked.status_code == 303
    assert "Marked attended." in staff.page(marked.headers["location"]).text
    details = [e.detail for e in _events(db, world.clinician_account_id, "appointment")]
    assert {"appointment_id": started.id, "status": "attended", "version": 2} in details
