"""The pre-visit report of an appointment, for the clinic's staff: the runner's latest
assessment, scores and their change since the last visit, pain diary, training-load flags and
plan adherence, in plain words with units; and the same report as a PDF.

``services.booking.previsit`` builds the report and decides who may read it (the clinic's own
staff, a consenting runner); every read (page or PDF) is in the runner's audit log. The PDF is
the renderer the API and the CLI use (``reports.previsit_report``), not a second one.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.deps import AppSettings, DbSession, Now
from backstride.reports.load_report import FLAG_TITLES
from backstride.reports.previsit_report import render_previsit_html, render_previsit_pdf
from backstride.reports.previsit_words import FLAG_WORDS, disposition_words, score_line
from backstride.services.booking.previsit import PreVisitReport, previsit_report
from backstride.web import booking_view as bv
from backstride.web import format as fmt
from backstride.web.routes.clinic import StaffDep
from backstride.web.templating import render

router = APIRouter()


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
            "disposition": disposition_words(report.disposition),
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
