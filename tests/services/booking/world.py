"""A booking world on top of the API world: North Clinic set up for booking (London time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from backstride.services import booking
from backstride.services.auth import principal_for
from backstride.services.policy import Principal
from backstride.store.models import Account
from tests.api.world import World, build_world

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
"""The API world's clock: a Wednesday."""
MONDAY = dt.date(2026, 11, 30)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=LONDON).astimezone(dt.UTC)


@dataclass
class BookingWorld:
    world: World
    clinic_id: str
    clinician_id: str
    assess_id: str
    review_id: str
    staff_only_id: str
    room_id: str

    def principal(self, session: Session, actor: str) -> Principal:
        account = session.get(Account, self.world.accounts[actor])
        assert account is not None
        return principal_for(session, account)


def build_booking_world(session: Session, *, history: bool = False) -> BookingWorld:
    """North Clinic: Dr North Mon-Fri 09-17 London time, one room, three types."""
    world = build_world(session, history=history)
    clinic = world.clinic_id
    doc = world.accounts["clinician_with"]
    booking.set_policy(session, actor=None, clinic_id=clinic, now=NOW, timezone="Europe/London")
    assess = booking.create_type(
        session,
        actor=None,
        clinic_id=clinic,
        name="Initial assessment",
        visit_kind="initial_assessment",
        duration_min=45,
        buffer_after_min=15,
        now=NOW,
    )
    review = booking.create_type(
        session,
        actor=None,
        clinic_id=clinic,
        name="Exercise review",
        visit_kind="exercise_review",
        duration_min=30,
        now=NOW,
    )
    staff_only = booking.create_type(
        session,
        actor=None,
        clinic_id=clinic,
        name="Adjustment",
        visit_kind="adjustment",
        duration_min=30,
        online=False,
        now=NOW,
    )
    room = booking.create_room(session, actor=None, clinic_id=clinic, name="Room 1", now=NOW)
    for d in range(5):
        booking.add_hours(
            session,
            actor=None,
            clinic_id=clinic,
            clinician_id=doc,
            weekday=d,
            start="09:00",
            end="17:00",
            now=NOW,
        )
    return BookingWorld(world, clinic, doc, assess.id, review.id, staff_only.id, room.id)
