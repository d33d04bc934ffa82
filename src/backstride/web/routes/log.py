"""Log a session and the back's response; what it means, and the plan's adaptation right after.

The quick form on the home page is three taps (pain during, pain after, Save: "Done" is
preselected); this page takes the details too. Validation is the API's ``SessionLogIn``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.bodies import SessionLogIn
from backstride.api.deps import DbSession, Now
from backstride.errors import InvalidInput
from backstride.services import session_logs
from backstride.services.profile import my_handle
from backstride.web import dashboard
from backstride.web.forms import FormState, add_error, raw_values, validate
from backstride.web.session import PostedForm, RunnerDep
from backstride.web.templating import is_htmx, redirect, render

router = APIRouter()

FIELDS = (
    "on_date",
    "kind",
    "status",
    "pain_during",
    "pain_after",
    "pain_next_morning",
    "usual_morning_pain",
    "rpe",
    "distance_km",
    "duration_min",
    "bone_pain",
    "notes",
    "good_form",
    "quick",
)
LABELS = {
    "on_date": "Day",
    "kind": "Kind of session",
    "status": "How it went",
    "pain_during": "Back pain during",
    "pain_after": "Back pain after",
    "pain_next_morning": "Back pain the next morning",
    "usual_morning_pain": "Usual morning pain",
    "rpe": "Effort",
    "distance_km": "Distance",
    "duration_min": "Time",
    "bone_pain": "Pain on one spot of a bone",
    "notes": "Notes",
}
KINDS = (
    ("run", "Run"),
    ("strength", "Strength"),
    ("mobility", "Mobility"),
    ("cross_training", "Cross-training"),
)
STATUSES = (("done", "Done"), ("skipped", "Skipped"), ("partial", "Changed it"))


def _number(values: dict[str, str], name: str, factor: float) -> tuple[Any, str | None]:
    raw = values.get(name, "").strip().replace(",", ".")
    if not raw:
        return None, None
    try:
        return float(raw) * factor, None
    except ValueError:
        return None, "Enter a number"


def _model_values(values: dict[str, str]) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """Form fields -> the API model's fields (km -> m, min -> s, skipped drops pain)."""
    plain = {
        k: v for k, v in values.items() if k in LABELS and k not in ("distance_km", "duration_min")
    }
    if plain.get("status") == "skipped":
        for name in ("pain_during", "pain_after", "pain_next_morning", "bone_pain", "rpe"):
            plain.pop(name, None)
    extra: dict[str, Any] = {}
    errors: dict[str, str] = {}
    distance, err = _number(values, "distance_km", 1000.0)
    if err:
        errors["distance_km"] = err
    elif distance is not None:
        extra["distance_m"] = round(distance)
    duration, err = _number(values, "duration_min", 60.0)
    if err:
        errors["duration_min"] = err
    elif duration is not None:
        extra["duration_s"] = duration
    extra["good_form"] = values.get("good_form", "yes") != "no"
    return plain, extra, errors


def _defaults(request: Request, today: dt.date, plan_kind: str | None) -> FormState:
    q = request.query_params
    on_date = q.get("date") or today.isoformat()
    kind = q.get("kind") or plan_kind or "run"
    return FormState(values={"on_date": on_date, "kind": kind, "status": "done"})


@router.get("/log")
def log_page(request: Request, visitor: RunnerDep, session: DbSession, now: Now) -> Response:
    """The whole log form (day, kind, status, the three pain scores and the details)."""
    assert visitor.principal is not None
    today = now.date()
    found = dashboard.current_plan(session, handle=my_handle(session, principal=visitor.principal))
    planned = None
    if found is not None:
        planned = next(
            (
                s
                for s in found[2].sessions()
                if s.date == today and s.kind in ("run", "strength", "mobility", "cross_training")
            ),
            None,
        )
    form = _defaults(request, today, planned.kind if planned else None)
    form.values.setdefault(
        "usual_morning_pain", str(session_logs.usual_morning(session, principal=visitor.principal))
    )
    recent = session_logs.my_logs(
        session, principal=visitor.principal, from_date=today - dt.timedelta(days=13), to_date=today
    )
    session.rollback()
    return render(
        request,
        "log.html",
        {
            "form": form,
            "labels": LABELS,
            "kinds": KINDS,
            "statuses": STATUSES,
            "planned": planned,
            "recent": list(reversed(recent)),
        },
        visitor=visitor,
        title="Log a session",
        current="log",
    )


def _invalid(request: Request, visitor: Any, form: FormState, *, quick: bool) -> Response:
    if quick and is_htmx(request):
        return render(
            request,
            "log_quick_fragment.html",
            {
                "form": form,
                "labels": LABELS,
                "session_title": form.value("kind").title(),
                "on_date": form.value("on_date"),
                "kind": form.value("kind"),
            },
            visitor=visitor,
            status=422,
            title="Log a session",
        )
    return render(
        request,
        "log.html",
        {
            "form": form,
            "labels": LABELS,
            "kinds": KINDS,
            "statuses": STATUSES,
            "planned": None,
            "recent": [],
        },
        visitor=visitor,
        status=422,
        title="Log a session",
        current="log",
    )


@router.post("/log")
def log_post(
    request: Request, visitor: RunnerDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Store the log; then what it means and how the plan changes (303 to the result)."""
    assert visitor.principal is not None
    values = raw_values(form, FIELDS)
    quick = values.get("quick") == "1"
    plain, extra, number_errors = _model_values(values)
    if "usual_morning_pain" not in plain:
        extra["usual_morning_pain"] = session_logs.usual_morning(
            session, principal=visitor.principal
        )
    body, state = validate(SessionLogIn, plain, labels=LABELS, extra=extra)
    state.values = values
    for name, msg in number_errors.items():
        state.add(name, msg)
    if body is not None and not state.invalid:
        data = body.model_dump()
        data.pop("exercises", None)
        try:
            result = session_logs.record_log(session, principal=visitor.principal, now=now, **data)
        except InvalidInput as exc:
            add_error(state, exc, fields=LABELS)
        else:
            if is_htmx(request):
                return _result(request, visitor, result, fragment=True)
            return redirect(f"/log/{result.log.id}")
    return _invalid(request, visitor, state, quick=quick)


def _result(
    request: Request, visitor: Any, result: session_logs.LogOutcome, *, fragment: bool
) -> Response:
    return render(
        request,
        "log_result_fragment.html" if fragment else "log_result.html",
        {"result": result, "usual_choices": range(11)},
        visitor=visitor,
        title="Logged",
        current="log",
    )


@router.get("/log/{log_id}")
def log_result(log_id: str, request: Request, visitor: RunnerDep, session: DbSession) -> Response:
    """What one log means, and the plan's adaptation it caused."""
    assert visitor.principal is not None
    result = session_logs.outcome(session, principal=visitor.principal, log_id=log_id)
    return _result(request, visitor, result, fragment=False)


@router.post("/log/{log_id}/morning")
def log_morning(
    log_id: str,
    request: Request,
    visitor: RunnerDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Add the next-morning score (one tap) and adapt the plan: the 24-hour rule."""
    assert visitor.principal is not None
    values = raw_values(form, ("pain_next_morning", "usual_morning_pain"))
    try:
        pain = int(values.get("pain_next_morning", ""))
        usual_raw = values.get("usual_morning_pain", "").strip()
        usual = int(usual_raw) if usual_raw else None
    except ValueError:
        raise InvalidInput(
            "choose a number from 0 to 10",
            code="log.invalid",
            problems=[{"path": "pain_next_morning", "msg": "0-10"}],
        ) from None
    result = session_logs.record_next_morning(
        session,
        principal=visitor.principal,
        log_id=log_id,
        pain_next_morning=pain,
        usual_morning_pain=usual,
        now=now,
    )
    if is_htmx(request):
        return _result(request, visitor, result, fragment=True)
    return redirect(f"/log/{result.log.id}")
