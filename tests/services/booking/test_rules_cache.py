"""Each process keeps a clinic's booking rules while the clinic's stamp is unchanged: a set-up
change is seen by the very next booking, in this process and in another, and one clinic's
rules are never served for another."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from backstride.clinic import ClinicRules
from backstride.config import Settings
from backstride.errors import BackstrideError
from backstride.services import booking
from backstride.services.booking.load import RULES_CACHE, load_rules
from backstride.store.db import make_engine, session_factory
from tests.services.booking.world import MONDAY, NOW, BookingWorld, at, build_booking_world


@pytest.fixture
def bw(session: Session) -> BookingWorld:
    return build_booking_world(session)


@pytest.fixture
def other_engine(db_settings: Settings) -> Iterator[Engine]:
    """A second app instance on the same database: its own engine, so its own cache entries."""
    eng = make_engine(db_settings.effective_database_url)
    yield eng
    eng.dispose()


def rules_now(session: Session, clinic_id: str) -> ClinicRules:
    rules = load_rules(session, clinic_id, start_at=at(MONDAY, "09:00"), end_at=at(MONDAY, "17:00"))
    session.commit()
    return rules


def books(session: Session, bw: BookingWorld, hhmm: str, actor: str = "runner_a") -> str:
    done = booking.book(
        session,
        principal=bw.principal(session, actor),
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.assess_id,
        start_at=at(MONDAY, hhmm),
        now=NOW,
        share_record=True,
    )
    return done.appointment.id


def count_statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    return seen


def test_a_second_read_at_the_same_stamp_is_one_query(
    session: Session, bw: BookingWorld, engine: Engine
) -> None:
    first = rules_now(session, bw.clinic_id)
    seen = count_statements(engine)
    again = rules_now(session, bw.clinic_id)
    assert again == first
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1


def test_time_off_added_here_refuses_the_very_next_booking(
    session: Session, bw: BookingWorld
) -> None:
    books(session, bw, "09:00")  # the rules are now kept
    booking.add_time_off(
        session,
        actor=None,
        clinic_id=bw.clinic_id,
        clinician_id=bw.clinician_id,
        start_at=at(MONDAY, "10:00"),
        end_at=at(MONDAY, "12:00"),
        now=NOW,
    )
    with pytest.raises(BackstrideError):
        books(session, bw, "10:30", actor="runner_b")
    assert any(o.start_at == at(MONDAY, "10:00") for o in rules_now(session, bw.clinic_id).time_off)


def test_a_change_made_by_another_instance_is_seen_at_the_next_booking(
    session: Session, bw: BookingWorld, other_engine: Engine
) -> None:
    books(session, bw, "09:00")
    with session_factory(other_engine)() as elsewhere:
        booking.update_type(
            elsewhere, actor=None, type_id=bw.assess_id, now=NOW, changes={"duration_min": 120}
        )
    assess = rules_now(session, bw.clinic_id).type_by_id(bw.assess_id)
    assert assess is not None
    assert assess.duration_min == 120
    with pytest.raises(BackstrideError):  # 15:30 + 45 min fitted; 15:30 + 120 min ends at 17:30
        books(session, bw, "15:30", actor="runner_b")


def test_raw_sql_that_closes_the_clinics_hours_is_seen_too(
    session: Session, bw: BookingWorld, other_engine: Engine
) -> None:
    assert rules_now(session, bw.clinic_id).hours
    with other_engine.begin() as conn:
        conn.execute(text("DELETE FROM clinic_hours WHERE clinic_id = :c"), {"c": bw.clinic_id})
    assert rules_now(session, bw.clinic_id).hours == ()
    with pytest.raises(BackstrideError):
        books(session, bw, "09:00")


def test_a_deactivated_clinician_leaves_the_kept_rules(
    session: Session, bw: BookingWorld, other_engine: Engine
) -> None:
    assert [c.id for c in rules_now(session, bw.clinic_id).clinicians] == [bw.clinician_id]
    with other_engine.begin() as conn:
        conn.execute(
            text("UPDATE accounts SET is_active = :f WHERE id = :a"),
            {"f": False, "a": bw.clinician_id},
        )
    assert rules_now(session, bw.clinic_id).clinicians == ()


def test_the_cache_never_serves_another_clinics_rules(session: Session, bw: BookingWorld) -> None:
    south = bw.world.other_clinic_id
    north_rules = rules_now(session, bw.clinic_id)
    south_rules = rules_now(session, south)  # same stamp value (both fresh), other clinic
    assert {t.id for t in north_rules.types} == {bw.assess_id, bw.review_id, bw.staff_only_id}
    assert south_rules.types == ()
    assert south_rules.hours == ()
    booking.create_type(
        session,
        actor=None,
        clinic_id=south,
        name="Gait analysis",
        visit_kind="gait_analysis",
        duration_min=60,
        now=NOW,
    )
    assert [t.name for t in rules_now(session, south).types] == ["Gait analysis"]
    assert rules_now(session, bw.clinic_id) == north_rules


def test_each_database_keeps_its_own_rules(
    session: Session, bw: BookingWorld, other_engine: Engine
) -> None:
    mine = rules_now(session, bw.clinic_id)
    with session_factory(other_engine)() as elsewhere:
        assert rules_now(elsewhere, bw.clinic_id) == mine
    RULES_CACHE.clear()
    assert rules_now(session, bw.clinic_id) == mine


def test_time_off_outside_a_later_window_is_filtered_and_earlier_windows_read_again(
    session: Session, bw: BookingWorld
) -> None:
    for day in (MONDAY, MONDAY + dt.timedelta(days=14)):
        booking.add_time_off(
            session,
            actor=None,
            clinic_id=bw.clinic_id,
            start_at=at(day, "12:00"),
            end_at=at(day, "13:00"),
            now=NOW,
        )
    late = MONDAY + dt.timedelta(days=14)
    later = load_rules(session, bw.clinic_id, start_at=at(late, "09:00"), end_at=at(late, "17:00"))
    assert [o.start_at for o in later.time_off] == [at(late, "12:00")]
    earlier = rules_now(session, bw.clinic_id)
    assert [o.start_at for o in earlier.time_off] == [at(MONDAY, "12:00")]
