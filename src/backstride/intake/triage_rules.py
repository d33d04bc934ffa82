"""The triage rule table: an ordered registry under stable keys (clinical reference §1.1).

Each rule has a disposition, plan flags, a plain-language reason (own words), its sources and
a predicate over :class:`~backstride.intake.facts.Facts` that returns ``None`` (not fired) or a
detail string (fired). Keys are public and never change meaning once shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from backstride.intake.assessment import (
    FLAG_AVOID_EXTENSION_LOADING,
    FLAG_BLOCKED,
    FLAG_NO_AXIAL_LOADING,
    FLAG_NO_IMPACT,
    FLAG_NO_RUNNING,
    Disposition,
)
from backstride.intake.facts import (
    LASLETT_LR_POSITIVE,
    Facts,
    constant_pain,
    groin_pain_weight_bearing,
    leg_pain_below_knee,
    painful_hop,
)

Check = Callable[[Facts], str | None]

BSI_FLAGS = frozenset({FLAG_NO_RUNNING, FLAG_NO_IMPACT, FLAG_NO_AXIAL_LOADING})


@dataclass(frozen=True, slots=True)
class Rule:
    """One triage rule (stable ``key``)."""

    key: str
    disposition: Disposition
    flags: frozenset[str]
    reason: str
    source: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(
    key: str, disposition: Disposition, flags: frozenset[str], reason: str, source: str
) -> Callable[[Check], Check]:
    """Register ``check`` under ``key`` (registration order = table order)."""

    def decorate(check: Check) -> Check:
        if key in RULES:
            raise ValueError(f"duplicate triage rule {key}")
        RULES[key] = Rule(key, disposition, flags, reason, source, check)
        return check

    return decorate


def _join(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(i.replace("_", " ") for i in items)


def _leg_symptoms(f: Facts) -> bool:
    s = f.doc.symptoms
    return leg_pain_below_knee(f.doc) or s.leg_tingling_numbness or s.leg_weakness != "none"


@rule(
    "red_flag.cauda_equina",
    Disposition.EMERGENCY,
    frozenset({FLAG_BLOCKED}),
    "These can mean the nerves at the base of the spine are squeezed; this needs hospital "
    "assessment now.",
    "BASS 2018 standard; Greenhalgh et al. 2018 (Musculoskelet Sci Pract 37:69-74); "
    "Finucane et al. 2020 (JOSPT 50:350-372)",
)
def _cauda_equina(f: Facts) -> str | None:
    found = list(f.ces_yes)
    if f.doc.symptoms.leg_side == "both" and _leg_symptoms(f):
        found.append("nerve-type leg symptoms in both legs")
    return f"reported: {_join(found)}" if found else None


@rule(
    "red_flag.progressive_deficit",
    Disposition.URGENT,
    frozenset({FLAG_NO_RUNNING}),
    "A leg getting weaker needs a doctor's examination within a day.",
    "NICE CKS sciatica red flags; Finucane et al. 2020 (JOSPT 50:350-372)",
)
def _progressive_deficit(f: Facts) -> str | None:
    r = f.doc.red_flags
    found = [
        name
        for name, hit in (
            ("leg weakness new and worsening", f.doc.symptoms.leg_weakness == "worsening"),
            ("foot drop", r.foot_drop),
            ("new gait disturbance", r.new_gait_disturbance),
        )
        if hit
    ]
    return f"reported: {', '.join(found)}" if found else None


@rule(
    "red_flag.fracture",
    Disposition.URGENT,
    frozenset({FLAG_NO_RUNNING, FLAG_NO_AXIAL_LOADING}),
    "After a fall or with fragile bones, back pain can come from a broken vertebra; it needs "
    "checking first.",
    "Downie et al. 2013 (BMJ 347:f7095); NICE CKS; age > 70 cut-off (unverified); "
    "steroids >= 3 months [default]",
)
def _fracture(f: Facts) -> str | None:
    r, s = f.doc.red_flags, f.doc.symptoms
    if r.significant_trauma or s.onset_trigger == "significant_trauma":
        return "significant trauma"
    event = (
        r.minor_trauma_or_strenuous_lift
        or r.sudden_severe_central_pain_eased_lying
        or s.onset_trigger in {"minor_trauma", "lifting"}
    )
    fragile = [
        name
        for name, hit in (
            ("osteoporosis", r.osteoporosis),
            ("oral steroids >= 3 months", r.oral_steroids_3_months),
            ("age over 70", f.doc.about.age_years > 70),
        )
        if hit
    ]
    if event and fragile:
        return f"minor trauma or sudden severe pain with {', '.join(fragile)}"
    return None


@rule(
    "red_flag.malignancy",
    Disposition.URGENT,
    frozenset({FLAG_NO_RUNNING}),
    "Some features mean a doctor should rule out a serious cause before training continues.",
    "Downie et al. 2013 (BMJ 347:f7095); NICE CKS; Finucane et al. 2020; new pain = first "
    "episode or onset < 12 weeks [default]",
)
def _malignancy(f: Facts) -> str | None:
    """clinical reference §1.1: history of cancer alone; unexplained weight loss alone; or age
    over 50 with new pain and one more item - rest or night pain eased by no position, new pain
    that is constant (does not vary with position or activity; 2026-12-05 appendix, case T20),
    no improvement after 4 weeks of care, or feeling generally unwell."""
    r, s = f.doc.red_flags, f.doc.symptoms
    if r.history_of_cancer:
        return "history of cancer"
    if r.unexplained_weight_loss:
        return "unexplained weight loss"
    extra = [
        name
        for name, hit in (
            ("pain at rest or night eased by no position", s.night_pain == "constant_unrelieved"),
            ("constant pain that no position or activity changes", f.nonmechanical),
            ("no improvement after 4 weeks of care", r.no_improvement_after_4_weeks_care),
            ("feeling generally unwell", r.generally_unwell),
        )
        if hit
    ]
    if f.doc.about.age_years > 50 and f.new_pain and extra:
        return f"age over 50 with new pain and {', '.join(extra)}"
    return None


@rule(
    "red_flag.infection",
    Disposition.URGENT,
    frozenset({FLAG_NO_RUNNING}),
    "Fever or a weakened immune system with back pain needs a doctor the same day.",
    "NICE CKS; Finucane et al. 2020 (JOSPT 50:350-372)",
)
def _infection(f: Facts) -> str | None:
    """clinical reference §1.1: fever, chills, rigors or night sweats with back pain; or an
    infection risk item with new constant pain or with feeling generally unwell (no fever
    needed: 2026-12-05 appendix, case T18)."""
    r = f.doc.red_flags
    if r.fever or r.night_sweats:
        return " and ".join(n for n, hit in (("fever", r.fever), ("night sweats", r.night_sweats))
                            if hit) + " with back pain"  # fmt: skip
    risks = [
        name
        for name, hit in (
            ("IV drug use", r.iv_drug_use),
            ("immunosuppression", r.immunosuppression),
            ("recent bacterial infection", r.recent_bacterial_infection),
            ("penetrating wound", r.penetrating_wound),
            ("recent spinal injection or surgery", r.recent_spinal_procedure),
        )
        if hit
    ]
    with_ = [
        name
        for name, hit in (
            ("new constant pain", constant_pain(f.doc)),
            ("feeling generally unwell", r.generally_unwell),
        )
        if hit
    ]
    return f"{', '.join(risks)} with {' and '.join(with_)}" if risks and with_ else None


@rule(
    "red_flag.nonmechanical",
    Disposition.URGENT,
    frozenset({FLAG_NO_RUNNING}),
    "Pain that never eases, even lying still or at night, is not the usual pattern of a running "
    "strain; a doctor should see you within a day.",
    "Finucane et al. 2020 (JOSPT 50:350-372, IFOMPT: constant, progressive, non-mechanical "
    "pain); NICE CKS (non-mechanical pain, night pain); new pain = first episode or onset "
    "< 12 weeks [default]",
)
def _nonmechanical(f: Facts) -> str | None:
    """clinical reference §1.1 (2026-12-05 appendix, cases T3, T19, T20): new pain that is
    constant and eased by no position or rest, including at night, at any age. Keeps the rule
    table in line with the safety-netting text (§1.4), which sends such a runner to a doctor
    within a day."""
    if not (f.nonmechanical and f.new_pain):
        return None
    s = f.doc.symptoms
    at_night = " (night included)" if s.night_pain == "constant_unrelieved" else ""
    return f"new constant pain that no position or rest eases{at_night}"


@rule(
    "pattern.bone_stress_high_risk",
    Disposition.URGENT,
    BSI_FLAGS,
    "A stress injury at the top of the thigh bone can break through if loaded; stop running, "
    "see a doctor within a day.",
    "Schroeder, Trigg & Capo Dosal 2024 BSI review (journal unverified); Warden et al. 2014 "
    "(JOSPT 44:749-765)",
)
def _bsi_high_risk(f: Facts) -> str | None:
    b, s = f.doc.bone_stress, f.doc.symptoms
    if not groin_pain_weight_bearing(f.doc):
        return None
    extra = [
        name
        for name, hit in (
            ("painful hop", painful_hop(f.doc)),
            ("limp", b.limp),
            ("night pain", s.night_pain != "none"),
        )
        if hit
    ]
    return f"groin pain on weight bearing with {', '.join(extra)}" if extra else None


@rule(
    "pattern.bone_stress",
    Disposition.CLINICIAN,
    BSI_FLAGS,
    "Pain that builds with running and hopping can be a bone stress injury; no running until "
    "assessed.",
    "Warden et al. 2014 (JOSPT 44:749-765); De Souza et al. 2014 (BJSM 48:289); counts are a "
    "backstride heuristic [default]",
)
def _bone_stress(f: Facts) -> str | None:
    feats, risks = f.bsi_features, f.bsi_risk_factors
    text = f"features: {_join(feats) or 'none'}; risk factors: {_join(risks) or 'none'}"
    if len(feats) >= 2 or (len(feats) == 1 and len(risks) >= 2):
        return text
    if f.triad_clearance == "restricted":
        return f"Triad clearance restricted; {text}"
    return None


@rule(
    "pattern.pars",
    Disposition.CLINICIAN,
    frozenset({FLAG_NO_RUNNING, FLAG_AVOID_EXTENSION_LOADING}),
    "A stress injury of a small bone bridge in the spine is possible in young athletes; it "
    "needs assessment.",
    "Grødahl et al. 2016 review (journal unverified); Alqarni et al. 2015 (Phys Ther Sport "
    "16:268-275)",
)
def _pars(f: Facts) -> str | None:
    s = f.doc.symptoms
    if "extension" not in s.aggravating:
        return None
    if f.doc.about.age_years < 20:
        return "under 20 with pain on back-bending"
    if f.doc.running.extension_rotation_sport and s.side in {"left", "right"}:
        return "extension/rotation sport with one-sided pain on back-bending"
    return None


@rule(
    "pattern.inflammatory",
    Disposition.CLINICIAN,
    frozenset(),
    "This pattern can come from inflammation of the spine joints, which a rheumatologist can "
    "check and treat.",
    "Sieper et al. 2009 (Ann Rheum Dis 68:784-788) ASAS criteria; Rudwaleit et al. 2006 "
    "(Berlin criteria)",
)
def _inflammatory(f: Facts) -> str | None:
    if len(f.asas) >= 4 and f.asas_duration_met:
        return f"ASAS {len(f.asas)}/5 with back pain for more than 3 months"
    s = f.doc.symptoms
    if s.morning_stiffness_min > 30 and s.alternating_buttock_pain and f.doc.about.age_years < 45:
        return "morning stiffness over 30 minutes with alternating buttock pain, under 45"
    return None


@rule(
    "pattern.radicular",
    Disposition.CLINICIAN,
    frozenset(),
    "Leg pain like this often comes from an irritated nerve root; an assessment guides the plan.",
    "NICE NG59 (2016, updated 2020); Koes et al. 2007 (BMJ 334:1313) (unverified)",
)
def _radicular(f: Facts) -> str | None:
    s, c = f.doc.symptoms, f.doc.clinician
    if not leg_pain_below_knee(f.doc) or s.leg_side == "both":
        return None
    signs = [
        name
        for name, hit in (
            ("band-like spread", s.leg_pain_dermatomal),
            ("leg pain at least as bad as back pain", s.leg_pain_worse_than_back),
            ("pins and needles or numbness", s.leg_tingling_numbness),
            ("leg weakness", s.leg_weakness != "none"),
            ("straight-leg raise positive", bool(c and c.straight_leg_raise_reproduces_leg_pain)),
            ("reflex change", bool(c and c.reflex_change)),
            ("dermatomal sensory loss", bool(c and c.dermatomal_sensory_loss)),
            ("myotomal weakness", bool(c and c.myotomal_weakness)),
        )
        if hit
    ]
    return f"leg pain below the knee with {', '.join(signs)}" if signs else None


@rule(
    "pattern.sacroiliac",
    Disposition.CLINICIAN,
    frozenset(),
    "The pattern fits pain from the joint between spine and pelvis; an examination can confirm it.",
    "Laslett et al. 2005 (Man Ther 10:207-218); Fortin finger sign (unverified)",
)
def _sacroiliac(f: Facts) -> str | None:
    if f.laslett_positive:
        return (
            f"Laslett cluster positive ({f.laslett_four}/4 non-Gaenslen, {f.laslett_five}/5; "
            f"LR+ {LASLETT_LR_POSITIVE:.2f})"
        )
    if len(f.si_items) >= 3:
        return f"{len(f.si_items)} of 4 pattern items: {_join(f.si_items)}"
    return None


@rule(
    "risk.startback_high",
    Disposition.CLINICIAN,
    frozenset(),
    "Your answers suggest the pain is weighing on you; the clinic can help with that alongside "
    "exercise.",
    "Hill et al. 2008 (Arthritis Rheum 59:632-641); Hill et al. 2011 (Lancet 378:1560-71)",
)
def _startback_high(f: Facts) -> str | None:
    sub = f.scores.get("startback.psychosocial")
    return f"STarT psychosocial subscale {sub}/5" if isinstance(sub, int) and sub >= 4 else None


@rule(
    "risk.triad_restricted",
    Disposition.CLINICIAN,
    frozenset({FLAG_NO_RUNNING}),
    "Energy, hormone and bone-health answers need a medical review before hard training.",
    "De Souza et al. 2014 (BJSM 48:289); Kraus et al. 2019 (BJSM 53:237-242)",
)
def _triad_restricted(f: Facts) -> str | None:
    if f.triad_clearance != "restricted":
        return None
    return f"Triad cumulative risk {f.scores.get('triad.total')} ({f.scores.get('triad.model')})"


@rule(
    "screen.incomplete",
    Disposition.CLINICIAN,
    frozenset(),
    "Some safety questions were not answered; please answer them or speak to the clinic.",
    "backstride: unknown is not 'no' [default]",
)
def _screen_incomplete(f: Facts) -> str | None:
    return f"unanswered: {_join(f.ces_unanswered)}" if f.ces_unanswered else None


__all__ = ["RULES", "Rule", "rule"]
