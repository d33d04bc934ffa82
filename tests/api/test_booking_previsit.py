"""The pre-visit report: latest assessment, score changes since the last visit (MCID), pain
diary, load flags, adherence; HTML and PDF; staff of the consenting clinic only, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import booking, plans
from backstride.services.booking.previsit import previsit_report
from backstride.store.clinic_models import Appointment
from backstride.store.models import AuditEvent, QuestionnaireResponse, Runner
from backstride.units import new_id
from tests.api.world import client_for
from tests.services.booking.world import NOW, BookingWorld, at, build_booking_world

API = "/api/v1"


@pytest.fixture
def bw(session: Session) -> BookingWorld:
    bw = build_booking_world(session, history=True)
    rid = bw.world.runner_a
    # an attended visit five days ago, and an ODI answered before it with a worse score
    session.add(
        Appointment(
            id=new_id(),
            clinic_id=bw.clinic_id,
            appointment_type_id=bw.assess_id,
            clinician_account_id=bw.clinician_id,
            room_id=bw.room_id,
            runner_id=rid,
            start_at=NOW - dt.timedelta(days=5),
            end_at=NOW - dt.timedelta(days=5) + dt.timedelta(minutes=45),
            blocked_start_at=NOW - dt.timedelta(days=5),
            blocked_end_at=NOW - dt.timedelta(days=5) + dt.timedelta(hours=1),
            status="attended",
            version=2,
            booked_via="staff",
            created_at=NOW,
            updated_at=NOW,
        )
    )
    latest = session.scalars(
        select(QuestionnaireResponse).where(
            QuestionnaireResponse.runner_id == rid, QuestionnaireResponse.instrument == "odi"
        )
    ).first()
    assert latest is not None
    values = dict(latest.score.get("values") or {})
    key = next(k for k, v in values.items() if isinstance(v, int | float))
    values[key] = float(values[key]) + 30
    session.add(
        QuestionnaireResponse(
            id=new_id(),
            runner_id=rid,
            intake_id=None,
            instrument="odi",
            instrument_version=latest.instrument_version,
            answered_at=NOW - dt.timedelta(days=10),
            answers=latest.answers,
            score={**latest.score, "values": values},
        )
    )
    session.commit()
    return bw


@pytest.fixture
def api(db_settings: Settings, bw: BookingWorld) -> Iterator[TestClient]:
    del bw
    yield from client_for(db_settings)


def _book(session: Session, bw: BookingWorld) -> str:
    return booking.book(
        session,
        principal=bw.principal(session, "runner_a"),
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.assess_id,
        start_at=at(dt.date(2026, 12, 2), "09:00"),
        now=NOW,
    ).appointment.id


def test_the_report_shows_assessment_score_changes_pain_and_is_audited(
    api: TestClient, bw: BookingWorld, session: Session
) -> None:
    ident = _book(session, bw)
    res = api.get(
        f"{API}/clinician/appointments/{ident}/pre-visit",
        headers=bw.world.headers("clinician_with"),
    )
    assert res.status_code == 200, res.text
    report = res.json()
    assert report["disposition"] == "clinician"
    assert report["reasons"]
    assert report["last_visit_at"] == (NOW - dt.timedelta(days=5)).isoformat()
    odi = next(s for s in report["scores"] if s["instrument"] == "odi")
    assert odi["change"] == pytest.approx(odi["latest"] - odi["baseline"])
    assert odi["direction"] == "improved"
    assert [p["nprs_now"] for p in report["pain"]] == [3]
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.resource == "pre_visit_report")
    ).all()
    assert [(e.runner_id, e.actor_role) for e in events] == [(bw.world.runner_a, "clinician")]


def test_html_and_pdf_and_no_one_else_reads_it(
    api: TestClient, bw: BookingWorld, session: Session
) -> None:
    ident = _book(session, bw)
    h = bw.world.headers("clinician_with")
    html = api.get(
        f"{API}/clinician/appointments/{ident}/pre-visit", params={"format": "html"}, headers=h
    )
    assert "Pre-visit report" in html.text
    assert "ODI" in html.text
    pdf = api.get(
        f"{API}/clinician/appointments/{ident}/pre-visit", params={"format": "pdf"}, headers=h
    )
    assert pdf.content.startswith(b"%PDF")
    for actor in ("runner_a", "clinician_without", "admin"):
        res = api.get(
            f"{API}/clinician/appointments/{ident}/pre-visit", headers=bw.world.headers(actor)
        )
        assert res.status_code in (403, 404), actor


def test_adherence_counts_the_planned_sessions_since_the_last_visit(
    session: Session, bw: BookingWorld, db_settings: Settings
) -> None:
    ident = _book(session, bw)
    handle = session.get(Runner, bw.world.runner_a).handle  # type: ignore[union-attr]
    plan = plans.current_plan(session, runner_handle=handle).plan
    run = next(s for s in plan.sessions() if s.kind == "run" and s.date > NOW.date())
    later = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    plans.log_session(
        session, runner_handle=handle, on_date=run.date, kind="run", status="done", now=later
    )
    report = previsit_report(
        session, principal=None, appointment_id=ident, now=later, settings=db_settings
    )
    a = report.adherence
    assert a.planned >= 2
    assert a.done == 1
    assert a.done + a.partial + a.skipped + a.not_logged == a.planned
