"""The shipped instruments score the worked examples of clinical reference §4 exactly."""

from __future__ import annotations

import pytest

from backstride.intake.catalog import INSTRUMENT_IDS, shipped_instruments
from backstride.intake.scoring import (
    SCORERS,
    nprs_band,
    score_odi,
    score_psfs,
    score_rmdq,
    score_startback,
)

from .builders import startback


def _odi(sections: str) -> dict[str, object]:
    return {
        "items": {
            str(i + 1): (None if v == "-" else int(v)) for i, v in enumerate(sections.split())
        }
    }


def test_every_instrument_file_loads_with_its_source_and_items() -> None:
    instruments = shipped_instruments()
    assert set(instruments) == set(INSTRUMENT_IDS)
    for inst in instruments.values():
        assert inst.source
        assert inst.version
        assert inst.items
        assert len(set(inst.item_keys)) == len(inst.item_keys)


def test_male_triad_model_is_labelled_provisional() -> None:
    assert shipped_instruments()["triad_male"].provisional
    assert not shipped_instruments()["triad_female"].provisional


@pytest.mark.parametrize(
    ("case", "sections", "percent", "band"),
    [
        ("O1", "2 3 1 0 2 1 1 2 0 1", 26.0, "moderate"),
        ("O2", "2 3 1 0 2 - 1 2 0 1", 12 / 45 * 100, "moderate"),
        ("O3", "2 3 1 0 2 - 1 - 0 1", 25.0, "moderate"),
        ("O5 all 0", "0 0 0 0 0 0 0 0 0 0", 0.0, "minimal"),
        ("O5 all 5", "5 5 5 5 5 5 5 5 5 5", 100.0, "bed_bound_or_exaggerating"),
        ("O6", "1 1 1 1 1 1 1 1 1 1", 20.0, "minimal"),
        ("O7", "2 1 1 1 1 1 1 1 1 1", 22.0, "moderate"),
        ("O8", "1 1 1 1 1 1 1 1 1 -", 20.0, "minimal"),
        ("O8 with a 2", "2 1 1 1 1 1 1 1 1 -", 10 / 45 * 100, "moderate"),
        ("O9", "4 4 4 4 4 4 4 4 4 -", 80.0, "crippling"),
        ("O10", "5 4 4 4 4 4 4 4 4 4", 82.0, "bed_bound_or_exaggerating"),
    ],
)
def test_odi_scores_percent_and_band(case: str, sections: str, percent: float, band: str) -> None:
    result = score_odi(_odi(sections))
    assert result.values["percent"] == pytest.approx(percent)
    assert result.values["band"] == band


def test_odi_with_three_missing_sections_is_not_scored_and_says_which() -> None:
    result = score_odi(_odi("2 - 1 - 2 - 1 2 0 1"))  # O4
    assert result.values["percent"] is None
    assert "2, 4, 6" in result.notes[0]


@pytest.mark.parametrize(
    ("yes", "missing", "total"),
    [(0, 0, 0), (24, 0, 24), (10, 2, 10), (0, 2, 0)],
)
def test_rmdq_counts_yes_and_up_to_two_missing_count_zero(
    yes: int, missing: int, total: int
) -> None:
    items: dict[str, object] = {str(k): k <= yes for k in range(1, 25)}
    for k in range(24, 24 - missing, -1):
        items[str(k)] = None
    result = score_rmdq({"items": items})
    assert result.values["total"] == total
    assert result.values["missing"] == missing


def test_rmdq_with_three_missing_items_is_not_scored() -> None:
    items: dict[str, object] = {str(k): True for k in range(1, 22)}
    assert score_rmdq({"items": items}).values["total"] is None


@pytest.mark.parametrize(
    ("case", "items", "item9", "total", "sub", "group"),
    [
        ("S1", "1 1 0 0 1 0 0 0", "moderately", 3, 1, "low"),
        ("S2", "0 0 0 0 1 1 1 0", "slightly", 3, 3, "low"),
        ("S3", "1 1 1 0 0 0 0 0", "very_much", 4, 1, "medium"),
        ("S4", "1 0 0 0 1 1 1 0", "moderately", 4, 3, "medium"),
        ("S5", "1 1 1 1 1 1 1 0", "not_at_all", 7, 3, "medium"),
        ("S6", "0 0 0 0 1 1 1 0", "extremely", 4, 4, "high"),
        ("S7", "1 0 0 0 1 1 1 1", "slightly", 5, 4, "high"),
        ("S8", "1 1 1 1 1 1 1 1", "extremely", 9, 5, "high"),
        ("S9", "0 0 0 0 0 0 0 0", "not_at_all", 0, 0, "low"),
    ],
)
def test_startback_total_subscale_and_group(
    case: str, items: str, item9: str, total: int, sub: int, group: str
) -> None:
    values = score_startback(startback(items, item9)).values
    assert (values["total"], values["psychosocial"], values["risk_group"]) == (total, sub, group)


def test_startback_with_a_missing_item_is_not_scored() -> None:
    answers = startback("1 1 1 1 1 1 1 1", "extremely")
    del answers["items"]["4"]
    assert score_startback(answers).values["risk_group"] is None


@pytest.mark.parametrize(
    ("case", "ratings", "mean"),
    [("P1", [3, 5, 6], 4.67), ("P2", [2, 4, 7, 8, 5], 5.20), ("P3", [0, 0, 10], 3.33)],
)
def test_psfs_is_the_mean_of_rated_activities(case: str, ratings: list[int], mean: float) -> None:
    activities = [{"name": f"a{i}", "score": r} for i, r in enumerate(ratings)]
    assert score_psfs({"activities": activities}).values["mean"] == pytest.approx(mean, abs=0.005)


def test_psfs_without_a_rating_is_not_scored() -> None:
    assert score_psfs({"activities": [{"name": "run", "score": None}]}).values["mean"] is None


def test_every_instrument_names_a_registered_scoring_rule() -> None:
    for inst in shipped_instruments().values():
        assert inst.scoring in SCORERS


def test_triad_scores_through_the_registry_from_a_mapping() -> None:
    values = SCORERS["triad_male"]({"energy_availability": "none", "bmi_kg_m2": 22, "bsi_count": 1})
    assert (values.values["total"], values.values["clearance"]) == (1, "full")


def test_odi_section_with_two_statements_marked_scores_the_higher() -> None:
    """clinical reference §4.3 step 3: two statements marked in one section -> take the higher
    (O1)."""
    answers = _odi("2 3 1 0 2 1 1 2 0 1")
    answers["items"]["2"] = [1, 3]  # type: ignore[index]
    result = score_odi(answers)
    assert result.values["percent"] == pytest.approx(26.0)
    assert result.values["band"] == "moderate"


@pytest.mark.parametrize(
    ("value", "band"),
    [(0, "none"), (1, "mild"), (3, "mild"), (4, "moderate"), (6, "moderate"), (7, "severe"),
     (10, "severe")],
)  # fmt: skip
def test_nprs_bands(value: int, band: str) -> None:
    """clinical reference §4.2: 0 none; 1-3 mild; 4-6 moderate; 7-10 severe."""
    assert nprs_band(value) == band


def test_rmdq_all_ticked_and_none_ticked_r1_r2() -> None:
    """clinical reference §4.4 R1 none ticked -> 0; R2 all 24 ticked -> 24."""
    assert score_rmdq({"items": {str(k): False for k in range(1, 25)}}).values["total"] == 0
    assert score_rmdq({"items": {str(k): True for k in range(1, 25)}}).values["total"] == 24
