"""How the plan commands show a plan: a week-by-week table, and the ICS/PDF/HTML files."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from backstride.plan.describe import content_lines, ladder_text, session_line
from backstride.plan.model import Plan, Session

SHOWN_REASONS = ("guardrail.", "rtr.", "race.")
"""Session reasons worth a line in the table (the rest are in --json and the printable plan)."""


def _session_text(s: Session) -> str:
    """The session line, then what to do: warm-up with its dosing, the exercises with their
    doses and ladder steps, cool-down, and the reasons that change how to run it."""
    lines = [escape(session_line(s))]
    if s.kind in ("run", "strength"):
        lines += [f"[dim]  {escape(t)}[/dim]" for t in content_lines(s)]
    lines += [
        f"[yellow]  {escape(r.text)}[/yellow]"
        for r in s.reasons
        if r.code.startswith(SHOWN_REASONS) and r.code != "race.goal"
    ]
    return "\n".join(lines)


def print_plan(plan: Plan, console: Console) -> None:
    """A readable week-by-week table with the reasons, the ladders and what to do now."""
    if plan.status == "blocked":
        console.print(
            f"[bold red]No plan (blocked):[/bold red] {escape(plan.blocked_reason or '')}"
        )
        for t in plan.do_now:
            console.print(f"  • {escape(t)}")
        return
    for e in plan.escalations:
        console.print(f"[bold red]{escape(e.text)}[/bold red] [dim]{e.code}[/dim]")
    for t in plan.do_now[len(plan.escalations) : len(plan.escalations) + 1]:
        console.print(f"[yellow]{escape(t)}[/yellow]")
    for d in plan.decisions:
        console.print(f"• {escape(d.text)} [dim]{d.code}[/dim]")
    if plan.ladders:
        console.print("[bold]Strength ladders[/bold] (where you are, and when the plan steps up)")
        for ladder in plan.ladders:
            console.print(f"  {escape(ladder_text(ladder))}")
    for w in plan.weeks:
        target = f" · up to {w.target_distance_m / 1000:.1f} km" if w.target_distance_m else ""
        table = Table(title=f"Week {w.index + 1} ({w.phase}){target}", title_justify="left")
        table.add_column("Day", no_wrap=True)
        table.add_column("Sessions")
        for day in w.days:
            table.add_row(
                day.date.strftime("%a %d %b"),
                "\n".join(_session_text(s) for s in day.sessions),
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
