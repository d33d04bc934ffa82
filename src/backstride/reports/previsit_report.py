"""The clinician's pre-visit report as HTML (Jinja2) and PDF (WeasyPrint)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from backstride.reports.previsit_words import FLAG_WORDS, day, disposition_words, score_line


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("backstride.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )


def render_previsit_html(report: Any) -> str:
    """The report (``services.booking.previsit.PreVisitReport``) as a standalone page, in the
    words of :mod:`backstride.reports.previsit_words` (no bare codes)."""
    return (
        _env()
        .get_template("previsit.html.j2")
        .render(
            r=report,
            scores=[score_line(s) for s in report.scores],
            disposition=disposition_words(report.disposition),
            flag_words=[FLAG_WORDS.get(f, f) for f in report.flags],
            day=day,
        )
    )


def render_previsit_pdf(html: str) -> bytes:
    """The page as PDF."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


__all__ = ["render_previsit_html", "render_previsit_pdf"]
