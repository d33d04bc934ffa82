"""The runner's training-load report: HTML from a Jinja2 template with inline SVG charts, and PDF.

The PDF is the same HTML rendered by WeasyPrint. Pure apart from writing the output file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from backstride.analytics.summary import LoadSummary
from backstride.errors import InvalidInput
from backstride.reports import charts

FLAG_TITLES: dict[str, str] = {
    "load.spike_single_run": "Single run much longer than usual",
    "load.weekly_jump": "Big jump in weekly distance",
    "load.no_rest_day": "No rest day",
    "load.monotony_high": "Very even training load",
    "load.inputs_estimated": "Load uses estimated inputs",
    "gait.balance_drift": "Ground-contact balance changed",
    "gait.cadence_drop": "Cadence dropped",
    "shoes.retire": "Shoe past its alert distance",
}
RECENT_FLAG_DAYS = 84
MAX_OLDER_FLAGS = 40


def _hm(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def render_html(summary: LoadSummary, *, runner_name: str) -> str:
    """The report as one self-contained HTML page (charts inline as SVG)."""
    env = Environment(
        loader=PackageLoader("backstride.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    weeks = summary.weeks
    this_week = weeks[-1] if weeks else None
    prior = weeks[-5:-1]
    flags = sorted(summary.flags, key=lambda f: (f.date, f.code), reverse=True)
    cutoff = summary.to_date - dt.timedelta(days=RECENT_FLAG_DAYS)
    recent = [f for f in flags if f.date > cutoff]
    older = [f for f in flags if f.date <= cutoff]
    chart_map = {
        "weekly": charts.weekly_distance(summary),
        "fitness": charts.fitness_fatigue(summary),
        "acwr": charts.acwr_band(summary),
        "gait": charts.gait_trends(summary),
        "pain": charts.pain_scores(summary),
    }
    return env.get_template("load_report.html.j2").render(
        s=summary,
        runner_name=runner_name,
        charts=chart_map,
        titles=FLAG_TITLES,
        flags=recent,
        older_flags=older[:MAX_OLDER_FLAGS],
        this_week_km=(this_week.distance_m / 1000) if this_week else 0.0,
        this_week_runs=this_week.runs if this_week else 0,
        last4_km=sum(w.distance_m for w in prior) / 1000,
        recent_weeks=list(reversed(weeks[-12:])),
        hm=_hm,
    )


def render_pdf(html: str) -> bytes:
    """PDF bytes of the HTML (WeasyPrint)."""
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def write_report(summary: LoadSummary, *, runner_name: str, path: Path) -> Path:
    """Write ``path`` as HTML or PDF by its suffix; ``report.bad_suffix`` otherwise."""
    suffix = path.suffix.lower()
    if suffix not in {".html", ".htm", ".pdf"}:
        raise InvalidInput(
            f"report file must end in .html or .pdf, not {path.name!r}", code="report.bad_suffix"
        )
    html = render_html(summary, runner_name=runner_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        path.write_bytes(render_pdf(html))
    else:
        path.write_text(html, encoding="utf-8")
    return path


__all__ = ["FLAG_TITLES", "render_html", "render_pdf", "write_report"]
