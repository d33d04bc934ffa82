"""Questionnaire scoring rules (NPRS, ODI, RMDQ, STarT Back, PSFS) in a registry by id.

Each scorer takes the answers of one instrument (``{"items": {key: value}}``; PSFS
``{"activities": [{"name", "score"}]}``) and returns :class:`Scored`: unrounded values keyed
by measure plus notes (e.g. why an instrument was not scored). Values are compared unrounded;
interfaces round for display (clinical reference §0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from backstride.intake.result import Scored, ScoreValue
from backstride.intake.triad import TriadAnswers, score_triad_female, score_triad_male

_EPS = 1e-9


def _items(answers: Mapping[str, Any]) -> Mapping[str, Any]:
    items = answers.get("items") or {}
    return items if isinstance(items, Mapping) else {}


def score_nprs(answers: Mapping[str, Any]) -> Scored:
    """NPRS 0-10 per asked moment; band 0 none, 1-3 mild, 4-6 moderate, 7-10 severe.

    Bands are a common convention (unverified); Ostelo et al. 2008 for the MCID.
    """
    values: dict[str, ScoreValue] = {}
    for key, value in _items(answers).items():
        if value is not None:
            values[key] = int(value)
    return Scored("nprs", values)


def nprs_band(value: int) -> str:
    """0 none; 1-3 mild; 4-6 moderate; 7-10 severe (common convention, unverified)."""
    if value == 0:
        return "none"
    if value <= 3:
        return "mild"
    if value <= 6:
        return "moderate"
    return "severe"


ODI_BANDS: tuple[tuple[float, str], ...] = (
    (20.0, "minimal"),
    (40.0, "moderate"),
    (60.0, "severe"),
    (80.0, "crippling"),
    (100.0, "bed_bound_or_exaggerating"),
)


def odi_band(percent: float) -> str:
    """Fairbank bands: <=20 minimal; >20-40 moderate; >40-60 severe; >60-80 crippling; >80."""
    for upper, name in ODI_BANDS:
        if percent <= upper + _EPS:
            return name
    return ODI_BANDS[-1][1]


def _odi_section(value: Any) -> int | None:
    """One section's points; several statements marked -> the highest (Fairbank; Mapi note)."""
    if isinstance(value, list):
        return max((int(v) for v in value if v is not None), default=None)
    return None if value is None else int(value)


def score_odi(answers: Mapping[str, Any], *, max_missing: int = 2) -> Scored:
    """ODI v2.1a: percent = sum / (5 x answered sections) x 100 (Fairbank & Pynsent 2000).

    More than ``max_missing`` (2) unanswered sections -> not scored [default]; a section with
    two statements marked scores the higher (clinical reference §4.3 step 3).
    """
    items = _items(answers)
    keys = [str(k) for k in range(1, 11)]
    sections = {k: _odi_section(items.get(k)) for k in keys}
    answered = {k: v for k, v in sections.items() if v is not None}
    missing = [k for k in keys if k not in answered]
    if len(missing) > max_missing:
        note = f"ODI not scored: {len(missing)} sections unanswered ({', '.join(missing)})."
        return Scored("odi", {"percent": None, "band": None, "answered": len(answered)}, (note,))
    # one division of integers: the correctly rounded percent (14 of 50 is 28.0, where
    # 14 / 50 * 100 gives 28.000000000000004)
    percent = sum(answered.values()) * 100 / (5 * len(answered))
    notes = (
        (f"ODI: sections {', '.join(missing)} unanswered; scored on the rest.",) if missing else ()
    )
    return Scored(
        "odi", {"percent": percent, "band": odi_band(percent), "answered": len(answered)}, notes
    )


def score_rmdq(answers: Mapping[str, Any], *, max_missing: int = 2) -> Scored:
    """RMDQ-24: count of "yes" (Roland & Morris 1983); <=2 unanswered count 0 [default]."""
    items = _items(answers)
    keys = [str(k) for k in range(1, 25)]
    missing = [k for k in keys if items.get(k) is None]
    if len(missing) > max_missing:
        note = f"RMDQ not scored: {len(missing)} items unanswered."
        return Scored("rmdq", {"total": None, "missing": len(missing)}, (note,))
    total = sum(1 for k in keys if items.get(k) is True)
    notes = (f"RMDQ: items {', '.join(missing)} unanswered, counted 0.",) if missing else ()
    return Scored("rmdq", {"total": total, "missing": len(missing)}, notes)


STARTBACK_ITEM9_POINT = frozenset({"very_much", "extremely"})


def startback_group(total: int, psychosocial: int) -> str:
    """Hill et al. 2008: subscale >=4 high; else total <=3 low; else medium."""
    if psychosocial >= 4:
        return "high"
    if total <= 3:
        return "low"
    return "medium"


def score_startback(answers: Mapping[str, Any]) -> Scored:
    """STarT Back: items 1-8 yes=1; item 9 "very much"/"extremely" = 1 (Hill et al. 2008).

    Total 0-9, psychosocial subscale items 5-9 (0-5). Any item missing -> not scored [default].
    """
    items = _items(answers)
    keys = [str(k) for k in range(1, 10)]
    missing = [k for k in keys if items.get(k) is None]
    if missing:
        note = f"STarT Back not scored: items {', '.join(missing)} unanswered."
        return Scored(
            "startback", {"total": None, "psychosocial": None, "risk_group": None}, (note,)
        )
    points = {k: int(items[k] is True) for k in keys[:8]}
    points["9"] = int(items["9"] in STARTBACK_ITEM9_POINT)
    total = sum(points.values())
    psychosocial = sum(points[k] for k in ("5", "6", "7", "8", "9"))
    return Scored(
        "startback",
        {
            "total": total,
            "psychosocial": psychosocial,
            "risk_group": startback_group(total, psychosocial),
        },
    )


def score_psfs(answers: Mapping[str, Any]) -> Scored:
    """PSFS: mean of the rated activities, 0-10, higher better (Stratford et al. 1995)."""
    rated = [
        int(a["score"])
        for a in answers.get("activities") or ()
        if isinstance(a, Mapping) and a.get("score") is not None
    ]
    if not rated:
        return Scored("psfs", {"mean": None, "rated": 0}, ("PSFS not scored: no activity rated.",))
    return Scored("psfs", {"mean": sum(rated) / len(rated), "rated": len(rated)})


def score_triad_female_answers(answers: Mapping[str, Any]) -> Scored:
    """Female Athlete Triad CRA from a mapping of :class:`TriadAnswers` fields."""
    return score_triad_female(TriadAnswers(**answers))


def score_triad_male_answers(answers: Mapping[str, Any]) -> Scored:
    """Provisional male Triad model from a mapping of :class:`TriadAnswers` fields."""
    return score_triad_male(TriadAnswers(**answers))


Scorer = Callable[[Mapping[str, Any]], Scored]

SCORERS: dict[str, Scorer] = {
    "nprs": score_nprs,
    "odi": score_odi,
    "rmdq": score_rmdq,
    "startback": score_startback,
    "psfs": score_psfs,
    "triad_female": score_triad_female_answers,
    "triad_male": score_triad_male_answers,
}


def score(instrument: str, answers: Mapping[str, Any]) -> Scored:
    """Score ``answers`` with the rule registered for ``instrument``."""
    return SCORERS[instrument](answers)


__all__ = [
    "SCORERS",
    "ScoreValue",
    "Scored",
    "nprs_band",
    "odi_band",
    "score",
    "score_nprs",
    "score_odi",
    "score_psfs",
    "score_rmdq",
    "score_startback",
    "startback_group",
]
