"""Score every answered questionnaire of a document into one flat ``scores`` mapping.

Keys are ``<instrument>.<measure>`` (``nprs.now``, ``odi.percent``, ``startback.risk_group``,
``triad.clearance`` ...). The Triad model follows ``about.sex``: the female CRA for women, the
provisional male model for men; for ``other`` the female CRA when menstrual answers are given.
"""

from __future__ import annotations

from backstride.intake.document import TRABECULAR_SITES, IntakeDocument
from backstride.intake.result import Scored, ScoreValue
from backstride.intake.scoring import SCORERS
from backstride.intake.triad import (
    ADULT_BMI_AGE,
    TriadAnswers,
    score_triad_female,
    score_triad_male,
)


def triad_answers(doc: IntakeDocument) -> TriadAnswers | None:
    """The Triad inputs from the ``triad`` section, ``about`` (BMI) and the BSI history."""
    t = doc.triad
    if t is None:
        return None
    bsis = doc.running.previous_bsi
    return TriadAnswers(
        energy_availability=t.energy_availability,
        eating_disorder_type=t.eating_disorder_type,
        purging_per_week=t.purging_per_week,
        bmi_kg_m2=t.bmi_kg_m2 if t.bmi_kg_m2 is not None else doc.about.bmi_kg_m2,
        pct_expected_weight=t.pct_expected_weight,
        weight_loss_pct_per_month=t.weight_loss_pct_per_month,
        menarche_age_years=t.menarche_age_years,
        menses_last_12_months=t.menses_last_12_months,
        menses_not_assessable=t.menses_not_assessable,
        bmd_z_score=t.bmd_z_score,
        bsi_count=len(bsis),
        bsi_high_risk_site=any(b.site in TRABECULAR_SITES for b in bsis),
        adolescent=doc.about.age_years < ADULT_BMI_AGE,
    )


def score_triad(doc: IntakeDocument) -> Scored | None:
    """The Triad score with the model matching the runner (``None`` when not answered)."""
    answers = triad_answers(doc)
    if answers is None or doc.triad is None:
        return None
    female = doc.about.sex == "female" or (
        doc.about.sex == "other"
        and (
            doc.triad.menarche_age_years is not None or doc.triad.menses_last_12_months is not None
        )
    )
    return score_triad_female(answers) if female else score_triad_male(answers)


def scored_instruments(doc: IntakeDocument) -> dict[str, Scored]:
    """Each answered instrument's :class:`Scored`, keyed by the document section name."""
    out: dict[str, Scored] = {}
    for ident in ("nprs", "odi", "rmdq", "startback", "psfs"):
        section = getattr(doc, ident)
        if section is not None:
            out[ident] = SCORERS[ident](section.model_dump())
    triad = score_triad(doc)
    if triad is not None:
        out["triad"] = triad
    return out


def score_document(doc: IntakeDocument) -> tuple[dict[str, ScoreValue], list[str]]:
    """Flat scores and the scoring notes of every answered instrument."""
    scores: dict[str, ScoreValue] = {}
    notes: list[str] = []
    for ident, result in scored_instruments(doc).items():
        scores.update({f"{ident}.{k}": v for k, v in result.values.items()})
        notes.extend(result.notes)
    return scores, notes


__all__ = ["score_document", "score_triad", "scored_instruments", "triad_answers"]
