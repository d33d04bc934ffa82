"""A small world for API tests: two clinics, two runners, two clinicians, an admin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backstride.api import create_app
from backstride.config import Settings
from backstride.services import accounts, auth, clinics, consent, intake, plans
from backstride.services.demo.data import demo_intake_document
from backstride.services.policy import Principal
from backstride.store.models import Account, Activity, ImportJob, PainEntry, Runner
from backstride.units import new_id
from tests.corpus import LOCAL_ROOT

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"
ACTORS = ("anonymous", "runner_a", "runner_b", "clinician_with", "clinician_without", "admin")
SECRET_NAME = "Alpha Secret-Runner 7f3a"
SAMPLE_GPX = LOCAL_ROOT / "gpx" / "gpxpy__track-with-empty-segment.gpx"
"""A small real GPX track (9 points) from the local corpus."""


@dataclass
class World:
    """Ids and bearer tokens of everyone in the world."""

    clinic_id: str
    other_clinic_id: str
    runner_a: str
    runner_b: str
    emails: dict[str, str]
    accounts: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)
    job_id: str = ""
    activity_id: str = ""
    booking: dict[str, str] = field(default_factory=dict)
    """Ids of the booking set-up (``add_booking``), named like the API's path parameters."""

    def headers(self, actor: str) -> dict[str, str]:
        if actor == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.tokens[actor]}"}


def _principal(session: Session, account_id: str) -> Principal:
    account = session.get(Account, account_id)
    assert account is not None
    return auth.principal_for(session, account)


def build_world(session: Session, *, history: bool = True) -> World:
    """Everyone, A's consent to the first clinic and (``history``) a little of A's record."""
    c1 = clinics.create_clinic(session, principal=None, slug="north", name="North Clinic", now=NOW)
    c2 = clinics.create_clinic(session, principal=None, slug="south", name="South Clinic", now=NOW)
    a = accounts.register_runner(
        session, email="alpha@example.org", password=PASSWORD, display_name=SECRET_NAME, now=NOW
    )
    b = accounts.register_runner(
        session, email="bravo@example.org", password=PASSWORD, display_name="Bravo", now=NOW
    )
    cw = clinics.create_clinician(
        session,
        principal=None,
        email="doc.north@example.org",
        password=PASSWORD,
        display_name="Dr North",
        clinic_id=c1.id,
        now=NOW,
    )
    cn = clinics.create_clinician(
        session,
        principal=None,
        email="doc.south@example.org",
        password=PASSWORD,
        display_name="Dr South",
        clinic_id=c2.id,
        now=NOW,
    )
    adm = accounts.create_staff_account(
        session,
        email="admin@example.org",
        password=PASSWORD,
        role="admin",
        display_name="Admin",
        now=NOW,
    )
    assert a.runner_id
    assert b.runner_id
    consent.grant_consent(session, principal=_principal(session, a.id), clinic_id=c1.id, now=NOW)
    world = World(
        clinic_id=c1.id,
        other_clinic_id=c2.id,
        runner_a=a.runner_id,
        runner_b=b.runner_id,
        emails={
            "runner_a": a.email,
            "runner_b": b.email,
            "clinician_with": cw.email,
            "clinician_without": cn.email,
            "admin": adm.email,
        },
        accounts={
            "runner_a": a.id,
            "runner_b": b.id,
            "clinician_with": cw.account_id,
            "clinician_without": cn.account_id,
            "admin": adm.id,
        },
    )
    if history:
        _history(session, world)
    for actor, account_id in world.accounts.items():
        account = session.get(Account, account_id)
        assert account is not None
        world.tokens[actor] = auth.issue_token(
            session, account=account, kind="bearer", now=NOW
        ).token
    session.commit()
    return world


def _history(session: Session, world: World) -> None:
    rid = world.runner_a
    handle = session.get(Runner, rid).handle  # type: ignore[union-attr]
    intake.submit_intake(session, runner_handle=handle, document=demo_intake_document(), now=NOW)
    plans.create_plan(session, runner_handle=handle, weeks=4, start_date=NOW.date(), now=NOW)
    session.add(
        PainEntry(id=new_id(), runner_id=rid, entry_date=NOW.date(), nprs_now=3, logged_at=NOW)
    )
    world.activity_id = new_id()
    session.add(
        Activity(
            id=world.activity_id,
            runner_id=rid,
            dedup_key="k1",
            source="file",
            sport="running",
            start_at=NOW - dt.timedelta(days=2),
            local_date=(NOW - dt.timedelta(days=2)).date(),
            elapsed_s=1800.0,
            distance_m=5000.0,
            imported_at=NOW,
            extra={},
        )
    )
    world.job_id = new_id()
    session.add(
        ImportJob(
            id=world.job_id,
            runner_id=rid,
            status="done",
            files_total=1,
            files_done=1,
            report={},
            created_at=NOW,
        )
    )


def client_for(settings: Settings, **kwargs: object) -> Iterator[TestClient]:
    """A test client on a fresh app with a fixed clock and no worker thread."""
    app = create_app(settings, clock=lambda: NOW, run_worker=False, **kwargs)  # type: ignore[arg-type]
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def add_booking(session: Session, world: World) -> None:
    """North Clinic set up for booking (London time, Dr North weekdays 09-17, one room),
    runner A's assessment booked for Wednesday 2 December 09:00, time off and extra hours."""
    from zoneinfo import ZoneInfo

    from backstride.services import booking

    clinic, doc = world.clinic_id, world.accounts["clinician_with"]
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
    room = booking.create_room(session, actor=None, clinic_id=clinic, name="Room 1", now=NOW)
    for day in range(5):
        booking.add_hours(
            session,
            actor=None,
            clinic_id=clinic,
            clinician_id=doc,
            weekday=day,
            start="09:00",
            end="17:00",
            now=NOW,
        )
    extra = booking.add_hours(
        session,
        actor=None,
        clinic_id=clinic,
        clinician_id=doc,
        weekday=5,
        start="09:00",
        end="12:00",
        now=NOW,
    )
    london = ZoneInfo("Europe/London")
    off = booking.add_time_off(
        session,
        actor=None,
        clinic_id=clinic,
        clinician_id=doc,
        start_at=dt.datetime(2026, 12, 24, tzinfo=london),
        end_at=dt.datetime(2026, 12, 27, tzinfo=london),
        reason="holidays",
        now=NOW,
    )
    booked = booking.book(
        session,
        principal=None,
        clinic_id=clinic,
        appointment_type_id=assess.id,
        runner_id=world.runner_a,
        start_at=dt.datetime(2026, 12, 2, 9, 0, tzinfo=london),
        now=NOW,
    )
    world.booking = {
        "appointment_id": booked.appointment.id,
        "type_id": assess.id,
        "room_id": room.id,
        "hours_id": extra.id,
        "time_off_id": off.id,
    }


def plan_document() -> dict[str, Any]:
    """A valid one-week plan document, as a clinician's edit would send it."""
    from backstride.plan.serialize import plan_to_dict
    from tests.plan.builders import make_plan

    return plan_to_dict(make_plan(weeks=1))
