"""The intake questions: every section of the form, in order, with plain-words choices.

:func:`intake_sections` builds the whole form; the questionnaire sections come from the
instrument data (a clinic's licensed wording when configured), everything else is defined
here. The model (:class:`~backstride.intake.form.Question`, ``Section``, ``parse``,
``validate_page``, ``Draft``) lives in :mod:`backstride.intake.form`; this module re-exports
it, so ``from backstride.intake.questions import intake_sections, parse`` is all a form needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backstride.intake.catalog import InstrumentDef, shipped_instruments
from backstride.intake.document import SCHEMA_VERSION
from backstride.intake.form import (
    AllOf,
    AnswerError,
    Answers,
    AnyOf,
    Blank,
    Choice,
    Condition,
    Draft,
    Kind,
    PageResult,
    Problem,
    Question,
    Section,
    applies,
    current_answer,
    draft_from_dict,
    form_to_dict,
    get_answer,
    given,
    has_any,
    is_,
    is_not,
    parse,
    set_answer,
    validate_page,
)


def choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    """Choices from ``(value, label)`` pairs."""
    return tuple(Choice(v, label) for v, label in pairs)


def yes_no(path: str, text: str, when: Condition | None = None, help: str = "") -> Question:
    """A yes/no question where a blank means "no"."""
    return Question(path, text, Kind.BOOL, blank=Blank.DEFAULT, default=False, when=when,
                    help=help)  # fmt: skip


def opt_num(path: str, text: str, lo: float, hi: float, when: Condition | None = None) -> Question:
    """A number the runner may not know (blank leaves it out)."""
    return Question(path, text, Kind.FLOAT, minimum=lo, maximum=hi, blank=Blank.UNKNOWN,
                    when=when)  # fmt: skip


def ces(path: str, text: str) -> Question:
    """A cauda-equina safety question: yes, no or an explicit skip (clinical reference §1.1).

    Unknown is not "no" (clinical reference §0): a skip is stored as ``unanswered`` and fires
    ``screen.incomplete``; a blank line is never taken as an answer.
    """
    return Question(f"red_flags.cauda_equina.{path}", text, Kind.TRI, safety=True,
                    choices=choices(("yes", "yes"), ("no", "no"),
                                    ("unanswered", "not sure - skip for now")))  # fmt: skip


LOCATIONS = choices(
    ("low_back", "low back"),
    ("thoracic", "mid-back (between the shoulder blades and the waist)"),
    ("buttock", "buttock"),
    ("si_region", "back of the pelvis, beside the dimple"),
    ("pelvis_pubic", "front of the pelvis or the pubic bone"),
    ("groin", "groin"),
    ("hip_front", "front of the hip"),
    ("thigh", "thigh"),
    ("leg_below_knee", "leg below the knee"),
    ("foot", "foot"),
)
SIDES = choices(
    ("left", "left"),
    ("right", "right"),
    ("both", "both sides"),
    ("central", "in the middle"),
    ("alternating", "switches from side to side"),
)
AGGRAVATING = choices(
    ("running", "running"),
    ("uphill", "running uphill"),
    ("downhill", "running downhill"),
    ("extension", "bending backwards"),
    ("flexion", "bending forwards"),
    ("rotation", "twisting"),
    ("sitting", "sitting"),
    ("standing", "standing"),
    ("walking", "walking"),
    ("single_leg_stance", "standing on one leg"),
    ("stairs", "stairs"),
    ("rolling_in_bed", "turning over in bed"),
    ("lifting", "lifting"),
    ("coughing_sneezing", "coughing or sneezing"),
    ("hopping", "hopping"),
    ("long_runs", "long runs"),
    ("speed_work", "fast running or intervals"),
)
EASING = choices(
    ("rest", "rest"),
    ("movement", "moving about"),
    ("lying_down", "lying down"),
    ("heat", "heat"),
    ("walking", "walking"),
    ("sitting", "sitting"),
    ("changing_position", "changing position"),
    ("stretching", "stretching"),
    ("painkillers", "painkillers"),
)
BSI_SITES = choices(
    ("sacrum", "sacrum (base of the spine)"),
    ("pelvis", "pelvis"),
    ("femoral_neck", "top of the thigh bone (femoral neck)"),
    ("pars", "lower spine (pars, spondylolysis)"),
    ("tibia", "shin bone (tibia)"),
    ("fibula", "outer shin bone (fibula)"),
    ("metatarsal", "long bones of the foot (metatarsal)"),
    ("navicular", "midfoot (navicular)"),
    ("femoral_shaft", "thigh bone shaft"),
    ("other", "somewhere else"),
    ("unknown", "I had one but do not know where"),
)
SURFACES = choices(
    ("road", "road"),
    ("trail", "trail"),
    ("track", "track"),
    ("treadmill", "treadmill"),
    ("grass", "grass"),
    ("mixed", "a mix"),
)

LEG_PAIN = AnyOf(
    (
        is_("symptoms.leg_pain_below_knee", True),
        has_any("symptoms.locations", "leg_below_knee", "foot"),
    )
)
"""Leg pain below the knee, asked or marked as a location (facts.leg_pain_below_knee)."""
LEG_SYMPTOMS = AnyOf(
    (
        LEG_PAIN,
        is_("symptoms.leg_tingling_numbness", True),
        is_("symptoms.leg_weakness", "stable", "worsening"),
    )
)
"""Any nerve-type leg symptom, with or without pain (rules._leg_symptoms)."""
NIGHT_PAIN = is_("symptoms.night_pain", "wakes_me", "constant_unrelieved")
FEMALE = is_("about.sex", "female")
MENSES_COUNTABLE = AllOf((FEMALE, is_not("triad.menses_not_assessable", True)))


def _pain_or_nerve_symptoms(answers: Mapping[str, Any]) -> list[Problem]:
    """No pain location is only right for numbness or weakness without pain."""
    if get_answer(answers, "symptoms.locations") != []:
        return []
    if get_answer(answers, "symptoms.leg_tingling_numbness") or get_answer(
        answers, "symptoms.leg_weakness"
    ) in ("stable", "worsening"):
        return []
    return [
        Problem(
            "symptoms.leg_tingling_numbness",
            "you said there is no pain: say which numbness or weakness brings you here",
            "too_short",
        )
    ]


ABOUT = Section(
    "about",
    "About you",
    (
        Question("about.age_years", "How old are you (years)?", Kind.INT, minimum=8,
                 maximum=110),
        Question("about.sex", "Sex", Kind.CHOICE,
                 choices(("female", "female"), ("male", "male"), ("other", "other")),
                 help="Some questions on periods and bone health depend on it."),
        opt_num("about.height_cm", "Height in cm", 51, 249),
        opt_num("about.weight_kg", "Weight in kg", 21, 299),
    ),
)  # fmt: skip

WHERE = Section(
    "where",
    "Where it hurts and since when",
    (
        Question("symptoms.locations", "Where is the pain?", Kind.MULTI,
                 LOCATIONS,
                 help="Type none if there is no pain, only numbness or weakness."),
        Question("symptoms.side", "Which side?", Kind.CHOICE, SIDES),
        Question("symptoms.duration", "Since when (e.g. 10 days or 3 weeks)?", Kind.DURATION,
                 maximum=5200, help="A number alone is weeks."),
        Question("symptoms.first_episode", "Is this your first episode of back pain?",
                 Kind.BOOL, blank=Blank.DEFAULT, default=True),
        opt_num("symptoms.age_at_onset_years",
                "How old were you when back pain first started?", 0, 110,
                when=is_("symptoms.first_episode", False)),
    ),
)  # fmt: skip

NERVES = Section(
    "nerves",
    "Safety questions: nerves, bladder and bowel",
    (
        ces("saddle_numbness",
            "New numbness or tingling around the back passage, genitals or inner thighs?"),
        ces("bladder_change", "New trouble starting or feeling urination, or leaking urine?"),
        ces("bowel_change", "New loss of bowel control or of feeling when you need to go?"),
        ces("sexual_dysfunction", "New sexual problems (feeling or function)?"),
        ces("bilateral_leg_symptoms", "Pain, numbness or weakness now in BOTH legs?"),
        yes_no("symptoms.leg_pain_below_knee", "Does pain go down a leg below the knee?"),
        yes_no("symptoms.leg_tingling_numbness",
               "Pins and needles or numbness in a leg (with or without pain)?"),
        Question("symptoms.leg_weakness", "Weakness in a leg (with or without pain)?",
                 Kind.CHOICE,
                 choices(("none", "no weakness"), ("stable", "weak, but not getting worse"),
                         ("worsening", "getting weaker")),
                 blank=Blank.DEFAULT, default="none"),
        Question("symptoms.leg_side", "Which leg?", Kind.CHOICE,
                 choices(("left", "left"), ("right", "right"), ("both", "both legs")),
                 when=LEG_SYMPTOMS),
        yes_no("symptoms.leg_pain_worse_than_back",
               "Is the leg pain as bad as or worse than the back pain?", LEG_PAIN),
        yes_no("symptoms.leg_pain_dermatomal",
               "Does the leg pain run in a narrow band down the leg?", LEG_PAIN),
        yes_no("red_flags.foot_drop",
               "Does a foot slap or catch (you cannot walk on your heels)?"),
        yes_no("red_flags.new_gait_disturbance", "New unsteadiness when walking?"),
    ),
    intro="If you answer yes to any of the first five, go to an emergency department now.",
    checks=(_pain_or_nerve_symptoms,),
)  # fmt: skip

SERIOUS = Section(
    "serious",
    "Safety questions: falls, illness and constant pain",
    (
        yes_no("red_flags.significant_trauma",
               "Did the pain start after a major fall or accident?"),
        yes_no("red_flags.minor_trauma_or_strenuous_lift",
               "Did it start after a minor fall or a heavy lift?"),
        yes_no("red_flags.sudden_severe_central_pain_eased_lying",
               "Sudden severe pain in the middle of the back, eased by lying down?"),
        yes_no("red_flags.osteoporosis", "Have you been told you have osteoporosis?"),
        yes_no("red_flags.oral_steroids_3_months",
               "Have you taken steroid tablets for 3 months or more?"),
        yes_no("red_flags.history_of_cancer", "Have you ever had cancer?"),
        yes_no("red_flags.unexplained_weight_loss", "Are you losing weight without trying?"),
        yes_no("red_flags.generally_unwell",
               "Do you feel generally unwell with the back pain (run down, not yourself)?"),
        yes_no("red_flags.fever",
               "Do you have a fever, chills or shivering fits with the back pain?"),
        yes_no("red_flags.night_sweats", "Do you have night sweats that soak your bedclothes?"),
        yes_no("symptoms.constant_no_position_eases",
               "Is the pain there all the time, with no position or rest that eases it, even "
               "at night?"),
        yes_no("red_flags.new_constant_pain",
               "Did the pain start recently, and is it there all the time?"),
        yes_no("red_flags.no_improvement_after_4_weeks_care",
               "No improvement after 4 weeks or more of treatment?"),
        yes_no("red_flags.immunosuppression",
               "Is your immune system weakened (medicines or illness)?"),
        yes_no("red_flags.iv_drug_use", "Have you injected drugs?"),
        yes_no("red_flags.recent_bacterial_infection",
               "A recent bacterial infection (e.g. urine, skin)?"),
        yes_no("red_flags.penetrating_wound", "A recent wound that went deep?"),
        yes_no("red_flags.recent_spinal_procedure", "A recent spinal injection or operation?"),
    ),
)  # fmt: skip

BEHAVIOUR = Section(
    "behaviour",
    "How the pain behaves",
    (
        Question("symptoms.onset", "Did it start suddenly or gradually?", Kind.CHOICE,
                 choices(("sudden", "suddenly"), ("gradual", "gradually")),
                 blank=Blank.DEFAULT, default="gradual"),
        Question("symptoms.onset_trigger", "What set it off?", Kind.CHOICE,
                 choices(("none", "nothing I know of"), ("lifting", "lifting something"),
                         ("minor_trauma", "a minor fall or knock"),
                         ("significant_trauma", "a major fall or accident"),
                         ("mileage_increase", "running more"), ("other", "something else")),
                 blank=Blank.DEFAULT, default="none"),
        Question("symptoms.pattern", "Is it there all the time, on and off, or only with "
                 "activity?", Kind.CHOICE,
                 choices(("constant", "there all the time"), ("intermittent", "comes and goes"),
                         ("only_with_activity", "only with activity")),
                 blank=Blank.DEFAULT, default="intermittent"),
        Question("symptoms.aggravating",
                 "What makes it worse?", Kind.MULTI,
                 AGGRAVATING, blank=Blank.DEFAULT, default=[]),
        Question("symptoms.easing", "What eases it?",
                 Kind.MULTI, EASING, blank=Blank.DEFAULT, default=[]),
        Question("symptoms.better_with_rest", "Does rest make it better?", Kind.BOOL,
                 blank=Blank.DEFAULT, default=True),
        yes_no("symptoms.better_with_exercise", "Does exercise make it better?"),
        Question("symptoms.night_pain", "Pain at night?", Kind.CHOICE,
                 choices(("none", "no"), ("wakes_me", "it wakes me"),
                         ("constant_unrelieved", "constant at night, no position eases it")),
                 blank=Blank.DEFAULT, default="none"),
        yes_no("symptoms.night_pain_eases_on_rising",
               "Does the night pain ease when you get up and move?", NIGHT_PAIN),
        yes_no("symptoms.wakes_second_half_of_night",
               "Does it wake you in the second half of the night?", NIGHT_PAIN),
        Question("symptoms.morning_stiffness_min", "Morning stiffness, minutes", Kind.FLOAT,
                 minimum=0, maximum=1440, blank=Blank.DEFAULT, default=0.0),
        yes_no("symptoms.alternating_buttock_pain",
               "Does buttock pain switch from one side to the other?"),
        yes_no("symptoms.pain_below_l5", "Is the pain mostly below your belt line?"),
        yes_no("symptoms.points_one_finger_near_psis",
               "Can you point to it with one finger, just beside the dimple at the back of the "
               "pelvis?", help="The dimple is the bony bump at the back of the pelvis (PSIS)."),
    ),
)  # fmt: skip

RUNNING = Section(
    "running",
    "Running and bone stress",
    (
        Question("running.weekly_distance_km", "Usual weekly running distance, km", Kind.FLOAT,
                 minimum=0, maximum=1000, blank=Blank.DEFAULT, default=0.0),
        opt_num("running.longest_run_km", "Longest recent run, km", 0, 500),
        Question("running.runs_per_week", "Runs in a usual recent week", Kind.INT,
                 minimum=0, maximum=21, blank=Blank.UNKNOWN,
                 help="The plan starts from this when your watch history is thin."),
        opt_num("running.years_running", "Years running", 0, 90),
        Question("running.recent_change", "Recent change in training?", Kind.CHOICE,
                 choices(("none", "no change"), ("increase", "more running"),
                         ("decrease", "less running"), ("break", "a break from running")),
                 blank=Blank.DEFAULT, default="none"),
        opt_num("running.load_increase_pct",
                "By how much % did your weekly distance rise before the pain?", 0, 1000),
        Question("running.surfaces", "Surfaces", Kind.MULTI,
                 SURFACES, blank=Blank.DEFAULT, default=[]),
        yes_no("running.hilly_terrain", "Mostly hilly routes?"),
        opt_num("running.footwear_km", "Km on your current shoes", 0, 10000),
        yes_no("running.extension_rotation_sport",
               "Do you also do gymnastics, dance, fast bowling or similar?"),
        Question("running.previous_bsi",
                 "Previous bone stress injuries or stress fractures: where?",
                 Kind.MULTI, BSI_SITES, blank=Blank.DEFAULT, default=[], item_key="site"),
        yes_no("bone_stress.weight_bearing_pain_builds",
               "Does the pain build as you run and linger afterwards?"),
        yes_no("bone_stress.painful_single_leg_hop", "Does hopping on the painful side hurt?"),
        yes_no("bone_stress.groin_or_front_hip_pain_weight_bearing",
               "Groin or front-of-hip pain when you stand on that leg?"),
        yes_no("bone_stress.limp", "Are you limping?"),
        yes_no("bone_stress.low_calcium_or_vitamin_d",
               "Little dairy/calcium or vitamin D, and no supplement?"),
    ),
)  # fmt: skip


def _anchors(inst: InstrumentDef, key: str) -> tuple[Choice, ...]:
    spec = inst.item(key).answer
    return tuple(Choice(str(k), v) for k, v in sorted(spec.anchors.items()))


def _item_question(inst: InstrumentDef, key: str) -> Question:
    """One questionnaire item; its text is the clinic's licensed wording when loaded.

    A blank line is not an answer: the runner answers or types ``skip`` (the item is then
    left out and the instrument's missing-data rule applies, clinical reference §4.0). What
    the answers mean comes from the instrument data: the scale's anchors, the yes/no labels,
    the choices' labels.
    """
    item = inst.item(key)
    spec = item.answer
    text = item.text
    if item.options:
        text += "\n" + "\n".join(f"  {i}: {o}" for i, o in enumerate(item.options))
    path = f"{inst.id}.items.{key}"
    if spec.type == "integer":
        return Question(path, f"{text} ({spec.minimum}-{spec.maximum})", Kind.INT,
                        minimum=spec.minimum, maximum=spec.maximum, skippable=True,
                        anchors=_anchors(inst, key))  # fmt: skip
    if spec.type == "boolean":
        meanings = tuple(Choice(v, spec.labels[v]) for v in ("yes", "no") if v in spec.labels)
        return Question(path, text, Kind.BOOL, skippable=True, anchors=meanings)
    labelled = tuple(Choice(c, spec.labels.get(c, c.replace("_", " "))) for c in spec.choices)
    return Question(path, text, Kind.CHOICE, labelled, skippable=True)


def questionnaire_section(inst: InstrumentDef) -> Section:
    """An optional section asking every item of an item-based instrument, in order."""
    return Section(
        inst.id,
        inst.title,
        tuple(_item_question(inst, k) for k in inst.item_keys),
        intro=f"Source: {inst.source}.",
        optional=True,
        offer=f"Answer '{inst.title}' now? ({len(inst.items)} questions)",
        container=f"{inst.id}.items",
    )


PSFS_MAX_ACTIVITIES = 5


def psfs_section(inst: InstrumentDef) -> Section:
    """Up to five activities made hard by the back, each rated 0-10 (Stratford et al. 1995)."""
    questions: list[Question] = []
    for i in range(PSFS_MAX_ACTIVITIES):
        base = f"psfs.activities.{i}"
        name_when = None if i == 0 else given(f"psfs.activities.{i - 1}.name")
        questions.append(
            Question(
                f"{base}.name",
                f"Activity {i + 1} that is hard because of your back",
                Kind.TEXT,
                maximum=120,
                blank=Blank.REQUIRED if i == 0 else Blank.UNKNOWN,
                when=name_when,
                help="" if i == 0 else "Leave it blank when there are no more.",
            )
        )
        questions.append(
            Question(
                f"{base}.score",
                "How well can you do it now (0 = unable, 10 = as before)?",
                Kind.INT,
                minimum=0,
                maximum=10,
                when=given(f"{base}.name"),
                anchors=_anchors(inst, "activities"),
            )
        )
    return Section(
        "psfs",
        inst.title,
        tuple(questions),
        intro=f"Source: {inst.source}.",
        optional=True,
        offer="Name activities that are hard because of your back and rate them?",
    )


TRIAD = Section(
    "triad",
    "Energy, periods and bone health",
    (
        Question("triad.energy_availability", "Eating for training", Kind.CHOICE,
                 choices(("none", "I eat enough for my training"),
                         ("some_restriction", "I diet, skip meals or restrict what I eat"),
                         ("eating_disorder", "I have a diagnosed eating disorder")),
                 blank=Blank.UNKNOWN),
        Question("triad.eating_disorder_type", "Which diagnosis", Kind.CHOICE,
                 choices(("anorexia", "anorexia nervosa"), ("bulimia", "bulimia nervosa"),
                         ("other", "another eating disorder")),
                 blank=Blank.UNKNOWN, when=is_("triad.energy_availability", "eating_disorder")),
        opt_num("triad.purging_per_week", "Purging episodes a week", 0, 100,
                when=is_("triad.eating_disorder_type", "bulimia")),
        opt_num("triad.weight_loss_pct_per_month",
                "Weight lost in the last month, as % of body weight", 0, 100),
        opt_num("triad.pct_expected_weight",
                "Weight as % of expected for height, if a clinician measured it",
                21, 299),
        opt_num("triad.menarche_age_years", "Age at first period", 5, 30,
                when=FEMALE),
        yes_no("triad.menses_not_assessable",
               "Hormonal contraception or therapy that changes your periods?", FEMALE),
        Question("triad.menses_last_12_months", "Periods in the last 12 months",
                 Kind.INT, minimum=0, maximum=30, blank=Blank.UNKNOWN, when=MENSES_COUNTABLE),
        yes_no("triad.no_period_last_3_months", "No period at all in the last 3 months?",
               MENSES_COUNTABLE),
        opt_num("triad.bmd_z_score", "Bone density Z-score", -10, 10),
    ),
    intro="The Athlete Triad cumulative risk (De Souza et al. 2014; provisional male model "
    "after Kraus et al. 2019). BMI comes from your height and weight.",
    optional=True,
    offer="Answer questions on energy, periods and bone health?",
    container="triad",
)  # fmt: skip
"""The Triad questions (intake/triad.py: the female CRA, De Souza et al. 2014, with Koltun et
al. 2020's substitutions; the provisional male model uses the energy, weight and bone rows). BMI
comes from height and weight in the details; the period questions are asked of women only."""


LASLETT_TESTS = ("distraction", "thigh_thrust", "compression", "sacral_thrust", "gaenslen_left",
                 "gaenslen_right")  # fmt: skip

CLINICIAN = Section(
    "clinician",
    "Examination findings (clinician)",
    (
        *(
            Question(f"clinician.laslett.{t}",
                     f"Laslett {t.replace('_', ' ')} reproduces the familiar pain?",
                     Kind.BOOL, blank=Blank.UNKNOWN, help="Leave it blank if not done.")
            for t in LASLETT_TESTS
        ),
        yes_no("clinician.straight_leg_raise_reproduces_leg_pain",
               "Straight-leg raise reproduces leg pain?"),
        yes_no("clinician.reflex_change", "Reduced or absent reflex?"),
        yes_no("clinician.dermatomal_sensory_loss", "Dermatomal sensory loss?"),
        yes_no("clinician.myotomal_weakness", "Myotomal weakness?"),
        yes_no("clinician.focal_bony_tenderness", "Focal bony tenderness?"),
    ),
    intro="Laslett et al. 2005 (Man Ther 10:207-218): each provocation test is positive only "
    "if it reproduces the familiar pain.",
    optional=True,
    offer="Is a clinician entering examination findings?",
    container="clinician",
)  # fmt: skip

ITEM_QUESTIONNAIRES: tuple[str, ...] = ("nprs", "odi", "rmdq", "startback")
CORE: tuple[Section, ...] = (ABOUT, WHERE, NERVES, SERIOUS, BEHAVIOUR, RUNNING)
"""The sections every runner answers, in order (safety questions early)."""


def intake_sections(
    instruments: Mapping[str, InstrumentDef] | None = None,
) -> tuple[Section, ...]:
    """Every section of the intake form in order; questionnaire wording from ``instruments``."""
    inst = instruments or shipped_instruments()
    return (
        *CORE,
        *(questionnaire_section(inst[i]) for i in ITEM_QUESTIONNAIRES),
        psfs_section(inst["psfs"]),
        TRIAD,
        CLINICIAN,
    )


def all_questions(sections: tuple[Section, ...]) -> tuple[Question, ...]:
    """Every question of every section, in order."""
    return tuple(q for s in sections for q in s.questions)


def to_document(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The raw intake document from the answers (empty list entries dropped); validate it next."""

    def prune(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: prune(v) for k, v in value.items()}
        if isinstance(value, list):
            return [prune(v) for v in value if v != {}]
        return value

    document: dict[str, Any] = prune(dict(answers))
    document.setdefault("schema_version", SCHEMA_VERSION)
    return document


__all__ = [
    "ABOUT",
    "BEHAVIOUR",
    "CLINICIAN",
    "CORE",
    "ITEM_QUESTIONNAIRES",
    "NERVES",
    "RUNNING",
    "SERIOUS",
    "TRIAD",
    "WHERE",
    "AnswerError",
    "Answers",
    "Blank",
    "Choice",
    "Draft",
    "Kind",
    "PageResult",
    "Problem",
    "Question",
    "Section",
    "all_questions",
    "applies",
    "choices",
    "current_answer",
    "draft_from_dict",
    "form_to_dict",
    "get_answer",
    "intake_sections",
    "opt_num",
    "parse",
    "psfs_section",
    "questionnaire_section",
    "set_answer",
    "to_document",
    "validate_page",
    "yes_no",
]
