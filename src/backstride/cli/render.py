"""Readable terminal rendering of an assessment (shared by ``assess`` and ``demo``)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from backstride.intake.assessment import Assessment, Disposition
from backstride.intake.display import display_score

STYLE = {
    Disposition.EMERGENCY: "bold white on red",
    Disposition.URGENT: "bold red",
    Disposition.CLINICIAN: "bold yellow",
    Disposition.SELF_MANAGEMENT: "bold green",
}
TITLE = {
    Disposition.EMERGENCY: "EMERGENCY - seek emergency care now",
    Disposition.URGENT: "URGENT - see a doctor within 24 hours",
    Disposition.CLINICIAN: "Book a clinician assessment",
    Disposition.SELF_MANAGEMENT: "Self-management with a graded plan is reasonable",
}


def render_assessment(console: Console, a: Assessment) -> None:
    """Disposition, every reason with its source, scores, flags, notes and safety-netting."""
    console.print(
        Panel(
            escape(a.time_frame),
            title=TITLE[a.disposition],
            style=STYLE[a.disposition],
            expand=False,
        )
    )
    if a.reasons:
        reasons = Table("rule", "why", "source", title="Reasons", show_lines=True)
        for r in a.reasons:
            why = escape(r.text) + (f"\n[dim]{escape(r.detail)}[/dim]" if r.detail else "")
            reasons.add_row(f"{r.code}\n[dim]{r.disposition.value}[/dim]", why, escape(r.source))
        console.print(reasons)
    else:
        console.print("No triage rule fired; a graded plan is reasonable.")
    if a.scores:
        scores = Table("score", "value", title="Scores")
        for key, value in a.scores.items():
            if ".points_" not in key:  # per-factor Triad points: in --json only
                scores.add_row(key, escape(display_score(key, value)))
        console.print(scores)
    if a.plan_flags:
        console.print("Plan flags: " + ", ".join(sorted(a.plan_flags)))
    for note in a.notes:
        console.print(f"[dim]- {escape(note)}[/dim]")
    console.print(
        Panel(escape("\n\n".join(a.safety_netting)), title="Safety-netting", expand=False)
    )
    console.print(f"[dim]Decision support, not a diagnosis. Rules version {a.rules_version}.[/dim]")


__all__ = ["render_assessment"]
