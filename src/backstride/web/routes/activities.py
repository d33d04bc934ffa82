"""Activities: the list (paged, filtered by sport and name) and one activity in detail."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.deps import DbSession, Now
from backstride.services import activities
from backstride.web import format as fmt
from backstride.web.charts import ChartView, Series, elapsed_chart
from backstride.web.forms import page_number
from backstride.web.session import RunnerDep
from backstride.web.templating import render

router = APIRouter()
PER_PAGE = 25


@router.get("/activities")
def activity_list(request: Request, visitor: RunnerDep, session: DbSession) -> Response:
    """My activities, newest first; ``?q=`` searches the names, ``?sport=`` filters."""
    assert visitor.principal is not None
    q = (request.query_params.get("q") or "").strip()[:60]
    sport = (request.query_params.get("sport") or "").strip()[:32]
    page = activities.my_activities(
        session,
        principal=visitor.principal,
        page=page_number(request.query_params.get("page")),
        per_page=PER_PAGE,
        sport=sport or None,
        text=q or None,
    )
    session.rollback()
    return render(
        request,
        "activities.html",
        {"page": page, "q": q, "sport": sport},
        visitor=visitor,
        title="Activities",
        current="activities",
    )


def _charts(series: activities.ActivitySeries | None) -> list[ChartView]:
    if series is None:
        return []
    out = []
    seconds = list(series.time_s)
    pace = [v for v in series.pace_s_per_km if v is not None]
    if pace:
        middle = (min(pace) + max(pace)) / 2  # at least 30 s of pace on the axis
        low, high = min(min(pace), middle - 15), max(max(pace), middle + 15)
        out.append(
            elapsed_chart(
                "chart-pace",
                title="Pace",
                summary=f"Pace from {fmt.pace(min(pace))} to {fmt.pace(max(pace))}, "
                "averaged over about 30 seconds.",
                seconds=seconds,
                series=[Series("pace", list(series.pace_s_per_km), cls="s1", fmt=fmt.pace)],
                unit="/km",
                y_floor=low,
                y_ceiling=high,
                y_kind="pace",
                y_tick=lambda v: fmt.pace(v).replace(" /km", ""),
                invert_y=True,
                table_every=10,
                table_note="Every tenth point.",
            )
        )
    hr = [v for v in series.hr_bpm if v is not None]
    if hr:
        out.append(
            elapsed_chart(
                "chart-hr",
                title="Heart rate",
                summary=f"Heart rate from {min(hr):.0f} to {max(hr):.0f} bpm.",
                seconds=seconds,
                series=[Series("heart rate", list(series.hr_bpm), cls="s2", fmt=fmt.bpm)],
                unit="bpm",
                y_floor=None,
                table_every=10,
                table_note="Every tenth point.",
            )
        )
    alt = [v for v in series.altitude_m if v is not None]
    if alt:
        out.append(
            elapsed_chart(
                "chart-elevation",
                title="Elevation",
                summary=f"Elevation from {min(alt):.0f} to {max(alt):.0f} m.",
                seconds=seconds,
                series=[Series("elevation", list(series.altitude_m), cls="s3", fmt=fmt.metres)],
                unit="m",
                y_floor=None,
                table_every=10,
                table_note="Every tenth point.",
            )
        )
    return out


@router.get("/activities/{activity_id}")
def activity_page(
    activity_id: str, request: Request, visitor: RunnerDep, session: DbSession, now: Now
) -> Response:
    """One activity: summary, load numbers, pace / heart rate / elevation and the laps."""
    assert visitor.principal is not None
    detail = activities.my_activity(session, principal=visitor.principal, activity_id=activity_id)
    series = activities.my_activity_series(
        session, principal=visitor.principal, activity_id=activity_id
    )
    load = activities.my_activity_load(
        session, principal=visitor.principal, activity_id=activity_id, today=now.date()
    )
    session.rollback()
    s = detail.summary
    return render(
        request,
        "activity.html",
        {"a": detail, "s": s, "load": load, "charts": _charts(series)},
        visitor=visitor,
        title=s.name or f"{s.sport.replace('_', ' ').capitalize()} on {fmt.date(s.local_date)}",
        current="activities",
    )
