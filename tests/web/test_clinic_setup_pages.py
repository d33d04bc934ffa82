"""The clinic's availability pages and the pre-visit report: hours and time off are added and
removed through the audited services, a refused value is said beside its field, only the
clinic's own staff (or an admin) reach them, and the pre-visit report shows the runner's record
in words with units, as a page and a PDF, each read in the runner's audit log."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import accounts, booking, clinics
from backstride.services.booking.previsit import previsit_report
from backstride.store.models import AuditEvent, PainEntry
from backstride.web.routes.previsit import score_line
from tests.web.conftest import Browser, staff_client
from tests.web.seed import CLINICIAN_EMAIL, NOW, PASSWORD, SeedWorld

LONDON = ZoneInfo("Europe/London")
SOUTH_EMAIL = "doc.south@example.org"
ADMIN_EMAIL = "admin@example.org"
MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def staff(app: FastAPI, db: Session) -> Iterator[Browser]:
    """Dr North of North Clinic."""
    with staff_client(app, db, CLINICIAN_EMAIL) as client:
        yield client


@pytest.fixture
def south(app: FastAPI, db: Session, world: SeedWorld) -> Iterator[Browser]:
    """Dr South, a clinician of the other clinic."""
    clinics.create_clinician(
        db,
        principal=None,
        email=SOUTH_EMAIL,
        password=PASSWORD,
        display_name="Dr South",
        clinic_id=world.other_clinic_id,
        now=NOW,
    )
    with staff_client(app, db, SOUTH_EMAIL) as client:
        yield client


def _events(db: Session, resource: str, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.resource == resource, AuditEvent.action == action)
        )
    )


def _hours(db: Session, world: SeedWorld) -> list[booking.HoursView]:
    db.expire_all()
    return [
        h
        for h in booking.list_hours(db, clinic_id=world.clinic_id)
        if h.clinician_id == world.clinician_account_id
    ]


def _form(world: SeedWorld, **fields: str) -> dict[str, str]:
    return {"clinic_id": world.clinic_id, "clinician_id": world.clinician_account_id, **fields}


def _error(html: str, field: str) -> str:
    found = re.search(
        rf'id="f-{field}-error"><span class="visually-hidden">Error:</span>([^<]+)<', html
    )
    assert found is not None, f"no message beside {field}"
    return found.group(1)


# ---- availability -------------------------------------------------------------------------


def test_a_clinician_sees_their_week_on_the_clinics_clock_one_click_from_the_clinic(
    staff: Browser,
) -> None:
    start = staff.page("/clinic", follow_redirects=True)
    assert 'href="/clinic/availability"' in start.text
    page = staff.page("/clinic/availability")
    assert page.status_code == 200
    assert "Availability: Dr North" in page.text
    assert "times in London time" in page.text
    monday = page.text.split('<span class="hours-day">Monday</span>')[1].split("</li>")[0]
    assert "09:00–17:00" in monday
    sunday = page.text.split('<span class="hours-day">Sunday</span>')[1].split("</li>")[0]
    assert "Not working" in sunday


def test_adding_and_removing_hours_goes_through_the_audited_service(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    added = staff.submit(
        "/clinic/availability/hours", _form(world, weekday="5", start="10:00", end="13:00")
    )
    assert added.status_code == 303, added.text[:1000]
    saturday = [h for h in _hours(db, world) if h.weekday == 5]
    assert [(h.start, h.end) for h in saturday] == [("10:00", "13:00")]
    page = staff.page(added.headers["location"])
    assert "Hours added." in page.text
    assert f"/clinic/availability/hours/{saturday[0].id}/delete" in page.text
    created = _events(db, "clinic_hours", "create")
    assert any(
        e.actor_account_id == world.clinician_account_id and e.detail["id"] == saturday[0].id
        for e in created
    )
    removed = staff.submit(f"/clinic/availability/hours/{saturday[0].id}/delete", _form(world))
    assert removed.status_code == 303
    assert "Hours removed." in staff.page(removed.headers["location"]).text
    assert [h for h in _hours(db, world) if h.weekday == 5] == []
    deleted = _events(db, "clinic_hours", "delete")
    assert [e.actor_account_id for e in deleted] == [world.clinician_account_id]


def test_an_end_before_the_start_is_refused_beside_the_field_and_nothing_is_stored(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    before = _hours(db, world)
    refused = staff.submit(
        "/clinic/availability/hours", _form(world, weekday="5", start="12:00", end="10:00")
    )
    assert refused.status_code == 422
    assert "There is a problem" in refused.text
    assert _error(refused.text, "end") == "The end must be after the start"
    assert 'value="12:00"' in refused.text  # what was typed is kept
    assert _hours(db, world) == before


def test_hours_overlapping_the_days_hours_are_refused_at_from(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    before = _hours(db, world)
    refused = staff.submit(
        "/clinic/availability/hours", _form(world, weekday="0", start="16:00", end="18:00")
    )
    assert refused.status_code == 409
    assert "09:00-17:00 already set for that day" in _error(refused.text, "start")
    unreadable = staff.submit(
        "/clinic/availability/hours", _form(world, weekday="5", start="9am", end="12:00")
    )
    assert unreadable.status_code == 422
    assert _error(unreadable.text, "start") == "Enter a time like 09:00 (00:00 to 24:00)"
    assert _hours(db, world) == before


def test_time_off_is_whole_days_on_the_clinics_clock_and_lists_the_visits_to_move(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    assessment = next(
        t.id
        for t in booking.list_types(db, clinic_id=world.clinic_id)
        if t.name == "Exercise review"
    )
    visit = booking.book(
        db,
        principal=None,
        clinic_id=world.clinic_id,
        appointment_type_id=assessment,
        start_at=dt.datetime(2026, 12, 8, 11, 0, tzinfo=LONDON),
        now=NOW,
        runner_id=world.runner_id,
    ).appointment
    added = staff.submit(
        "/clinic/availability/time-off",
        _form(world, first_date="2026-12-07", last_date="2026-12-09", reason="Conference"),
    )
    assert added.status_code == 303, added.text[:1000]
    db.expire_all()
    [off] = booking.list_time_off(db, clinic_id=world.clinic_id, from_at=NOW)
    assert off.clinician_id == world.clinician_account_id
    assert off.start_at == dt.datetime(2026, 12, 7, tzinfo=LONDON)
    assert off.end_at == dt.datetime(2026, 12, 10, tzinfo=LONDON)
    assert off.reason == "Conference"
    page = staff.page(added.headers["location"])
    assert "Mon 7 Dec – Wed 9 Dec (whole days)" in page.text
    assert "1 booked visit falls in this time off" in page.text
    assert f'href="/clinic/appointments/{visit.id}"' in page.text
    assert [e.actor_account_id for e in _events(db, "clinic_time_off", "create")] == [
        world.clinician_account_id
    ]
    removed = staff.submit(f"/clinic/availability/time-off/{off.id}/delete", _form(world))
    assert removed.status_code == 303
    assert "No time off ahead." in staff.page(removed.headers["location"]).text
    db.expire_all()
    assert booking.list_time_off(db, clinic_id=world.clinic_id, from_at=NOW) == []
    assert len(_events(db, "clinic_time_off", "delete")) == 1


def test_time_off_ending_before_it_starts_is_refused_beside_the_last_day(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    refused = staff.submit(
        "/clinic/availability/time-off",
        _form(world, first_date="2026-12-09", last_date="2026-12-07"),
    )
    assert refused.status_code == 422
    assert _error(refused.text, "last_date") == "The last day must be on or after the first day"
    missing = staff.submit("/clinic/availability/time-off", _form(world, first_date="2026-12-09"))
    assert _error(missing.text, "last_date") == "Enter the last day"
    db.expire_all()
    assert booking.list_time_off(db, clinic_id=world.clinic_id) == []


def test_a_runner_gets_no_availability_page(
    browser: Browser, db: Session, world: SeedWorld
) -> None:
    assert browser.get("/clinic/availability").status_code == 403
    before = _hours(db, world)
    posted = browser.submit(
        "/clinic/availability/hours", _form(world, weekday="5", start="10:00", end="12:00")
    )
    assert posted.status_code == 403
    assert _hours(db, world) == before


def test_another_clinics_clinician_can_neither_see_nor_change_this_clinics_hours(
    south: Browser, db: Session, world: SeedWorld
) -> None:
    own = south.page("/clinic/availability")
    assert own.status_code == 200
    assert "South Clinic" in own.text
    assert "Dr North" not in own.text
    assert south.get(f"/clinic/availability?clinic={world.clinic_id}").status_code == 403
    before = _hours(db, world)
    added = south.submit(
        "/clinic/availability/hours", _form(world, weekday="5", start="10:00", end="12:00")
    )
    assert added.status_code == 403
    removed = south.submit(f"/clinic/availability/hours/{before[0].id}/delete", _form(world))
    assert removed.status_code == 403
    off = south.submit(
        "/clinic/availability/time-off",
        _form(world, first_date="2026-12-07", last_date="2026-12-07"),
    )
    assert off.status_code == 403
    assert _hours(db, world) == before
    assert booking.list_time_off(db, clinic_id=world.clinic_id) == []


def test_an_admin_chooses_any_clinic(app: FastAPI, db: Session, world: SeedWorld) -> None:
    accounts.create_staff_account(
        db, email=ADMIN_EMAIL, password=PASSWORD, role="admin", display_name="Admin", now=NOW
    )
    with staff_client(app, db, ADMIN_EMAIL) as admin:
        page = admin.page(f"/clinic/availability?clinic={world.clinic_id}")
        assert page.status_code == 200
        assert "Availability: Dr North" in page.text
        assert '<option value="' + world.other_clinic_id + '">South Clinic</option>' in page.text
        added = admin.submit(
            "/clinic/availability/hours", _form(world, weekday="6", start="10:00", end="12:00")
        )
        assert added.status_code == 303
        assert admin.get("/clinic/schedule").status_code == 403  # the desk's pages stay staff's
    assert [e.actor_role for e in _events(db, "clinic_hours", "create")][-1] == "admin"


# ---- the pre-visit report -----------------------------------------------------------------


def _visit(db: Session, world: SeedWorld) -> booking.AppointmentView:
    type_id = next(
        t.id for t in booking.list_types(db, clinic_id=world.clinic_id) if t.name == "Re-assessment"
    )
    return booking.book(
        db,
        principal=None,
        clinic_id=world.clinic_id,
        appointment_type_id=type_id,
        start_at=dt.datetime.combine(MONDAY, dt.time(10), LONDON),
        now=NOW,
        runner_id=world.runner_id,
    ).appointment


def test_the_pre_visit_report_shows_the_runners_record_in_words_and_is_audited(
    staff: Browser, db: Session, world: SeedWorld, web_settings: Settings
) -> None:
    visit = _visit(db, world)
    appointment = staff.page(f"/clinic/appointments/{visit.id}")
    assert f'href="/clinic/appointments/{visit.id}/pre-visit"' in appointment.text
    page = staff.page(f"/clinic/appointments/{visit.id}/pre-visit")
    assert page.status_code == 200
    assert "Before the visit: Ana Runner" in page.text
    assert "Latest assessment" in page.text
    db.expire_all()
    reads = [
        e
        for e in _events(db, "pre_visit_report", "read")
        if e.actor_account_id == world.clinician_account_id
    ]
    assert [(e.runner_id, e.detail["appointment_id"]) for e in reads] == [
        (world.runner_id, visit.id)
    ]
    report = previsit_report(
        db, principal=None, appointment_id=visit.id, now=NOW, settings=web_settings
    )
    assert report.scores, "the seeded runner answered questionnaires"
    for line in map(score_line, report.scores):
        assert line.name in page.text
        assert line.latest in page.text
    assert "Oswestry" in page.text
    pain = db.scalars(select(PainEntry).where(PainEntry.runner_id == world.runner_id)).all()
    assert len(report.pain) == len(pain)
    for entry in pain:
        assert f"{entry.nprs_now}/10" in page.text
    assert "% done" in page.text
    assert f"of {report.adherence.planned} planned session" in page.text


def test_the_pre_visit_pdf_is_the_apis_renderer_and_also_audited(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    visit = _visit(db, world)
    pdf = staff.get(f"/clinic/appointments/{visit.id}/pre-visit.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert len(_events(db, "pre_visit_report", "read")) == 1


def test_a_runner_and_another_clinics_clinician_get_no_pre_visit_report(
    browser: Browser, south: Browser, db: Session, world: SeedWorld
) -> None:
    visit = _visit(db, world)
    for path in (
        f"/clinic/appointments/{visit.id}/pre-visit",
        f"/clinic/appointments/{visit.id}/pre-visit.pdf",
    ):
        assert browser.get(path).status_code == 403
        assert south.get(path).status_code in (403, 404)
    assert _events(db, "pre_visit_report", "read") == []
