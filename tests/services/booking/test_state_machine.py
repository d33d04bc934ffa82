"""A Hypothesis state machine books, moves and cancels appointments and adds time off through
the services (SQLite, the real triggers) against an in-memory model: the database and the
model agree on every outcome, no overlap ever exists, and every listed free slot is
bookable."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backstride.errors import BackstrideError
from backstride.services import booking, consent, passwords
from backstride.store.clinic_models import Appointment, TimeOffRow
from backstride.store.db import make_engine, session_factory
from backstride.store.migrate import upgrade
from tests.services.booking.world import LONDON, MONDAY, NOW, BookingWorld, at, build_booking_world

DAYS = (MONDAY, MONDAY + dt.timedelta(days=1))
STARTS = [f"{h:02d}:{m:02d}" for h in range(8, 18) for m in (0, 15, 30, 45)]
_CTX: dict[str, Any] = {}


class Booking(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.s: Session = _CTX["session"]
        self.bw: BookingWorld = _CTX["world"]
        self.s.execute(delete(Appointment))
        self.s.execute(delete(TimeOffRow))
        self.s.commit()
        self.types = {
            self.bw.assess_id: (45, 15),  # duration, buffer after
            self.bw.review_id: (30, 0),
        }
        self.runners = [self.bw.world.runner_a, self.bw.world.runner_b]
        self.model: dict[str, tuple[str, str, dt.datetime]] = {}  # id -> runner, type, start
        self.off: list[tuple[dt.datetime, dt.datetime]] = []

    def _blocked(self, type_id: str, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        dur, after = self.types[type_id]
        return start, start + dt.timedelta(minutes=dur + after)

    def _fits(
        self, runner: str, type_id: str, start: dt.datetime, ignore: str | None = None
    ) -> bool:
        dur, _after = self.types[type_id]
        day = start.astimezone(LONDON).date()
        day_open, day_close = at(day, "09:00"), at(day, "17:00")
        if not (day_open <= start and start + dt.timedelta(minutes=dur) <= day_close):
            return False
        a, b = self._blocked(type_id, start)
        if any(x < b and a < y for x, y in self.off):
            return False
        for ident, (_r, t, s) in self.model.items():
            if ident == ignore:
                continue
            x, y = self._blocked(t, s)
            if x < b and a < y:  # one clinician, one room: any overlap clashes
                return False
        del runner
        return True

    @rule(
        runner=st.integers(0, 1),
        kind=st.integers(0, 1),
        day=st.sampled_from(DAYS),
        hhmm=st.sampled_from(STARTS),
    )
    def book(self, runner: int, kind: int, day: dt.date, hhmm: str) -> None:
        type_id = list(self.types)[kind]
        start = at(day, hhmm)
        expected = self._fits(self.runners[runner], type_id, start)
        try:
            done = booking.book(
                self.s,
                principal=None,
                clinic_id=self.bw.clinic_id,
                appointment_type_id=type_id,
                start_at=start,
                now=NOW,
                runner_id=self.runners[runner],
            )
        except BackstrideError:
            assert not expected
            return
        assert expected
        self.model[done.appointment.id] = (self.runners[runner], type_id, start)

    @rule(data=st.data(), day=st.sampled_from(DAYS), hhmm=st.sampled_from(STARTS))
    def reschedule(self, data: st.DataObject, day: dt.date, hhmm: str) -> None:
        if not self.model:
            return
        ident = data.draw(st.sampled_from(list(self.model)))
        runner, type_id, _old = self.model[ident]
        start = at(day, hhmm)
        expected = self._fits(runner, type_id, start, ignore=ident)
        version = self.s.scalar(select(Appointment.version).where(Appointment.id == ident))
        try:
            booking.reschedule(
                self.s,
                principal=None,
                appointment_id=ident,
                version=int(version or 0),
                start_at=start,
                now=NOW,
            )
        except BackstrideError:
            assert not expected
            return
        assert expected
        self.model[ident] = (runner, type_id, start)

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        if not self.model:
            return
        ident = data.draw(st.sampled_from(list(self.model)))
        booking.cancel(self.s, principal=None, appointment_id=ident, now=NOW)
        del self.model[ident]

    @rule(day=st.sampled_from(DAYS), hhmm=st.sampled_from(STARTS), length=st.integers(1, 8))
    def time_off(self, day: dt.date, hhmm: str, length: int) -> None:
        start = at(day, hhmm)
        end = start + dt.timedelta(minutes=15 * length)
        booking.add_time_off(
            self.s,
            actor=None,
            clinic_id=self.bw.clinic_id,
            clinician_id=self.bw.clinician_id,
            start_at=start,
            end_at=end,
            now=NOW,
        )
        self.off.append((start, end))

    @rule(data=st.data(), kind=st.integers(0, 1), day=st.sampled_from(DAYS))
    def book_a_listed_slot(self, data: st.DataObject, kind: int, day: dt.date) -> None:
        type_id = list(self.types)[kind]
        slots = booking.list_free_slots(
            self.s,
            principal=None,
            clinic_id=self.bw.clinic_id,
            appointment_type_id=type_id,
            now=NOW,
            from_at=at(day, "00:00"),
            to_at=at(day, "23:45"),
        ).slots
        if not slots:
            return
        slot = data.draw(st.sampled_from(slots))
        done = booking.book(
            self.s,
            principal=None,
            clinic_id=self.bw.clinic_id,
            appointment_type_id=type_id,
            start_at=slot.start_at,
            now=NOW,
            runner_id=self.runners[0],
        )
        self.model[done.appointment.id] = (self.runners[0], type_id, slot.start_at)

    @invariant()
    def database_matches_the_model_and_never_overlaps(self) -> None:
        rows = self.s.scalars(select(Appointment).where(Appointment.status == "booked")).all()
        assert {r.id: r.start_at for r in rows} == {k: v[2] for k, v in self.model.items()}
        spans = sorted((r.blocked_start_at, r.blocked_end_at) for r in rows)
        assert all(a_end <= b_start for (_a, a_end), (b_start, _b) in itertools.pairwise(spans))

    @invariant()
    def every_listed_slot_is_bookable_in_the_model(self) -> None:
        for type_id in self.types:
            for slot in booking.list_free_slots(
                self.s,
                principal=None,
                clinic_id=self.bw.clinic_id,
                appointment_type_id=type_id,
                now=NOW,
                from_at=at(DAYS[0], "00:00"),
                to_at=at(DAYS[1], "23:45"),
            ).slots:
                assert self._fits(self.runners[0], type_id, slot.start_at)


@pytest.fixture
def machine_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    url = f"sqlite:///{tmp_path / 'machine.db'}"
    upgrade(url)
    engine = make_engine(url)
    session = session_factory(engine)()
    bw = build_booking_world(session)
    b = bw.principal(session, "runner_b")
    consent.grant_consent(session, principal=b, clinic_id=bw.clinic_id, now=NOW)
    _CTX.update(session=session, world=bw)
    yield
    session.close()
    engine.dispose()


@pytest.mark.usefixtures("machine_world")
def test_booking_state_machine_never_double_books_and_lists_only_bookable_slots() -> None:
    run_state_machine_as_test(
        Booking,
        settings=settings(
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
