"""How the plan commands show a plan: a week-by-week table, and the ICS/PDF/HTML files."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from backstride.plan.model import Dose, Plan, Session


def _reps(e: Dose) -> str:
    """``3x10``, or a descending set pattern such as ``5-3-1`` (McGill holds)."""
    if e.reps_scheme:
        return "-".join(str(r) for r in e.reps_scheme)
    return f"{e.sets or 1}x{e.reps or ''}"


def _session_text(s: Session) -> str:
    text = s.title
    if s.distance_m:
        text += f" · {s.distance_m / 1000:.1f} km"
    if s.kind == "strength":
        text += ": " + ", ".join(
            f"{e.name} {_reps(e)}{f' ({e.hold_s}s)' if e.hold_s else ''}"
            f"{f' @{e.load_kg:g}kg' if e.load_kg else ''}"
            for e in s.exercises
        )
    return text


def print_plan(plan: Plan, console: Console) -> None:
    """A readable week-by-week table with the reasons."""
    if plan.status == "blocked":
        console.print(
            f"[bold red]No plan (blocked):[/bold red] {escape(plan.blocked_reason or '')}"
        )
        for t in plan.do_now:
            console.print(f"  • {escape(t)}")
        return
    for t in plan.do_now[:1]:
        console.print(f"[yellow]{escape(t)}[/yellow]")
    for d in plan.decisions:
        console.print(f"• {escape(d.text)} [dim]{d.code}[/dim]")
    for w in plan.weeks:
        target = f" · up to {w.target_distance_m / 1000:.1f} km" if w.target_distance_m else ""
        table = Table(title=f"Week {w.index + 1} ({w.phase}){target}", title_justify="left")
        table.add_column("Day", no_wrap=True)
        table.add_column("Sessions")
        for day in w.days:
            table.add_row(
                day.date.strftime("%a %d %b"),
                "\n".join(escape(_session_text(s)) for s in day.sessions),
            )
        console.print(table)
    for t in plan.footwear:
        console.print(f"[dim]Footwear: {escape(t)}[/dim]")


def write_outputs(
    plan: Plan, *, runner: str, ics: Path | None, pdf: Path | None, html: Path | None
) -> None:
    from backstride.cli._context import utc_now

    if ics is not None:
        from backstride.reports.ics import plan_to_ics

        ics.write_bytes(plan_to_ics(plan, generated_at=utc_now()))
    for path in (pdf, html):
        if path is not None:
            from backstride.reports.plan_report import write_plan

            write_plan(plan, runner_name=runner, path=path)


__all__ = ["print_plan", "write_outputs"]
