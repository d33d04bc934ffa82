"""The intake questions as data: what is asked, in which order, and how answers are parsed.

Essentials come first and have no default (age, sex, where, side, how long, and the five
cauda-equina safety questions, which accept ``skip`` because unknown is not "no"); everything
else has a default so a blank line moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

from backstride.intake.document import Aggravating, BsiSite, Easing, Location

Answers = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Question:
    """One prompt: ``path`` into the document, answer ``kind`` and its limits."""

    path: str
    text: str
    kind: str  # int, float, bool, tri, choice, multi, text
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    default: str | None = None
    when: Callable[[Answers], bool] | None = None


def parse(question: Question, raw: str) -> Any:
    """Turn typed text into the answer; ``ValueError`` with a readable message when invalid."""
    text = raw.strip()
    if not text:
        if question.default is None:
            raise ValueError("an answer is needed")
        text = question.default
        if text == "":
            return None
    k = question.kind
    if k in {"int", "float"}:
        try:
            value: float = int(text) if k == "int" else float(text)
        except ValueError:
            raise ValueError(f"please type a {'whole ' if k == 'int' else ''}number") from None
        lo, hi = question.minimum, question.maximum
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ValueError(f"please give a number from {lo:g} to {hi:g}")
        return value
    if k == "bool":
        if text.lower() in {"y", "yes"}:
            return True
        if text.lower() in {"n", "no"}:
            return False
        raise ValueError("please answer y or n")
    if k == "tri":
        mapping = {"y": "yes", "yes": "yes", "n": "no", "no": "no", "skip": "unanswered"}
        if text.lower() not in mapping:
            raise ValueError("please answer y, n or skip")
        return mapping[text.lower()]
    if k == "choice":
        if text not in question.choices:
            raise ValueError(f"please choose one of: {', '.join(question.choices)}")
        return text
    if k == "multi":
        picked = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
        if picked == ["none"]:
            return []
        bad = [p for p in picked if p not in question.choices]
        if bad:
            raise ValueError(
                f"unknown: {', '.join(bad)}; choose from {', '.join(question.choices)}"
            )
        return picked
    return text


def _opts(lit: Any) -> tuple[str, ...]:
    return tuple(get_args(lit))


def _leg(a: Answers) -> bool:
    return bool(a.get("symptoms", {}).get("leg_pain_below_knee"))


def _night(a: Answers) -> bool:
    return bool(a.get("symptoms", {}).get("night_pain", "none") != "none")


ESSENTIALS: tuple[Question, ...] = (
    Question("about.age_years", "How old are you (years)?", "int", minimum=8, maximum=110),
    Question("about.sex", "Sex", "choice", ("female", "male", "other")),
    Question(
        "symptoms.locations", "Where is the pain (comma-separated)?", "multi", _opts(Location)
    ),
    Question(
        "symptoms.side",
        "Which side?",
        "choice",
        ("left", "right", "both", "central", "alternating"),
    ),
    Question(
        "symptoms.duration_weeks",
        "For how many weeks have you had it?",
        "float",
        minimum=0,
        maximum=5200,
    ),
    Question(
        "red_flags.cauda_equina.saddle_numbness",
        "New numbness or tingling around the back passage, genitals or inner thighs?",
        "tri",
    ),
    Question(
        "red_flags.cauda_equina.bladder_change",
        "New trouble starting or feeling urination, or leaking urine?",
        "tri",
    ),
    Question(
        "red_flags.cauda_equina.bowel_change",
        "New loss of bowel control or of feeling when you need to go?",
        "tri",
    ),
    Question(
        "red_flags.cauda_equina.sexual_dysfunction",
        "New sexual problems (feeling or function)?",
        "tri",
    ),
    Question(
        "red_flags.cauda_equina.bilateral_leg_symptoms",
        "Pain, numbness or weakness now in BOTH legs?",
        "tri",
    ),
)


def yes_no(path: str, text: str, when: Callable[[Answers], bool] | None = None) -> Question:
    return Question(path, text, "bool", default="n", when=when)


def opt_num(
    path: str, text: str, lo: float, hi: float, when: Callable[[Answers], bool] | None = None
) -> Question:
    return Question(path, text, "float", minimum=lo, maximum=hi, default="", when=when)


def _triad(a: Answers) -> dict[str, Any]:
    triad: dict[str, Any] = a.get("triad", {})
    return triad


def _female(a: Answers) -> bool:
    return bool(a.get("about", {}).get("sex") == "female")


def _eating_disorder(a: Answers) -> bool:
    return _triad(a).get("energy_availability") == "eating_disorder"


def _menses_countable(a: Answers) -> bool:
    return _female(a) and not _triad(a).get("menses_not_assessable")


TRIAD: tuple[Question, ...] = (
    Question(
        "triad.energy_availability",
        "Eating for training (none = eats enough; some_restriction = diets or skips meals; "
        "eating_disorder = diagnosed)",
        "choice",
        ("none", "some_restriction", "eating_disorder"),
        default="",
    ),
    Question(
        "triad.eating_disorder_type",
        "Which diagnosis",
        "choice",
        ("anorexia", "bulimia", "other"),
        default="",
        when=_eating_disorder,
    ),
    opt_num(
        "triad.purging_per_week",
        "Purging episodes a week (blank to skip)",
        0,
        100,
        when=lambda a: _triad(a).get("eating_disorder_type") == "bulimia",
    ),
    opt_num(
        "triad.weight_loss_pct_per_month",
        "Weight lost in the last month, as % of body weight (blank to skip)",
        0,
        100,
    ),
    opt_num(
        "triad.pct_expected_weight",
        "Weight as % of expected for height, if a clinician measured it (blank to skip)",
        21,
        299,
    ),
    opt_num("triad.menarche_age_years", "Age at first period (blank to skip)", 5, 30, when=_female),
    Question(
        "triad.menses_not_assessable",
        "Hormonal contraception or therapy that changes your periods (y/n)?",
        "bool",
        default="n",
        when=_female,
    ),
    Question(
        "triad.menses_last_12_months",
        "Periods in the last 12 months (blank to skip)",
        "int",
        minimum=0,
        maximum=30,
        default="",
        when=_menses_countable,
    ),
    Question(
        "triad.no_period_last_3_months",
        "No period at all in the last 3 months (y/n)?",
        "bool",
        default="n",
        when=_menses_countable,
    ),
    opt_num("triad.bmd_z_score", "Bone density Z-score (blank if unknown)", -10, 10),
)
"""The Triad questions (intake/triad.py: the female CRA, De Souza et al. 2014, with Koltun et
al. 2020's substitutions; the provisional male model uses the energy, weight and bone rows). BMI
comes from height and weight in the details; the period questions are asked of women only."""


DETAILS: tuple[Question, ...] = (
    opt_num("about.height_cm", "Height in cm (blank to skip)", 51, 249),
    opt_num("about.weight_kg", "Weight in kg (blank to skip)", 21, 299),
    yes_no("red_flags.foot_drop", "Does a foot slap or catch (cannot walk on your heels)?"),
    yes_no("red_flags.new_gait_disturbance", "New unsteadiness when walking?"),
    yes_no("red_flags.significant_trauma", "Did the pain start after a major fall or accident?"),
    yes_no(
        "red_flags.minor_trauma_or_strenuous_lift",
        "Did it start after a minor fall or a heavy lift?",
    ),
    yes_no(
        "red_flags.sudden_severe_central_pain_eased_lying",
        "Sudden severe central pain, eased lying down?",
    ),
    yes_no("red_flags.osteoporosis", "Have you been told you have osteoporosis?"),
    yes_no(
        "red_flags.oral_steroids_3_months", "Have you taken steroid tablets for 3 months or more?"
    ),
    yes_no("red_flags.history_of_cancer", "Have you ever had cancer?"),
    yes_no("red_flags.unexplained_weight_loss", "Are you losing weight without trying?"),
    yes_no("red_flags.generally_unwell", "Do you feel generally unwell?"),
    yes_no(
        "red_flags.no_improvement_after_4_weeks_care", "No improvement after 4+ weeks of treatment?"
    ),
    yes_no("red_flags.fever", "Fever, chills or sweats with the back pain?"),
    yes_no("red_flags.immunosuppression", "Is your immune system weakened (medicines or illness)?"),
    yes_no("red_flags.iv_drug_use", "Have you injected drugs?"),
    yes_no(
        "red_flags.recent_bacterial_infection", "A recent bacterial infection (e.g. urine, skin)?"
    ),
    yes_no("red_flags.penetrating_wound", "A recent wound that went deep?"),
    yes_no("red_flags.recent_spinal_procedure", "A recent spinal injection or operation?"),
    yes_no("red_flags.new_constant_pain", "Is the pain new and constant?"),
    Question(
        "symptoms.onset",
        "Did it start suddenly or gradually?",
        "choice",
        ("sudden", "gradual"),
        default="gradual",
    ),
    Question(
        "symptoms.onset_trigger",
        "What set it off?",
        "choice",
        ("none", "lifting", "minor_trauma", "significant_trauma", "mileage_increase", "other"),
        default="none",
    ),
    Question(
        "symptoms.first_episode", "Is this your first episode of back pain?", "bool", default="y"
    ),
    Question(
        "symptoms.pattern",
        "Is it constant, on and off, or only with activity?",
        "choice",
        ("constant", "intermittent", "only_with_activity"),
        default="intermittent",
    ),
    yes_no("symptoms.pain_below_l5", "Is the pain mostly below your belt line?"),
    yes_no(
        "symptoms.points_one_finger_near_psis",
        "Can you point to it with one finger, just beside the dimple at the back of the pelvis?",
    ),
    Question(
        "symptoms.night_pain",
        "Pain at night?",
        "choice",
        ("none", "wakes_me", "constant_unrelieved"),
        default="none",
    ),
    yes_no("symptoms.night_pain_eases_on_rising", "Does night pain ease when you get up?", _night),
    yes_no(
        "symptoms.wakes_second_half_of_night",
        "Does it wake you in the second half of the night?",
        _night,
    ),
    Question(
        "symptoms.morning_stiffness_min",
        "Morning stiffness, minutes",
        "float",
        minimum=0,
        maximum=1440,
        default="0",
    ),
    yes_no("symptoms.alternating_buttock_pain", "Does buttock pain switch sides?"),
    yes_no("symptoms.better_with_exercise", "Does exercise make it better?"),
    Question("symptoms.better_with_rest", "Does rest make it better?", "bool", default="y"),
    Question(
        "symptoms.aggravating",
        "What makes it worse (comma-separated, blank = none)?",
        "multi",
        _opts(Aggravating),
        default="none",
    ),
    Question(
        "symptoms.easing",
        "What eases it (comma-separated, blank = none)?",
        "multi",
        _opts(Easing),
        default="none",
    ),
    yes_no("symptoms.leg_pain_below_knee", "Does pain go down a leg below the knee?"),
    Question("symptoms.leg_side", "Which leg?", "choice", ("left", "right", "both"), when=_leg),
    yes_no(
        "symptoms.leg_pain_worse_than_back",
        "Is the leg pain as bad as or worse than the back?",
        _leg,
    ),
    yes_no("symptoms.leg_pain_dermatomal", "Does it run in a narrow band?", _leg),
    yes_no("symptoms.leg_tingling_numbness", "Pins and needles or numbness in the leg?"),
    Question(
        "symptoms.leg_weakness",
        "Leg weakness?",
        "choice",
        ("none", "stable", "worsening"),
        default="none",
    ),
    Question(
        "running.weekly_distance_km",
        "Usual weekly running distance, km",
        "float",
        minimum=0,
        maximum=1000,
        default="0",
    ),
    opt_num("running.years_running", "Years running (blank to skip)", 0, 90),
    opt_num("running.longest_run_km", "Longest recent run, km (blank to skip)", 0, 500),
    Question(
        "running.recent_change",
        "Recent change in training?",
        "choice",
        ("none", "increase", "decrease", "break"),
        default="none",
    ),
    opt_num(
        "running.load_increase_pct",
        "By how much % did weekly distance rise before the pain (blank to skip)?",
        0,
        1000,
    ),
    Question(
        "running.surfaces",
        "Surfaces (comma-separated, blank = none)",
        "multi",
        ("road", "trail", "track", "treadmill", "grass", "mixed"),
        default="none",
    ),
    yes_no("running.hilly_terrain", "Mostly hilly routes?"),
    opt_num("running.footwear_km", "Km on your current shoes (blank to skip)", 0, 10000),
    yes_no(
        "running.extension_rotation_sport",
        "Do you also do gymnastics, dance, fast bowling or similar?",
    ),
    Question(
        "running.previous_bsi",
        "Previous bone stress injuries: sites (blank = none)",
        "multi",
        _opts(BsiSite),
        default="none",
    ),
    yes_no(
        "bone_stress.weight_bearing_pain_builds", "Does pain build as you run and linger after?"
    ),
    yes_no("bone_stress.painful_single_leg_hop", "Does hopping on the painful side hurt?"),
    yes_no(
        "bone_stress.groin_or_front_hip_pain_weight_bearing",
        "Groin or front-of-hip pain when standing on the leg?",
    ),
    yes_no("bone_stress.limp", "Are you limping?"),
    yes_no(
        "bone_stress.low_calcium_or_vitamin_d",
        "Little dairy/calcium or vitamin D and no supplement?",
    ),
)


LASLETT_TESTS = ("distraction", "thigh_thrust", "compression", "sacral_thrust", "gaenslen_left",
                 "gaenslen_right")  # fmt: skip

CLINICIAN: tuple[Question, ...] = (
    *(
        Question(
            f"clinician.laslett.{t}",
            f"Laslett {t.replace('_', ' ')} reproduces the familiar pain? (y/n, blank = not done)",
            "bool",
            default="",
        )
        for t in LASLETT_TESTS
    ),
    yes_no(
        "clinician.straight_leg_raise_reproduces_leg_pain",
        "Straight-leg raise reproduces leg pain?",
    ),
    yes_no("clinician.reflex_change", "Reduced or absent reflex?"),
    yes_no("clinician.dermatomal_sensory_loss", "Dermatomal sensory loss?"),
    yes_no("clinician.myotomal_weakness", "Myotomal weakness?"),
    yes_no("clinician.focal_bony_tenderness", "Focal bony tenderness?"),
)


__all__ = [
    "CLINICIAN",
    "DETAILS",
    "ESSENTIALS",
    "TRIAD",
    "Answers",
    "Question",
    "opt_num",
    "parse",
    "yes_no",
]
