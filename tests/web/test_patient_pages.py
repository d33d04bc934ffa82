"""The clinician's patient pages: the list (consenting runners only, each row an audited read),
one runner's record (an audited read; nobody else's), and the review after a visit through the
audited service, a refused value said beside its field and nothing stored."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.services import clinician_plan
from backstride.store.models import Assessment, AuditEvent, Plan, PlanVersion
from backstride.units import new_id
from tests.web.conftest import Browser, staff_client
from tests.web.seed import CLINICIAN_EMAIL, NOW, SeedWorld, principal_of


@pytest.fixture
def staff(app: FastAPI, db: Session) -> Iterator[Browser]:
    with staff_client(app, db, CLINICIAN_EMAIL) as client:
        yield client


def _reads(db: Session, resource: str, runner_id: str) -> int:
    db.expire_all()
    return len(
        db.scalars(
            select(AuditEvent).where(
                AuditEvent.resource == resource, AuditEvent.runner_id == runner_id
            )
        ).all()
    )


def _latest(db: Session, runner_id: str) -> Assessment:
    db.expire_all()
    row = db.scalars(
        select(Assessment)
        .where(Assessment.runner_id == runner_id)
        .order_by(Assessment.created_at.desc())
        .limit(1)
    ).first()
    assert row is not None
    return row


def test_the_list_shows_consenting_runners_first_by_need_and_audits_each_row(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    db.add(  # Ana's newest answers are urgent: she goes to the top
        Assessment(
            id=new_id(),
            runner_id=world.runner_id,
            created_at=NOW - dt.timedelta(hours=2),
            disposition="urgent",
            rules_version="t",
            result={"disposition": "urgent", "flags": ["no_running"]},
        )
    )
    db.commit()
    before = _reads(db, "patient_list", world.runner_id)
    page = staff.page("/clinic/patients")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    rows = re.findall(r'<a href="/clinic/patients/([0-9a-f]{32})">([^<]+)</a>', page.text)
    assert rows[0] == (world.runner_id, "Ana Runner")
    assert world.other_runner_id not in {r for r, _ in rows}  # Ben shares with no clinic
    assert "Urgent" in page.text
    assert "Not reviewed yet" in page.text
    assert _reads(db, "patient_list", world.runner_id) == before + 1


def test_the_record_is_an_audited_read_and_only_for_a_consenting_runner(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    before = _reads(db, "timeline", world.runner_id)
    page = staff.page(f"/clinic/patients/{world.runner_id}")
    assert page.status_code == 200
    for heading in ("Latest assessment", "Review after seeing Ana Runner", "Pain diary"):
        assert heading in page.text
    # her intakes 42, 21 and 7 days ago: each score against the one from before 4 weeks ago
    assert re.search(r"change: [+−]\d", page.text)
    assert "A screening: read its level" in page.text  # STarT Back has no change threshold
    assert f'href="/clinic/book?runner={world.runner_id}"' in page.text
    stored = [r["text"] for r in _latest(db, world.runner_id).result["reasons"]]
    assert stored  # her answers fired rules: each one's text is on the page, escaped
    for text in stored:
        assert html.escape(text) in page.text
    assert _reads(db, "timeline", world.runner_id) == before + 1
    other = staff.page(f"/clinic/patients/{world.other_runner_id}")
    assert other.status_code in (403, 404)
    assert "Ben Other" not in other.text
    assert staff.page(f"/clinic/patients/{'0' * 32}").status_code in (403, 404)


def test_a_runner_cannot_open_the_patient_pages(browser: Browser, world: SeedWorld) -> None:
    assert browser.page("/clinic/patients").status_code == 403
    assert browser.page(f"/clinic/patients/{world.runner_id}").status_code == 403
    refused = browser.submit(
        f"/clinic/patients/{world.runner_id}/review",
        {"disposition": "self_management", "reason": "I feel fine, honestly."},
    )
    assert refused.status_code == 403


def test_a_review_is_saved_through_the_service_and_a_refused_one_changes_nothing(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    url = f"/clinic/patients/{world.runner_id}/review"
    triaged = _latest(db, world.runner_id)
    changes = _reads(db, "assessment", world.runner_id)
    short = staff.submit(url, {"disposition": "self_management", "reason": "fine"})
    assert short.status_code == 422
    assert 'id="f-reason-error"' in short.text
    assert 'value="self_management" checked' in short.text  # the choice is kept
    future = (NOW + dt.timedelta(days=3)).date().isoformat()
    late = staff.submit(
        url,
        {
            "disposition": "self_management",
            "reason": "Examined: no red flags, mobile.",
            "cleared_to_run_on": future,
        },
    )
    assert late.status_code == 422
    assert 'id="f-cleared_to_run_on-error"' in late.text
    assert "review" not in (_latest(db, world.runner_id).result or {})
    assert _reads(db, "assessment", world.runner_id) == changes

    done = staff.submit(
        url,
        {
            "disposition": "self_management",
            "reason": "Examined: no red flags, mobile.",
            "cleared_to_run_on": NOW.date().isoformat(),
        },
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/clinic/patients/{world.runner_id}?done=reviewed"
    row = _latest(db, world.runner_id)
    assert row.id == triaged.id
    assert row.disposition == "self_management"
    assert row.result["review"]["reason"] == "Examined: no red flags, mobile."
    assert row.result["disposition"] == triaged.result["disposition"]  # the triage stays
    assert _reads(db, "assessment", world.runner_id) == changes + 1
    page = staff.page(done.headers["location"])
    assert "Review saved." in page.text
    assert "Examined: no red flags, mobile." in page.text
    listed = staff.page("/clinic/patients").text
    assert "Reviewed" in listed


def test_a_plan_that_asks_the_runner_to_call_is_said_on_the_list_and_the_record(
    staff: Browser, db: Session, world: SeedWorld
) -> None:
    plan = db.get(Plan, world.plan_id)
    assert plan is not None
    current = db.scalars(
        select(PlanVersion).where(
            PlanVersion.plan_id == plan.id, PlanVersion.version == plan.current_version
        )
    ).one()
    text = "Pain during runs rose three sessions in a row: contact the clinic."
    document = {**current.document, "escalations": [{"code": "plan.escalation", "text": text}]}
    doctor = principal_of(db, world.clinician_account_id)
    clinician_plan.edit_plan(  # as the adaptation would store it
        db, principal=doctor, runner_id=world.runner_id, document=document, reason="t", now=NOW
    )
    db.commit()
    listed = staff.page("/clinic/patients").text
    first = listed.index(f'href="/clinic/patients/{world.runner_id}"')
    assert "Asked to contact the clinic" in listed[first : first + 1500]
    record = staff.page(f"/clinic/patients/{world.runner_id}").text
    assert "The plan asks Ana Runner to contact the clinic now." in record
    assert text in record


def test_the_list_finds_a_runner_by_part_of_the_name(staff: Browser, world: SeedWorld) -> None:
    found = staff.page("/clinic/patients?q=ana+RUN").text
    assert f'href="/clinic/patients/{world.runner_id}"' in found
    assert 'value="ana RUN"' in found  # the search is kept in its box
    for page in ("0", "x", "9" * 40):  # a page out of range or not a number: still a page
        assert staff.page(f"/clinic/patients?page={page}").status_code == 200
    none = staff.page("/clinic/patients?q=%25").text  # a "%" is a character, not "anything"
    assert 'No runner\'s name contains "%".' in none
    assert f'href="/clinic/patients/{world.runner_id}"' not in none
