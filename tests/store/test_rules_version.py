"""Every change to a clinic's booking set-up bumps that clinic's ``rules_version`` in the same
transaction (database triggers, migration 0013_clinic_rules_version), and no other clinic's."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from backstride.services import booking
from tests.services.booking.world import MONDAY, NOW, at, build_booking_world


def versions(session: Session) -> dict[str, int]:
    rows = session.execute(text("SELECT id, rules_version FROM clinics")).all()
    session.commit()
    return {r[0]: r[1] for r in rows}


def test_each_set_up_change_bumps_its_clinic_only(session: Session) -> None:
    bw = build_booking_world(session)
    north, south = bw.clinic_id, bw.world.other_clinic_id
    made: dict[str, str] = {}

    def raw(sql: str, **params: object) -> Callable[[], None]:
        def run() -> None:
            session.execute(text(sql), params)
            session.commit()

        return run

    changes: list[tuple[str, Callable[[], object]]] = [
        (
            "policy",
            lambda: booking.set_policy(
                session, actor=None, clinic_id=north, now=NOW, min_notice_min=90
            ),
        ),
        (
            "new type",
            lambda: booking.create_type(
                session,
                actor=None,
                clinic_id=north,
                name="Gait analysis",
                visit_kind="gait_analysis",
                duration_min=60,
                now=NOW,
            ),
        ),
        (
            "type changed",
            lambda: booking.update_type(
                session, actor=None, type_id=bw.review_id, now=NOW, changes={"duration_min": 40}
            ),
        ),
        (
            "new room",
            lambda: booking.create_room(
                session, actor=None, clinic_id=north, name="Room 2", now=NOW
            ),
        ),
        (
            "room changed",
            lambda: booking.update_room(
                session, actor=None, room_id=bw.room_id, now=NOW, name="Room A"
            ),
        ),
        (
            "new hours",
            lambda: made.__setitem__(
                "hours",
                booking.add_hours(
                    session,
                    actor=None,
                    clinic_id=north,
                    clinician_id=bw.clinician_id,
                    weekday=5,
                    start="09:00",
                    end="12:00",
                    now=NOW,
                ).id,
            ),
        ),
        (
            "hours deleted",
            lambda: booking.delete_hours(session, actor=None, hours_id=made["hours"], now=NOW),
        ),
        (
            "new time off",
            lambda: made.__setitem__(
                "off",
                booking.add_time_off(
                    session,
                    actor=None,
                    clinic_id=north,
                    start_at=at(MONDAY, "12:00"),
                    end_at=at(MONDAY, "13:00"),
                    now=NOW,
                ).id,
            ),
        ),
        (
            "time off deleted",
            lambda: booking.delete_time_off(session, actor=None, time_off_id=made["off"], now=NOW),
        ),
        (
            "clinician renamed",
            raw("UPDATE accounts SET display_name = 'Dr N' WHERE id = :a", a=bw.clinician_id),
        ),
        (
            "clinician left",
            raw("DELETE FROM clinic_members WHERE account_id = :a", a=bw.clinician_id),
        ),
    ]
    for what, change in changes:
        before = versions(session)
        change()
        after = versions(session)
        assert after[north] > before[north], what
        assert after[south] == before[south], what


def test_an_accounts_other_columns_and_other_runners_leave_the_stamp_alone(
    session: Session,
) -> None:
    bw = build_booking_world(session)
    before = versions(session)
    session.execute(
        text("UPDATE accounts SET email = 'north.doc@example.org' WHERE id = :a"),
        {"a": bw.clinician_id},
    )
    session.execute(
        text("UPDATE accounts SET display_name = 'Someone' WHERE id = :a"),
        {"a": bw.world.accounts["runner_a"]},
    )
    session.commit()
    assert versions(session) == before


def test_a_change_rolled_back_leaves_the_stamp_as_it_was(session: Session) -> None:
    bw = build_booking_world(session)
    before = versions(session)
    session.execute(text("DELETE FROM clinic_hours WHERE clinic_id = :c"), {"c": bw.clinic_id})
    session.rollback()
    assert versions(session) == before
