"""Charts for the load report as inline SVG strings (matplotlib, Agg backend, no files)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
from collections.abc import Sequence

import matplotlib
import numpy as np
import numpy.typing as npt

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from backstride.analytics.load_summary import LoadSummary

_CHART_IDS = itertools.count(1)
BLUE, ORANGE, RED, GREY, GREEN = "#2b6cb0", "#dd6b20", "#c53030", "#718096", "#2f855a"
plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",
        "axes.titlesize": 10,
    }
)


def _t(dates: Sequence[object]) -> npt.NDArray[np.datetime64]:
    """Dates as numpy day values (what matplotlib's typed API accepts)."""
    return np.array(list(dates), dtype="datetime64[D]")


def _svg(fig: Figure) -> str:
    """The figure as an inline ``<svg>``; element ids get a per-chart prefix so several
    charts can share one HTML page without clashing ids."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    prefix = f"c{next(_CHART_IDS)}_"
    text = text.replace('id="', f'id="{prefix}').replace("url(#", f"url(#{prefix}")
    return text.replace('href="#', f'href="#{prefix}')


def _fig(height: float = 2.6) -> tuple[Figure, Axes]:
    fig, ax = plt.subplots(figsize=(7.2, height))
    ax.grid(axis="y", color="#e2e8f0", linewidth=0.6)
    return fig, ax


def _date_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    formatter = mdates.ConciseDateFormatter(locator, show_offset=False)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(formatter)


WEEKLY_MAX_WEEKS = 60
"""Up to 60 weeks the distance chart has one bar per week; longer windows get one bar per
month (up to 72 months), then per quarter, so bars stay readable on a 19-year history."""
MONTHLY_MAX_MONTHS = 72
DAILY_MAX_DAYS = 366
"""Lines of daily values (fitness, ratio) for up to a year; weekly means up to 5 years and
monthly means beyond (``line_period``), so a long history reads as a trend instead of a wall of
daily spikes."""
RATIO_TOP = 3.0
"""The ratio axis stops at 3 (or lower when the ratios do); higher values are marked at the
top edge and counted, not drawn as spikes off the chart."""
MAX_SPIKE_MARKERS = 30


def _period_of(d: dt.date, period: str) -> dt.date:
    if period == "week":
        return d - dt.timedelta(days=d.weekday())
    if period == "month":
        return d.replace(day=1)
    return d.replace(month=(d.month - 1) // 3 * 3 + 1, day=1)


def _period_span(start: dt.date, period: str) -> int:
    """Bar width in days."""
    if period == "week":
        return 6
    if period == "month":
        return 26
    return 80


def distance_period(summary: LoadSummary) -> str:
    """``week``, ``month`` or ``quarter``: the bar of the distance chart for this window."""
    weeks = len(summary.weeks)
    if weeks <= WEEKLY_MAX_WEEKS:
        return "week"
    months = (summary.to_date.year - summary.from_date.year) * 12 + (
        summary.to_date.month - summary.from_date.month
    )
    return "month" if months + 1 <= MONTHLY_MAX_MONTHS else "quarter"


def distance_bars(summary: LoadSummary) -> tuple[str, list[tuple[dt.date, float, str | None]]]:
    """The distance chart's bars: (period start, km, worst spike severity in it or None)."""
    period = distance_period(summary)
    spikes: dict[dt.date, str] = {}
    for f in summary.flags:
        if f.code == "load.spike_single_run":
            key = _period_of(f.date, period)
            if spikes.get(key) != "alert":
                spikes[key] = f.severity
    km: dict[dt.date, float] = {}
    if period == "week":
        for w in summary.weeks:
            km[w.start_date] = w.distance_m / 1000
    else:
        for d in summary.daily:
            key = _period_of(d.date, period)
            km[key] = km.get(key, 0.0) + d.distance_m / 1000
    return period, [(k, v, spikes.get(k)) for k, v in sorted(km.items())]


def weekly_distance(summary: LoadSummary) -> str:
    """Bars of distance per week (per month or quarter over long windows, see
    ``distance_period``); bars holding a single-run spike in orange/red, marked with a triangle
    while there are few enough to tell apart."""
    period, bars = distance_bars(summary)
    fig, ax = _fig()
    starts = _t([b[0] for b in bars])
    km = [b[1] for b in bars]
    colours = [RED if b[2] == "alert" else ORANGE if b[2] else BLUE for b in bars]
    width = [_period_span(b[0], period) for b in bars]
    ax.bar(starts, km, width=width, align="edge", color=colours)
    marked = [b for b in bars if b[2]]
    top = max(km or [1.0]) or 1.0
    if len(marked) <= MAX_SPIKE_MARKERS:
        for start, value, severity in marked:
            ax.plot(
                _t([start + dt.timedelta(days=_period_span(start, period) / 2)]),
                [value + top * 0.04],
                marker="v",
                color=RED if severity == "alert" else ORANGE,
                markersize=7,
            )
    ax.set_ylim(0, top * 1.12)
    ax.set_ylabel(f"km per {period}")
    spiked = f"{period} with a single-run spike"
    ax.set_title(f"Distance per {period} (orange/red: {spiked})", loc="left")
    _date_axis(ax)
    return _svg(fig)


def _means(
    days: Sequence[dt.date], values: Sequence[float], period: str
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.float64]]:
    """Mean of each week's (month's) finite values (NaN where there are none), mid-period."""
    sums: dict[dt.date, list[float]] = {}
    for d, v in zip(days, values, strict=True):
        sums.setdefault(_period_of(d, period), []).append(v)
    keys = sorted(sums)
    out = np.full(len(keys), np.nan)
    for i, k in enumerate(keys):
        good = [v for v in sums[k] if math.isfinite(v)]
        if good:
            out[i] = float(np.mean(good))
    middle = 3 if period == "week" else 14
    return _t([k + dt.timedelta(days=middle) for k in keys]), out


def line_period(summary: LoadSummary) -> str:
    """``day`` up to a year, ``week`` up to 5 years, else ``month``: what one point of the
    fitness and ratio lines stands for (a mean over it)."""
    days = len(summary.daily)
    if days <= DAILY_MAX_DAYS:
        return "day"
    return "week" if days <= 5 * 366 else "month"


def _line(
    summary: LoadSummary, values: Sequence[float]
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.float64]]:
    dates = [d.date for d in summary.daily]
    period = line_period(summary)
    if period == "day":
        return _t(dates), np.array(values, dtype=float)
    return _means(dates, values, period)


def fitness_fatigue(summary: LoadSummary) -> str:
    """Fitness (CTL), fatigue (ATL) and form (TSB) lines: daily up to a year, weekly or monthly
    means over longer windows (``line_period``), so years of daily fatigue do not fill the
    chart."""
    fig, ax = _fig(2.8)
    days, fit = _line(summary, [d.fitness for d in summary.daily])
    fat = _line(summary, [d.fatigue for d in summary.daily])[1]
    form = _line(summary, [d.form for d in summary.daily])[1]
    period = line_period(summary)
    note = "" if period == "day" else f" ({period}ly means)"
    ax.plot(days, fit, color=BLUE, label="fitness (42-day)")
    ax.plot(days, fat, color=ORANGE, label="fatigue (7-day)", linewidth=0.9)
    ax.fill_between(days, form, 0, color=GREEN, alpha=0.25, label="form = fitness - fatigue")
    ax.axhline(0, color=GREY, linewidth=0.6)
    ax.set_ylabel(f"load ({summary.load_model})")
    ax.set_title(
        f"Fitness, fatigue and form{note}: a model of performance, not of injury", loc="left"
    )
    _legend_below(ax, ncol=3)
    _date_axis(ax)
    return _svg(fig)


def _legend_below(ax: Axes, *, ncol: int) -> None:
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False, ncol=ncol, fontsize=8)


def acwr_band(summary: LoadSummary) -> str:
    """Uncoupled EWMA acute:chronic ratio with the contested 0.8-1.3 band shaded as context.

    Daily up to a year, weekly or monthly means beyond (``line_period``); gaps where the ratio
    is undefined (warming up, or a chronic load below the floor). The axis stops at
    ``RATIO_TOP`` (lower when the ratios do): higher values are marked on the top edge and
    counted in the title.
    """
    fig, ax = _fig(2.3)
    days, ratios = _line(
        summary, [d.acwr if d.acwr is not None else math.nan for d in summary.daily]
    )
    period = line_period(summary)
    finite = ratios[np.isfinite(ratios)]
    top = RATIO_TOP
    if finite.size:
        top = min(RATIO_TOP, max(2.0, float(np.max(finite)) * 1.1))
    above = np.isfinite(ratios) & (ratios > top)
    shown = np.where(above, top, ratios)
    ax.axhspan(0.8, 1.3, color="#edf2f7", label="0.8-1.3 (team-sport 'sweet spot', contested)")
    label = "acute:chronic (EWMA, uncoupled" + (")" if period == "day" else f", {period}ly mean)")
    ax.plot(days, shown, color=BLUE, linewidth=1.0, label=label)
    if above.any():
        ax.plot(days[above], np.full(int(above.sum()), top), "^", color=RED, markersize=4)
    ax.set_ylim(0, top * 1.04)
    ax.set_ylabel("ratio")
    undefined = sum(1 for d in summary.daily if d.acwr is None)
    title = "Acute:chronic ratio: context only, not an injury risk"
    if above.any():
        title += f" ({int(above.sum())} above {top:.1f}, marked ^)"
    ax.set_title(title, loc="left")
    if undefined:
        ax.text(
            0.0,
            -0.46,
            f"Gaps: {undefined} days without a ratio (warming up, or chronic load below 10 % of a "
            "typical week).",
            transform=ax.transAxes,
            fontsize=7.5,
            color=GREY,
        )
    _legend_below(ax, ncol=2)
    _date_axis(ax)
    return _svg(fig)


def gait_trends(summary: LoadSummary) -> str | None:
    """Cadence and stance-time balance per run between ``from_date`` and ``to_date``, with a
    running median (of 7 runs, longer over long windows); None without data in the window."""
    runs = [
        r
        for r in (summary.gait.runs if summary.gait else ())
        if summary.from_date <= r.local_date <= summary.to_date
    ]
    cad = [(r.local_date, r.cadence_spm) for r in runs if r.cadence_spm]
    bal = [(r.local_date, r.stance_balance_left_pct) for r in runs if r.stance_balance_left_pct]
    if not cad and not bal:
        return None
    fig, axes = plt.subplots(2 if bal else 1, 1, figsize=(7.2, 4.2 if bal else 2.3), sharex=True)
    ax_list: Sequence[Axes] = axes if bal else [axes]
    ax = ax_list[0]
    marker = 3 if len(runs) < 400 else 1.2
    alpha = 0.6 if len(runs) < 400 else 0.25
    if cad:
        values = np.array([v for _, v in cad], dtype=float)
        window = max(7, values.size // 60)
        trend = np.array(
            [np.median(values[max(0, i - window + 1) : i + 1]) for i in range(values.size)]
        )
        ax.plot(_t([d for d, _ in cad]), values, ".", color=BLUE, markersize=marker, alpha=alpha)
        ax.plot(
            _t([d for d, _ in cad]),
            trend,
            color=BLUE,
            linewidth=1.2,
            label=f"median of the last {window} runs",
        )
        ax.legend(loc="lower left", frameon=True, framealpha=0.85, edgecolor="none", fontsize=8)
    ax.set_ylabel("steps/min")
    ax.set_title("Cadence per run", loc="left")
    ax.grid(axis="y", color="#e2e8f0", linewidth=0.6)
    if bal:
        ax2 = ax_list[1]
        ax2.axhspan(49.3, 50.7, color="#f0fff4")
        bal_days = _t([d for d, _ in bal])
        bal_values = np.array([v for _, v in bal], dtype=float)
        ax2.plot(bal_days, bal_values, ".", color=ORANGE, markersize=marker, alpha=alpha)
        window = max(7, bal_values.size // 60)
        ax2.plot(
            bal_days,
            [np.median(bal_values[max(0, i - window + 1) : i + 1]) for i in range(bal_values.size)],
            color=ORANGE,
            linewidth=1.2,
        )
        g = summary.gait
        if g and g.balance_baseline_pct is not None:
            ax2.axhline(
                g.balance_baseline_pct,
                color=GREY,
                linestyle="--",
                linewidth=0.8,
                label=f"your baseline {g.balance_baseline_pct:.1f} %",
            )
            ax2.legend(
                loc="lower left", frameon=True, framealpha=0.85, edgecolor="none", fontsize=8
            )
        ax2.set_ylabel("% left")
        ax2.set_title(
            "Ground-contact balance (green band: Garmin's vendor 'green' zone)", loc="left"
        )
        ax2.grid(axis="y", color="#e2e8f0", linewidth=0.6)
    ax_list[-1].set_xlim(_t([summary.from_date])[0], _t([summary.to_date])[0])
    _date_axis(ax_list[-1])
    return _svg(fig)


def pain_scores(summary: LoadSummary) -> str | None:
    """Pain (0-10) from the diary and session logs between ``from_date`` and ``to_date``;
    None when there are none."""
    pain = [p for p in summary.pain if summary.from_date <= p.date <= summary.to_date]
    if not pain:
        return None
    fig, ax = _fig(2.0)
    for kind, colour in (("diary", RED), ("during", ORANGE), ("after", GREY)):
        pts = [p for p in pain if p.kind == kind]
        if pts:
            ax.plot(
                _t([p.date for p in pts]),
                [p.score for p in pts],
                "o-",
                color=colour,
                markersize=3,
                linewidth=0.8,
                label=kind,
            )
    ax.set_ylim(0, 10)
    ax.set_ylabel("pain 0-10")
    ax.set_xlim(_t([summary.from_date])[0], _t([summary.to_date])[0])
    _legend_below(ax, ncol=3)
    _date_axis(ax)
    return _svg(fig)


__all__ = [
    "acwr_band",
    "distance_bars",
    "distance_period",
    "fitness_fatigue",
    "gait_trends",
    "line_period",
    "pain_scores",
    "weekly_distance",
]
