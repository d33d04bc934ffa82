"""The exercise library: frozen entries loaded from ``data/exercises.yaml`` and validated.

Ladders and contraindication tags follow clinical reference §7.2 (ACSM 2009 progression
models; McGill big three; ladders and tags are backstride defaults [default]).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from backstride.errors import InvalidInput

CATEGORIES = frozenset({"core", "lower", "warm_up", "cool_down", "breathing", "cross_training"})
# Contraindication tags and the plan flags that forbid them (clinical reference §7.2).
KNOWN_TAGS = frozenset({"extension_loading", "loaded_flexion_rotation", "impact", "axial_loading"})
FLAG_FORBIDS: Mapping[str, frozenset[str]] = {
    "avoid_extension_loading": frozenset({"extension_loading"}),
    "avoid_loaded_flexion_rotation": frozenset({"loaded_flexion_rotation"}),
    "no_impact": frozenset({"impact"}),
    "no_running": frozenset({"impact"}),
    "no_axial_loading": frozenset({"axial_loading"}),
}
_FIELDS = frozenset(
    {
        "id",
        "name",
        "category",
        "purpose",
        "instructions",
        "cues",
        "mistakes",
        "regions",
        "equipment",
        "dosage",
        "progression",
        "regression",
        "tags",
        "heavy_lower",
        "gentle",
    }
)
_DOSAGE = frozenset(
    {"sets", "reps", "reps_scheme", "hold_s", "load_kg", "load_increment_kg", "rpe", "minutes"}
)


@dataclass(frozen=True, slots=True)
class Dosage:
    """Default dose: sets x reps or hold time, optional load (kg) with its increment, RPE."""

    sets: int | None = None
    reps: int | None = None
    hold_s: int | None = None
    load_kg: float | None = None
    load_increment_kg: float | None = None
    rpe: int | None = None
    minutes: int | None = None
    reps_scheme: tuple[int, ...] = ()
    """Reps per set in a descending pattern, e.g. McGill's 5-3-1 of 10-s holds (clinical reference
    §7.2, practitioner guidance, unverified); progress adds a rep to each set (6-4-2)."""


@dataclass(frozen=True, slots=True)
class Exercise:
    """One library entry."""

    id: str
    name: str
    category: str
    purpose: str
    instructions: tuple[str, ...]
    cues: tuple[str, ...]
    mistakes: tuple[str, ...]
    regions: frozenset[str]
    equipment: frozenset[str]
    dosage: Dosage
    progression: str | None
    regression: str | None
    tags: frozenset[str]
    heavy_lower: bool
    gentle: bool


def forbidden_tags(flags: frozenset[str]) -> frozenset[str]:
    """The contraindication tags that the assessment's plan flags rule out."""
    out: set[str] = set()
    for flag in flags:
        out |= FLAG_FORBIDS.get(flag, frozenset())
    return frozenset(out)


def _entry(raw: Mapping[str, Any], index: int, problems: list[dict[str, str]]) -> Exercise | None:
    path = f"exercises[{index}]"
    unknown = set(raw) - _FIELDS
    missing = {"id", "name", "category", "purpose", "instructions", "regions"} - set(raw)
    if unknown or missing:
        problems.append(
            {"path": path, "msg": f"unknown {sorted(unknown)} missing {sorted(missing)}"}
        )
        return None
    dose = dict(raw.get("dosage") or {})
    if set(dose) - _DOSAGE:
        problems.append({"path": path, "msg": f"unknown dosage keys {sorted(set(dose) - _DOSAGE)}"})
        return None
    tags = frozenset(raw.get("tags") or ())
    if tags - KNOWN_TAGS:
        problems.append({"path": path, "msg": f"unknown tags {sorted(tags - KNOWN_TAGS)}"})
    if raw["category"] not in CATEGORIES:
        problems.append({"path": path, "msg": f"unknown category {raw['category']!r}"})
    return Exercise(
        id=str(raw["id"]),
        name=str(raw["name"]),
        category=str(raw["category"]),
        purpose=str(raw["purpose"]),
        instructions=tuple(raw["instructions"]),
        cues=tuple(raw.get("cues") or ()),
        mistakes=tuple(raw.get("mistakes") or ()),
        regions=frozenset(raw["regions"]),
        equipment=frozenset(raw.get("equipment") or ()),
        dosage=Dosage(**{**dose, "reps_scheme": tuple(dose.get("reps_scheme") or ())}),
        progression=raw.get("progression"),
        regression=raw.get("regression"),
        tags=tags,
        heavy_lower=bool(raw.get("heavy_lower", False)),
        gentle=bool(raw.get("gentle", False)),
    )


def parse_catalogue(raw: Any) -> dict[str, Exercise]:
    """Validate a parsed YAML list: ids unique, links resolve both ways, ladders acyclic."""
    problems: list[dict[str, str]] = []
    if not isinstance(raw, list):
        raise InvalidInput("exercise library must be a list", code="catalogue.invalid")
    out: dict[str, Exercise] = {}
    for i, item in enumerate(raw):
        ex = _entry(item, i, problems) if isinstance(item, dict) else None
        if ex is None:
            continue
        if ex.id in out:
            problems.append({"path": ex.id, "msg": "duplicate id"})
        out[ex.id] = ex
    for ex in out.values():
        for attr, back in (("progression", "regression"), ("regression", "progression")):
            target = getattr(ex, attr)
            if target is None:
                continue
            if target not in out:
                problems.append({"path": ex.id, "msg": f"{attr} {target!r} does not exist"})
            elif getattr(out[target], back) != ex.id:
                problems.append({"path": ex.id, "msg": f"{attr} {target!r} does not link back"})
        seen = {ex.id}
        nxt = ex.progression
        while nxt is not None and nxt in out:
            if nxt in seen:
                problems.append({"path": ex.id, "msg": "ladder has a cycle"})
                break
            seen.add(nxt)
            nxt = out[nxt].progression
    if problems:
        raise InvalidInput(
            f"exercise library has {len(problems)} problem(s)",
            code="catalogue.invalid",
            problems=problems,
        )
    return out


@cache
def load_catalogue() -> Mapping[str, Exercise]:
    """The packaged library (validated once per process)."""
    text = resources.files("backstride.plan").joinpath("data/exercises.yaml").read_text("utf-8")
    return parse_catalogue(yaml.safe_load(text))


def ladder_of(catalogue: Mapping[str, Exercise], exercise_id: str) -> tuple[str, ...]:
    """The whole ladder an exercise belongs to, easiest first."""
    first = exercise_id
    while (reg := catalogue[first].regression) is not None:
        first = reg
    steps = [first]
    while (nxt := catalogue[steps[-1]].progression) is not None:
        steps.append(nxt)
    return tuple(steps)


__all__ = [
    "FLAG_FORBIDS",
    "KNOWN_TAGS",
    "Dosage",
    "Exercise",
    "forbidden_tags",
    "ladder_of",
    "load_catalogue",
    "parse_catalogue",
]
