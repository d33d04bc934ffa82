"""The Triad cumulative risk scores clinical reference §2.4-2.5 (F1-F6, M1-M3) and its edges."""

from __future__ import annotations

import dataclasses

import pytest

from backstride.intake.triad import (
    TriadAnswers,
    bmd_points,
    bmi_points,
    menarche_points,
    menses_points,
    score_triad_female,
    score_triad_male,
)

F1 = TriadAnswers(
    energy_availability="some_restriction",
    bmi_kg_m2=17.8,
    menarche_age_years=14,
    menses_last_12_months=4,
    bsi_count=1,
)


@pytest.mark.parametrize(
    ("case", "answers", "total", "clearance"),
    [
        ("F1", F1, 5, "provisional"),
        ("F2", dataclasses.replace(F1, bsi_high_risk_site=True), 6, "restricted"),
        ("F3", TriadAnswers("none", bmi_kg_m2=21, menarche_age_years=13, menses_last_12_months=12,
                            bmd_z_score=-0.4, bsi_count=0), 0, "full"),
        ("F4", TriadAnswers("none", bmi_kg_m2=20, menarche_age_years=15.5,
                            menses_last_12_months=8, bmd_z_score=-0.5, bsi_count=0),
         2, "provisional"),
        ("F5", TriadAnswers("none", bmi_kg_m2=17.5, menarche_age_years=16,
                            menses_last_12_months=12, bsi_count=0), 6, "restricted"),
        ("F6", TriadAnswers("eating_disorder", bmi_kg_m2=16.9, menarche_age_years=14,
                            menses_last_12_months=2, bmd_z_score=-2.3, bsi_count=2),
         10, "restricted"),
    ],
)  # fmt: skip
def test_female_cra_worked_examples(
    case: str, answers: TriadAnswers, total: int, clearance: str
) -> None:
    values = score_triad_female(answers).values
    assert (values["total"], values["clearance"]) == (total, clearance)


def test_bmd_unknown_uses_the_menarche_score_koltun_2020() -> None:
    result = score_triad_female(F1)
    assert result.values["points_bmd"] == 0
    assert result.values["missing"] == 0
    assert any("menarche score" in n for n in result.notes)


def test_menses_not_assessable_uses_the_energy_availability_score() -> None:
    values = score_triad_female(
        TriadAnswers("some_restriction", menses_not_assessable=True, bmi_kg_m2=20,
                     menarche_age_years=13, bmd_z_score=0, bsi_count=0)
    ).values  # fmt: skip
    assert values["points_menses"] == 1


@pytest.mark.parametrize(
    ("fn", "value", "points"),
    [
        (menarche_points, 14.9, 0),
        (menarche_points, 15.0, 1),
        (menarche_points, 16.0, 2),
        (menses_points, 10, 0),
        (menses_points, 9, 1),
        (menses_points, 6, 1),
        (menses_points, 5, 2),
        (bmd_points, -1.0, 0),
        (bmd_points, -1.01, 1),
        (bmd_points, -2.0, 2),
    ],
)
def test_point_table_edges_resolve_to_the_explicit_inequality(fn, value, points) -> None:  # type: ignore[no-untyped-def]
    assert fn(value) == points


@pytest.mark.parametrize(("bmi", "points"), [(17.5, 2), (17.51, 1), (18.49, 1), (18.5, 0)])
def test_bmi_edges(bmi: float, points: int) -> None:
    assert bmi_points(TriadAnswers(bmi_kg_m2=bmi)) == points


def test_the_highest_answered_bmi_row_criterion_counts() -> None:
    assert bmi_points(TriadAnswers(bmi_kg_m2=20, weight_loss_pct_per_month=10)) == 2


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (TriadAnswers(eating_disorder_type="anorexia", bmi_kg_m2=15.9), "restricted"),
        (TriadAnswers(eating_disorder_type="bulimia", purging_per_week=5), "restricted"),
        (TriadAnswers(eating_disorder_type="bulimia", purging_per_week=4, bsi_count=0,
                      energy_availability="none", bmi_kg_m2=20, menarche_age_years=13,
                      menses_last_12_months=12), "full"),
    ],
)  # fmt: skip
def test_eating_disorder_override(answers: TriadAnswers, expected: str) -> None:
    assert score_triad_female(answers).values["clearance"] == expected


def test_missing_factors_report_incomplete_and_the_worst_case() -> None:
    values = score_triad_female(TriadAnswers("none", bmi_kg_m2=21)).values
    assert values["missing"] == 4
    assert values["total_worst_case"] == 8
    assert values["clearance_worst_case"] == "restricted"


@pytest.mark.parametrize(
    ("case", "answers", "total", "worst", "clearance", "worst_clearance"),
    [
        ("M1", TriadAnswers("some_restriction", bmi_kg_m2=18.2, bmd_z_score=-1.3, bsi_count=1),
         4, 4, "restricted", "restricted"),
        ("M2", TriadAnswers("none", bmi_kg_m2=22, bsi_count=1), 1, 3, "full", "provisional"),
        ("M3", TriadAnswers("some_restriction", bmi_kg_m2=18.0, bmd_z_score=-1.1, bsi_count=0),
         3, 3, "provisional", "provisional"),
    ],
)  # fmt: skip
def test_provisional_male_model(
    case: str, answers: TriadAnswers, total: int, worst: int, clearance: str, worst_clearance: str
) -> None:
    result = score_triad_male(answers)
    v = result.values
    assert (v["total"], v["total_worst_case"]) == (total, worst)
    assert (v["clearance"], v["clearance_worst_case"]) == (clearance, worst_clearance)
    assert any("Provisional" in n for n in result.notes)


@pytest.mark.parametrize(
    ("answers", "points"),
    [
        # clinical reference §2.4: "Absolute BMI cut-offs are not for adolescents (use % expected
        # weight)"
        (TriadAnswers(bmi_kg_m2=17.0, adolescent=True), None),
        (TriadAnswers(bmi_kg_m2=17.0, pct_expected_weight=88, adolescent=True), 1),
        (TriadAnswers(bmi_kg_m2=22.0, pct_expected_weight=84, adolescent=True), 2),
        (TriadAnswers(bmi_kg_m2=17.0, adolescent=False), 2),
    ],
)
def test_adolescents_are_scored_on_expected_weight_not_absolute_bmi(
    answers: TriadAnswers, points: int | None
) -> None:
    assert bmi_points(answers) == points


def test_an_adolescent_bmi_alone_leaves_the_weight_row_unknown() -> None:
    result = score_triad_female(
        TriadAnswers("none", bmi_kg_m2=17.0, menarche_age_years=13, menses_last_12_months=12,
                     bmd_z_score=0.0, bsi_count=0, adolescent=True)
    )  # fmt: skip
    assert (result.values["points_bmi"], result.values["missing"]) == (None, 1)
    assert (result.values["total"], result.values["total_worst_case"]) == (0, 2)
    assert any("absolute BMI cut-offs are not used" in n for n in result.notes)


def test_a_period_count_on_hormonal_contraception_is_not_scored() -> None:
    """Koltun 2020: menses not assessable -> the EA score stands in; EA unknown -> unknown."""
    values = score_triad_female(
        TriadAnswers(menses_last_12_months=2, menses_not_assessable=True, bmi_kg_m2=20,
                     menarche_age_years=13, bmd_z_score=0, bsi_count=0)
    ).values  # fmt: skip
    assert values["points_menses"] is None
    assert values["points_energy_availability"] is None
    assert values["missing"] == 2
