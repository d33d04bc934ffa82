"""``backstride load`` (load summary, text or JSON) and ``backstride report`` (HTML or PDF)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from backstride.analytics.load_summary import LoadSummary
from backstride.config import load_settings
from backstride.errors import InvalidInput

REPORT_WEEKS = 12
"""``backstride report`` covers the last 12 weeks unless told otherwise (--from, --weeks,
--all): a multi-year history is still there, in its own report."""


def _date(value: str | None, *, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{name} must be a date like 2026-01-31, not {value!r}", code="load.invalid_date"
        ) from None


def _num(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(x, digits)


def summary_to_json(summary: LoadSummary) -> dict[str, Any]:
    """The JSON document of ``backstride load --json`` (also used by the API)."""
    return {
        "runner_id": summary.runner_id,
        "from_date": summary.from_date.isoformat(),
        "to_date": summary.to_date.isoformat(),
        "load_model": summary.load_model,
        "load_model_text": summary.load_model_text,
        "load_warnings": list(summary.load_warnings),
        "longest_run_30d_m": summary.longest_run_30d_m,
        "recent_weekly_distances_m": list(summary.recent_weekly_distances_m),
        "current_pain": summary.current_pain,
        "weeks": [
            {
                "start_date": w.start_date.isoformat(),
                "distance_m": w.distance_m,
                "duration_s": round(w.duration_s, 1),
                "runs": w.runs,
                "load": round(w.load, 2),
                "change_pct": _num(w.change_pct, 1),
                "ascent_m": round(w.ascent_m, 1),
                "descent_m": round(w.descent_m, 1),
                "downhill_share": _num(w.downhill_share),
                "long_run_share": _num(w.long_run_share),
                "monotony": _num(w.monotony),
                "strain": _num(w.strain, 1),
            }
            for w in summary.weeks
        ],
        "daily": [
            {
                "date": d.date.isoformat(),
                "distance_m": round(d.distance_m, 1),
                "duration_s": round(d.duration_s, 1),
                "load": round(d.load, 2),
                "acwr": _num(d.acwr),
                "acwr_reason": d.acwr_reason,
                "acwr_rolling": _num(d.acwr_rolling),
                "fitness": round(d.fitness, 2),
                "fatigue": round(d.fatigue, 2),
                "form": round(d.form, 2),
                "spike_band": d.spike_band,
            }
            for d in summary.daily
        ],
        "flags": [f.to_dict() for f in summary.flags],
        "left_out": [
            {
                "date": x.date.isoformat(),
                "activity_id": x.activity_id,
                "sport": x.sport,
                "what": x.what,
                "code": x.code,
                "detail": x.detail,
            }
            for x in summary.left_out
        ],
        "shoes": [
            {
                "name": s.name,
                "distance_m": round(s.distance_m),
                "retire_km": s.retire_km,
                "passed_on": s.passed_on.isoformat() if s.passed_on else None,
            }
            for s in summary.shoes
        ],
    }


def _print(summary: LoadSummary, handle: str) -> None:
    console = Console(soft_wrap=True)
    weeks = summary.weeks
    console.print(
        f"[bold]{handle}[/bold]  {summary.from_date} to {summary.to_date}  "
        f"(load: {summary.load_model_text})"
    )
    if weeks:
        w = weeks[-1]
        console.print(
            f"This week: {w.distance_m / 1000:.1f} km in {w.runs} runs, load {w.load:.0f}"
        )
    console.print(f"Longest run of the last 30 days: {summary.longest_run_30d_m / 1000:.1f} km")
    table = Table("week of", "km", "runs", "change", "load", title="Last 4 weeks")
    for w in weeks[-5:-1]:
        change = "–" if w.change_pct is None else f"{w.change_pct:+.0f} %"
        table.add_row(
            w.start_date.isoformat(),
            f"{w.distance_m / 1000:.1f}",
            str(w.runs),
            change,
            f"{w.load:.0f}",
        )
    console.print(table)
    if summary.daily:
        from backstride.analytics.timeseries import ratio_text

        d = summary.daily[-1]
        ratio = ratio_text(d.acwr, d.acwr_reason)
        console.print(
            f"Fitness {d.fitness:.1f}, fatigue {d.fatigue:.1f}, form {d.form:+.1f}; "
            f"acute:chronic {ratio} (context only, not an injury risk)"
        )
    for warning in summary.load_warnings:
        console.print(f"[yellow]note[/yellow] {escape(warning)}")
    if summary.left_out:
        console.print(f"[bold]Left out, implausible data ({len(summary.left_out)})[/bold]")
        for x in summary.left_out[-10:]:
            console.print(
                f"  [yellow]{x.date} {x.code}[/yellow] {x.sport} {x.activity_id[:8]}: "
                f"{x.what} - {escape(x.detail)}"
            )
    console.print(f"[bold]Flags ({len(summary.flags)})[/bold]" if summary.flags else "No flags.")
    for f in summary.flags[-15:]:
        colour = {"alert": "red", "caution": "yellow"}.get(f.severity, "cyan")
        console.print(f"  [{colour}]{f.date} {f.code}[/{colour}] {escape(f.text)}")


def load(
    runner: Annotated[str, typer.Option("--runner", help="Runner name (handle).")],
    from_: Annotated[str | None, typer.Option("--from", help="First date (YYYY-MM-DD).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last date (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Training load: this week, the last 4 weeks and flags (context, not diagnosis)."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services.load import load_summary

    settings = load_settings()
    start, end = _date(from_, name="--from"), _date(to, name="--to")
    today = end or utc_now().date()
    with open_session(settings) as session:
        summary = load_summary(
            session,
            runner_handle=runner,
            from_date=start,
            to_date=end,
            today=today,
            settings=settings,
        )
    if as_json:
        typer.echo(json.dumps(summary_to_json(summary), ensure_ascii=False))
    else:
        _print(summary, runner)


def report(
    runner: Annotated[str, typer.Option("--runner", help="Runner name (handle).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.html or FILE.pdf")],
    from_: Annotated[str | None, typer.Option("--from", help="First date (YYYY-MM-DD).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last date (YYYY-MM-DD).")] = None,
    weeks: Annotated[
        int,
        typer.Option("--weeks", min=1, max=2000, help="Weeks before --to (without --from)."),
    ] = REPORT_WEEKS,
    whole: Annotated[
        bool, typer.Option("--all", help="The whole history (instead of --weeks).")
    ] = False,
) -> None:
    """Write the runner's training-load report (charts, flags, shoes, pain) as HTML or PDF."""
    from backstride.cli._context import open_session, utc_now
    from backstride.reports.load_report import write_report
    from backstride.services.load import load_summary

    settings = load_settings()
    start, end = _date(from_, name="--from"), _date(to, name="--to")
    if output.suffix.lower() not in {".html", ".htm", ".pdf"}:
        raise InvalidInput("report file must end in .html or .pdf", code="report.bad_suffix")
    today = end or utc_now().date()
    if start is None and not whole:
        start = today - dt.timedelta(days=7 * weeks - 1)
    with open_session(settings) as session:
        summary = load_summary(
            session,
            runner_handle=runner,
            from_date=start,
            to_date=end,
            today=today,
            settings=settings,
        )
    path = write_report(summary, runner_name=runner, path=output)
    typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Attach ``load`` and ``report`` to ``app``."""
    app.command("load")(load)
    app.command("report")(report)
