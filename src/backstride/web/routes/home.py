"""Home: the landing page for visitors, the dashboard for a signed-in runner."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.deps import AppSettings, DbSession, Now
from backstride.services import intake_drafts
from backstride.web import dashboard
from backstride.web.forms import FormState
from backstride.web.routes.booking import visits_context
from backstride.web.session import VisitorDep
from backstride.web.templating import render

router = APIRouter()


@router.get("/")
def home(
    request: Request, visitor: VisitorDep, session: DbSession, now: Now, settings: AppSettings
) -> Response:
    """Today's session and this week first, then flags and the charts of the chosen window."""
    if visitor.principal is None:
        return render(request, "landing.html", {}, visitor=visitor, title="Welcome")
    if not visitor.is_runner:
        return render(request, "staff_home.html", {}, visitor=visitor, title="Signed in")
    window = dashboard.window_of(request.query_params.get("window"))
    context = dashboard.build(
        session, principal=visitor.principal, now=now, settings=settings, window=window
    )
    context["form"] = FormState(values={"status": "done"})
    context["welcome"] = request.query_params.get("welcome") == "1"
    context.update(visits_context(session, visitor, now=now, suggest=False))
    context["intake_draft"] = (
        context.get("assessment") is None
        and intake_drafts.load_draft(session, principal=visitor.principal) is not None
    )
    session.rollback()
    return render(request, "home.html", context, visitor=visitor, title="Today", current="home")
