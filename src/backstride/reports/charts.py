"""Charts for the load report as inline SVG strings (matplotlib, Agg backend, no files)."""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence

import matplotlib
import numpy as np
import numpy.typing as npt

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from backstride.analytics.summary import LoadSummary

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
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def weekly_distance(summary: LoadSummary) -> str:
    """Bars of weekly km; weeks holding a spike flag in orange/red, marked with a triangle."""
    spike_days = [f for f in summary.flags if f.code == "load.spike_single_run"]
    fig, ax = _fig()
    starts = _t([w.start_date for w in summary.weeks])
    km = [w.distance_m / 1000 for w in summary.weeks]
    colours = []
    for w in summary.weeks:
        inside = [f for f in spike_days if 0 <= (f.date - w.start_date).days < 7]
        colours.append(
            RED if any(f.severity == "alert" for f in inside) else ORANGE if inside else BLUE
        )
    ax.bar(starts, km, width=6, align="edge", color=colours)
    for f in spike_days:
        week_km = next(
            (w.distance_m / 1000 for w in summary.weeks if 0 <= (f.date - w.start_date).days < 7),
            0.0,
        )
        ax.plot(
            _t([f.date]),
            [week_km + max(km or [1]) * 0.04],
            marker="v",
            color=RED if f.severity == "alert" else ORANGE,
            markersize=7,
        )
    ax.set_ylabel("km per week")
    ax.set_title("Weekly distance (orange/red: week with a single-run spike)", loc="left")
    _date_axis(ax)
    return _svg(fig)


def fitness_fatigue(summary: LoadSummary) -> str:
    """Fitness (CTL), fatigue (ATL) and form (TSB) lines."""
    fig, ax = _fig(2.8)
    days = _t([d.date for d in summary.daily])
    ax.plot(days, [d.fitness for d in summary.daily], color=BLUE, label="fitness (42-day)")
    ax.plot(
        days,
        [d.fatigue for d in summary.daily],
        color=ORANGE,
        label="fatigue (7-day)",
        linewidth=0.9,
    )
    ax.fill_between(
        days,
        [d.form for d in summary.daily],
        0,
        color=GREEN,
        alpha=0.25,
        label="form = fitness - fatigue",
    )
    ax.axhline(0, color=GREY, linewidth=0.6)
    ax.set_ylabel(f"load ({summary.load_model})")
    ax.set_title("Fitness, fatigue and form: a model of performance, not of injury", loc="left")
    ax.legend(loc="upper left", frameon=False, ncol=3, fontsize=8)
    _date_axis(ax)
    return _svg(fig)


def acwr_band(summary: LoadSummary) -> str:
    """Uncoupled EWMA acute:chronic ratio with the contested 0.8-1.3 band shaded as context."""
    fig, ax = _fig(2.3)
    days = _t([d.date for d in summary.daily])
    ax.axhspan(0.8, 1.3, color="#edf2f7", label="0.8-1.3 (team-sport 'sweet spot', contested)")
    ax.plot(
        days,
        [d.acwr if d.acwr is not None else float("nan") for d in summary.daily],
        color=BLUE,
        linewidth=1.0,
        label="acute:chronic (EWMA, uncoupled)",
    )
    ax.set_ylim(0, 2.5)
    ax.set_ylabel("ratio")
    ax.set_title("Acute:chronic ratio: context only, not an injury risk", loc="left")
    ax.legend(loc="upper left", frameon=False, ncol=2, fontsize=8)
    _date_axis(ax)
    return _svg(fig)


def gait_trends(summary: LoadSummary) -> str | None:
    """Cadence and stance-time balance per run, with the runner's baseline; None without data."""
    runs = summary.gait.runs if summary.gait else ()
    cad = [(r.local_date, r.cadence_spm) for r in runs if r.cadence_spm]
    bal = [(r.local_date, r.stance_balance_left_pct) for r in runs if r.stance_balance_left_pct]
    if not cad and not bal:
        return None
    fig, axes = plt.subplots(2 if bal else 1, 1, figsize=(7.2, 4.2 if bal else 2.3), sharex=True)
    ax_list: Sequence[Axes] = axes if bal else [axes]
    ax = ax_list[0]
    if cad:
        values = np.array([v for _, v in cad], dtype=float)
        ax.plot(_t([d for d, _ in cad]), values, ".", color=BLUE, markersize=3, alpha=0.6)
        window = min(7, values.size)
        trend = np.array(
            [np.median(values[max(0, i - window + 1) : i + 1]) for i in range(values.size)]
        )
        ax.plot(
            _t([d for d, _ in cad]),
            trend,
            color=BLUE,
            linewidth=1.2,
            label="median of the last 7 runs",
        )
        ax.legend(loc="best", frameon=False, fontsize=8)
    ax.set_ylabel("steps/min")
    ax.set_title("Cadence per run", loc="left")
    ax.grid(axis="y", color="#e2e8f0", linewidth=0.6)
    if bal:
        ax2 = ax_list[1]
        ax2.axhspan(49.3, 50.7, color="#f0fff4")
        ax2.plot(_t([d for d, _ in bal]), [v for _, v in bal], ".", color=ORANGE, markersize=3)
        g = summary.gait
        if g and g.balance_baseline_pct is not None:
            ax2.axhline(
                g.balance_baseline_pct,
                color=GREY,
                linestyle="--",
                linewidth=0.8,
                label=f"your baseline {g.balance_baseline_pct:.1f} %",
            )
            ax2.legend(loc="upper left", frameon=False, fontsize=8)
        ax2.set_ylabel("% left")
        ax2.set_title(
            "Ground-contact balance (green band: Garmin's vendor 'green' zone)", loc="left"
        )
        ax2.grid(axis="y", color="#e2e8f0", linewidth=0.6)
    _date_axis(ax_list[-1])
    return _svg(fig)


def pain_scores(summary: LoadSummary) -> str | None:
    """Pain (0-10) from the diary and session logs; None when there are none."""
    if not summary.pain:
        return None
    fig, ax = _fig(2.0)
    for kind, colour in (("diary", RED), ("during", ORANGE), ("after", GREY)):
        pts = [p for p in summary.pain if p.kind == kind]
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
    ax.legend(loc="upper left", frameon=False, ncol=3, fontsize=8)
    _date_axis(ax)
    return _svg(fig)


__all__ = ["acwr_band", "fitness_fatigue", "gait_trends", "pain_scores", "weekly_distance"]
