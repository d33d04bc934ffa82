"""The intake document: what a runner (and optionally a clinician) answers, as pydantic models.

Schema version 2 (2026-12-05) adds what a clinician would write and version 1 could not say:
mid-back and front-of-pelvis locations, numbness or weakness without pain, a duration in days,
night sweats, "the pain is there all the time and no position eases it" and a previous bone
stress injury at an unknown site. Every version-1 document is a valid version-2 document with
the same meaning (new fields default to "not reported"), so both are accepted.

Sections: ``about``, ``symptoms``, ``running``, ``red_flags`` (cauda-equina items tri-state:
``yes``/``no``/``unanswered``, because unknown is not "no"), ``bone_stress``, optional
``clinician`` findings and the questionnaires (``nprs``, ``odi``, ``rmdq``, ``startback``,
``psfs``, ``triad``). Item keys and ranges of the questionnaires are checked against the
instrument data by :mod:`backstride.intake.validation`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = "2"
SCHEMA_VERSIONS: tuple[str, ...] = ("1", "2")

Tri = Literal["yes", "no", "unanswered"]
Side = Literal["left", "right", "both", "central", "alternating"]
Location = Literal[
    "low_back", "buttock", "si_region", "groin", "hip_front", "thigh", "leg_below_knee", "foot",
    "thoracic", "pelvis_pubic",
]  # fmt: skip
"""Where the pain is; ``thoracic``: mid-back, ``pelvis_pubic``: front of the pelvis, pubic
bone (schema 2)."""
Aggravating = Literal[
    "running", "uphill", "downhill", "extension", "flexion", "rotation", "sitting",
    "standing", "walking", "single_leg_stance", "stairs", "rolling_in_bed", "lifting",
    "coughing_sneezing", "hopping", "long_runs", "speed_work",
]  # fmt: skip
Easing = Literal[
    "rest", "movement", "lying_down", "heat", "walking", "sitting", "changing_position",
    "stretching", "painkillers",
]  # fmt: skip
BsiSite = Literal[
    "sacrum", "pelvis", "femoral_neck", "pars", "tibia", "fibula", "metatarsal",
    "navicular", "femoral_shaft", "other", "unknown",
]  # fmt: skip
"""Where an earlier bone stress injury was; ``unknown``: there was one, the site is not known
(it counts as a previous BSI, clinical reference §2.2, but not as a trabecular site, §2.4)."""
TRABECULAR_SITES = frozenset({"sacrum", "pelvis", "femoral_neck"})

Count = Field(default=None, ge=0)

Num = Annotated[float, Strict(), AllowInfNan(False)]
"""A finite number: an int or a float, never a string, a boolean, NaN or infinity ("3" or
``true`` for a duration is a validation error with its path, not a silent conversion)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class About(_Model):
    """Who answers: age and sex are required (several rules read them)."""

    age_years: StrictInt = Field(ge=8, le=110)
    sex: Literal["female", "male", "other"]
    height_cm: Num | None = Field(default=None, gt=50, lt=250)
    weight_kg: Num | None = Field(default=None, gt=20, lt=300)

    @property
    def bmi_kg_m2(self) -> float | None:
        """Body mass index from height and weight, when both are given."""
        if self.height_cm is None or self.weight_kg is None:
            return None
        return self.weight_kg / (self.height_cm / 100) ** 2


DAYS_PER_WEEK = 7


def _duration_from_days(value: Any) -> Any:
    """``duration_days`` given alone fills ``duration_weeks`` (days / 7), so every reader has
    weeks; both given must agree (to 1e-9, clinical reference §0)."""
    if not isinstance(value, dict):
        return value
    days, weeks = value.get("duration_days"), value.get("duration_weeks")
    if not isinstance(days, int | float) or isinstance(days, bool) or days != days:
        return value  # not a number (or NaN): the field's own validation reports it
    if weeks is None:
        return {**value, "duration_weeks": days / DAYS_PER_WEEK}
    if (
        isinstance(weeks, int | float)
        and not isinstance(weeks, bool)
        and abs(weeks - days / DAYS_PER_WEEK) > 1e-9
    ):
        raise ValueError(
            f"duration_days {days:g} and duration_weeks {weeks:g} disagree; give one of them"
        )
    return value


def _one_of_the_durations(schema: dict[str, Any]) -> None:
    """JSON Schema: ``duration_weeks`` or ``duration_days`` is required, not both."""
    schema["required"] = [r for r in schema.get("required", []) if r != "duration_weeks"]
    schema["anyOf"] = [{"required": ["duration_weeks"]}, {"required": ["duration_days"]}]


class Symptoms(_Model):
    """Where, since when, how, and what makes the pain worse or better.

    ``locations`` may be empty only for numbness or weakness without pain (checked with the
    other answers by :func:`backstride.intake.validation.cross_field_problems`). The duration
    is given in weeks or in days (``duration_weeks`` is filled from days).
    """

    model_config = ConfigDict(json_schema_extra=_one_of_the_durations)

    locations: list[Location]
    side: Side
    duration_weeks: Num = Field(ge=0, le=5200)
    duration_days: Num | None = Field(default=None, ge=0, le=5200 * DAYS_PER_WEEK)

    @model_validator(mode="before")
    @classmethod
    def _weeks_from_days(cls, value: Any) -> Any:
        return _duration_from_days(value)

    onset: Literal["sudden", "gradual"] = "gradual"
    onset_trigger: Literal[
        "none", "lifting", "minor_trauma", "significant_trauma", "mileage_increase", "other"
    ] = "none"
    first_episode: StrictBool = True
    age_at_onset_years: Num | None = Field(default=None, ge=0, le=110)
    pattern: Literal["constant", "intermittent", "only_with_activity"] = "intermittent"
    constant_no_position_eases: StrictBool = False
    """The pain is there all the time and no position or rest eases it, night included
    (clinical reference §1.1 ``red_flag.nonmechanical``; 2026-12-05 appendix, item 3)."""
    pain_below_l5: StrictBool = False
    points_one_finger_near_psis: StrictBool = False
    night_pain: Literal["none", "wakes_me", "constant_unrelieved"] = "none"
    night_pain_eases_on_rising: StrictBool = False
    wakes_second_half_of_night: StrictBool = False
    morning_stiffness_min: Num = Field(default=0, ge=0, le=1440)
    alternating_buttock_pain: StrictBool = False
    better_with_exercise: StrictBool = False
    better_with_rest: StrictBool = True
    aggravating: list[Aggravating] = Field(default_factory=list)
    easing: list[Easing] = Field(default_factory=list)
    leg_pain_below_knee: StrictBool = False
    leg_side: Literal["left", "right", "both"] | None = None
    leg_pain_worse_than_back: StrictBool = False
    leg_pain_dermatomal: StrictBool = False
    leg_tingling_numbness: StrictBool = False
    leg_weakness: Literal["none", "stable", "worsening"] = "none"


class PreviousBsi(_Model):
    """One earlier bone stress injury."""

    site: BsiSite
    year: StrictInt | None = Field(default=None, ge=1900, le=2200)


class Running(_Model):
    """Running and injury history."""

    weekly_distance_km: Num = Field(default=0, ge=0, le=1000)
    years_running: Num | None = Field(default=None, ge=0, le=90)
    longest_run_km: Num | None = Field(default=None, ge=0, le=500)
    runs_per_week: StrictInt | None = Field(
        default=None, ge=0, le=21, description="Runs in a usual recent week."
    )
    recent_change: Literal["none", "increase", "decrease", "break"] = "none"
    load_increase_pct: Num | None = Field(
        default=None,
        ge=0,
        le=1000,
        description="Rise in weekly distance in the 12 weeks before the pain began, percent.",
    )
    surfaces: list[Literal["road", "trail", "track", "treadmill", "grass", "mixed"]] = Field(
        default_factory=list
    )
    hilly_terrain: StrictBool = False
    footwear_km: Num | None = Field(default=None, ge=0, le=10000)
    footwear_months: Num | None = Field(default=None, ge=0, le=240)
    extension_rotation_sport: StrictBool = False
    previous_bsi: list[PreviousBsi] = Field(default_factory=list)


class CaudaEquina(_Model):
    """Cauda-equina screen, new or worsening; each ``yes``/``no``/``unanswered``."""

    saddle_numbness: Tri = "unanswered"
    bladder_change: Tri = "unanswered"
    bowel_change: Tri = "unanswered"
    sexual_dysfunction: Tri = "unanswered"
    bilateral_leg_symptoms: Tri = "unanswered"

    @field_validator("*", mode="before")
    @classmethod
    def _bool_or_null(cls, value: Any) -> Any:
        if value is None:
            return "unanswered"
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


class RedFlags(_Model):
    """Every red-flag question (NICE NG59; Finucane et al. 2020)."""

    cauda_equina: CaudaEquina = Field(default_factory=CaudaEquina)
    foot_drop: StrictBool = False
    new_gait_disturbance: StrictBool = False
    significant_trauma: StrictBool = False
    minor_trauma_or_strenuous_lift: StrictBool = False
    sudden_severe_central_pain_eased_lying: StrictBool = False
    osteoporosis: StrictBool = False
    oral_steroids_3_months: StrictBool = False
    history_of_cancer: StrictBool = False
    unexplained_weight_loss: StrictBool = False
    no_improvement_after_4_weeks_care: StrictBool = False
    generally_unwell: StrictBool = False
    fever: StrictBool = False
    night_sweats: StrictBool = False
    """Drenching sweats at night, asked on their own (clinical reference §1.1
    ``red_flag.infection``: fever, chills, rigors or night sweats with back pain)."""
    iv_drug_use: StrictBool = False
    immunosuppression: StrictBool = False
    recent_bacterial_infection: StrictBool = False
    penetrating_wound: StrictBool = False
    recent_spinal_procedure: StrictBool = False
    new_constant_pain: StrictBool = False


class BoneStress(_Model):
    """Bone-stress features the runner can report (clinical reference §2.3)."""

    weight_bearing_pain_builds: StrictBool = False
    painful_single_leg_hop: StrictBool = False
    groin_or_front_hip_pain_weight_bearing: StrictBool = False
    limp: StrictBool = False
    low_calcium_or_vitamin_d: StrictBool = False


class Laslett(_Model):
    """Laslett's SI-joint provocation tests, each positive if it reproduces the familiar pain."""

    distraction: StrictBool | None = None
    thigh_thrust: StrictBool | None = None
    compression: StrictBool | None = None
    sacral_thrust: StrictBool | None = None
    gaenslen_left: StrictBool | None = None
    gaenslen_right: StrictBool | None = None


class ClinicianFindings(_Model):
    """Optional examination findings entered by a clinician."""

    laslett: Laslett = Field(default_factory=Laslett)
    straight_leg_raise_reproduces_leg_pain: StrictBool = False
    reflex_change: StrictBool = False
    dermatomal_sensory_loss: StrictBool = False
    myotomal_weakness: StrictBool = False
    focal_bony_tenderness: StrictBool = False


class ItemAnswers(_Model):
    """Answers of one questionnaire keyed by item key (checked against the instrument data)."""

    items: dict[str, Any] = Field(default_factory=dict)

    @field_validator("items", mode="before")
    @classmethod
    def _integer_keys_as_text(cls, value: Any) -> Any:
        """Item keys are text ("1"); a YAML file's bare ``1:`` key means the same item."""
        if isinstance(value, dict):
            return {
                str(k) if isinstance(k, int) and not isinstance(k, bool) else k: v
                for k, v in value.items()
            }
        return value


class PsfsActivity(_Model):
    """One activity the runner finds hard, rated 0 (unable) to 10 (as before)."""

    name: str = Field(min_length=1, max_length=120)
    score: StrictInt | None = Field(default=None, ge=0, le=10)


class Psfs(_Model):
    """Patient-Specific Functional Scale: 1-5 activities."""

    activities: list[PsfsActivity] = Field(min_length=1, max_length=5)


class Triad(_Model):
    """Athlete Triad inputs (energy, weight, periods, bone density); unknown = ``null``."""

    energy_availability: Literal["none", "some_restriction", "eating_disorder"] | None = None
    eating_disorder_type: Literal["anorexia", "bulimia", "other"] | None = None
    purging_per_week: Num | None = Field(default=None, ge=0, le=100)
    bmi_kg_m2: Num | None = Field(default=None, gt=8, lt=80)
    pct_expected_weight: Num | None = Field(default=None, gt=20, lt=300)
    weight_loss_pct_per_month: Num | None = Field(default=None, ge=0, le=100)
    menarche_age_years: Num | None = Field(default=None, ge=5, le=30)
    menses_last_12_months: StrictInt | None = Field(default=None, ge=0, le=30)
    no_period_last_3_months: StrictBool | None = None
    """None for 3 months (clinical reference §2.2: menstrual dysfunction, a BSI risk factor)."""
    menses_not_assessable: StrictBool = False
    bmd_z_score: Num | None = Field(default=None, ge=-10, le=10)


class IntakeDocument(_Model):
    """One complete intake (schema version 2; version 1 documents are accepted unchanged)."""

    schema_version: Literal["1", "2"] = "2"
    about: About
    symptoms: Symptoms
    running: Running = Field(default_factory=Running)
    red_flags: RedFlags = Field(default_factory=RedFlags)
    bone_stress: BoneStress = Field(default_factory=BoneStress)
    clinician: ClinicianFindings | None = None
    nprs: ItemAnswers | None = None
    odi: ItemAnswers | None = None
    rmdq: ItemAnswers | None = None
    startback: ItemAnswers | None = None
    psfs: Psfs | None = None
    triad: Triad | None = None


QUESTIONNAIRE_FIELDS: tuple[str, ...] = ("nprs", "odi", "rmdq", "startback", "psfs", "triad")

__all__ = [
    "QUESTIONNAIRE_FIELDS",
    "SCHEMA_VERSION",
    "SCHEMA_VERSIONS",
    "TRABECULAR_SITES",
    "About",
    "BoneStress",
    "CaudaEquina",
    "ClinicianFindings",
    "IntakeDocument",
    "ItemAnswers",
    "Laslett",
    "PreviousBsi",
    "Psfs",
    "PsfsActivity",
    "RedFlags",
    "Running",
    "Symptoms",
    "Triad",
]
