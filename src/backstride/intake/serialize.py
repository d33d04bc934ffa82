"""JSON-safe dict form of an :class:`Assessment` (storage and API), round-tripping exactly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from typing_extensions import TypedDict  # pydantic reads its schema on Python 3.11

from backstride.errors import InvalidInput
from backstride.intake.assessment import Assessment, Disposition, Reason
from backstride.intake.display import display_scores
from backstride.intake.result import ScoreValue


class ReasonDict(TypedDict):
    """One fired rule as JSON: ``code`` is the stable rule key, ``source`` its citation."""

    code: str
    text: str
    source: str
    disposition: str
    flags: list[str]
    detail: str | None


class AssessmentDict(TypedDict):
    """An assessment as JSON (stored in ``assessments.result`` and sent by the API)."""

    disposition: str
    reasons: list[ReasonDict]
    scores: dict[str, ScoreValue]
    scores_display: dict[str, str]
    startback_group: str | None
    flags: list[str]
    safety_netting: list[str]
    rules_version: str
    time_frame: str
    notes: list[str]
    assessed_date: str | None
    derived_flags: list[str]


def reason_to_dict(r: Reason) -> ReasonDict:
    """One reason as plain JSON types (flags sorted)."""
    return {
        "code": r.code,
        "text": r.text,
        "source": r.source,
        "disposition": r.disposition.value,
        "flags": sorted(r.flags),
        "detail": r.detail,
    }


def assessment_to_dict(a: Assessment) -> AssessmentDict:
    """The assessment as JSON-safe types; :func:`assessment_from_dict` reverses it.

    ``scores`` are data, unrounded (thresholds and change compare them); ``scores_display``
    holds the same scores as a person reads them (``"28 %"``, decision 0042).
    """
    return {
        "disposition": a.disposition.value,
        "reasons": [reason_to_dict(r) for r in a.reasons],
        "scores": dict(a.scores),
        "scores_display": display_scores(a.scores),
        "startback_group": a.startback_group,
        "flags": sorted(a.flags),
        "safety_netting": list(a.safety_netting),
        "rules_version": a.rules_version,
        "time_frame": a.time_frame,
        "notes": list(a.notes),
        "assessed_date": a.assessed_date.isoformat() if a.assessed_date else None,
        "derived_flags": sorted(a.derived_flags),
    }


def assessment_from_dict(d: Mapping[str, Any]) -> Assessment:
    """Rebuild an assessment stored with :func:`assessment_to_dict`."""
    try:
        reasons = tuple(
            Reason(
                code=r["code"],
                text=r["text"],
                source=r["source"],
                disposition=Disposition(r["disposition"]),
                flags=frozenset(r.get("flags", ())),
                detail=r.get("detail"),
            )
            for r in d["reasons"]
        )
        date = d.get("assessed_date")
        return Assessment(
            disposition=Disposition(d["disposition"]),
            reasons=reasons,
            scores=dict(d["scores"]),
            startback_group=d.get("startback_group"),
            flags=frozenset(d.get("flags", ())),
            safety_netting=tuple(d["safety_netting"]),
            rules_version=d["rules_version"],
            time_frame=d.get("time_frame", ""),
            notes=tuple(d.get("notes", ())),
            assessed_date=dt.date.fromisoformat(date) if date else None,
            derived_flags=frozenset(d.get("derived_flags", ())),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"not a stored assessment: {exc}", code="assessment.invalid") from exc


__all__ = [
    "AssessmentDict",
    "ReasonDict",
    "assessment_from_dict",
    "assessment_to_dict",
    "reason_to_dict",
]
