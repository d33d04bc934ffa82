"""Scores are precise as data and rounded as shown (ODI 28 %, never 28.000000000000004)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstride.intake import assess, assessment_from_dict, assessment_to_dict
from backstride.intake.change import compare, threshold_for
from backstride.intake.display import display_score, format_number, format_percent
from backstride.intake.scoring import score_odi, score_psfs

from .builders import TODAY, doc


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("odi.percent", 28.000000000000004, "28 %"),
        ("odi.percent", 12 * 100 / 45, "26.7 %"),
        ("odi.percent", 22.5, "22.5 %"),
        ("psfs.mean", 14 / 3, "4.67"),
        ("psfs.mean", 5.2, "5.20"),  # clinical reference §4.6 prints two decimals
        ("rmdq.total", 6, "6"),
        ("odi.band", "bed_bound_or_exaggerating", "bed bound or exaggerating"),
        ("startback.total", None, "not scored"),
    ],
)
def test_a_score_is_shown_rounded(key: str, value: float | str | None, shown: str) -> None:
    assert display_score(key, value) == shown


def test_halves_round_up_and_zero_has_no_sign() -> None:
    assert format_number(2.25, 1) == "2.3"
    assert format_number(-0.04, 1) == "0"
    assert format_percent(100.0) == "100 %"


def test_the_odi_percent_is_the_correctly_rounded_value() -> None:
    """14 of 50: 28.0 exactly (14 / 50 * 100 gave 28.000000000000004)."""
    items = {"items": {str(i): v for i, v in enumerate([2, 2, 1, 1, 2, 1, 1, 2, 1, 1], 1)}}
    assert score_odi(items).values["percent"] == 28.0


@given(st.lists(st.integers(0, 5) | st.none(), min_size=10, max_size=10))
def test_every_odi_percent_is_exact_and_shows_at_most_one_decimal(
    sections: list[int | None],
) -> None:
    result = score_odi({"items": {str(i): v for i, v in enumerate(sections, 1)}})
    percent = result.values["percent"]
    if percent is None:
        return
    answered = [v for v in sections if v is not None]
    assert percent == float(Fraction(sum(answered) * 100, 5 * len(answered)))
    shown = display_score("odi.percent", percent)
    assert shown.endswith(" %")
    assert len(shown.removesuffix(" %").partition(".")[2]) <= 1


def test_the_change_threshold_is_exact_and_shown_rounded() -> None:
    """clinical reference §4.1 R3: 14 -> 8, threshold 30 % of 14 = 4.2 (not 4.199999999999999)."""
    assert threshold_for(14, mcid=5, mdc=4) == 4.2
    change = compare(14, 8, mcid=5, mdc=4)
    assert change.to_dict()["display"] == {"change": "-6", "threshold": "4.2"}
    psfs = compare(14 / 3, 7.0, mcid=2, mdc=2, higher_is_better=True)
    display = psfs.to_dict()["display"]
    assert isinstance(display, dict)
    assert display["change"] == "+2.33"


def test_the_json_keeps_precise_scores_and_adds_what_is_shown() -> None:
    psfs = {"activities": [{"name": n, "score": s} for n, s in (("a", 3), ("b", 5), ("c", 6))]}
    a = assess(doc(psfs=psfs, odi={"items": {str(i): 2 for i in range(1, 10)}}), today=TODAY)
    data = assessment_to_dict(a)
    assert data["scores"]["psfs.mean"] == score_psfs(psfs).values["mean"] == 14 / 3
    assert data["scores_display"]["psfs.mean"] == "4.67"
    assert data["scores_display"]["odi.percent"] == "40 %"
    assert assessment_from_dict(data) == a
