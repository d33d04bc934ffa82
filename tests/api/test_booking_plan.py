"""The plan's clinic-visit days become suggested slots; a booked appointment shows in the plan
and in its calendar; the appointment's own calendar file keeps its UID across a move."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy.orm import Session

from backstride.config import Settings
from tests.api.world import client_for
from tests.services.booking.world import BookingWorld, build_booking_world

API = "/api/v1"


@pytest.fixture
def bw(session: Session) -> BookingWorld:
    return build_booking_world(session, history=True)  # A: intake (clinician), 4-week plan


@pytest.fixture
def api(db_settings: Settings, bw: BookingWorld) -> Iterator[TestClient]:
    del bw
    yield from client_for(db_settings)


def test_clinic_visit_days_become_suggested_slots_and_a_booking_shows_in_plan_and_calendar(
    api: TestClient, bw: BookingWorld
) -> None:
    h = bw.world.headers("runner_a")
    visits = api.get(
        f"{API}/me/plan/suggested-visits", params={"clinic_id": bw.clinic_id}, headers=h
    )
    assert visits.status_code == 200, visits.text
    days = {v["on_date"]: v for v in visits.json()}
    dec2 = days["2026-12-02"]
    assert dec2["appointment_type_id"] == bw.assess_id  # triage 'clinician': an assessment
    assert len(dec2["slots"]) == 3
    assert all(s["local_start"].startswith("2026-12-02") for s in dec2["slots"])
    assert days["2026-12-16"]["slots"] == []  # past the triage window of 14 days
    slot = dec2["slots"][0]
    made = api.post(
        f"{API}/me/appointments",
        json={
            "clinic_id": bw.clinic_id,
            "appointment_type_id": bw.assess_id,
            "start_at": slot["start_at"],
            "clinician_id": slot["clinician_id"],
        },
        headers=h,
    )
    assert made.status_code == 201, made.text
    ap = made.json()
    again = {
        v["on_date"]: v
        for v in api.get(
            f"{API}/me/plan/suggested-visits", params={"clinic_id": bw.clinic_id}, headers=h
        ).json()
    }
    assert again["2026-12-02"]["booked"]["id"] == ap["id"]
    assert again["2026-12-02"]["slots"] == []
    plan = api.get(f"{API}/me/plan", headers=h).json()
    assert [a["id"] for a in plan["appointments"]] == [ap["id"]]
    cal = Calendar.from_ical(api.get(f"{API}/me/plan/calendar.ics", headers=h).content)
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert f"appointment-{ap['id']}@backstride" in uids
    assert len(uids) > 1  # the plan's sessions too


def test_the_appointment_calendar_file_keeps_its_uid_and_bumps_sequence_on_a_move(
    api: TestClient, bw: BookingWorld
) -> None:
    h = bw.world.headers("runner_a")
    start = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
    ap = api.post(
        f"{API}/me/appointments",
        json={
            "clinic_id": bw.clinic_id,
            "appointment_type_id": bw.assess_id,
            "start_at": start.isoformat(),
        },
        headers=h,
    ).json()

    def event() -> dict[str, object]:
        res = api.get(f"{API}/me/appointments/{ap['id']}/calendar.ics", headers=h)
        assert res.headers["content-type"].startswith("text/calendar")
        (ev,) = Calendar.from_ical(res.content).walk("VEVENT")
        return {
            "uid": str(ev["UID"]),
            "seq": int(str(ev["SEQUENCE"])),
            "start": ev.decoded("DTSTART"),
        }

    first = event()
    api.post(
        f"{API}/me/appointments/{ap['id']}/reschedule",
        json={"version": 1, "start_at": (start + dt.timedelta(hours=2)).isoformat()},
        headers=h,
    )
    moved = event()
    assert moved["uid"] == first["uid"]
    assert (first["seq"], moved["seq"]) == (1, 2)
    assert moved["start"] == start + dt.timedelta(hours=2)
    other = api.get(
        f"{API}/me/appointments/{ap['id']}/calendar.ics", headers=bw.world.headers("runner_b")
    )
    assert other.status_code == 404
