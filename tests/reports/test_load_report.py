"""The load report renders every section as HTML and as a real PDF."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from backstride.analytics import ActivityRow, RunnerProfile, analyse, summarise, table_from_rows
from backstride.analytics.gait import GaitRun, gait_summary
from backstride.analytics.load_summary import LoadSummary, PainPoint
from backstride.analytics.shoes import ShoeInput, shoe_summaries
from backstride.errors import InvalidInput
from backstride.reports.load_report import render_html, render_pdf, write_report

START = dt.date(2026, 1, 5)
TODAY = START + dt.timedelta(days=139)


def _summary(*, with_pain: bool = True) -> LoadSummary:
    rows = []
    gait = []
    for w in range(20):
        for offset, km in ((0, 8), (2, 8), (4, 8), (6, 12)):
            day = START + dt.timedelta(days=7 * w + offset)
            rows.append(ActivityRow(0, day, km * 1000.0, km * 330.0, avg_hr_bpm=140.0))
            gait.append(
                GaitRun(
                    day,
                    pace_s_per_km=330.0,
                    cadence_spm=170.0,
                    stance_balance_left_pct=50.2 if w < 19 else 51.6,
                )
            )
    spike = START + dt.timedelta(days=7 * 15 + 6)
    rows = [r for r in rows if r.local_date != spike]
    rows.append(ActivityRow(0, spike, 26_000.0, 26 * 330.0, avg_hr_bpm=145.0))
    analysis = analyse(
        table_from_rows(rows), [RunnerProfile("r", sex="f", birth_year=1980)], today=TODAY
    )
    g = gait_summary(gait)
    shoes, shoe_flags = shoe_summaries(
        [
            ShoeInput(
                "g",
                "Old trainers",
                retired=False,
                retire_km=None,
                run_dates=tuple(r.local_date for r in rows),
                run_distances_m=tuple(r.distance_m or 0.0 for r in rows),
            )
        ],
        default_retire_km=700,
    )
    pain = (
        (PainPoint(TODAY - dt.timedelta(days=2), 3, "diary"), PainPoint(TODAY, 4, "diary"))
        if with_pain
        else ()
    )
    return summarise(
        analysis,
        0,
        gait=g,
        shoes=shoes,
        extra_flags=g.flags + shoe_flags,
        pain=pain,
        current_pain=4 if with_pain else None,
    )


def test_html_has_every_section_and_inline_charts() -> None:
    html = render_html(_summary(), runner_name="Ana")
    for section in ("summary", "weekly", "flags", "fitness", "acwr", "gait", "shoes", "pain"):
        assert f'id="{section}"' in html
    assert len(re.findall(r"<svg", html)) == 5
    assert "load.spike_single_run" in html
    assert "gait.balance_drift" in html
    assert "Old trainers" in html
    assert "never as an injury probability" in html
    assert "Impellizzeri" in html
    assert "Running dynamics" in html  # usual vs last 5 runs table


def test_without_pain_scores_the_report_invites_logging() -> None:
    html = render_html(_summary(with_pain=False), runner_name="Ana")
    assert "No pain scores logged yet" in html


def test_runner_names_are_escaped() -> None:
    html = render_html(_summary(), runner_name="<script>x</script>")
    assert "<script>x</script>" not in html


def test_pdf_starts_with_the_pdf_magic_and_has_pages() -> None:
    from weasyprint import HTML

    html = render_html(_summary(), runner_name="Ana")
    assert render_pdf(html).startswith(b"%PDF")
    assert len(HTML(string=html).render().pages) >= 2


def test_write_report_refuses_unknown_suffixes(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        write_report(_summary(), runner_name="Ana", path=tmp_path / "r.txt")
    assert err.value.code == "report.bad_suffix"
