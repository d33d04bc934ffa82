"""Derived facts for triage: criteria counts (ASAS, bone-stress features, SI items) of a document.

Computing them once keeps every rule a short, readable predicate and lets the output show
the counts ("ASAS 3/5") as supporting context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from backstride.intake.document import TRABECULAR_SITES, IntakeDocument
from backstride.intake.scoring import ScoreValue
from backstride.intake.triad import ADULT_BMI_AGE

_EPS = 1e-9
IBP_MIN_WEEKS = 13.0
"""Back pain "> 3 months" for ASAS, taken as >= 13 weeks [default]."""
BSI_LOAD_RISE_PCT = 30.0
"""Mileage rise that counts for bone stress (clinical reference §2.2-2.3) [default]."""
YOUNG_HIGH_VOLUME_KM = 40.0
"""Weekly distance that makes "age < 20 with high volume" a risk factor [default]."""
LASLETT_LR_POSITIVE = 0.94 / (1 - 0.78)
"""Laslett 2005 (Man Ther 10:207-218), >= 3 of 6 positive: sensitivity 0.94, specificity 0.78
-> LR+ = 0.94 / 0.22 = 4.27 (clinical reference §3)."""
LASLETT_LR_NEGATIVE = (1 - 0.94) / 0.78
"""The same cluster negative: LR- = 0.06 / 0.78 = 0.077."""


def post_test_probability(pre_test: float, likelihood_ratio: float) -> float:
    """Bayes on odds: pre-test probability x likelihood ratio -> post-test probability (0-1).

    clinical reference §3 worked: 25 % with LR+ 4.27 -> 58.8 %; with LR- 0.077 -> 2.5 %.
    """
    odds = pre_test / (1 - pre_test) * likelihood_ratio
    return odds / (1 + odds)


NEW_PAIN_WEEKS = 12.0
"""Pain is "new" when it is the first episode or began under 12 weeks ago (clinical reference
§1.1 ``red_flag.malignancy`` [default]); ``red_flag.nonmechanical`` reads the same definition."""
EASED_BY_POSITION_OR_REST = frozenset(
    {"rest", "lying_down", "sitting", "changing_position", "movement", "walking", "stretching"}
)
"""Easing factors that are a position, rest or movement: pain eased by one of them is
mechanical, not "eased by no position or rest" (clinical reference §1.1)."""


def new_pain(doc: IntakeDocument) -> bool:
    """First episode, or onset under 12 weeks ago (clinical reference §1.1 [default])."""
    s = doc.symptoms
    return s.first_episode or s.duration_weeks < NEW_PAIN_WEEKS - _EPS


def constant_pain(doc: IntakeDocument) -> bool:
    """The pain is reported as constant, in any of the ways the form asks it.

    The infection rule's "new constant pain" (clinical reference §1.1 ``red_flag.infection``;
    NICE CKS; Finucane et al. 2020, JOSPT 50:350-372): the direct question, a constant
    pattern, or constant pain that no position eases (by day or at night).
    """
    s, r = doc.symptoms, doc.red_flags
    return (
        r.new_constant_pain
        or s.pattern == "constant"
        or s.constant_no_position_eases
        or s.night_pain == "constant_unrelieved"
    )


def nonmechanical_pain(doc: IntakeDocument) -> bool:
    """Constant pain that no position or rest eases, night included (non-mechanical pain).

    clinical reference §1.1 ``red_flag.nonmechanical`` and the malignancy item "new pain that
    is constant (does not vary with position or activity)"; Finucane et al. 2020 (JOSPT
    50:350-372, IFOMPT framework: constant, progressive, non-mechanical pain); NICE CKS (night
    pain). Said plainly (``constant_no_position_eases``), as constant night pain no position
    eases (``night_pain: constant_unrelieved``, case T3), or read from the answers: constant
    pain that is better neither with rest nor with exercise and that no position, rest or
    movement eases.
    """
    s, r = doc.symptoms, doc.red_flags
    if s.constant_no_position_eases or s.night_pain == "constant_unrelieved":
        return True
    constant = s.pattern == "constant" or r.new_constant_pain
    return (
        constant
        and not s.better_with_rest
        and not s.better_with_exercise
        and not EASED_BY_POSITION_OR_REST & set(s.easing)
    )


GROIN_LOCATIONS = frozenset({"groin", "hip_front"})
"""Where femoral-neck stress pain is felt: groin or front of the hip (clinical reference §2.1)."""
BELOW_KNEE_LOCATIONS = frozenset({"leg_below_knee", "foot"})
"""Pain locations that are "leg pain below the knee" (clinical reference §1.1, §1.5)."""


def leg_pain_below_knee(doc: IntakeDocument) -> bool:
    """Leg pain below the knee: asked directly, or a marked location below the knee.

    Either answer counts, so a runner who marks the shin or foot on the body map is read the
    same as one who ticks the question (clinical reference §1.5; monotonic safety, section 0).
    """
    s = doc.symptoms
    return s.leg_pain_below_knee or bool(BELOW_KNEE_LOCATIONS & set(s.locations))


def painful_hop(doc: IntakeDocument) -> bool:
    """Single-leg hop hurts: the bone-stress question, or "hopping" among aggravating factors."""
    return doc.bone_stress.painful_single_leg_hop or "hopping" in doc.symptoms.aggravating


def groin_pain_weight_bearing(doc: IntakeDocument) -> bool:
    """Groin/front-of-hip pain on weight bearing (clinical reference §1.1
    ``bone_stress_high_risk``).

    The direct question, or weight-bearing pain that builds with a groin or front-of-hip
    location marked: the same presentation, whichever way the runner answered it.
    """
    b = doc.bone_stress
    return b.groin_or_front_hip_pain_weight_bearing or (
        b.weight_bearing_pain_builds and bool(GROIN_LOCATIONS & set(doc.symptoms.locations))
    )


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules read besides the document itself."""

    doc: IntakeDocument
    scores: Mapping[str, ScoreValue]
    ces_yes: tuple[str, ...]
    ces_unanswered: tuple[str, ...]
    asas: tuple[str, ...]
    asas_duration_met: bool
    berlin: tuple[str, ...]
    bsi_features: tuple[str, ...]
    bsi_risk_factors: tuple[str, ...]
    si_items: tuple[str, ...]
    laslett_four: int
    laslett_five: int
    new_pain: bool = False
    nonmechanical: bool = False

    @property
    def laslett_positive(self) -> bool:
        """Laslett 2005: >= 2 of the 4 non-Gaenslen tests or >= 3 of the 5-test set."""
        return self.laslett_four >= 2 or self.laslett_five >= 3

    @property
    def laslett_all_negative(self) -> bool:
        """All six provocation tests done and negative: SI-joint pain unlikely (Laslett 2005)."""
        las = self.doc.clinician.laslett if self.doc.clinician else None
        return las is not None and all(v is False for v in las.model_dump().values())

    @property
    def triad_clearance(self) -> str | None:
        """The Triad clearance from the known items (``None`` when not scored)."""
        value = self.scores.get("triad.clearance")
        return value if isinstance(value, str) else None


def _asas(doc: IntakeDocument) -> tuple[str, ...]:
    """ASAS 2009 inflammatory back pain items met (Sieper et al. 2009, Ann Rheum Dis 68:784)."""
    s = doc.symptoms
    onset_age = s.age_at_onset_years
    if onset_age is None:
        onset_age = doc.about.age_years - s.duration_weeks / 52.18
    met = {
        "onset_before_40": onset_age < 40,
        "insidious_onset": s.onset == "gradual",
        "better_with_exercise": s.better_with_exercise,
        "not_better_with_rest": not s.better_with_rest,
        "night_pain_eases_on_rising": s.night_pain != "none" and s.night_pain_eases_on_rising,
    }
    return tuple(k for k, v in met.items() if v)


def _berlin(doc: IntakeDocument) -> tuple[str, ...]:
    """Berlin criteria items (Rudwaleit 2006), reported as context."""
    s = doc.symptoms
    met = {
        "morning_stiffness_over_30_min": s.morning_stiffness_min > 30,
        "better_with_exercise_not_rest": s.better_with_exercise and not s.better_with_rest,
        "wakes_second_half_of_night": s.wakes_second_half_of_night,
        "alternating_buttock_pain": s.alternating_buttock_pain,
    }
    return tuple(k for k, v in met.items() if v)


def _load_rise(doc: IntakeDocument) -> float:
    return doc.running.load_increase_pct or 0.0


def training_increase(doc: IntakeDocument) -> bool:
    """A recent rise in training: a rise in %, "more running" lately, or running more as the
    trigger of the pain (clinical reference §2.3 feature (d); §5.2)."""
    return (
        _load_rise(doc) > _EPS
        or doc.running.recent_change == "increase"
        or doc.symptoms.onset_trigger == "mileage_increase"
    )


def _bsi_features(doc: IntakeDocument) -> tuple[str, ...]:
    """Bone-stress symptom features (a)-(e) of clinical reference §2.3 [default heuristic]."""
    b, s = doc.bone_stress, doc.symptoms
    rise = _load_rise(doc)
    met = {
        "weight_bearing_pain": b.weight_bearing_pain_builds
        or b.groin_or_front_hip_pain_weight_bearing,
        "painful_hop": painful_hop(doc),
        "focal_bony_tenderness": bool(doc.clinician and doc.clinician.focal_bony_tenderness),
        "night_pain_after_increase": s.night_pain != "none" and training_increase(doc),
        "onset_after_mileage_rise": rise > BSI_LOAD_RISE_PCT + _EPS,
    }
    return tuple(k for k, v in met.items() if v)


def _bsi_risks(doc: IntakeDocument, features: tuple[str, ...]) -> tuple[str, ...]:
    """Risk factors of clinical reference §2.2 (Warden 2014; De Souza 2014; Kraus 2019)."""
    t = doc.triad
    bmi = (t.bmi_kg_m2 if t and t.bmi_kg_m2 is not None else None) or doc.about.bmi_kg_m2
    met = {
        "previous_bsi": bool(doc.running.previous_bsi),
        "low_energy_availability": bool(
            t and t.energy_availability in {"some_restriction", "eating_disorder"}
        ),
        # "9 or fewer periods in 12 months, or none for 3 months" (clinical reference §2.2); not
        # read under hormonal contraception, which sets the bleeding (Koltun et al. 2020)
        "menstrual_dysfunction": bool(
            t
            and not t.menses_not_assessable
            and (
                (t.menses_last_12_months is not None and t.menses_last_12_months <= 9)
                or t.no_period_last_3_months is True
            )
        ),
        # "BMI < 18.5 kg/m2 (adults)" (clinical reference §2.2)
        "low_bmi": bmi is not None and bmi < 18.5 - _EPS and doc.about.age_years >= ADULT_BMI_AGE,
        "low_bmd": bool(t and t.bmd_z_score is not None and t.bmd_z_score < -1.0 - _EPS),
        "late_menarche": bool(
            t and t.menarche_age_years is not None and t.menarche_age_years >= 15 - _EPS
        ),
        # counted only when not already a symptom feature (no double counting) [default]
        "training_rise": _load_rise(doc) > BSI_LOAD_RISE_PCT + _EPS
        and "onset_after_mileage_rise" not in features,
        "low_calcium_or_vitamin_d": doc.bone_stress.low_calcium_or_vitamin_d,
        "young_high_volume": doc.about.age_years < 20
        and doc.running.weekly_distance_km >= YOUNG_HIGH_VOLUME_KM,
    }
    return tuple(k for k, v in met.items() if v)


def _si_items(doc: IntakeDocument) -> tuple[str, ...]:
    """Runner-side SI items (Laslett 2005 context; Fortin finger sign, unverified)."""
    s = doc.symptoms
    met = {
        "below_L5": s.pain_below_l5,
        "one_side": s.side in {"left", "right"},
        "posterior_pelvis_or_buttock": bool({"buttock", "si_region"} & set(s.locations)),
        "points_near_PSIS": s.points_one_finger_near_psis,
    }
    return tuple(k for k, v in met.items() if v)


def derive_facts(doc: IntakeDocument, scores: Mapping[str, ScoreValue]) -> Facts:
    """Compute every derived count the rules read."""
    ces = doc.red_flags.cauda_equina.model_dump()
    las = doc.clinician.laslett if doc.clinician else None
    four = (
        sum(
            bool(v) for v in (las.distraction, las.thigh_thrust, las.compression, las.sacral_thrust)
        )
        if las
        else 0
    )
    five = four + int(bool(las and (las.gaenslen_left or las.gaenslen_right)))
    features = _bsi_features(doc)
    return Facts(
        doc=doc,
        scores=scores,
        ces_yes=tuple(k for k, v in ces.items() if v == "yes"),
        ces_unanswered=tuple(k for k, v in ces.items() if v == "unanswered"),
        asas=_asas(doc),
        asas_duration_met=doc.symptoms.duration_weeks >= IBP_MIN_WEEKS - _EPS,
        berlin=_berlin(doc),
        bsi_features=features,
        bsi_risk_factors=_bsi_risks(doc, features),
        si_items=_si_items(doc),
        laslett_four=four,
        laslett_five=five,
        new_pain=new_pain(doc),
        nonmechanical=nonmechanical_pain(doc),
    )


def has_trabecular_bsi(doc: IntakeDocument) -> bool:
    """True when a previous BSI was at a trabecular site (femoral neck, sacrum, pelvis)."""
    return any(b.site in TRABECULAR_SITES for b in doc.running.previous_bsi)


__all__ = [
    "EASED_BY_POSITION_OR_REST",
    "NEW_PAIN_WEEKS",
    "Facts",
    "constant_pain",
    "derive_facts",
    "groin_pain_weight_bearing",
    "has_trabecular_bsi",
    "leg_pain_below_knee",
    "new_pain",
    "nonmechanical_pain",
    "painful_hop",
    "post_test_probability",
    "training_increase",
]
