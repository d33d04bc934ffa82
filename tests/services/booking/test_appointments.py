"""Booking use cases on both stores: book, list, move with a version, cancel in the window,
mark attendance; every change audited; runners see only their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from backstride.clinic import BookingRefused, SlotTaken
from backstride.errors import Conflict, Forbidden, InvalidInput, NotFound
from backstride.services import booking
from backstride.services.booking import appointments
from backstride.store.clinic_models import Appointment
from backstride.store.models import Assessment, AuditEvent
from backstride.units import new_id
from tests.services.booking.world import MONDAY, NOW, BookingWorld, at, build_booking_world


@pytest.fixture
def bw(session: Session) -> BookingWorld:
    return build_booking_world(session)


def runner_books(
    session: Session, bw: BookingWorld, actor: str = "runner_a", **kw: object
) -> booking.BookingResult:
    args: dict[str, object] = {
        "clinic_id": bw.clinic_id,
        "appointment_type_id": bw.assess_id,
        "start_at": at(MONDAY, "09:00"),
        "now": NOW,
        "share_record": True,
    }
    args.update(kw)
    return booking.book(session, principal=bw.principal(session, actor), **args)  # type: ignore[arg-type]


def test_a_runner_books_a_free_slot_and_sees_it_in_local_time(
    session: Session, bw: BookingWorld
) -> None:
    slots = booking.list_free_slots(
        session,
        principal=bw.principal(session, "runner_a"),
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.assess_id,
        now=NOW,
        from_at=at(MONDAY, "00:00"),
        to_at=at(MONDAY, "23:59"),
    )
    first = slots.slots[0]
    assert first.local_start.startswith("2026-11-30T09:00:00+00:00")
    done = runner_books(session, bw, start_at=first.start_at)
    ap = done.appointment
    assert (ap.status, ap.version, ap.clinician_name, ap.room_name) == (
        "booked",
        1,
        "Dr North",
        "Room 1",
    )
    assert ap.end_at - ap.start_at == dt.timedelta(minutes=45)
    mine = booking.list_my_appointments(
        session, principal=bw.principal(session, "runner_a"), now=NOW
    )
    assert [m.id for m in mine] == [ap.id]
    again = booking.list_free_slots(
        session,
        principal=None,
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.review_id,
        now=NOW,
        from_at=at(MONDAY, "00:00"),
        to_at=at(MONDAY, "23:59"),
    )
    # the 45-min visit and its 15-min buffer hold 09:00-10:00
    assert at(MONDAY, "10:00") in {s.start_at for s in again.slots}
    assert not {at(MONDAY, "09:00"), at(MONDAY, "09:30"), at(MONDAY, "09:45")} & {
        s.start_at for s in again.slots
    }


def test_a_taken_slot_answers_slot_taken_with_the_next_free_slots(
    session: Session, bw: BookingWorld
) -> None:
    runner_books(session, bw)
    with pytest.raises(SlotTaken) as err:
        runner_books(session, bw, actor="runner_b")
    nxt = err.value.next_slots
    assert nxt
    assert nxt[0].start_at == at(MONDAY, "10:00")
    assert err.value.to_dict()["next_slots"][0]["start_at"] == at(MONDAY, "10:00").isoformat()
    assert (
        session.scalar(select(Appointment.id).where(Appointment.runner_id == bw.world.runner_b))
        is None
    )


def test_without_consent_or_share_record_the_booking_is_refused_and_nothing_stored(
    session: Session, bw: BookingWorld
) -> None:
    with pytest.raises(Forbidden) as err:
        runner_books(session, bw, actor="runner_b", share_record=False)
    assert err.value.code == "booking.consent_required"
    assert session.scalar(select(Appointment.id)) is None


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"start_at": dt.datetime(2026, 11, 30, 9, 0)}, "booking.naive_datetime"),
        ({"start_at": at(MONDAY, "09:07")}, "booking.off_grid"),
        ({"start_at": NOW - dt.timedelta(days=1)}, "booking.in_past"),
        ({"start_at": NOW + dt.timedelta(minutes=30)}, "booking.inside_notice"),
        ({"start_at": at(MONDAY + dt.timedelta(days=70), "09:00")}, "booking.beyond_horizon"),
        ({"start_at": at(MONDAY, "18:00")}, "booking.outside_availability"),
        ({"end_at": at(MONDAY, "08:00")}, "booking.end_before_start"),
        ({"end_at": at(MONDAY, "11:00")}, "booking.duration_mismatch"),
    ],
)
def test_bad_input_is_refused_with_its_code_and_nothing_is_stored(
    session: Session, bw: BookingWorld, kw: dict[str, Any], code: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        runner_books(session, bw, **kw)
    assert err.value.code == code
    assert session.scalar(select(Appointment.id)) is None


def test_unknown_type_and_clinician_are_not_found(session: Session, bw: BookingWorld) -> None:
    with pytest.raises(NotFound) as err:
        runner_books(session, bw, appointment_type_id="nope")
    assert err.value.code == "appointment_type.not_found"
    with pytest.raises(NotFound) as err:
        runner_books(session, bw, clinician_id="nope")
    assert err.value.code == "clinician.not_found"


def test_staff_only_types_cannot_be_booked_online_but_the_clinician_books_them(
    session: Session, bw: BookingWorld
) -> None:
    with pytest.raises(Forbidden) as err:
        runner_books(session, bw, appointment_type_id=bw.staff_only_id)
    assert err.value.code == "booking.type_not_allowed"
    done = booking.book(
        session,
        principal=bw.principal(session, "clinician_with"),
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.staff_only_id,
        start_at=at(MONDAY, "11:00"),
        now=NOW,
        runner_id=bw.world.runner_a,
    )
    assert done.appointment.booked_via == "staff"


def _disposition(session: Session, bw: BookingWorld, runner_id: str, disposition: str) -> None:
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


@pytest.mark.parametrize("disposition", ["urgent", "emergency"])
def test_urgent_and_emergency_runners_get_the_action_to_take_instead_of_a_booking(
    session: Session, bw: BookingWorld, disposition: str
) -> None:
    _disposition(session, bw, bw.world.runner_a, disposition)
    with pytest.raises(BookingRefused) as err:
        runner_books(session, bw)
    assert err.value.code == f"booking.refused_{disposition}"
    assert err.value.action
    options = booking.booking_options(
        session, principal=bw.principal(session, "runner_a"), clinic_id=bw.clinic_id, now=NOW
    )
    assert options.types == ()
    assert options.action == err.value.action


def test_a_clinician_disposition_books_an_assessment_within_the_triage_window(
    session: Session, bw: BookingWorld
) -> None:
    _disposition(session, bw, bw.world.runner_a, "clinician")
    options = booking.booking_options(
        session, principal=bw.principal(session, "runner_a"), clinic_id=bw.clinic_id, now=NOW
    )
    assert [t.id for t in options.types] == [bw.assess_id]
    assert options.book_by == NOW + dt.timedelta(days=14)
    with pytest.raises(InvalidInput) as err:
        runner_books(session, bw, start_at=at(MONDAY + dt.timedelta(days=21), "09:00"))
    assert err.value.code == "booking.beyond_triage_window"
    with pytest.raises(Forbidden):
        runner_books(session, bw, appointment_type_id=bw.review_id)


def test_reschedule_in_place_with_the_version_and_a_stale_version_is_refused(
    session: Session, bw: BookingWorld
) -> None:
    ap = runner_books(session, bw).appointment
    runner = bw.principal(session, "runner_a")
    moved = booking.reschedule(
        session,
        principal=runner,
        appointment_id=ap.id,
        version=1,
        start_at=at(MONDAY, "14:00"),
        now=NOW,
    )
    assert (moved.appointment.id, moved.appointment.version) == (ap.id, 2)
    assert moved.appointment.start_at == at(MONDAY, "14:00")
    with pytest.raises(Conflict) as err:
        booking.reschedule(
            session,
            principal=runner,
            appointment_id=ap.id,
            version=1,
            start_at=at(MONDAY, "15:00"),
            now=NOW,
        )
    assert err.value.code == "booking.stale_version"
    # the old time is free again
    assert (
        runner_books(session, bw, actor="runner_b", start_at=at(MONDAY, "09:00")).appointment.status
        == "booked"
    )


def test_a_runner_cancels_inside_the_policy_window_only(session: Session, bw: BookingWorld) -> None:
    ap = runner_books(session, bw).appointment
    runner = bw.principal(session, "runner_a")
    late = ap.start_at - dt.timedelta(hours=2)
    with pytest.raises(Conflict) as err:
        booking.cancel(session, principal=runner, appointment_id=ap.id, now=late)
    assert err.value.code == "booking.too_late_to_cancel"
    done = booking.cancel(session, principal=runner, appointment_id=ap.id, now=NOW, version=1)
    assert (done.appointment.status, done.appointment.version) == ("cancelled", 2)
    with pytest.raises(Conflict) as again:
        booking.cancel(session, principal=runner, appointment_id=ap.id, now=NOW)
    assert again.value.code == "booking.not_booked"


def test_a_runner_sees_only_their_own_appointments(session: Session, bw: BookingWorld) -> None:
    ap = runner_books(session, bw).appointment
    other = bw.principal(session, "runner_b")
    assert booking.list_my_appointments(session, principal=other, now=NOW) == []
    for call in (
        lambda: booking.get_appointment(session, principal=other, appointment_id=ap.id, now=NOW),
        lambda: booking.cancel(session, principal=other, appointment_id=ap.id, now=NOW),
        lambda: booking.reschedule(
            session,
            principal=other,
            appointment_id=ap.id,
            version=1,
            start_at=at(MONDAY, "14:00"),
            now=NOW,
        ),
    ):
        with pytest.raises(NotFound) as err:
            call()
        assert err.value.code == "appointment.not_found"


def test_a_clinician_overrides_hours_with_a_reason_but_never_an_overlap_and_a_runner_cannot(
    session: Session, bw: BookingWorld
) -> None:
    doc = bw.principal(session, "clinician_with")
    evening = at(MONDAY, "18:00")
    with pytest.raises(Forbidden) as err:
        runner_books(session, bw, start_at=evening, override_reason="please")
    assert err.value.code == "booking.override_forbidden"
    done = booking.book(
        session,
        principal=doc,
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.review_id,
        start_at=evening,
        now=NOW,
        runner_id=bw.world.runner_a,
        override_reason="works late shifts",
    )
    assert done.appointment.override_reason == "works late shifts"
    with pytest.raises(SlotTaken):
        booking.book(
            session,
            principal=doc,
            clinic_id=bw.clinic_id,
            appointment_type_id=bw.review_id,
            start_at=evening,
            now=NOW,
            runner_id=bw.world.runner_a,
            override_reason="again",
        )
    events = session.scalars(select(AuditEvent).where(AuditEvent.resource == "appointment")).all()
    assert [e.detail.get("override_reason") for e in events] == ["works late shifts"]


def test_staff_act_only_for_consenting_runners_and_mark_attendance_after_the_start(
    session: Session, bw: BookingWorld
) -> None:
    doc = bw.principal(session, "clinician_with")
    with pytest.raises(Forbidden) as err:
        booking.book(
            session,
            principal=doc,
            clinic_id=bw.clinic_id,
            appointment_type_id=bw.review_id,
            start_at=at(MONDAY, "10:00"),
            now=NOW,
            runner_id=bw.world.runner_b,
        )
    assert err.value.code == "booking.consent_required"
    ap = runner_books(session, bw).appointment
    with pytest.raises(Conflict) as early:
        booking.mark_attendance(
            session, principal=doc, appointment_id=ap.id, status="attended", version=1, now=NOW
        )
    assert early.value.code == "booking.not_started"
    done = booking.mark_attendance(
        session,
        principal=doc,
        appointment_id=ap.id,
        status="no_show",
        version=1,
        now=ap.start_at + dt.timedelta(minutes=20),
    )
    assert done.appointment.status == "no_show"
    outsider = bw.principal(session, "clinician_without")
    with pytest.raises(NotFound):
        booking.get_appointment(session, principal=outsider, appointment_id=ap.id, now=NOW)


def test_every_change_is_audited_with_the_actor(session: Session, bw: BookingWorld) -> None:
    ap = runner_books(session, bw).appointment
    runner = bw.principal(session, "runner_a")
    booking.reschedule(
        session,
        principal=runner,
        appointment_id=ap.id,
        version=1,
        start_at=at(MONDAY, "14:00"),
        now=NOW,
    )
    booking.cancel(session, principal=runner, appointment_id=ap.id, now=NOW)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.resource == "appointment").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.actor_role, e.runner_id) for e in events] == [
        ("create", "runner", bw.world.runner_a),
        ("update", "runner", bw.world.runner_a),
        ("update", "runner", bw.world.runner_a),
    ]
    assert events[1].detail["old"]["start_at"] == at(MONDAY, "09:00").isoformat()


def test_an_idempotency_key_replays_and_refuses_another_body(
    session: Session, bw: BookingWorld
) -> None:
    first = runner_books(session, bw, idempotency_key="k-1")
    again = runner_books(session, bw, idempotency_key="k-1")
    assert again.replayed
    assert again.appointment.id == first.appointment.id
    with pytest.raises(InvalidInput) as err:
        runner_books(session, bw, idempotency_key="k-1", start_at=at(MONDAY, "11:00"))
    assert err.value.code == "idempotency.key_reused"
    assert len(session.scalars(select(Appointment.id)).all()) == 1


def test_time_off_over_a_booking_lists_it_and_hides_the_slots(
    session: Session, bw: BookingWorld
) -> None:
    ap = runner_books(session, bw).appointment
    off = booking.add_time_off(
        session,
        actor=None,
        clinic_id=bw.clinic_id,
        clinician_id=bw.clinician_id,
        start_at=at(MONDAY, "08:00"),
        end_at=at(MONDAY, "13:00"),
        reason="training",
        now=NOW,
    )
    assert off.conflicts == (ap.id,)
    slots = booking.list_free_slots(
        session,
        principal=None,
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.review_id,
        now=NOW,
        from_at=at(MONDAY, "00:00"),
        to_at=at(MONDAY, "23:59"),
    )
    assert slots.slots[0].start_at == at(MONDAY, "13:00")
    with pytest.raises(InvalidInput) as err:
        booking.add_time_off(
            session,
            actor=None,
            clinic_id=bw.clinic_id,
            start_at=at(MONDAY, "13:00"),
            end_at=at(MONDAY, "12:00"),
            now=NOW,
        )
    assert err.value.code == "booking.end_before_start"


def test_a_booking_chosen_as_a_deadlock_victim_is_run_again_and_booked_once(
    session: Session, bw: BookingWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = appointments._book
    calls: list[int] = []

    class _Deadlock(Exception):
        sqlstate = "40P01"

    def first_attempt_deadlocks(*args: Any, **kwargs: Any) -> booking.BookingResult:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT INTO appointments ...", {}, _Deadlock())
        return real(*args, **kwargs)

    monkeypatch.setattr(appointments, "_book", first_attempt_deadlocks)
    made = runner_books(session, bw)
    assert len(calls) == 2
    assert made.appointment.status == "booked"
    rows = session.scalars(
        select(Appointment).where(Appointment.runner_id == bw.world.runner_a)
    ).all()
    assert [r.id for r in rows] == [made.appointment.id]
