"""Clinicians' hours: a window overlapping one already set for the same day, room and kinds
is refused with its field and nothing is stored; another room's window may overlap."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from sqlalchemy.orm import Session

from backstride.errors import Conflict
from backstride.services import booking
from tests.services.booking.world import NOW, BookingWorld, build_booking_world


@pytest.fixture
def bw(session: Session) -> BookingWorld:
    return build_booking_world(session)


def _monday(session: Session, bw: BookingWorld) -> list[booking.HoursView]:
    return [
        h
        for h in booking.list_hours(session, clinic_id=bw.clinic_id)
        if h.clinician_id == bw.clinician_id and h.weekday == 0
    ]


def test_hours_overlapping_the_same_days_hours_are_refused_at_the_start_field(
    session: Session, bw: BookingWorld
) -> None:
    with pytest.raises(Conflict) as caught:
        booking.add_hours(
            session,
            actor=None,
            clinic_id=bw.clinic_id,
            clinician_id=bw.clinician_id,
            weekday=0,
            start="16:00",
            end="18:00",
            now=NOW,
        )
    session.rollback()
    assert caught.value.code == "hours.overlap"
    assert caught.value.problems[0]["path"] == "start"
    assert "09:00-17:00" in caught.value.detail
    assert [(h.start, h.end) for h in _monday(session, bw)] == [("09:00", "17:00")]


def test_touching_hours_another_room_or_another_date_may_be_added(
    session: Session, bw: BookingWorld
) -> None:
    add = functools.partial(
        booking.add_hours,
        session,
        actor=None,
        clinic_id=bw.clinic_id,
        clinician_id=bw.clinician_id,
        now=NOW,
    )
    add(weekday=0, start="17:00", end="19:00")
    add(weekday=0, start="10:00", end="12:00", room_id=bw.room_id)
    add(on_date=dt.date(2026, 11, 30), start="09:00", end="12:00")
    assert [(h.start, h.end) for h in _monday(session, bw)] == [
        ("09:00", "17:00"),
        ("10:00", "12:00"),
        ("17:00", "19:00"),
    ]
