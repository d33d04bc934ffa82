"""My assessment (disposition first) and my questionnaire scores over time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.deps import DbSession
from backstride.intake.assessment import Assessment, Disposition
from backstride.intake.catalog import InstrumentDef, shipped_instruments
from backstride.intake.change import Change, compare_instrument, threshold_for
from backstride.intake.triage import TIME_FRAMES
from backstride.reports.previsit_words import FLAG_WORDS
from backstride.services import intake
from backstride.web.charts import Band, ChartView, RefLine, Series, time_chart
from backstride.web.session import RunnerDep
from backstride.web.templating import render

router = APIRouter()

HEADLINES = {
    Disposition.EMERGENCY: "Go to an emergency department now, or call the emergency number",
    Disposition.URGENT: "See a doctor today or tomorrow, and do not run until then",
    Disposition.CLINICIAN: "Book an assessment with your clinic within 1-2 weeks",
    Disposition.SELF_MANAGEMENT: "A graded plan is reasonable: you can train, carefully",
}
"""What each disposition asks of the runner, action first (clinical reference §1.3)."""

SCORE_LABELS = (
    ("nprs.now", "Pain now", "/10"),
    ("nprs.during_run", "Pain during runs", "/10"),
    ("odi.percent", "Disability (Oswestry)", " %"),
    ("rmdq.total", "Disability (Roland-Morris)", " of 24"),
    ("psfs.mean", "Activities made hard (PSFS, 10 = as before)", "/10"),
    ("startback.risk_group", "STarT Back risk group", ""),
)
INSTRUMENTS = (
    ("nprs", "Pain rating", 0.0, 10.0),
    ("odi", "Oswestry Disability Index (%)", 0.0, 100.0),
    ("rmdq", "Roland-Morris (0-24)", 0.0, 24.0),
    ("psfs", "Activities made hard (PSFS)", 0.0, 10.0),
    ("startback", "STarT Back (0-9)", 0.0, 9.0),
)


def _scores(assessment: Assessment) -> list[tuple[str, str]]:
    out = []
    for key, label, unit in SCORE_LABELS:
        value = assessment.scores.get(key)
        if value is None:
            continue
        text = f"{value:.0f}" if isinstance(value, float) and value.is_integer() else str(value)
        if isinstance(value, float) and not value.is_integer():
            text = f"{value:.1f}"
        out.append((label, f"{text}{unit}"))
    return out


@router.get("/assessment")
def assessment_page(request: Request, visitor: RunnerDep, session: DbSession) -> Response:
    """My latest assessment: the disposition first, what to do now, why, with sources."""
    assert visitor.principal is not None
    found = intake.latest_assessment(session, runner_id=visitor.principal.runner_id or "")
    session.rollback()
    context: dict[str, Any] = {"a": found}
    if found is not None:
        context.update(
            headline=HEADLINES[found.disposition],
            time_frame=TIME_FRAMES[found.disposition],
            scores=_scores(found),
            flag_words=[FLAG_WORDS[f] for f in sorted(found.plan_flags) if f in FLAG_WORDS],
            acute=found.disposition in (Disposition.EMERGENCY, Disposition.URGENT),
        )
    return render(
        request,
        "assessment.html",
        context,
        visitor=visitor,
        title="My assessment",
        current="assessment",
    )


@dataclass(frozen=True, slots=True)
class TrendView:
    """One instrument's scores over time with its chart."""

    ident: str
    title: str
    chart: ChartView | None
    rows: list[dict[str, Any]]
    change_text: str
    source: str


def _since_first(
    inst: InstrumentDef, base: float | None, point: intake.TrendPoint, *, first: bool
) -> Change | None:
    """The change from the first answer, judged against the instrument's minimal important
    change (clinical reference §4.1). PSFS compares only activities rated both times, which
    the trend does answer by answer, so it has no change since the first here."""
    if first or inst.change is None or base is None or point.value is None:
        return None
    if inst.id == "psfs":
        return None
    return compare_instrument(inst, base, point.value)


def _trend(session: Any, runner_id: str, ident: str, title: str, top: float) -> TrendView:
    inst = shipped_instruments()[ident]
    points = intake.questionnaire_trend(session, runner_id=runner_id, instrument=ident)
    scored = [p for p in points if p.value is not None]
    base = scored[0].value if scored else None
    rows = [
        {
            "date": p.answered_at,
            "value": p.value,
            "change": p.change,
            "since_first": _since_first(inst, base, p, first=i == 0),
        }
        for i, p in reversed(list(enumerate(scored)))
    ]
    if inst.change is None:
        change_text = "No minimal important change is published for this score: each answer is "
        change_text += "read on its own."
        source = inst.source
    else:
        better = "higher" if inst.higher_is_better else "lower"
        change_text = (
            f"A real change is at least {inst.change.mcid:g} points (or 30 % of the first score, "
            f"never less than the {inst.change.mdc:g}-point measurement error); {better} is "
            "better."
        )
        source = inst.change.source
    chart = None
    if scored:
        dates = [p.answered_at.date() for p in scored]
        bands: list[Band] = []
        refs: list[RefLine] = []
        if inst.change is not None:
            base = float(scored[0].value or 0.0)
            width = threshold_for(base, mcid=inst.change.mcid, mdc=inst.change.mdc)
            bands.append(
                Band(
                    max(0.0, base - width),
                    min(top, base + width),
                    f"within {width:g} points of your first score: not a real change yet",
                )
            )
            refs.append(RefLine(base, "your first score"))
        values = [p.value for p in scored]
        chart = time_chart(
            f"chart-{ident}",
            title=title,
            summary=f"{len(scored)} answer(s); the latest {scored[-1].value:g} "
            f"on {scored[-1].answered_at:%d %b %Y}.",
            dates=dates,
            series=[
                Series("score", values, cls="s1", join=True),
                Series("answer", values, kind="dots", cls="s1"),
            ],
            unit="",
            y_floor=0.0,
            y_ceiling=top,
            bands=bands,
            refs=refs,
        )
    return TrendView(ident, title, chart, rows, change_text, source)


def _change_words(change: Change | None) -> str:
    """A change since the answer before, in plain words (clinical reference §4.1)."""
    if change is None:
        return ""
    size = f"{round(abs(change.improvement), 1):g}"
    if change.direction == "improved":
        return f"better by {size} points since last time, a real change"
    if change.direction == "worsened":
        return f"worse by {size} points since last time, a real change"
    return "no real change since last time (smaller than the minimal important change)"


def _answered(trends: list[TrendView], ident: str | None) -> dict[str, str] | None:
    """The questionnaire just answered again: its new score and the change that counts."""
    trend = next((t for t in trends if t.ident == ident), None)
    if trend is None or not trend.rows:
        return None
    latest = trend.rows[0]
    return {
        "title": trend.title,
        "value": f"{latest['value']:g}",
        "change": _change_words(latest["change"]),
    }


@router.get("/progress")
def progress_page(request: Request, visitor: RunnerDep, session: DbSession) -> Response:
    """Each questionnaire's score over time, with the change that counts marked."""
    assert visitor.principal is not None
    runner_id = visitor.principal.runner_id or ""
    trends = [_trend(session, runner_id, ident, title, top) for ident, title, _, top in INSTRUMENTS]
    session.rollback()
    return render(
        request,
        "progress.html",
        {"trends": trends, "answered": _answered(trends, request.query_params.get("answered"))},
        visitor=visitor,
        title="Progress",
        current="progress",
    )
