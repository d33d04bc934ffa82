"""The clinician's patient list, those who need attention first (SQLite and PostgreSQL): the
latest assessment's outcome as in force, then not yet reviewed, then the newest; only runners
who consent to my clinics; every row an audited read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.services import clinics
from backstride.services.policy import Principal
from backstride.store import models
from backstride.units import new_id
from tests.services.test_clinic_thresholds import _consent

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def _runner(session: Session, name: str) -> str:
    runner_id = new_id()
    session.add(
        models.Runner(
            id=runner_id,
            handle=name.lower().replace(" ", "-"),
            display_name=name,
            created_at=NOW,
        )
    )
    session.flush()
    return runner_id


def _assessment(
    session: Session, runner_id: str, disposition: str, days_ago: float, *, reviewed: bool = False
) -> None:
    result: dict[str, object] = {"disposition": disposition, "flags": ["no_running"]}
    if reviewed:
        result["review"] = {"disposition": disposition, "flags": [], "reason": "seen", "at": ""}
    session.add(
        models.Assessment(
            id=new_id(),
            runner_id=runner_id,
            created_at=NOW - dt.timedelta(days=days_ago),
            disposition=disposition,
            rules_version="t",
            result=result,
        )
    )


def _plan(session: Session, runner_id: str, escalations: list[dict[str, str]]) -> None:
    """A plan whose current version asks the runner to contact the clinic (or not)."""
    plan_id = new_id()
    session.add(
        models.Plan(
            id=plan_id,
            runner_id=runner_id,
            status="active",
            created_at=NOW,
            current_version=2,
            contact_clinic=bool(escalations),  # as services.plans writes it
        )
    )
    for version, document in ((1, {"escalations": []}), (2, {"escalations": escalations})):
        session.add(
            models.PlanVersion(
                id=new_id(),
                plan_id=plan_id,
                version=version,
                created_at=NOW,
                reason="test",
                document=document,
            )
        )


def _world(session: Session) -> tuple[Principal, dict[str, str]]:
    mine = clinics.create_clinic(session, principal=None, slug="north", name="North", now=NOW)
    other = clinics.create_clinic(session, principal=None, slug="south", name="South", now=NOW)
    doc = clinics.create_clinician(
        session,
        principal=None,
        email="doc@example.org",
        password="correct horse battery",
        display_name="Dr North",
        clinic_id=mine.id,
        now=NOW,
    )
    ids = {}
    histories: dict[str, list[tuple[str, float, bool]]] = {  # (outcome, days ago, reviewed)
        "Ada Calm": [("self_management", 3, False)],
        "Bea Newer": [("clinician", 1, False)],
        "Cy Older": [("clinician", 5, False)],
        "Dee Seen": [("clinician", 0.5, True)],  # newest, but reviewed: after the unreviewed
        "Eve Urgent": [("self_management", 9, False), ("urgent", 8, False)],  # the latest counts
        "Fay Waiting": [],  # no assessment yet: last
        "Gus Downgraded": [("urgent", 2, True)],
        "Hope Worse": [("self_management", 6, False)],  # her plan asks her to call: 3rd
    }
    for name, history in histories.items():
        runner_id = ids[name] = _runner(session, name)
        for disposition, days_ago, reviewed in history:
            _assessment(session, runner_id, disposition, days_ago, reviewed=reviewed)
        _consent(session, runner_id, mine.id)
    worse = {"code": "plan.escalation", "text": "Pain rose three sessions in a row."}
    _plan(session, ids["Hope Worse"], [worse])
    _plan(session, ids["Ada Calm"], [])  # a plan with nothing to escalate changes nothing
    for name, clinic_id, revoked in (
        ("Hal Elsewhere", other.id, False),
        ("Ivy Left", mine.id, True),
    ):
        runner_id = ids[name] = _runner(session, name)
        _assessment(session, runner_id, "emergency", 1)
        _consent(session, runner_id, clinic_id, revoked=revoked)
    session.commit()
    principal = Principal(
        account_id=doc.account_id, role="clinician", email="doc@example.org", display_name="Dr"
    )
    return principal, ids


def test_those_who_need_attention_come_first_and_each_row_is_an_audited_read(
    session: Session,
) -> None:
    principal, ids = _world(session)
    rows = clinics.list_patients(session, principal=principal, now=NOW, order="attention")
    assert [r.display_name for r in rows] == [
        "Eve Urgent",
        "Gus Downgraded",  # urgent and reviewed: after the unreviewed urgent one
        "Hope Worse",  # asked to contact the clinic: before the routine outcomes
        "Bea Newer",
        "Cy Older",
        "Dee Seen",
        "Ada Calm",
        "Fay Waiting",
    ]
    assert [r.reviewed for r in rows] == [False, True, False, False, False, True, False, False]
    assert [r.display_name for r in rows if r.asked_to_contact] == ["Hope Worse"]
    assert rows[0].disposition == "urgent"
    assert rows[-1].disposition is None
    by_name = clinics.list_patients(session, principal=principal, now=NOW)
    assert [r.display_name for r in by_name] == sorted(r.display_name for r in rows)
    reads = session.scalars(
        select(models.AuditEvent.runner_id).where(
            models.AuditEvent.resource == "patient_list",
            models.AuditEvent.actor_account_id == principal.account_id,
        )
    ).all()
    assert sorted(r or "" for r in reads) == sorted([r.runner_id for r in rows] * 2)
    assert ids["Hal Elsewhere"] not in reads  # another clinic's runner
    assert ids["Ivy Left"] not in reads  # consent withdrawn


def test_the_attention_order_pages_without_gaps_or_repeats(session: Session) -> None:
    principal, _ = _world(session)
    whole = clinics.list_patients(session, principal=principal, now=NOW, order="attention")
    pages = [
        clinics.list_patients(
            session, principal=principal, now=NOW, order="attention", limit=3, offset=offset
        )
        for offset in (0, 3, 6, 9)
    ]
    assert [r.runner_id for page in pages for r in page] == [r.runner_id for r in whole]


def test_a_name_filter_matches_part_of_the_name_and_takes_like_characters_literally(
    session: Session,
) -> None:
    principal, ids = _world(session)
    for name in ("Zoe 100% Fit", "Zed_Runner"):
        ids[name] = _runner(session, name)
        _consent(session, ids[name], _clinic_id(session, "north"))
    session.commit()

    def names(text: str) -> list[str]:
        rows = clinics.list_patients(
            session, principal=principal, now=NOW, order="attention", name=text
        )
        return sorted(r.display_name for r in rows)

    assert names("ee") == ["Dee Seen"]
    assert names("a ne") == ["Bea Newer"]
    assert names("NEWER") == ["Bea Newer"]  # any case
    assert names("100%") == ["Zoe 100% Fit"]
    assert names("%") == ["Zoe 100% Fit"]  # not "everyone"
    assert names("e_s") == []  # "_" is not a wildcard ("Dee Seen" would match)
    assert names("d_r") == ["Zed_Runner"]
    assert names("Zed_") == ["Zed_Runner"]
    assert names("Hal") == []  # another clinic's runner, even by name
    assert len(names("  ")) == 10  # blank: no filter (the 8 of the world and the 2 above)
    assert names("Ze\x00d") == ["Zed_Runner"]  # a NUL (PostgreSQL refuses it) is dropped


def _clinic_id(session: Session, slug: str) -> str:
    return session.scalars(select(models.Clinic.id).where(models.Clinic.slug == slug)).one()
