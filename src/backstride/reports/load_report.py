"""The runner's training-load report: HTML from a Jinja2 template with inline SVG charts, and PDF.

The PDF is the same HTML rendered by WeasyPrint. Pure apart from writing the output file.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from backstride.analytics.flags import Flag
from backstride.analytics.load_summary import LoadSummary
from backstride.analytics.timeseries import ratio_text
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
REPEATS_SHOWN = 3
"""In the last 12 weeks, a context flag (severity ``info``) raised more often than this is
shown once in full, its other dates listed under it; earlier flags are one row per code."""


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


@dataclass(frozen=True, slots=True)
class FlagItem:
    """A flag shown in full, with the other dates of the same context flag in the period."""

    flag: Flag
    also_on: tuple[dt.date, ...] = ()


@dataclass(frozen=True, slots=True)
class FlagGroup:
    """All earlier flags of one code: how many, the first and last date, the severest."""

    code: str
    title: str
    count: int
    first: dt.date
    last: dt.date
    severity: str
    latest: tuple[dt.date, ...]


_SEVERITY = {"info": 0, "caution": 1, "alert": 2}


def recent_items(flags: list[Flag]) -> list[FlagItem]:
    """Recent flags, newest first; a context flag repeated more than ``REPEATS_SHOWN`` times is
    one item (the newest in full, the other dates under it)."""
    counts: dict[str, int] = {}
    for f in flags:
        counts[f.code] = counts.get(f.code, 0) + 1
    items: list[FlagItem] = []
    grouped: set[str] = set()
    for f in sorted(flags, key=lambda x: (x.date, x.code), reverse=True):
        if f.severity == "info" and counts[f.code] > REPEATS_SHOWN:
            if f.code in grouped:
                continue
            grouped.add(f.code)
            others = tuple(x.date for x in flags if x.code == f.code and x is not f)
            items.append(FlagItem(f, tuple(sorted(others, reverse=True))))
        else:
            items.append(FlagItem(f))
    return items


def older_groups(flags: list[Flag]) -> list[FlagGroup]:
    """Earlier flags as one row per code (severest first, then the most recent)."""
    by_code: dict[str, list[Flag]] = {}
    for f in flags:
        by_code.setdefault(f.code, []).append(f)
    groups = [
        FlagGroup(
            code=code,
            title=FLAG_TITLES.get(code, code),
            count=len(fs),
            first=min(f.date for f in fs),
            last=max(f.date for f in fs),
            severity=max((f.severity for f in fs), key=lambda x: _SEVERITY.get(x, 0)),
            latest=tuple(sorted({f.date for f in fs}, reverse=True)[:3]),
        )
        for code, fs in by_code.items()
    ]
    return sorted(groups, key=lambda g: (-_SEVERITY.get(g.severity, 0), -g.last.toordinal()))


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
    today_row = summary.daily[-1] if summary.daily else None
    return env.get_template("load_report.html.j2").render(
        s=summary,
        runner_name=runner_name,
        charts=chart_map,
        titles=FLAG_TITLES,
        flags=recent,
        flag_items=recent_items(recent),
        older_groups=older_groups(older),
        older_count=len(older),
        period=charts.distance_period(summary),
        ratio_today=ratio_text(today_row.acwr, today_row.acwr_reason) if today_row else "—",
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


__all__ = [
    "FLAG_TITLES",
    "FlagGroup",
    "FlagItem",
    "older_groups",
    "recent_items",
    "render_html",
    "render_pdf",
    "write_report",
]
