"""The runner's training-load report: HTML from a Jinja2 template with inline SVG charts, and PDF.

The PDF is the same HTML rendered by WeasyPrint. Pure apart from writing the output file.
"""

from __future__ import annotations

import datetime as dt
import statistics
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
    "load.acwr_context": "Acute:chronic load ratio above the context line (context only)",
    "gait.balance_drift": "Ground-contact balance changed",
    "gait.cadence_drop": "Cadence dropped",
    "shoes.retire": "Shoe past its alert distance",
}
RECENT_FLAG_DAYS = 84
MAX_OLDER_FLAGS = 40


def _hm(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


GAIT_METRICS = (
    ("cadence_spm", "Cadence", "steps/min", "{:.0f}"),
    ("stance_time_ms", "Ground-contact time", "ms", "{:.0f}"),
    ("vertical_oscillation_mm", "Vertical oscillation", "cm", "{:.1f}"),
    ("step_length_mm", "Step length", "m", "{:.2f}"),
    ("stance_balance_left_pct", "Ground-contact balance", "% left", "{:.1f}"),
)
_SCALE = {"vertical_oscillation_mm": 0.1, "step_length_mm": 0.001}


def gait_table(summary: LoadSummary) -> list[dict[str, str]]:
    """Usual (median of the 90 days before the last 5 runs) vs recent (median of the last 5)
    for each running-dynamics value the runner has; an observation, not a norm."""
    runs = summary.gait.runs if summary.gait else ()
    rows = []
    for name, label, unit, fmt in GAIT_METRICS:
        points = [(r.local_date, getattr(r, name)) for r in runs if getattr(r, name) is not None]
        if len(points) < 10:
            continue
        recent = [v for _, v in points[-5:]]
        first_recent = points[-5][0]
        usual = [v for d, v in points[:-5] if (first_recent - d).days <= 90]
        if len(usual) < 5:
            continue
        scale = _SCALE.get(name, 1.0)
        rows.append(
            {
                "label": label,
                "unit": unit,
                "usual": fmt.format(statistics.median(usual) * scale),
                "recent": fmt.format(statistics.median(recent) * scale),
            }
        )
    return rows


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
        gait_rows=gait_table(summary),
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
