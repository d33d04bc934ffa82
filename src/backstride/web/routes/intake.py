"""The intake wizard (one section per page, a draft saved on the server after each step, a
review, then the assessment) and the questionnaires answered again over time."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.deps import DbSession, Now
from backstride.errors import BackstrideError, InvalidInput, NotFound
from backstride.intake.catalog import shipped_instruments
from backstride.intake.form import Draft, Problem, Section, validate_page
from backstride.intake.questions import to_document
from backstride.services import intake, intake_drafts
from backstride.services.policy import Principal
from backstride.web import wizard
from backstride.web.session import PostedForm, RunnerDep, Visitor
from backstride.web.templating import redirect, render

router = APIRouter()

EMPTY = Draft({})


def _draft(session: Any, principal: Principal) -> Draft | None:
    found = intake_drafts.load_draft(session, principal=principal)
    session.rollback()
    return found


def _step_page(
    request: Request,
    visitor: Visitor,
    draft: Draft,
    section: Section,
    *,
    posted: dict[str, str | tuple[str, ...]] | None = None,
    problems: tuple[Problem, ...] = (),
    status: int = 200,
) -> Response:
    order = wizard.steps(draft.answers)
    keys = [s.key for s in order]
    number = keys.index(section.key) + 1
    fields = wizard.page_fields(section, draft.answers, posted=posted, problems=problems)
    general = [p.msg for p in problems if p.path not in {f.name for f in fields}]
    return render(
        request,
        "intake_step.html",
        {
            "section": section,
            "fields": fields,
            "known": wizard.known_answers(section, draft.answers),
            "number": number,
            "total": len(order),
            "previous": keys[number - 2] if number > 1 else None,
            "general": general,
            "errors": [(f.dom_id, f.label, f.error) for f in fields if f.error],
        },
        visitor=visitor,
        status=status,
        title=f"Step {number} of {len(order)}: {section.heading}",
        current="assessment",
    )


@router.get("/intake")
def intake_start(request: Request, visitor: RunnerDep, session: DbSession) -> Response:
    """Start (or resume) the intake: what it is, how long, and where a draft left off."""
    assert visitor.principal is not None
    draft = _draft(session, visitor.principal)
    latest = intake.latest_assessment(session, runner_id=visitor.principal.runner_id or "")
    session.rollback()
    resume = None
    if draft is not None:
        nxt = wizard.next_step(draft)
        resume = f"/intake/step/{nxt.key}" if nxt is not None else "/intake/review"
    return render(
        request,
        "intake_start.html",
        {
            "draft": draft,
            "resume": resume,
            "latest": latest,
            "total": len(wizard.steps(draft.answers if draft else {})),
            "first": wizard.runner_sections()[0].key,
        },
        visitor=visitor,
        title="Assessment questions",
        current="assessment",
    )


@router.post("/intake/start")
def intake_begin(visitor: RunnerDep, form: PostedForm, session: DbSession, now: Now) -> Response:
    """Begin a new intake (a fresh draft, replacing any unfinished one)."""
    assert visitor.principal is not None
    intake_drafts.save_draft(session, principal=visitor.principal, draft=EMPTY, now=now)
    return redirect(f"/intake/step/{wizard.runner_sections()[0].key}")


@router.post("/intake/discard")
def intake_discard(visitor: RunnerDep, form: PostedForm, session: DbSession) -> Response:
    """Throw the unfinished intake away."""
    assert visitor.principal is not None
    intake_drafts.discard_draft(session, principal=visitor.principal)
    return redirect("/intake")


def _section_or_404(draft: Draft, key: str) -> Section:
    section = wizard.section_by_key(key)
    if section is None or section.key not in {s.key for s in wizard.steps(draft.answers)}:
        raise NotFound("no such step", code="intake.step_not_found")
    return section


@router.get("/intake/step/{key}")
def intake_step(key: str, request: Request, visitor: RunnerDep, session: DbSession) -> Response:
    """One step: its questions with the answers kept so far."""
    assert visitor.principal is not None
    draft = _draft(session, visitor.principal)
    if draft is None:
        return redirect("/intake")
    return _step_page(request, visitor, draft, _section_or_404(draft, key))


@router.post("/intake/step/{key}")
def intake_step_post(
    key: str,
    request: Request,
    visitor: RunnerDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Continue (check the page, save, go on), Back (save what fits, go back) or Skip (an
    optional questionnaire declined). The draft is saved on the server each time."""
    assert visitor.principal is not None
    draft = _draft(session, visitor.principal)
    if draft is None:
        return redirect("/intake")
    section = _section_or_404(draft, key)
    action = form.get("action")
    posted = wizard.posted_values(form, section)
    if action == "skip" and section.optional:
        draft = wizard.skip_section(draft, section)
        intake_drafts.save_draft(session, principal=visitor.principal, draft=draft, now=now)
        nxt = wizard.next_step(draft, after=section.key)
        return redirect(f"/intake/step/{nxt.key}" if nxt else "/intake/review")
    outcome = wizard.apply_page(draft, section, posted, partial=action == "back")
    if action == "back":
        intake_drafts.save_draft(session, principal=visitor.principal, draft=outcome.draft, now=now)
        keys = [s.key for s in wizard.steps(outcome.draft.answers)]
        here = keys.index(section.key) if section.key in keys else 0
        return redirect(f"/intake/step/{keys[max(here - 1, 0)]}" if here > 0 else "/intake")
    if not outcome.ok:
        return _step_page(
            request, visitor, draft, section, posted=posted, problems=outcome.problems, status=422
        )
    intake_drafts.save_draft(session, principal=visitor.principal, draft=outcome.draft, now=now)
    nxt = wizard.next_step(outcome.draft, after=section.key)
    return redirect(f"/intake/step/{nxt.key}" if nxt else "/intake/review")


def _review_page(
    request: Request,
    visitor: Visitor,
    draft: Draft,
    *,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    sections = wizard.review(draft)
    return render(
        request,
        "intake_review.html",
        {
            "sections": sections,
            "ready": all(s.done for s in sections),
            "problems": problems or [],
        },
        visitor=visitor,
        status=status,
        title="Check your answers",
        current="assessment",
    )


@router.get("/intake/review")
def intake_review(request: Request, visitor: RunnerDep, session: DbSession) -> Response:
    """Every answer in plain words, a Change link per step, then Submit."""
    assert visitor.principal is not None
    draft = _draft(session, visitor.principal)
    if draft is None:
        return redirect("/intake")
    return _review_page(request, visitor, draft)


@router.post("/intake/submit")
def intake_submit(
    request: Request, visitor: RunnerDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Submit: the assessment is stored and shown (disposition first); the draft is gone."""
    assert visitor.principal is not None
    draft = _draft(session, visitor.principal)
    if draft is None:
        return redirect("/intake")
    pending = [s for s in wizard.review(draft) if not s.done]
    if pending:
        names = ", ".join(f"step {s.number} ({s.heading})" for s in pending)
        return _review_page(
            request, visitor, draft, problems=[f"Please answer {names} first."], status=422
        )
    try:
        intake_drafts.submit_draft(session, principal=visitor.principal, now=now)
    except InvalidInput as exc:
        msgs = [f"{p.get('path', '')}: {p.get('msg', '')}" for p in exc.problems] or [exc.detail]
        return _review_page(request, visitor, draft, problems=msgs, status=422)
    return redirect("/assessment")


# -- questionnaires answered again ----------------------------------------------------------


def _questionnaire(ident: str) -> Section:
    if ident not in intake.REPEATABLE:
        raise NotFound("no such questionnaire", code="intake.unknown_instrument")
    section = wizard.section_by_key(ident)
    assert section is not None
    return section


def _questionnaire_page(
    request: Request,
    visitor: Visitor,
    section: Section,
    *,
    posted: dict[str, str | tuple[str, ...]] | None = None,
    problems: tuple[Problem, ...] = (),
    status: int = 200,
) -> Response:
    fields = wizard.page_fields(section, {}, posted=posted, problems=problems)
    inst = shipped_instruments()[section.key]
    return render(
        request,
        "questionnaire.html",
        {
            "section": section,
            "fields": fields,
            "inst": inst,
            "general": [p.msg for p in problems if p.path not in {f.name for f in fields}],
            "errors": [(f.dom_id, f.label, f.error) for f in fields if f.error],
        },
        visitor=visitor,
        status=status,
        title=section.heading,
        current="progress",
    )


@router.get("/progress/answer")
def questionnaire_list(request: Request, visitor: RunnerDep) -> Response:
    """The questionnaires a runner can answer again."""
    instruments = shipped_instruments()
    items = [(i, instruments[i].title, len(instruments[i].items)) for i in intake.REPEATABLE]
    return render(
        request,
        "questionnaires.html",
        {"items": items},
        visitor=visitor,
        title="Answer a questionnaire again",
        current="progress",
    )


@router.get("/progress/answer/{ident}")
def questionnaire_form(ident: str, request: Request, visitor: RunnerDep) -> Response:
    """One questionnaire on its own form: item summaries and what each answer means."""
    return _questionnaire_page(request, visitor, _questionnaire(ident))


@router.post("/progress/answer/{ident}")
def questionnaire_post(
    ident: str,
    request: Request,
    visitor: RunnerDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Store the answers and score them; back to Progress with the new point."""
    assert visitor.principal is not None
    section = _questionnaire(ident)
    posted = wizard.posted_values(form, section)
    raw = {k: list(v) if isinstance(v, tuple) else v for k, v in posted.items()}
    result = validate_page(section, raw, {})
    if not result.ok:
        return _questionnaire_page(
            request, visitor, section, posted=posted, problems=result.problems, status=422
        )
    answers = to_document(result.answers).get(ident) or {}
    try:
        intake.record_questionnaire(
            session,
            runner_id=visitor.principal.runner_id or "",
            instrument=ident,
            answers=answers,
            now=now,
        )
    except BackstrideError as exc:
        problems = tuple(
            Problem(str(p.get("path", "")), str(p.get("msg", exc.detail))) for p in exc.problems
        ) or (Problem("", exc.detail),)
        return _questionnaire_page(
            request, visitor, section, posted=posted, problems=problems, status=422
        )
    return redirect(f"/progress?answered={ident}#t-{ident}")
