"""Where each plan decision comes from: the source behind a decision code, for the "why".

A decision (``plan.model.Decision``) carries a stable dotted code; this table maps the code,
or its family (the part before the dot), to the evidence or the backstride default it rests
on, citing the clinical reference sections (clinical reference §5, §7, §8, §2.6, §9).
"""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "guardrail": "Single-run guardrail: Frandsen et al. 2025, BJSM 59:1203-1210 "
    "(clinical reference §5.1, §7.1)",
    "volume": "Weekly caps are guidelines: Nielsen et al. 2014, JOSPT 44:739; Buist et al. "
    "2008, AJSM 36:33 [default caps] (clinical reference §5.2, §7.1)",
    "volume.deload": "Deload every 4th week at -25 %: periodisation practice, unverified "
    "(clinical reference §7.1)",
    "volume.taper": "Taper: Bosquet et al. 2007, Med Sci Sports Exerc 39:1358 "
    "(clinical reference §7.1)",
    "pain": "Pain-monitoring model: Thomeé 1997; Silbernagel et al. 2007, AJSM 35:897 "
    "(clinical reference §8)",
    "pain.bone": "Bone pain: stop running and contact the clinic (clinical reference §1.4, §2.6)",
    "pain.red_flag": "A new red-flag symptom stops the plan and re-runs triage "
    "(clinical reference §1.1, §8)",
    "session": "No log is not 'pain-free': hold rather than progress [default] "
    "(clinical reference §8)",
    "rtr": "Return to running after a bone stress injury: published clinic protocols, not "
    "trial-tested (clinical reference §2.6)",
    "strength": "Strength progression: ACSM 2009 position stand, Med Sci Sports Exerc "
    "41:687-708; 2-for-2 [default] (clinical reference §7.2)",
    "strength.evidence": "Exercise therapy for low back pain: NICE NG59; Owen et al. 2020, "
    "BJSM 54:1279-1287 (clinical reference §7.3)",
    "strength.contraindicated": "Contraindication tags by presentation (clinical reference §7.2)",
    "ladder": "Exercise ladders: step up after 2 good sessions, down after a regress "
    "[default] (clinical reference §7.2)",
    "endurance": "Trunk endurance ratios: McGill et al. 1999, Arch Phys Med Rehabil 80:941 "
    "(clinical reference §7.2)",
    "terrain": "Hills held while extension-sensitive or SI-pattern pain is irritable: clinical "
    "reasoning [default] (clinical reference §7.1)",
    "startback": "STarT Back pathways: Hill et al. 2011, Lancet 378:1560 (clinical reference §7.4)",
    "visit": "Clinic visits by STarT group; NICE CG88 (2009) ceilings (clinical reference §7.4)",
    "rest": "At least one full rest day a week: clinical consensus, unverified "
    "(clinical reference §7.1, §9)",
    "recovery": "Recovery and low-impact cross-training (clinical reference §9)",
    "cross": "Non-impact cross-training when running is held (clinical reference §7.1, §9)",
    "reshuffle": "Never two hard days in a row: Seiler 2010, unverified [default] "
    "(clinical reference §7.1)",
    "hard_easy": "Never two hard days in a row: Seiler 2010, unverified [default] "
    "(clinical reference §7.1)",
    "plan": "What the assessment's disposition allows meanwhile (clinical reference §1.3)",
    "nprs": "Pain during runs, NPRS 0-10 (clinical reference §4.2, §8)",
}


def source_of(code: str) -> str:
    """The source of a decision code (its own entry, else its family's; '' when unknown)."""
    if code in SOURCES:
        return SOURCES[code]
    return SOURCES.get(code.split(".", 1)[0], "")


__all__ = ["SOURCES", "source_of"]
