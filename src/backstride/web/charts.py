"""Charts as server-rendered inline SVG, with the same data as JSON for the browser's uPlot.

A chart reads without JavaScript and in print: an ``<svg role="img">`` with a ``<title>`` and a
one-sentence ``<desc>``, a legend in text, and the numbers as a table in ``<details>``. The
browser (``app.js``) swaps the SVG for an interactive uPlot chart (hover values, drag to zoom,
double-click to reset) from the ``<script type="application/json">`` block beside it, so no
inline script is needed under the ``default-src 'self'`` policy. Colours come from CSS classes
(``s1``...``s4``), so the light and dark themes apply to both renderings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from markupsafe import Markup, escape

Kind = Literal["line", "bar", "dots", "area"]
WIDTH, HEIGHT = 720, 230
LEFT, RIGHT, TOP, BOTTOM = 46, 14, 12, 28
EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Series:
    """One series over the chart's dates (``None`` = no value that day: a gap)."""

    label: str
    values: Sequence[float | None]
    kind: Kind = "line"
    cls: str = "s1"
    fmt: Callable[[float | None], str] | None = None
    join: bool = False
    """Lines: connect across missing values (sparse readings) instead of leaving a gap."""
    point_cls: Sequence[str] = ()
    """Bars: an extra class per value (a week with a spike in the caution or alert colour)."""


@dataclass(frozen=True, slots=True)
class Band:
    """A shaded horizontal band (a reference range), with its meaning in the legend."""

    low: float
    high: float
    label: str
    cls: str = ""


@dataclass(frozen=True, slots=True)
class Marker:
    """A triangle above a date (a spike), its severity class and what it marks."""

    date: dt.date
    value: float
    cls: str
    label: str


@dataclass(frozen=True, slots=True)
class RefLine:
    """A dashed horizontal line at ``value`` (a baseline, a minimal important change)."""

    value: float
    label: str


@dataclass(frozen=True, slots=True)
class ChartView:
    """Everything a template needs to show one chart."""

    id: str
    title: str
    summary: str
    svg: Markup
    data: dict[str, Any]
    legend: tuple[tuple[str, str], ...]
    table_head: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]
    table_note: str = ""
    empty: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


def _nice(value: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``value``."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    exp = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * exp + 1e-12:
            return step * exp
    return 10 * exp


def y_range(
    values: Sequence[float], *, floor: float | None = None, ceiling: float | None = None
) -> tuple[float, float, float]:
    """``(low, high, step)`` with about four gridlines around the values."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    lo = min(finite) if finite else 0.0
    hi = max(finite) if finite else 1.0
    if floor is not None:
        lo = min(lo, floor)
    if ceiling is not None:
        hi = max(hi, ceiling)
    if hi - lo < 1e-9:
        hi = lo + 1.0
    step = _nice((hi - lo) / 4)
    low = math.floor(lo / step + 1e-9) * step
    high = math.ceil(hi / step - 1e-9) * step
    if high <= low:
        high = low + step
    return low, high, step


def _tick_label(step: float, value: float) -> str:
    if step >= 1:
        return f"{value:.0f}"
    if step >= 0.1:
        return f"{value:.1f}"
    return f"{value:.2f}"


def x_ticks(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """About 4-7 readable date ticks: Mondays for short spans, month starts for long ones."""
    span = (last - first).days
    ticks: list[tuple[dt.date, str]] = []
    if span <= 130:
        every = 7 if span <= 35 else 14 if span <= 70 else 28
        start = first + dt.timedelta(days=(7 - first.weekday()) % 7)
        d = start
        while d <= last:
            ticks.append((d, f"{d.day} {d:%b}"))
            d += dt.timedelta(days=every)
        return ticks
    months = 1 if span <= 200 else 2 if span <= 400 else 3 if span <= 800 else 6
    year, month = first.year, first.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        d = dt.date(year, month, 1)
        if d > last:
            break
        if (month - 1) % months == 0:
            ticks.append((d, f"{d:%b %Y}" if month == 1 or not ticks else f"{d:%b}"))
    return ticks


def _fmt_default(v: float | None) -> str:
    if v is None or not math.isfinite(v):
        return "—"
    return f"{v:.1f}" if abs(v) < 100 else f"{v:.0f}"


def _path(points: list[tuple[float, float] | None]) -> str:
    parts: list[str] = []
    pen_up = True
    for p in points:
        if p is None:
            pen_up = True
            continue
        parts.append(f"{'M' if pen_up else 'L'}{p[0]:.1f} {p[1]:.1f}")
        pen_up = False
    return "".join(parts)


def _elapsed_ticks(last_s: float) -> list[tuple[float, str]]:
    """Ticks every 5, 10, 15, 30 or 60 minutes over an activity's elapsed time."""
    minutes = last_s / 60
    every = next((m for m in (1, 2, 5, 10, 15, 30, 60) if minutes / m <= 7), 120)
    return [
        (m * 60.0, f"{m // 60}:{m % 60:02d} h" if m >= 60 else f"{m} min")
        for m in range(0, int(minutes) + 1, every)
    ]


def elapsed_label(seconds: float) -> str:
    """``12:30`` (minutes:seconds) or ``1:02:30``."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours}:{mins:02d}:{secs:02d}" if hours else f"{mins}:{secs:02d}"


def time_chart(
    chart_id: str,
    *,
    title: str,
    summary: str,
    dates: Sequence[dt.date],
    series: Sequence[Series],
    unit: str,
    bar_days: int = 1,
    date_label: Callable[[dt.date], str] | None = None,
    **options: Any,
) -> ChartView:
    """A chart of one or more series over calendar ``dates`` (SVG, uPlot data, table)."""
    first = dates[0] if dates else EPOCH
    last = dates[-1] if dates else first
    last_edge = last + dt.timedelta(days=bar_days) if bar_days > 1 else last
    label_of = date_label or (lambda d: f"{d:%a} {d.day} {d:%b %Y}")
    ticks = [((d - EPOCH).days * 86400.0, text) for d, text in x_ticks(first, last_edge)]
    return _chart(
        chart_id,
        title=title,
        summary=summary,
        xs=[(d - EPOCH).days * 86400.0 for d in dates],
        x_end=(last_edge - EPOCH).days * 86400.0,
        ticks=ticks,
        row_label=lambda i: label_of(dates[i]),
        x_kind="date",
        first_header="Date",
        series=series,
        unit=unit,
        bar_width_x=bar_days * 86400.0,
        **options,
    )


def elapsed_chart(
    chart_id: str,
    *,
    title: str,
    summary: str,
    seconds: Sequence[float],
    series: Sequence[Series],
    unit: str,
    **options: Any,
) -> ChartView:
    """A chart over an activity's elapsed time (seconds from the start)."""
    end = seconds[-1] if seconds else 60.0
    return _chart(
        chart_id,
        title=title,
        summary=summary,
        xs=list(seconds),
        x_end=end,
        ticks=_elapsed_ticks(end),
        row_label=lambda i: elapsed_label(seconds[i]),
        x_kind="elapsed",
        first_header="Time",
        series=series,
        unit=unit,
        bar_width_x=0.0,
        **options,
    )


def _chart(  # noqa: C901 - debt, to split (decision 0059)
    chart_id: str,
    *,
    title: str,
    summary: str,
    xs: Sequence[float],
    x_end: float,
    ticks: Sequence[tuple[float, str]],
    row_label: Callable[[int], str],
    x_kind: str,
    first_header: str,
    series: Sequence[Series],
    unit: str,
    bar_width_x: float,
    y_floor: float | None = 0.0,
    y_ceiling: float | None = None,
    y_kind: str = "number",
    y_tick: Callable[[float], str] | None = None,
    invert_y: bool = False,
    bands: Sequence[Band] = (),
    refs: Sequence[RefLine] = (),
    markers: Sequence[Marker] = (),
    table_every: int = 1,
    table_note: str = "",
    notes: Sequence[str] = (),
) -> ChartView:
    n = len(xs)
    values = [v for s in series for v in s.values if v is not None]
    values += [m.value for m in markers] + [r.value for r in refs]
    values += [b.low for b in bands] + [b.high for b in bands]
    empty = n == 0 or not any(v is not None for s in series for v in s.values)
    low, high, step = y_range(values or [0.0], floor=y_floor, ceiling=y_ceiling)
    x0 = xs[0] if n else 0.0
    span = max(x_end - x0, 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x: float) -> float:
        return LEFT + (x - x0) / span * plot_w

    def sy(v: float) -> float:
        share = (v - low) / (high - low)
        return TOP + (share if invert_y else 1 - share) * plot_h

    out: list[str] = []
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    out.append(
        f'<svg class="svg-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(summary)}</desc>'
    )
    for band in bands:
        ya, yb = sy(min(band.high, high)), sy(max(band.low, low))
        y1, y2 = min(ya, yb), max(ya, yb)
        out.append(
            f'<rect class="band {band.cls}" x="{LEFT}" y="{y1:.1f}" width="{plot_w}" '
            f'height="{y2 - y1:.1f}"/>'
        )
    out.append('<g class="grid">')
    tick = low
    while tick <= high + 1e-9:
        y = sy(tick)
        label = escape(y_tick(tick)) if y_tick else _tick_label(step, tick)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
        tick += step
    out.append("</g>")
    for x_value, text in ticks:
        if x0 <= x_value <= x_end:
            out.append(
                f'<text x="{sx(x_value):.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
                f"{escape(text)}</text>"
            )
    base_y = sy(high if invert_y else low)
    out.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base_y:.1f}" y2="{base_y:.1f}"/>'
    )
    bar_count = sum(1 for s in series if s.kind == "bar") or 1
    slot = plot_w / span * bar_width_x
    bar_w = max(slot * 0.8 / bar_count, 1.0)
    bar_i = 0
    for s in series:
        if s.kind == "bar":
            for i, (x_value, v) in enumerate(zip(xs, s.values, strict=True)):
                if v is None or v <= 0:
                    continue
                x = sx(x_value) + slot * 0.1 + bar_i * bar_w
                y = sy(v)
                extra = s.point_cls[i] if i < len(s.point_cls) else ""
                out.append(
                    f'<rect class="bar {s.cls} {extra}" x="{x:.1f}" y="{y:.1f}" '
                    f'width="{bar_w:.1f}" height="{max(base_y - y, 0):.1f}"/>'
                )
            bar_i += 1
        elif s.kind == "dots":
            out.append(f'<g class="dots {s.cls}">')
            for x_value, v in zip(xs, s.values, strict=True):
                if v is not None:
                    out.append(f'<circle cx="{sx(x_value):.1f}" cy="{sy(v):.1f}" r="2.6"/>')
            out.append("</g>")
        elif s.kind == "area":
            pts = [
                (sx(x_value), sy(v)) if v is not None else None
                for x_value, v in zip(xs, s.values, strict=True)
            ]
            line = _path(pts)
            zero = sy(max(low, min(0.0, high)))
            if line:
                first_x = next(p[0] for p in pts if p is not None)
                last_x = next(p[0] for p in reversed(pts) if p is not None)
                body = line.replace("M", "L", 1)
                out.append(
                    f'<path class="area" d="M{first_x:.1f} {zero:.1f}{body}'
                    f'L{last_x:.1f} {zero:.1f}Z"/>'
                )
        else:
            pts = [
                (sx(x_value), sy(v)) if v is not None else None
                for x_value, v in zip(xs, s.values, strict=True)
                if v is not None or not s.join
            ]
            out.append(f'<path class="{s.cls}" d="{_path(pts)}"/>')
    for ref in refs:
        y = sy(ref.value)
        out.append(
            f'<line class="refline" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
    for m in markers:
        mx = (m.date - EPOCH).days * 86400.0
        x = sx(mx) + slot / 2
        y = sy(m.value) - 4
        out.append(
            f'<path class="marker {m.cls}" d="M{x - 6:.1f} {y - 9:.1f}L{x + 6:.1f} {y - 9:.1f}'
            f'L{x:.1f} {y:.1f}Z"/>'
        )
    out.append("</svg>")

    legend = tuple((s.cls.split()[0].replace("s", "k", 1), s.label) for s in series)
    legend += tuple(("k-" + (m.cls or "caution"), m.label) for m in _unique_markers(markers))
    legend += tuple(("band", b.label) for b in bands) + tuple(("ref", r.label) for r in refs)
    rows: list[tuple[str, ...]] = []
    for i in range(n):
        if table_every > 1 and (n - 1 - i) % table_every:
            continue
        rows.append((row_label(i), *((s.fmt or _fmt_default)(s.values[i]) for s in series)))
    data: dict[str, Any] = {
        "title": title,
        "unit": unit,
        "x_kind": x_kind,
        "y_kind": y_kind,
        "invert_y": invert_y,
        "x": [round(x, 1) for x in xs],
        "y": {"min": low, "max": high},
        "series": [
            {
                "label": s.label,
                "kind": s.kind,
                "cls": s.cls,
                "join": s.join,
                "point_cls": list(s.point_cls),
                "values": [
                    None if v is None or not math.isfinite(v) else round(v, 3) for v in s.values
                ],
            }
            for s in series
        ],
        "markers": [
            {
                "x": (m.date - EPOCH).days * 86400,
                "y": round(m.value, 3),
                "cls": m.cls,
                "label": m.label,
            }
            for m in markers
        ],
        "bands": [{"low": b.low, "high": b.high, "cls": b.cls} for b in bands],
        "refs": [{"y": r.value, "label": r.label} for r in refs],
    }
    return ChartView(
        id=chart_id,
        title=title,
        summary=summary,
        svg=Markup("".join(out)),  # noqa: S704 - every text inside is escaped above
        data=data,
        legend=legend,
        table_head=(first_header, *(f"{s.label} ({unit})" if unit else s.label for s in series)),
        table_rows=tuple(reversed(rows)) if x_kind == "date" else tuple(rows),
        table_note=table_note,
        empty=empty,
        notes=tuple(notes),
    )


def _unique_markers(markers: Sequence[Marker]) -> list[Marker]:
    seen: dict[str, Marker] = {}
    for m in markers:
        seen.setdefault(m.label, m)
    return list(seen.values())


__all__ = [
    "Band",
    "ChartView",
    "Marker",
    "RefLine",
    "Series",
    "elapsed_chart",
    "elapsed_label",
    "time_chart",
    "x_ticks",
    "y_range",
]
