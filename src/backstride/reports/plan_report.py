"""The printable plan: HTML (Jinja2) with each exercise's instructions, and PDF (WeasyPrint)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from backstride.plan.catalogue import Exercise, load_catalogue
from backstride.plan.describe import content_lines, session_line
from backstride.plan.model import Plan


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("backstride.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    env.globals.update(session_line=session_line, content_lines=content_lines)
    return env


def _used(plan: Plan, cat: Mapping[str, Exercise]) -> list[Exercise]:
    seen: dict[str, Exercise] = {}
    for s in plan.sessions():
        for d in (*s.warm_up, *s.exercises, *s.cool_down):
            if d.id in cat:
                seen.setdefault(d.id, cat[d.id])
    return sorted(seen.values(), key=lambda e: (e.category, e.name))


def render_plan_html(plan: Plan, *, runner_name: str) -> str:
    """The plan as a standalone HTML page (weeks table, then an exercise guide)."""
    cat = load_catalogue()
    return (
        _env()
        .get_template("plan.html.j2")
        .render(plan=plan, runner_name=runner_name, exercises=_used(plan, cat))
    )


def render_plan_pdf(html: str) -> bytes:
    """Render the HTML to PDF with WeasyPrint."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def write_plan(plan: Plan, *, runner_name: str, path: Path) -> Path:
    """Write ``.html`` or ``.pdf`` depending on the suffix."""
    html = render_plan_html(plan, runner_name=runner_name)
    if path.suffix.lower() == ".pdf":
        path.write_bytes(render_plan_pdf(html))
    else:
        path.write_text(html, encoding="utf-8")
    return path


__all__ = ["render_plan_html", "render_plan_pdf", "write_plan"]
