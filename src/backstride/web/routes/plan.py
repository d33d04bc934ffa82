"""The plan: a week at a time (one day per row on a phone), session cards with the exercise
library's figures, the why of each decision with its source, the calendar file and a private
subscription link."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.bodies import PlanIn
from backstride.api.deps import DbSession, Now
from backstride.errors import BackstrideError
from backstride.services import calendar_feed, intake, plans, session_logs
from backstride.services.profile import my_handle
from backstride.web import dashboard
from backstride.web.forms import add_error, raw_values, validate
from backstride.web.routes.booking import visits_context
from backstride.web.session import PostedForm, RunnerDep
from backstride.web.templating import redirect, render

router = APIRouter()

ICS_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


@router.get("/plan")
def plan_page(request: Request, visitor: RunnerDep, session: DbSession, now: Now) -> Response:
    """One week of the plan (this week unless ``?week=`` names another)."""
    assert visitor.principal is not None
    today = now.date()
    handle = my_handle(session, principal=visitor.principal)
    found = dashboard.current_plan(session, handle=handle)
    assessment = intake.latest_assessment(session, runner_id=visitor.principal.runner_id or "")
    context: dict[str, object] = {
        "plan": None,
        "assessment": assessment,
        "feed": None,
        "new_feed": None,
        "errors": None,
    }
    if found is not None:
        _plan_id, version, plan = found
        current = dashboard.week_of(plan, today)
        index = current.index if current is not None else 0
        asked = request.query_params.get("week", "")
        if asked.isdigit() and int(asked) < len(plan.weeks):
            index = int(asked)
        week = plan.weeks[index] if plan.weeks else None
        logs = (
            session_logs.my_logs(
                session,
                principal=visitor.principal,
                from_date=week.start_date,
                to_date=week.days[-1].date if week.days else week.start_date,
            )
            if week is not None
            else []
        )
        context.update(
            plan=plan,
            version=version,
            week=week,
            index=index,
            logs_by_key={lg.session_key: lg for lg in logs if lg.session_key},
            feed=calendar_feed.active_feed(session, principal=visitor.principal),
        )
    acute = assessment is not None and assessment.disposition.value in ("urgent", "emergency")
    context.update(
        visits_context(session, visitor, now=now, suggest=found is not None and not acute)
    )
    session.rollback()
    return render(request, "plan.html", context, visitor=visitor, title="Plan", current="plan")


@router.post("/plan")
def make_plan(
    request: Request, visitor: RunnerDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Make a new plan from my assessment and history (an older plan is archived)."""
    assert visitor.principal is not None
    values = raw_values(form, ("weeks", "start_date"))
    body, state = validate(PlanIn, values, labels={"weeks": "Weeks", "start_date": "Start"})
    if body is not None:
        try:
            plans.create_plan(
                session,
                runner_handle=my_handle(session, principal=visitor.principal),
                weeks=body.weeks,
                start_date=body.start_date or now.date(),
                now=now,
            )
        except BackstrideError as exc:
            add_error(state, exc, fields=("weeks", "start_date"))
        else:
            return redirect("/plan")
    return render(
        request,
        "plan.html",
        {
            "plan": None,
            "assessment": None,
            "feed": None,
            "new_feed": None,
            "errors": state,
            **visits_context(session, visitor, now=now, suggest=False),
        },
        visitor=visitor,
        status=422,
        title="Plan",
        current="plan",
    )


@router.get("/plan.ics")
def plan_ics(visitor: RunnerDep, session: DbSession, now: Now) -> Response:
    """The current plan as a calendar file (download)."""
    assert visitor.principal is not None
    data = calendar_feed.my_calendar(session, principal=visitor.principal, now=now)
    return Response(
        data,
        media_type="text/calendar",
        headers={
            **ICS_HEADERS,
            "Content-Disposition": 'attachment; filename="backstride-plan.ics"',
        },
    )


@router.post("/plan/calendar-link")
def new_calendar_link(
    request: Request, visitor: RunnerDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Make a private subscription link (shown once; an older link stops working)."""
    assert visitor.principal is not None
    del form
    feed = calendar_feed.create_feed(session, principal=visitor.principal, now=now)
    url = str(request.base_url).rstrip("/") + feed.path
    return render(
        request,
        "calendar_link.html",
        {"url": url},
        visitor=visitor,
        title="Your calendar link",
        current="plan",
    )


@router.post("/plan/calendar-link/revoke")
def revoke_calendar_link(
    visitor: RunnerDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Stop the private subscription link."""
    assert visitor.principal is not None
    del form
    calendar_feed.revoke_feeds(session, principal=visitor.principal, now=now)
    return redirect("/plan?link=stopped#calendar")


@router.get("/calendar/{feed_id}/{secret}.ics")
def subscribed_calendar(feed_id: str, secret: str, session: DbSession, now: Now) -> Response:
    """The calendar behind a private link (no log-in: the link is the key)."""
    data = calendar_feed.feed_calendar(session, feed_id=feed_id, secret=secret, now=now)
    return Response(data, media_type="text/calendar", headers=ICS_HEADERS)
