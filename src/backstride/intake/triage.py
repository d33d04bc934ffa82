"""Triage: score the questionnaires, evaluate every rule, and build the :class:`Assessment`.

clinical reference §1.2: every rule is evaluated (no short-circuit); the disposition is the highest
of the fired rules; flags are their union (and nothing else: plan-only flags read from the
answers go to ``derived_flags``); ``self_management`` only when nothing fired; reasons are
ordered by disposition (descending) then key. Safety-netting (1.4) is always included and
the time frame (1.3) follows the disposition. Never a diagnosis: "suspected", "pattern".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from backstride.intake.assessment import (
    FLAG_AVOID_LOADED_FLEXION_ROTATION,
    FLAG_HOLD_HILLS,
    Assessment,
    Disposition,
    Reason,
)
from backstride.intake.document import IntakeDocument
from backstride.intake.facts import (
    LASLETT_LR_NEGATIVE,
    Facts,
    derive_facts,
    nonmechanical_pain,
)
from backstride.intake.scored import score_document
from backstride.intake.training_note import training_error_note
from backstride.intake.triage_rules import RULES
from backstride.intake.validation import validate_intake

RULES_VERSION = "2026-12-05"
"""The clinical reference's rule table in force (§1.1 with the 2026-12-05 appendix)."""
ACUTE_WEEKS = 6.0
"""Pain younger than this is "acute" for the loaded flexion/rotation flag [default]."""

SAFETY_NETTING: tuple[str, ...] = (
    "Go to an emergency department straight away (or call the emergency number) if you notice "
    "any of these, even if they seem mild: numbness, tingling or a 'different' feeling around "
    "your back passage, genitals or the inside of your thighs (where you would sit on a "
    "saddle); new difficulty starting to pass urine, a weak stream, not feeling when your "
    "bladder is full, or leaking urine; new loss of control of your bowels or not feeling when "
    "you need to go; new problems with erections, ejaculation or vaginal feeling; pain, "
    "numbness or weakness that is now in both legs.",
    "See a doctor within a day if: a leg or foot is getting weaker or you trip on it; you have "
    "a fever or feel unwell with the back pain; the pain is constant and does not ease in any "
    "position, including at night; you are losing weight without trying; the pain started "
    "after a fall or accident.",
    "Stop running and contact the clinic if: one spot on a bone is tender to press, hopping on "
    "one leg hurts, pain starts earlier in each run or lingers into the next day, or your "
    "periods have stopped or become rare.",
)

# The clinician and self-management time frames are backstride defaults (clinical reference
# §1.3); the runner reads them without the marker.
TIME_FRAMES: Mapping[Disposition, str] = {
    Disposition.EMERGENCY: "Go to an emergency department now or call the emergency number; "
    "do not wait for a clinic slot (within the hour). No plan is shown.",
    Disposition.URGENT: "See a doctor today or tomorrow (within 24 h); no running until seen. "
    "Walking and gentle mobility only meanwhile.",
    Disposition.CLINICIAN: "Book an assessment with the clinic within 1-2 weeks; "
    "the plan meanwhile respects every flag.",
    Disposition.SELF_MANAGEMENT: "A graded plan is reasonable; review at 2-4 weeks or on any "
    "change. The safety-netting below still applies.",
}

STARTBACK_PATHWAYS: Mapping[str, str] = {
    "low": "STarT low risk: advice, reassurance and self-management (Hill et al. 2011).",
    "medium": "STarT medium risk: physiotherapy for symptoms and function (Hill et al. 2011).",
    "high": "STarT high risk: psychologically informed physiotherapy (Hill et al. 2011).",
}


def _derived_flags(doc: IntakeDocument, fired: set[str]) -> tuple[set[str], list[str]]:
    """Plan flags that are not triage: acute flexion pain; extension-sensitive or SI pattern."""
    flags: set[str] = set()
    notes: list[str] = []
    s = doc.symptoms
    if s.duration_weeks < ACUTE_WEEKS and "flexion" in s.aggravating:
        flags.add(FLAG_AVOID_LOADED_FLEXION_ROTATION)
        notes.append(
            "Plan: avoid loaded flexion and rotation while the pain is acute and "
            "flexion-sensitive [default; clinical reference §7.2]."
        )
    if "extension" in s.aggravating or "pattern.sacroiliac" in fired:
        flags.add(FLAG_HOLD_HILLS)
        notes.append(
            "Plan: hold hill running while the pain is extension-sensitive or fits the SI "
            "pattern [default]."
        )
    return flags, notes


def safety_net_notes(doc: IntakeDocument, disposition: Disposition) -> list[str]:
    """Answers that match a "see a doctor within a day" sign of the safety-netting text when
    no urgent rule fired, said back to the runner.

    The rule table reads three of those signs only in combination (clinical reference §1.1):
    feeling unwell counts with an infection risk item or over 50 with new pain; a minor fall or
    lift with a fragile bone (osteoporosis, steroids, over 70); constant pain no position eases
    when it is new. The disposition follows the table; the note makes sure the safety-netting
    text (§1.4) is not silently contradicted for the runner who reported the sign.
    """
    if disposition.rank >= Disposition.URGENT.rank:
        return []
    r, s = doc.red_flags, doc.symptoms
    signs = [
        text
        for text, hit in (
            ("you feel generally unwell", r.generally_unwell),
            (
                "the pain started after a fall",
                s.onset_trigger == "minor_trauma"
                or (r.minor_trauma_or_strenuous_lift and s.onset_trigger != "lifting"),
            ),
            ("the pain is constant and no position eases it", nonmechanical_pain(doc)),
        )
        if hit
    ]
    if not signs:
        return []
    return [
        f"Safety-netting: you said {' and '.join(signs)}. The advice below asks you to see a "
        "doctor within a day when that is so: please do, even though no rule above fired."
    ]


def _context_notes(doc: IntakeDocument, fired: set[str], facts: Facts) -> list[str]:
    notes: list[str] = []
    if "pattern.inflammatory" in fired:
        notes.append("Inflammatory pattern: the clinic can refer you on the rheumatology route.")
    elif len(facts.asas) >= 4 and not facts.asas_duration_met:
        notes.append(
            f"ASAS {len(facts.asas)}/5 but back pain for less than 3 months: re-check at 3 months."
        )
    elif len(facts.asas) >= 3:
        notes.append(f"Inflammatory back pain items: ASAS {len(facts.asas)}/5 (needs 4).")
    if facts.berlin:
        notes.append(f"Berlin criteria items met: {len(facts.berlin)}/4 (context only).")
    if doc.clinician is None and "pattern.sacroiliac" in fired:
        notes.append("SI pattern from the runner's answers only; Laslett's tests can confirm it.")
    if facts.laslett_all_negative:
        # the runner-side pattern still fires (monotonic safety, section 0); a clinician weighs it
        notes.append(
            "All six Laslett provocation tests negative: SI-joint pain is unlikely "
            f"(Laslett 2005, LR- {LASLETT_LR_NEGATIVE:.2f})."
        )
    return notes


def evaluate(doc: IntakeDocument, *, today: dt.date) -> Assessment:
    """Run every triage rule over a validated document."""
    scores, notes = score_document(doc)
    facts = derive_facts(doc, scores)
    reasons: list[Reason] = []
    for rule in RULES.values():
        detail = rule.check(facts)
        if detail is not None:
            reasons.append(
                Reason(rule.key, rule.reason, rule.source, rule.disposition, rule.flags, detail)
            )
    reasons.sort(key=lambda r: (-r.disposition.rank, r.code))
    fired = {r.code for r in reasons}
    disposition = reasons[0].disposition if reasons else Disposition.SELF_MANAGEMENT
    flags: set[str] = set().union(*(r.flags for r in reasons)) if reasons else set()
    extra_flags, flag_notes = _derived_flags(doc, fired)
    group = scores.get("startback.risk_group")
    group_name = group if isinstance(group, str) else None
    all_notes = [
        *safety_net_notes(doc, disposition),
        *([note] if (note := training_error_note(doc)) else []),
        *_context_notes(doc, fired, facts),
        *flag_notes,
        *notes,
    ]
    if group_name:
        all_notes.append(STARTBACK_PATHWAYS[group_name])
    return Assessment(
        disposition=disposition,
        reasons=tuple(reasons),
        scores=scores,
        startback_group=group_name,
        flags=frozenset(flags),
        safety_netting=SAFETY_NETTING,
        rules_version=RULES_VERSION,
        time_frame=TIME_FRAMES[disposition],
        notes=tuple(all_notes),
        assessed_date=today,
        derived_flags=frozenset(extra_flags),
    )


def assess(document: IntakeDocument | Mapping[str, Any], *, today: dt.date) -> Assessment:
    """Score and triage an intake: the documented library entry point.

    A mapping is validated first (``InvalidInput(code="intake.invalid")`` listing every
    problem). The result never names a diagnosis; every fired rule carries its source.
    """
    doc = document if isinstance(document, IntakeDocument) else validate_intake(document)
    return evaluate(doc, today=today)


__all__ = [
    "RULES_VERSION",
    "SAFETY_NETTING",
    "TIME_FRAMES",
    "assess",
    "evaluate",
    "safety_net_notes",
]
