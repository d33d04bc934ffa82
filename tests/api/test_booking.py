"""The booking API: every bad input of issue 14 gets its status and code; another runner's
booking is invisible; idempotency; 429 with Retry-After; the admin set-up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.store.clinic_models import Appointment
from tests.api.world import PASSWORD, client_for
from tests.services.booking.world import MONDAY, NOW, BookingWorld, at, build_booking_world

API = "/api/v1"


@pytest.fixture
def bw(session: Session) -> BookingWorld:
    return build_booking_world(session)


@pytest.fixture
def api(db_settings: Settings, bw: BookingWorld) -> Iterator[TestClient]:
    del bw
    yield from client_for(db_settings)


def body(bw: BookingWorld, **kw: object) -> dict[str, object]:
    out: dict[str, object] = {
        "clinic_id": bw.clinic_id,
        "appointment_type_id": bw.assess_id,
        "start_at": at(MONDAY, "09:00").isoformat(),
        "share_record": True,
    }
    out.update(kw)
    return out


def post(
    api: TestClient, bw: BookingWorld, actor: str = "runner_a", key: str | None = None, **kw: Any
) -> httpx2.Response:
    headers = bw.world.headers(actor)
    if key:
        headers["Idempotency-Key"] = key
    return api.post(f"{API}/me/appointments", json=body(bw, **kw), headers=headers)


def test_a_runner_finds_a_slot_books_it_and_lists_it(api: TestClient, bw: BookingWorld) -> None:
    h = bw.world.headers("runner_a")
    options = api.get(f"{API}/clinics/{bw.clinic_id}/booking/options", headers=h).json()
    assert [t["id"] for t in options["types"]] == [bw.assess_id]  # no intake yet: an assessment
    slots = api.get(
        f"{API}/clinics/{bw.clinic_id}/slots",
        params={
            "appointment_type_id": bw.assess_id,
            "from": at(MONDAY, "00:00").isoformat(),
            "to": at(MONDAY, "23:00").isoformat(),
        },
        headers=h,
    )
    assert slots.status_code == 200, slots.text
    first = slots.json()["slots"][0]
    made = post(api, bw, start_at=first["start_at"], clinician_id=first["clinician_id"])
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "booked"
    mine = api.get(f"{API}/me/appointments", headers=h).json()
    assert [m["id"] for m in mine] == [made.json()["id"]]


@pytest.mark.parametrize(
    ("kw", "status", "code"),
    [
        ({"end_at": at(MONDAY, "08:00").isoformat()}, 422, "booking.end_before_start"),
        ({"start_at": at(MONDAY, "09:10").isoformat()}, 422, "booking.off_grid"),
        ({"start_at": "2026-11-01T09:00:00Z"}, 422, "booking.in_past"),
        (
            {
                "start_at": at(
                    MONDAY.replace(month=12, day=31).replace(year=2027), "09:00"
                ).isoformat()
            },
            422,
            "booking.beyond_horizon",
        ),
        ({"start_at": NOW.replace(hour=11).isoformat()}, 422, "booking.inside_notice"),
        ({"start_at": at(MONDAY, "20:00").isoformat()}, 422, "booking.outside_availability"),
        ({"start_at": "2026-11-30T09:00:00"}, 422, "booking.naive_datetime"),
        ({"appointment_type_id": "nope"}, 404, "appointment_type.not_found"),
        ({"clinician_id": "nope"}, 404, "clinician.not_found"),
        ({"clinic_id": "nope"}, 404, "clinic.not_found"),
    ],
)
def test_every_bad_booking_gets_its_status_and_code_and_nothing_is_stored(
    api: TestClient,
    bw: BookingWorld,
    session: Session,
    kw: dict[str, Any],
    status: int,
    code: str,
) -> None:
    res = post(api, bw, **kw)
    assert res.status_code == status, res.text
    assert res.json()["code"] == code
    assert session.scalar(select(func.count()).select_from(Appointment)) == 0


def test_a_taken_slot_is_409_with_next_slots(api: TestClient, bw: BookingWorld) -> None:
    assert post(api, bw).status_code == 201
    res = post(api, bw, actor="runner_b")
    assert res.status_code == 409
    assert res.json()["code"] == "booking.slot_taken"
    assert res.json()["next_slots"][0]["start_at"] == at(MONDAY, "10:00").isoformat()


def test_another_runners_booking_is_404_everywhere(api: TestClient, bw: BookingWorld) -> None:
    ap = post(api, bw).json()
    hb = bw.world.headers("runner_b")
    assert api.get(f"{API}/me/appointments/{ap['id']}", headers=hb).status_code == 404
    for path, payload in (
        ("cancel", {}),
        ("reschedule", {"version": 1, "start_at": at(MONDAY, "14:00").isoformat()}),
    ):
        res = api.post(f"{API}/me/appointments/{ap['id']}/{path}", json=payload, headers=hb)
        assert (res.status_code, res.json()["code"]) == (404, "appointment.not_found")
    assert api.get(f"{API}/me/appointments", headers=hb).json() == []
    # a clinician without the runner's consent cannot see it either
    res = api.get(
        f"{API}/clinician/appointments/{ap['id']}", headers=bw.world.headers("clinician_without")
    )
    assert res.status_code == 404


def test_stale_version_and_too_late_to_cancel_are_409(api: TestClient, bw: BookingWorld) -> None:
    h = bw.world.headers("runner_a")
    ap = post(api, bw).json()
    moved = api.post(
        f"{API}/me/appointments/{ap['id']}/reschedule",
        json={"version": 1, "start_at": at(MONDAY, "14:00").isoformat()},
        headers=h,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["version"] == 2
    stale = api.post(
        f"{API}/me/appointments/{ap['id']}/reschedule",
        json={"version": 1, "start_at": at(MONDAY, "15:00").isoformat()},
        headers=h,
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "booking.stale_version")
    # tomorrow's morning is inside the 24-h window: booked fine, cannot be cancelled online
    tomorrow = post(api, bw, start_at=at(MONDAY.replace(day=26), "09:00").isoformat())
    assert tomorrow.status_code == 201, tomorrow.text
    late = api.post(f"{API}/me/appointments/{tomorrow.json()['id']}/cancel", json={}, headers=h)
    assert (late.status_code, late.json()["code"]) == (409, "booking.too_late_to_cancel")


def test_idempotency_key_replays_and_another_body_is_422(
    api: TestClient, bw: BookingWorld, session: Session
) -> None:
    first = post(api, bw, key="abc")
    again = post(api, bw, key="abc")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    other = post(api, bw, key="abc", start_at=at(MONDAY, "11:00").isoformat())
    assert (other.status_code, other.json()["code"]) == (422, "idempotency.key_reused")
    assert session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_hammering_the_booking_endpoint_is_429_with_retry_after(
    api: TestClient, bw: BookingWorld
) -> None:
    codes = [post(api, bw, start_at=at(MONDAY, "20:00").isoformat()).status_code for _ in range(25)]
    assert codes[:20] == [422] * 20  # the burst: each request is judged (and refused)
    assert set(codes[20:]) == {429}
    res = post(api, bw)
    assert res.json()["code"] == "booking.rate_limited"
    assert int(res.headers["Retry-After"]) >= 1
    # another runner is not slowed down
    assert (
        post(api, bw, actor="runner_b", start_at=at(MONDAY, "20:00").isoformat()).status_code == 422
    )


def test_runners_cannot_override_availability_through_the_api(
    api: TestClient, bw: BookingWorld
) -> None:
    staff_body = {
        "clinic_id": bw.clinic_id,
        "appointment_type_id": bw.assess_id,
        "start_at": at(MONDAY, "19:00").isoformat(),
        "override_reason": "late shift",
    }
    res = api.post(
        f"{API}/clinician/runners/{bw.world.runner_a}/appointments",
        json=staff_body,
        headers=bw.world.headers("runner_a"),
    )
    assert res.status_code == 403
    doc = api.post(
        f"{API}/clinician/runners/{bw.world.runner_a}/appointments",
        json=staff_body,
        headers=bw.world.headers("clinician_with"),
    )
    assert doc.status_code == 201, doc.text
    assert doc.json()["override_reason"] == "late shift"


def test_urgent_triage_refuses_with_the_action_to_take(
    api: TestClient, bw: BookingWorld, session: Session
) -> None:
    from backstride.store.models import Assessment
    from backstride.units import new_id

    session.add(
        Assessment(
            id=new_id(),
            runner_id=bw.world.runner_a,
            created_at=NOW,
            disposition="urgent",
            rules_version="t",
            result={},
        )
    )
    session.commit()
    res = post(api, bw)
    assert res.status_code == 403
    assert res.json()["code"] == "booking.refused_urgent"
    assert "24 hours" in res.json()["action"]


def test_admin_sets_up_types_rooms_hours_and_time_off(api: TestClient, bw: BookingWorld) -> None:
    h = bw.world.headers("admin")
    base = f"{API}/admin/clinics/{bw.clinic_id}"
    t = api.post(
        f"{base}/appointment-types",
        json={"name": "Gait analysis", "visit_kind": "gait_analysis", "duration_min": 60},
        headers=h,
    )
    assert t.status_code == 201, t.text
    bad = api.post(
        f"{base}/appointment-types",
        json={"name": "", "visit_kind": "x", "duration_min": 1},
        headers=h,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "appointment_type.invalid")
    assert {p["path"] for p in bad.json()["problems"]} == {"name", "visit_kind", "duration_min"}
    room = api.post(
        f"{base}/rooms", json={"name": "Gym", "visit_kinds": ["gait_analysis"]}, headers=h
    )
    assert room.status_code == 201
    hours = api.post(
        f"{base}/hours",
        json={
            "clinician_id": bw.clinician_id,
            "on_date": "2026-12-05",
            "start": "10:00",
            "end": "12:00",
            "room_id": room.json()["id"],
        },
        headers=h,
    )
    assert hours.status_code == 201, hours.text
    inverted = api.post(
        f"{base}/hours",
        json={"clinician_id": bw.clinician_id, "weekday": 5, "start": "12:00", "end": "10:00"},
        headers=h,
    )
    assert (inverted.status_code, inverted.json()["code"]) == (422, "booking.end_before_start")
    off = api.post(
        f"{base}/time-off",
        json={
            "start_at": at(MONDAY, "12:00").isoformat(),
            "end_at": at(MONDAY, "13:00").isoformat(),
            "reason": "staff meeting",
        },
        headers=h,
    )
    assert off.status_code == 201
    policy = api.put(
        f"{base}/booking-policy",
        json={"timezone": "Europe/Dublin", "cancel_window_min": 720},
        headers=h,
    )
    assert policy.json()["timezone"] == "Europe/Dublin"
    assert (
        api.put(f"{base}/booking-policy", json={"timezone": "Nowhere/Else"}, headers=h).json()[
            "code"
        ]
        == "booking.invalid_timezone"
    )
    # a runner may not change the set-up
    assert (
        api.post(
            f"{base}/rooms", json={"name": "Mine"}, headers=bw.world.headers("runner_a")
        ).status_code
        == 403
    )


def test_a_browser_booking_needs_the_csrf_header_and_an_unknown_token_is_401(
    api: TestClient, bw: BookingWorld, session: Session
) -> None:
    # A booking write signs its caller in within its own thread-pool hop (decision 0070):
    # the same checks as every other change.
    r = api.post(
        f"{API}/auth/login", json={"email": bw.world.emails["runner_a"], "password": PASSWORD}
    )
    csrf = r.json()["csrf_token"]
    refused = api.post(f"{API}/me/appointments", json=body(bw))
    assert (refused.status_code, refused.json()["code"]) == (403, "auth.csrf_failed")
    booked = api.post(f"{API}/me/appointments", json=body(bw), headers={"X-CSRF-Token": csrf})
    assert booked.status_code == 201
    api.cookies.clear()
    unknown = api.post(
        f"{API}/me/appointments",
        json=body(bw, start_at=at(MONDAY, "10:00").isoformat()),
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert (unknown.status_code, unknown.json()["code"]) == (401, "auth.required")
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_a_sqlite_server_runs_its_booking_writes_one_at_a_time(
    api: TestClient, bw: BookingWorld, db_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six bookings sent at once all succeed; on a SQLite file the process runs them one after
    another (the file takes one writer anyway), on PostgreSQL in the shared thread pool."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Lock
    from time import sleep

    from backstride.services import booking

    inside, most, lock = [0], [0], Lock()
    book = booking.book

    def counted(*args: Any, **kw: Any) -> Any:
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        try:
            sleep(0.05)  # long enough for the others to arrive if they could
            return book(*args, **kw)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(booking, "book", counted)
    times = ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00"]
    with ThreadPoolExecutor(max_workers=len(times)) as pool:
        answers = list(
            pool.map(
                lambda i: post(
                    api,
                    bw,
                    actor=("runner_a", "runner_b")[i % 2],
                    start_at=at(MONDAY, times[i]).isoformat(),
                ),
                range(len(times)),
            )
        )
    assert [a.status_code for a in answers] == [201] * len(times), [a.text for a in answers]
    if db_settings.effective_database_url.startswith("sqlite"):
        assert most[0] == 1
