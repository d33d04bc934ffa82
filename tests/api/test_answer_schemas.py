"""The answers made by ``api.jsonable.to_jsonable`` (activities, load, questionnaire trend,
pre-visit report) are exactly what their OpenAPI schema says: every documented field is
there, nothing else is, and each value has its documented type — so the schema cannot drift
from the answer."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, create_model
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.analytics.load_summary import LoadSummary
from backstride.api.care_schemas import TrendPointOut
from backstride.config import Settings
from backstride.services import booking
from backstride.services.activities import ActivityDetail, ActivitySummary
from backstride.services.booking.previsit import PreVisitReport
from backstride.store.clinic_models import Appointment
from backstride.store.models import QuestionnaireResponse
from backstride.units import new_id
from tests.api.world import client_for
from tests.ingest import builders
from tests.services.booking.world import NOW, BookingWorld, at, build_booking_world

API = "/api/v1"


@pytest.fixture
def bw(session: Session) -> BookingWorld:
    """Runner A with an intake, a plan, a pain entry, two ODI answers (the older one worse)
    and an attended visit five days ago, so every part of the answers has content."""
    bw = build_booking_world(session, history=True)
    rid = bw.world.runner_a
    five_days_ago = NOW - dt.timedelta(days=5)
    session.add(
        Appointment(
            id=new_id(),
            clinic_id=bw.clinic_id,
            appointment_type_id=bw.assess_id,
            clinician_account_id=bw.clinician_id,
            room_id=bw.room_id,
            runner_id=rid,
            start_at=five_days_ago,
            end_at=five_days_ago + dt.timedelta(minutes=45),
            blocked_start_at=five_days_ago,
            blocked_end_at=five_days_ago + dt.timedelta(hours=1),
            status="attended",
            version=2,
            booked_via="staff",
            created_at=NOW,
            updated_at=NOW,
        )
    )
    odi = session.scalars(
        select(QuestionnaireResponse).where(
            QuestionnaireResponse.runner_id == rid, QuestionnaireResponse.instrument == "odi"
        )
    ).one()
    values = dict(odi.score.get("values") or {})
    key = next(k for k, v in values.items() if isinstance(v, int | float))
    values[key] = float(values[key]) + 30
    session.add(
        QuestionnaireResponse(
            id=new_id(),
            runner_id=rid,
            intake_id=None,
            instrument="odi",
            instrument_version=odi.instrument_version,
            answered_at=NOW - dt.timedelta(days=10),
            answers=odi.answers,
            score={**odi.score, "values": values},
        )
    )
    session.commit()
    return bw


@pytest.fixture
def api(db_settings: Settings, bw: BookingWorld) -> Iterator[TestClient]:
    del bw
    yield from client_for(db_settings)


def answers(api: TestClient, session: Session, bw: BookingWorld) -> dict[str, bytes]:
    """The raw bodies of the five answers for runner A (two uploaded files with data warnings,
    laps and a booked visit), by route name."""
    runner = bw.world.headers("runner_a")
    recent = NOW - dt.timedelta(days=3)
    files = [
        ("strap.gpx", builders.gpx(hr=234, start=recent)),
        ("laps.tcx", builders.tcx(n=2, start=recent - dt.timedelta(days=1))),
    ]
    sent = api.post(
        f"{API}/me/imports",
        files=[("file", (n, d, "application/octet-stream")) for n, d in files],
        headers=runner,
    )
    assert sent.status_code == 202, sent.text
    assert api.app.state.worker.run_once() == 1  # type: ignore[attr-defined]
    listed = api.get(f"{API}/me/activities", headers=runner)
    with_laps = next(a for a in listed.json() if a["format"] == "tcx")
    appointment = booking.book(
        session,
        principal=bw.principal(session, "runner_a"),
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.assess_id,
        start_at=at(dt.date(2026, 12, 2), "09:00"),
        now=NOW,
    ).appointment.id
    clinician = bw.world.headers("clinician_with")
    got = {
        "activities": listed,
        "activity": api.get(f"{API}/me/activities/{with_laps['id']}", headers=runner),
        "load": api.get(f"{API}/me/load", headers=runner),
        "trend": api.get(f"{API}/me/questionnaires/odi/trend", headers=runner),
        "pre-visit": api.get(
            f"{API}/clinician/appointments/{appointment}/pre-visit", headers=clinician
        ),
    }
    for name, res in got.items():
        assert res.status_code == 200, (name, res.text)
    return {name: res.content for name, res in got.items()}


SCHEMAS: dict[str, Any] = {
    "activities": list[ActivitySummary],
    "activity": ActivityDetail,
    "load": LoadSummary,
    "trend": list[TrendPointOut],
    "pre-visit": PreVisitReport,
}
"""Each answer's documented type (its ``response_model`` in the OpenAPI document)."""


def _strict(schema: Any) -> type[BaseModel]:
    """A model holding ``schema`` as its one field, strict and forbidding extra fields (the
    configuration reaches the dataclasses and typed dicts inside, which have none of their own)."""
    config = ConfigDict(extra="forbid", strict=True)
    return create_model("Answer", __config__=config, answer=(schema, ...))


def _closed(node: Any) -> Any:
    """A JSON schema in which every object must have all its properties and no others."""
    if isinstance(node, dict):
        out = {k: _closed(v) for k, v in node.items()}
        if "properties" in out:
            out["required"] = sorted(out["properties"])
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_closed(v) for v in node]
    return node


def _documented(api: TestClient, method: str, path: str) -> dict[str, Any]:
    """The 200 JSON schema of ``path`` in the served OpenAPI document, with its components."""
    spec = api.get(f"{API}/openapi.json").json()
    schema = spec["paths"][f"{API}{path}"][method]["responses"]["200"]["content"]
    return {**schema["application/json"]["schema"], "components": spec["components"]}


ROUTES = {
    "activities": "/me/activities",
    "activity": "/me/activities/{activity_id}",
    "load": "/me/load",
    "trend": "/me/questionnaires/{instrument}/trend",
    "pre-visit": "/clinician/appointments/{appointment_id}/pre-visit",
}


def test_each_answer_validates_strictly_against_its_model_with_no_field_missing_or_extra(
    api: TestClient, session: Session, bw: BookingWorld
) -> None:
    for name, body in answers(api, session, bw).items():
        _strict(SCHEMAS[name]).model_validate_json(b'{"answer":' + body + b"}")
        document = _documented(api, "get", ROUTES[name])
        jsonschema_rs.validate(_closed(document), json.loads(body))


def test_the_answers_have_content_in_every_part_checked(
    api: TestClient, session: Session, bw: BookingWorld
) -> None:
    got = {name: json.loads(body) for name, body in answers(api, session, bw).items()}
    assert {w["code"] for a in got["activities"] for w in a["warnings"]} == {"data.hr_implausible"}
    assert got["activity"]["laps"]
    assert got["activity"]["channels"]
    assert got["load"]["weeks"]
    assert got["load"]["daily"]
    assert got["trend"][-1]["change"]["display"]["threshold"]
    assert got["pre-visit"]["scores"]
    assert got["pre-visit"]["reasons"]
    assert got["pre-visit"]["appointment"]["status"] == "booked"
