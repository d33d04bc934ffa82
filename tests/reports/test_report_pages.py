"""The report over a 19-year history and over its default 12 weeks, rendered to PNG pages.

Every page of both PDFs is rendered with ``pdftoppm`` (poppler-utils, scripts/debian-packages.txt)
into the test output (``$BACKSTRIDE_TEST_OUTPUT/report-pages`` when set, else the test's own
temporary folder) so the charts can be looked at; the tests check what makes them readable.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from backstride.analytics import ActivityRow, RunnerProfile, analyse, summarise, table_from_rows
from backstride.analytics.gait import GaitRun, gait_summary
from backstride.analytics.load_summary import LoadSummary
from backstride.reports import charts
from backstride.reports.load_report import (
    REPEATS_SHOWN,
    older_groups,
    recent_items,
    render_html,
    write_report,
)

FIRST = dt.date(2007, 3, 5)
TODAY = dt.date(2026, 11, 25)
BREAKS = ((dt.date(2010, 5, 1), 120), (dt.date(2015, 1, 10), 200), (dt.date(2020, 3, 20), 90))


def _history(from_date: dt.date | None) -> LoadSummary:
    """19 years of running, three long breaks, a cadence and balance for every run."""
    rng = np.random.default_rng(7)
    rows, gait = [], []
    day = FIRST
    while day <= TODAY:
        off = any(b <= day < b + dt.timedelta(days=n) for b, n in BREAKS)
        if not off and rng.random() < 0.55:
            km = float(rng.choice([6, 8, 10, 12, 16, 21]) * rng.uniform(0.8, 1.2))
            hr = float(rng.uniform(130, 165))
            rows.append(ActivityRow(0, day, km * 1000, km * 330, avg_hr_bpm=hr))
            gait.append(
                GaitRun(
                    day,
                    pace_s_per_km=330.0,
                    cadence_spm=float(rng.normal(168, 4)),
                    stance_balance_left_pct=float(rng.normal(50.3, 0.4)),
                )
            )
        day += dt.timedelta(days=1)
    profile = RunnerProfile("r", sex="female", birth_year=1980)
    analysis = analyse(table_from_rows(rows), [profile], today=TODAY)
    g = gait_summary(gait)
    return summarise(analysis, 0, from_date=from_date, to_date=TODAY, gait=g, extra_flags=g.flags)


@pytest.fixture(scope="module")
def whole() -> LoadSummary:
    return _history(FIRST)


@pytest.fixture(scope="module")
def twelve_weeks() -> LoadSummary:
    return _history(TODAY - dt.timedelta(days=83))


def _pages(pdf: Path, out: Path) -> list[Path]:
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm missing: install poppler-utils (scripts/debian-packages.txt)"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([exe, "-png", "-r", "70", str(pdf), str(out / pdf.stem)], check=True)
    return sorted(out.glob(f"{pdf.stem}-*.png"))


@pytest.mark.slow
def test_every_page_of_both_reports_is_rendered_to_png(
    whole: LoadSummary, twelve_weeks: LoadSummary, tmp_path: Path
) -> None:
    from PIL import Image  # matplotlib's dependency

    out = Path(os.environ.get("BACKSTRIDE_TEST_OUTPUT", tmp_path)) / "report-pages"
    for name, summary in (("19-years", whole), ("12-weeks", twelve_weeks)):
        pdf = write_report(summary, runner_name=name, path=tmp_path / f"{name}.pdf")
        pages = _pages(pdf, out)
        info = subprocess.run(
            [str(shutil.which("pdfinfo")), str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        count = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]
        assert len(pages) == count >= 3, name
        for page in pages:
            with Image.open(page) as image:
                low, high = image.convert("L").getextrema()
            assert isinstance(low, int | float)  # one band: two numbers, not per-band pairs
            assert isinstance(high, int | float)
            assert low < 100 < high, page  # ink on paper, not a blank page


def test_a_long_history_has_readable_bars_and_trend_lines(whole: LoadSummary) -> None:
    assert charts.distance_period(whole) == "quarter"
    _, bars = charts.distance_bars(whole)
    assert len(bars) <= 80
    assert sum(km for _, km, _ in bars) == pytest.approx(
        sum(d.distance_m for d in whole.daily) / 1000
    )
    assert charts.line_period(whole) == "month"


def test_the_default_twelve_weeks_have_weekly_bars_and_daily_lines(
    twelve_weeks: LoadSummary,
) -> None:
    assert charts.distance_period(twelve_weeks) == "week"
    assert len(charts.distance_bars(twelve_weeks)[1]) in (12, 13)
    assert charts.line_period(twelve_weeks) == "day"


def test_the_ratio_chart_marks_values_above_its_top_instead_of_clipping_them(
    whole: LoadSummary,
) -> None:
    svg = charts.acwr_band(whole)
    assert "context only" in svg
    ratios = [d.acwr for d in whole.daily if d.acwr is not None]
    assert max(ratios) < 1e3  # the chronic floor keeps every ratio finite and bounded


def test_the_cadence_chart_honours_the_window(whole: LoadSummary) -> None:
    runs = whole.gait.runs if whole.gait else ()
    in_break = dt.date(2015, 3, 1)
    window = whole.__class__(
        **{
            **{f: getattr(whole, f) for f in whole.__dataclass_fields__},
            "from_date": in_break,
            "to_date": in_break + dt.timedelta(days=30),
        }
    )
    assert not [r for r in runs if window.from_date <= r.local_date <= window.to_date]
    assert charts.gait_trends(window) is None  # no run in the window: no chart of other years


def test_earlier_flags_are_one_row_per_kind_and_repeated_context_flags_are_folded(
    whole: LoadSummary,
) -> None:
    cutoff = TODAY - dt.timedelta(days=84)
    older = [f for f in whole.flags if f.date <= cutoff]
    groups = older_groups(older)
    assert len(groups) == len({f.code for f in older}) < len(older)
    assert sum(g.count for g in groups) == len(older)
    recent = [f for f in whole.flags if f.date > cutoff]
    items = recent_items(recent)
    context = [i for i in items if i.flag.code == "load.acwr_context"]
    assert len(context) <= REPEATS_SHOWN
    assert sum(1 + len(i.also_on) for i in context) == sum(
        f.code == "load.acwr_context" for f in recent
    )
    html = render_html(whole, runner_name="Long")
    shown = re.findall(r'<div class="flag [a-z]+">.*?</div>', html, re.DOTALL)
    assert sum("load.acwr_context" in block for block in shown) <= REPEATS_SHOWN
    older_rows = re.findall(r"<tr><td>[^<]*<span class=\"muted\">([a-z._]+)</span>", html)
    assert sorted(older_rows) == sorted({f.code for f in older})
