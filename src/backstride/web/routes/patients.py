"""The clinician's patients: who needs attention first, one runner's record, the review.

The clinic day as clinicians work it (docs/readme/web.md): the list of runners who share their
record with my clinics, those who need attention first (``services.clinics.list_patients``:
the latest assessment's outcome as in force, not yet reviewed, newest); one runner's record
(``services.timeline.clinician_timeline``: assessments, scores, pain, sessions, weeks, plan
versions); the review of the latest assessment after seeing them (``services.reviews``: the
outcome in force with the reason, the plan follows it); then the next visit (the booking page,
the runner chosen).

Who may see what is the services' rule: consent, the clinic's staff; every list row and every
record opened is an audited read in the runner's log, every review an audited change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.deps import DbSession, Now
from backstride.api.schemas import ReviewIn
from backstride.errors import BackstrideError
from backstride.intake.serialize import assessment_from_dict
from backstride.reports.previsit_words import FLAG_WORDS, disposition_words, score_line
from backstride.services import clinics, reviews, timeline
from backstride.services.booking.previsit import score_changes
from backstride.web import format as fmt
from backstride.web.forms import FormState, add_error, page_number, raw_values, validate
from backstride.web.nav import NavItem, register
from backstride.web.routes.clinic import STAFF, StaffDep
from backstride.web.session import PostedForm
from backstride.web.templating import redirect, render

router = APIRouter()

register(
    NavItem(
        "patients",
        "Patients",
        "/clinic/patients",
        roles=STAFF,
        primary=True,
        description="Runners who share their record with the clinic, those who need "
        "attention first; each one's record and the review after a visit.",
    )
)

PAGE_SIZE = 50
OUTCOMES = {
    "emergency": ("Emergency", "alert"),
    "urgent": ("Urgent", "alert"),
    "clinician": ("See a clinician", "caution"),
    "self_management": ("Self-management", "info"),
}
"""Each triage outcome as a short label for the clinic's list, and its badge."""
REVIEW_CHOICES = (
    ("self_management", "Self-management: the graded plan with training"),
    ("clinician", "Keep seeing the clinic: assessment or treatment still needed"),
    ("urgent", "Urgent: a doctor within a day or two, no running"),
    ("emergency", "Emergency: an emergency department now"),
)
LABELS = {
    "disposition": "Outcome after the visit",
    "reason": "Reason",
    "cleared_to_run_on": "Cleared to run from",
}
RECENT_DAYS = 28
"""How far back the record page lists pain entries and logged sessions (the rest is in the
runner's report and export)."""


def _outcome(code: str | None) -> tuple[str, str]:
    if code is None:
        return ("No assessment yet", "muted")
    return OUTCOMES.get(code, (code, "info"))


@router.get("/clinic/patients")
def patient_list(request: Request, visitor: StaffDep, session: DbSession, now: Now) -> Response:
    """Runners who share their record with my clinics, those who need attention first."""
    assert visitor.principal is not None
    page = page_number(request.query_params.get("page"))
    q = request.query_params.get("q", "").replace("\x00", "").strip()[:120]
    rows = clinics.list_patients(
        session,
        principal=visitor.principal,
        now=now,
        limit=PAGE_SIZE + 1,  # one more: is there a next page?
        offset=(page - 1) * PAGE_SIZE,
        order="attention",
        name=q or None,
    )
    return render(
        request,
        "clinic_patients.html",
        {
            "rows": rows[:PAGE_SIZE],
            "q": q,
            "page": page,
            "more": len(rows) > PAGE_SIZE,
            "outcome": _outcome,
            "flag_words": FLAG_WORDS,
            "fmt": fmt,
        },
        visitor=visitor,
        title="Patients",
        current="patients",
    )


def _record_page(
    request: Request,
    visitor: StaffDep,
    session: DbSession,
    now: Now,
    runner_id: str,
    *,
    state: FormState | None = None,
    status: int = 200,
) -> Response:
    assert visitor.principal is not None
    record = timeline.clinician_timeline(
        session, principal=visitor.principal, runner_id=runner_id, now=now
    )
    latest = record.assessments[-1] if record.assessments else None
    plan = record.plan_versions[-1] if record.plan_versions else None
    since_at = now - dt.timedelta(days=RECENT_DAYS)
    since = since_at.date()
    context: dict[str, Any] = {
        "t": record,
        "runner_id": runner_id,
        "latest": latest,
        "outcome": _outcome,
        "told": disposition_words(latest.triaged_disposition) if latest else None,
        "reasons": [r.text for r in assessment_from_dict(latest.result).reasons] if latest else [],
        "flag_words": FLAG_WORDS,
        "scores": [
            score_line(c, since="4 weeks ago") for c in score_changes(session, runner_id, since_at)
        ],
        "pain": [p for p in record.pain_entries if p.entry_date >= since][::-1],
        "sessions": [s for s in record.session_logs if s.session_date >= since][::-1],
        "weeks": record.weeks[-8:] if any(w.activities for w in record.weeks[-8:]) else [],
        "plan": plan,
        "escalations": _escalations(plan.document if plan else {}),
        "choices_list": REVIEW_CHOICES,
        "labels": LABELS,
        "state": state or FormState(values={"disposition": latest.disposition if latest else ""}),
        "done": request.query_params.get("done"),
        "fmt": fmt,
    }
    return render(
        request,
        "clinic_patient.html",
        context,
        visitor=visitor,
        status=status,
        title=f"{record.runner.display_name}: record",
        current="patients",
    )


def _escalations(document: dict[str, Any]) -> list[str]:
    """Why the current plan asks the runner to contact the clinic now (``plan.escalation``)."""
    return [
        str(d["text"])
        for d in document.get("escalations") or ()
        if isinstance(d, dict) and d.get("text")
    ]


@router.get("/clinic/patients/{runner_id}")
def patient_record(
    runner_id: str, request: Request, visitor: StaffDep, session: DbSession, now: Now
) -> Response:
    """One runner's record (an audited read), with the review form."""
    return _record_page(request, visitor, session, now, runner_id)


@router.post("/clinic/patients/{runner_id}/review")
def review(
    runner_id: str,
    request: Request,
    visitor: StaffDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Set the outcome of the runner's latest assessment after seeing them, with the reason."""
    assert visitor.principal is not None
    values = raw_values(form, ("disposition", "reason", "cleared_to_run_on"))
    body, state = validate(ReviewIn, values, labels=LABELS)
    if body is None:
        return _record_page(request, visitor, session, now, runner_id, state=state, status=422)
    try:
        reviews.review_latest_assessment(
            session,
            principal=visitor.principal,
            runner_id=runner_id,
            disposition=body.disposition,
            reason=body.reason,
            cleared_to_run_on=body.cleared_to_run_on,
            now=now,
        )
    except BackstrideError as exc:
        if exc.status >= 500 or exc.status in (401, 403, 404):
            raise
        session.rollback()
        add_error(state, exc, fields=LABELS)
        return _record_page(
            request, visitor, session, now, runner_id, state=state, status=exc.status
        )
    return redirect(f"/clinic/patients/{runner_id}?done=reviewed")


__all__ = ["OUTCOMES", "PAGE_SIZE", "REVIEW_CHOICES", "router"]
