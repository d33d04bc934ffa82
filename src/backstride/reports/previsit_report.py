"""The clinician's pre-visit report as HTML (Jinja2) and PDF (WeasyPrint)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("backstride.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )


def render_previsit_html(report: Any) -> str:
    """The report (``services.booking.previsit.PreVisitReport``) as a standalone page."""
    return _env().get_template("previsit.html.j2").render(r=report)


def render_previsit_pdf(html: str) -> bytes:
    """The page as PDF."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


__all__ = ["render_previsit_html", "render_previsit_pdf"]
