"""Athlete Triad cumulative risk: the female CRA (De Souza 2014) and a provisional male model.

Female (De Souza et al. 2014, BJSM 48:289, Tables 4-5): six factors scored 0/1/2; total 0-1
full clearance, 2-5 provisional, >=6 restricted; anorexia nervosa with BMI < 16 or bulimia
with purging > 4 times a week -> restricted regardless. Edges resolve to the explicit "<=":
BMI 17.5 -> 2, 18.5 -> 0; menarche 15.0 -> 1, 16.0 -> 2; 9 menses -> 1, 10 -> 0, 6 -> 1,
5 -> 2; Z -1.0 -> 0, -2.0 -> 2. Missing data (Koltun, Williams & De Souza 2020, Appl Physiol
Nutr Metab 45:1324-1331): BMD unknown -> the menarche score; menses not assessable -> the
energy-availability score; anything else missing -> incomplete, worst case = known + 2 each
[default]. Absolute BMI cut-offs are not for adolescents (under ``ADULT_BMI_AGE``, 18
[default]): their weight row is % of expected weight or monthly weight loss.

Male: PROVISIONAL - not the published Male Athlete Triad table. Kraus et al. 2019 (BJSM
53:237-242) factors (energy availability, BMI, BMD, prior BSI); clearance 0-1 full, 2-3
provisional, >=4 restricted (unverified: female cut-offs scaled to the 8-point maximum).
"""

from __future__ import annotations

from dataclasses import dataclass

from backstride.intake.result import Scored, ScoreValue

_EPS = 1e-9
ADULT_BMI_AGE = 18
"""Age from which the absolute BMI cut-offs apply; younger runners are scored on % of expected
weight or monthly weight loss ("Absolute BMI cut-offs are not for adolescents", clinical reference
§2.4, after De Souza 2014) [default: 18, the age of the collegiate cohorts the CRA was used in].
"""

EA_POINTS = {"none": 0, "some_restriction": 1, "eating_disorder": 2}


@dataclass(frozen=True, slots=True)
class TriadAnswers:
    """Inputs of the Triad score; ``None`` = not known."""

    energy_availability: str | None = None
    eating_disorder_type: str | None = None
    purging_per_week: float | None = None
    bmi_kg_m2: float | None = None
    pct_expected_weight: float | None = None
    weight_loss_pct_per_month: float | None = None
    menarche_age_years: float | None = None
    menses_last_12_months: int | None = None
    menses_not_assessable: bool = False
    bmd_z_score: float | None = None
    bsi_count: int | None = None
    bsi_high_risk_site: bool = False
    adolescent: bool = False
    """Under :data:`ADULT_BMI_AGE`: the absolute BMI cut-offs are not used (clinical reference
    §2.4)."""


def bmi_points(a: TriadAnswers) -> int | None:
    """Highest of the answered BMI-row criteria (BMI, % expected weight, monthly loss).

    For an adolescent the absolute BMI is skipped (clinical reference §2.4): only % of expected
    weight and monthly weight loss count, and the row is unknown when neither is answered.
    """
    pts: list[int] = []
    if a.bmi_kg_m2 is not None and not a.adolescent:
        b = a.bmi_kg_m2
        pts.append(2 if b <= 17.5 + _EPS else (1 if b < 18.5 - _EPS else 0))
    if a.pct_expected_weight is not None:
        p = a.pct_expected_weight
        pts.append(2 if p < 85 - _EPS else (1 if p < 90 - _EPS else 0))
    if a.weight_loss_pct_per_month is not None:
        w = a.weight_loss_pct_per_month
        pts.append(2 if w >= 10 - _EPS else (1 if w >= 5 - _EPS else 0))
    return max(pts) if pts else None


def menarche_points(age: float | None) -> int | None:
    """< 15 y 0; 15 to < 16 y 1; >= 16 y 2."""
    if age is None:
        return None
    return 2 if age >= 16 - _EPS else (1 if age >= 15 - _EPS else 0)


def menses_points(count: int | None) -> int | None:
    """> 9 menses in 12 months 0; 6-9 1; < 6 2."""
    if count is None:
        return None
    return 0 if count > 9 else (1 if count >= 6 else 2)


def bmd_points(z: float | None) -> int | None:
    """Z >= -1.0 0; -2.0 < Z < -1.0 1; Z <= -2.0 2."""
    if z is None:
        return None
    return 0 if z >= -1.0 - _EPS else (2 if z <= -2.0 + _EPS else 1)


def bsi_points(count: int | None, *, high_risk_site: bool) -> int | None:
    """None 0; one 1; >= 2, or >= 1 at a trabecular site (femoral neck, sacrum, pelvis) 2."""
    if count is None:
        return None
    if count >= 2 or (count >= 1 and high_risk_site):
        return 2
    return 1 if count == 1 else 0


def _clearance(total: int, *, restricted_from: int) -> str:
    if total >= restricted_from:
        return "restricted"
    return "full" if total <= 1 else "provisional"


def _result(
    instrument: str,
    points: dict[str, int | None],
    *,
    restricted_from: int,
    override: bool,
    notes: list[str],
) -> Scored:
    known = sum(p for p in points.values() if p is not None)
    missing = [k for k, p in points.items() if p is None]
    worst = known + 2 * len(missing)
    clearance = _clearance(known, restricted_from=restricted_from)
    worst_clearance = _clearance(worst, restricted_from=restricted_from)
    if override:
        clearance = worst_clearance = "restricted"
        notes.append("Eating-disorder override: restricted regardless of the total.")
    if missing:
        notes.append(
            f"Triad incomplete ({', '.join(missing)} unknown): worst case {worst} "
            f"({worst_clearance})."
        )
    values: dict[str, ScoreValue] = {
        "total": known,
        "total_worst_case": worst,
        "clearance": clearance,
        "clearance_worst_case": worst_clearance,
        "missing": len(missing),
        "model": instrument,
    }
    values.update({f"points_{k}": p for k, p in points.items()})
    return Scored("triad", values, tuple(notes))


def _adolescent_notes(a: TriadAnswers) -> list[str]:
    if a.adolescent and a.bmi_kg_m2 is not None:
        return [
            f"Under {ADULT_BMI_AGE}: absolute BMI cut-offs are not used; % of expected weight "
            "or monthly weight loss scores the weight row."
        ]
    return []


def score_triad_female(a: TriadAnswers) -> Scored:
    """Female Athlete Triad CRA with the Koltun 2020 substitutions (see module docstring)."""
    notes: list[str] = _adolescent_notes(a)
    ea = EA_POINTS.get(a.energy_availability or "")
    menarche = menarche_points(a.menarche_age_years)
    menses = menses_points(a.menses_last_12_months)
    if a.menses_not_assessable:
        # a count on hormonal contraception is not a menstrual status: the EA score stands in,
        # or the factor is unknown when EA is unknown too (Koltun 2020)
        menses = ea
        if ea is not None:
            notes.append(
                "Menstrual status not assessable: energy-availability score used (Koltun 2020)."
            )
    bmd = bmd_points(a.bmd_z_score)
    if bmd is None and menarche is not None:
        bmd = menarche
        notes.append("Bone density unknown: menarche score used in its place (Koltun 2020).")
    points = {
        "energy_availability": ea,
        "bmi": bmi_points(a),
        "menarche": menarche,
        "menses": menses,
        "bmd": bmd,
        "bone_stress_history": bsi_points(a.bsi_count, high_risk_site=a.bsi_high_risk_site),
    }
    override = (
        a.eating_disorder_type == "anorexia" and a.bmi_kg_m2 is not None and a.bmi_kg_m2 < 16 - _EPS
    ) or (
        a.eating_disorder_type == "bulimia"
        and a.purging_per_week is not None
        and a.purging_per_week > 4 + _EPS
    )
    return _result("triad_female", points, restricted_from=6, override=override, notes=notes)


def score_triad_male(a: TriadAnswers) -> Scored:
    """PROVISIONAL male model (not the published table): EA, BMI, BMD, prior BSI."""
    points = {
        "energy_availability": EA_POINTS.get(a.energy_availability or ""),
        "bmi": bmi_points(a),
        "bmd": bmd_points(a.bmd_z_score),
        "bone_stress_history": bsi_points(a.bsi_count, high_risk_site=a.bsi_high_risk_site),
    }
    notes = [
        "Provisional male model - not the published Male Athlete Triad table.",
        *_adolescent_notes(a),
    ]
    return _result("triad_male", points, restricted_from=4, override=False, notes=notes)


__all__ = [
    "ADULT_BMI_AGE",
    "TriadAnswers",
    "bmd_points",
    "bmi_points",
    "bsi_points",
    "menarche_points",
    "menses_points",
    "score_triad_female",
    "score_triad_male",
]
