# ruff: noqa: E501
"""The database itself refuses a double booking: raw SQL cannot put a clinician, a room or a
runner in two overlapping appointments (PostgreSQL exclusion constraints, SQLite triggers)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

BASE = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
CLINICIANS = ("doc1", "doc2")
ROOMS = ("room1", "room2")
RUNNERS = ("run1", "run2", "run3")


def _at(conn: Connection, value: dt.datetime) -> str:
    """A time as raw SQL text: ISO 8601 with 'T' and an offset on SQLite (not SQLAlchemy's own
    spelling), a timestamptz literal on PostgreSQL."""
    if conn.dialect.name == "sqlite":
        return value.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    return value.isoformat()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as c:
        now = BASE.isoformat()
        c.execute(
            text(
                "INSERT INTO clinics (id, slug, name, created_at) VALUES ('cl', 'cl', 'Clinic', :n)"
            ),
            {"n": now},
        )
        for who in (*CLINICIANS, *RUNNERS):
            c.execute(
                text(
                    "INSERT INTO accounts (id, email, password_hash, role, display_name, is_active, created_at) "
                    "VALUES (:id, :email, 'x', :role, :id, true, :n)"
                ),
                {
                    "id": who,
                    "email": f"{who}@example.org",
                    "role": "runner" if who.startswith("run") else "clinician",
                    "n": now,
                },
            )
        for who in RUNNERS:
            c.execute(
                text(
                    "INSERT INTO runners (id, handle, account_id, display_name, timezone, preferences, created_at) "
                    "VALUES (:id, :id, :id, :id, 'UTC', '{}', :n)"
                ),
                {"id": who, "n": now},
            )
        c.execute(
            text(
                "INSERT INTO appointment_types (id, clinic_id, name, visit_kind, duration_min, buffer_before_min, "
                "buffer_after_min, audience, online, active, created_at) "
                "VALUES ('ty', 'cl', 'Review', 'exercise_review', 30, 0, 0, 'any', true, true, :n)"
            ),
            {"n": now},
        )
        for room in ROOMS:
            c.execute(
                text(
                    "INSERT INTO clinic_rooms (id, clinic_id, name, visit_kinds, active, created_at) VALUES (:id, 'cl', :id, '[]', true, :n)"
                ),
                {"id": room, "n": now},
            )
        c.commit()
        yield c


_N = [0]


def insert(
    conn: Connection,
    *,
    clinician: str,
    room: str | None,
    runner: str,
    start: dt.datetime,
    end: dt.datetime,
    before_min: int = 0,
    after_min: int = 0,
    status: str = "booked",
) -> str:
    _N[0] += 1
    ident = f"ap{_N[0]}"
    conn.execute(
        text(
            "INSERT INTO appointments (id, clinic_id, appointment_type_id, clinician_account_id, room_id, runner_id, "
            "start_at, end_at, blocked_start_at, blocked_end_at, status, version, booked_via, created_at, updated_at) "
            "VALUES (:id, 'cl', 'ty', :c, :r, :u, :s, :e, :bs, :be, :st, 1, 'raw', :s, :s)"
        ),
        {
            "id": ident,
            "c": clinician,
            "r": room,
            "u": runner,
            "s": _at(conn, start),
            "e": _at(conn, end),
            "bs": _at(conn, start - dt.timedelta(minutes=before_min)),
            "be": _at(conn, end + dt.timedelta(minutes=after_min)),
            "st": status,
        },
    )
    conn.commit()
    return ident


def refused(conn: Connection, **kw: object) -> bool:
    try:
        insert(conn, **kw)  # type: ignore[arg-type]
    except IntegrityError:
        conn.rollback()
        return True
    return False


def t(minutes: int) -> dt.datetime:
    return BASE + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("shared", ["clinician", "room", "runner"])
def test_an_overlapping_row_inserted_with_raw_sql_is_refused(conn: Connection, shared: str) -> None:
    insert(conn, clinician="doc1", room="room1", runner="run1", start=t(60), end=t(90))
    other = {"clinician": "doc2", "room": "room2", "runner": "run2"}
    other[shared] = {"clinician": "doc1", "room": "room1", "runner": "run1"}[shared]
    kw = {"clinician": other["clinician"], "room": other["room"], "runner": other["runner"]}
    assert refused(conn, start=t(75), end=t(105), **kw)  # partial overlap
    assert refused(conn, start=t(30), end=t(61), **kw)  # one minute in
    assert not refused(conn, start=t(90), end=t(120), **kw)  # touching is not overlapping
    count = conn.execute(text("SELECT count(*) FROM appointments")).scalar()
    assert count == 2


def test_an_appointment_blocking_more_than_a_day_is_refused(conn: Connection) -> None:
    day = 24 * 60
    assert refused(conn, clinician="doc1", room=None, runner="run1", start=t(0), end=t(day + 1))
    assert refused(
        conn, clinician="doc1", room=None, runner="run1", start=t(0), end=t(day), after_min=5
    )
    assert not refused(conn, clinician="doc1", room=None, runner="run1", start=t(0), end=t(day))
    assert conn.execute(text("SELECT count(*) FROM appointments")).scalar() == 1


@pytest.mark.parametrize("shared", ["clinician", "room", "runner"])
def test_a_long_appointment_is_still_found_from_its_far_end(conn: Connection, shared: str) -> None:
    """The overlap search reads back a day from the new start: a 23 h 50 min appointment that
    began the day before is still in the way (and touching its end is not)."""
    long_end = 24 * 60 - 10
    insert(conn, clinician="doc1", room="room1", runner="run1", start=t(0), end=t(long_end))
    other = {"clinician": "doc2", "room": "room2", "runner": "run2"}
    other[shared] = {"clinician": "doc1", "room": "room1", "runner": "run1"}[shared]
    assert refused(conn, start=t(long_end - 1), end=t(long_end + 30), **other)
    assert not refused(conn, start=t(long_end), end=t(long_end + 30), **other)


def test_buffers_are_part_of_the_blocked_range(conn: Connection) -> None:
    insert(conn, clinician="doc1", room=None, runner="run1", start=t(60), end=t(90), after_min=15)
    assert refused(conn, clinician="doc1", room=None, runner="run2", start=t(100), end=t(130))
    assert refused(
        conn, clinician="doc1", room=None, runner="run2", start=t(120), end=t(130), before_min=20
    )
    assert not refused(conn, clinician="doc1", room=None, runner="run2", start=t(105), end=t(130))


def test_a_cancelled_appointment_frees_its_time_and_cannot_come_back_over_another(
    conn: Connection,
) -> None:
    first = insert(conn, clinician="doc1", room="room1", runner="run1", start=t(60), end=t(90))
    conn.execute(text("UPDATE appointments SET status = 'cancelled' WHERE id = :id"), {"id": first})
    conn.commit()
    insert(conn, clinician="doc1", room="room1", runner="run2", start=t(60), end=t(90))
    with pytest.raises(IntegrityError):
        conn.execute(
            text("UPDATE appointments SET status = 'booked' WHERE id = :id"), {"id": first}
        )
    conn.rollback()
    # a cancelled row may lie anywhere
    assert not refused(
        conn,
        clinician="doc1",
        room="room1",
        runner="run3",
        start=t(70),
        end=t(80),
        status="cancelled",
    )


def test_moving_an_appointment_onto_another_is_refused(conn: Connection) -> None:
    insert(conn, clinician="doc1", room="room1", runner="run1", start=t(60), end=t(90))
    second = insert(conn, clinician="doc1", room="room1", runner="run2", start=t(120), end=t(150))
    with pytest.raises(IntegrityError):
        conn.execute(
            text("UPDATE appointments SET blocked_start_at = :s, start_at = :s WHERE id = :id"),
            {"s": _at(conn, t(80)), "id": second},
        )
    conn.rollback()


@pytest.mark.parametrize("seed", range(20))
def test_random_interval_sets_with_buffers_keep_exactly_the_non_overlapping_ones(
    conn: Connection, seed: int
) -> None:
    """20 random sets of visits with buffers and partial overlaps, inserted one by one: the
    database accepts a row exactly when an in-memory model says it overlaps nothing."""
    rng = random.Random(seed)
    kept: list[tuple[str, str | None, str, int, int]] = []
    for _ in range(25):
        clinician = rng.choice(CLINICIANS)
        room = rng.choice((*ROOMS, None))
        runner = rng.choice(RUNNERS)
        start = rng.randrange(0, 8 * 60, 5)
        length = rng.choice((15, 20, 30, 45, 60))
        before, after = rng.choice((0, 5, 10)), rng.choice((0, 5, 15))
        a, b = start - before, start + length + after
        clash = any(
            a < kb
            and ka < b
            and (kc == clinician or (room is not None and kr == room) or ku == runner)
            for kc, kr, ku, ka, kb in kept
        )
        was_refused = refused(
            conn,
            clinician=clinician,
            room=room,
            runner=runner,
            start=t(start),
            end=t(start + length),
            before_min=before,
            after_min=after,
        )
        assert was_refused == clash
        if not clash:
            kept.append((clinician, room, runner, a, b))
    stored = conn.execute(
        text("SELECT count(*) FROM appointments WHERE status <> 'cancelled'")
    ).scalar()
    assert stored == len(kept)


def test_the_upgrade_refuses_a_database_holding_an_appointment_longer_than_a_day(
    conn: Connection, engine: Engine
) -> None:
    from backstride.store.migrate import downgrade, upgrade

    url = engine.url.render_as_string(hide_password=False)
    conn.close()
    downgrade(url, "0013_clinic_rules_version")  # before the bound: a long row goes in
    with engine.connect() as c:
        long = insert(c, clinician="doc1", room=None, runner="run1", start=t(0), end=t(2 * 24 * 60))
    with pytest.raises(RuntimeError, match="1 appointment"):
        upgrade(url)
    with engine.connect() as c:
        c.execute(text("DELETE FROM appointments WHERE id = :id"), {"id": long})
        c.commit()
    upgrade(url)
    with engine.connect() as c:
        assert refused(c, clinician="doc1", room=None, runner="run1", start=t(0), end=t(2000))
