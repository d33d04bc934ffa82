"""The pre-visit report of an appointment, for the clinic's staff: the runner's latest
assessment, scores and their change since the last visit, pain diary, training-load flags and
plan adherence, in plain words with units; and the same report as a PDF.

``services.booking.previsit`` builds the report and decides who may read it (the clinic's own
staff, a consenting runner); every read (page or PDF) is in the runner's audit log. The PDF is
the renderer the API and the CLI use (``reports.previsit_report``), not a second one.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.deps import AppSettings, DbSession, Now
from backstride.intake.catalog import shipped_instruments
from backstride.reports.load_report import FLAG_TITLES
from backstride.reports.previsit_report import render_previsit_html, render_previsit_pdf
from backstride.services.booking.previsit import PreVisitReport, ScoreChange, previsit_report
from backstride.web import booking_view as bv
from backstride.web import format as fmt
from backstride.web.routes.clinic import StaffDep
from backstride.web.routes.records import FLAG_WORDS
from backstride.web.templating import render

router = APIRouter()

INSTRUMENTS = {
    "nprs": ("Pain rating (NPRS)", "/10", 0),
    "odi": ("Disability, Oswestry (ODI)", " %", 0),
    "rmdq": ("Disability, Roland-Morris (RMDQ)", " of 24", 0),
    "psfs": ("Activities made hard (PSFS, 10 = as before)", "/10", 1),
    "startback": ("STarT Back screening", " of 9", 0),
    "triad_female": ("Energy, periods and bone health (Female Athlete Triad risk)", " points", 0),
    "triad_male": ("Energy and bone health (male athlete triad risk)", " points", 0),
}
"""Each instrument's name in words, its unit and decimals (as the runner's progress page)."""

DISPOSITIONS = {
    "emergency": "Emergency: sent to an emergency department",
    "urgent": "Urgent: told to see a doctor within a day or two and not to run",
    "clinician": "Told to book an assessment within 1-2 weeks",
    "self_management": "Self-management: a graded plan with training",
}
"""What each triage disposition told the runner (clinical reference §1.3)."""

DIRECTIONS = {
    "improved": "Better, by more than the smallest change that matters (MCID)",
    "worsened": "Worse, by more than the smallest change that matters (MCID)",
    "no_meaningful_change": "No real change (less than the smallest change that matters)",
}


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """One score as the page says it."""

    name: str
    latest: str
    latest_on: str
    then: str
    change: str
    verdict: str
    tone: str


def _value(value: float | None, unit: str, digits: int) -> str:
    if value is None:
        return fmt.DASH
    return f"{value:.{digits}f}{unit}"


def score_line(s: ScoreChange) -> ScoreLine:
    """A score, its value at the last visit and the change in words (clinical reference
    §4.1: a change is real when it passes the instrument's MCID)."""
    inst = shipped_instruments().get(s.instrument)
    title = inst.title if inst is not None else s.instrument
    name, unit, digits = INSTRUMENTS.get(s.instrument, (title, "", 1))
    if s.change is None:
        change = fmt.DASH
        verdict = "No score from before the last visit to compare"
        if s.instrument == "psfs" and s.baseline is not None:
            verdict = "Not compared here (each activity is scored on its own)"
        elif s.baseline is not None:
            verdict = "A screening: read its level, it has no change threshold"
    else:
        points = " points" if s.instrument == "odi" else unit  # a change of a % is in points
        change = f"{s.change:+.{digits}f}{points}".replace("-", "−")
        verdict = DIRECTIONS.get(s.direction or "", s.direction or "")
    tone = {"improved": "ok", "worsened": "caution"}.get(s.direction or "", "info")
    return ScoreLine(
        name=name,
        latest=_value(s.latest, unit, digits),
        latest_on=fmt.date(s.latest_at),
        then=_value(s.baseline, unit, digits),
        change=change,
        verdict=verdict,
        tone=tone,
    )


def _report(
    appointment_id: str, visitor: StaffDep, session: DbSession, now: Now, settings: AppSettings
) -> PreVisitReport:
    assert visitor.principal is not None
    return previsit_report(
        session,
        principal=visitor.principal,
        appointment_id=appointment_id,
        now=now,
        settings=settings,
    )


@router.get("/clinic/appointments/{appointment_id}/pre-visit")
def pre_visit(
    appointment_id: str,
    request: Request,
    visitor: StaffDep,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> Response:
    """The report as a page (an audited read)."""
    report = _report(appointment_id, visitor, session, now, settings)
    a = report.appointment
    return render(
        request,
        "clinic_previsit.html",
        {
            "r": report,
            "a": a,
            "bv": bv,
            "fmt": fmt,
            "scores": [score_line(s) for s in report.scores],
            "disposition": DISPOSITIONS.get(report.disposition or "", report.disposition),
            "flag_words": [FLAG_WORDS.get(f, f) for f in report.flags],
            "flag_titles": FLAG_TITLES,
        },
        visitor=visitor,
        title=f"Before the visit: {report.runner_name}",
        current="schedule",
    )


@router.get("/clinic/appointments/{appointment_id}/pre-visit.pdf")
def pre_visit_pdf(
    appointment_id: str, visitor: StaffDep, session: DbSession, now: Now, settings: AppSettings
) -> Response:
    """The same report as a PDF (the API's renderer; an audited read)."""
    report = _report(appointment_id, visitor, session, now, settings)
    return Response(
        render_previsit_pdf(render_previsit_html(report)),
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'attachment; filename="pre-visit.pdf"',
            "Cache-Control": "no-store",
        },
    )


__all__ = ["router", "score_line"]
