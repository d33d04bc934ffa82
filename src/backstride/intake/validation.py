"""Validate a raw intake mapping into an :class:`IntakeDocument`, reporting every problem at once.

Structure, types and ranges come from the pydantic models; questionnaire item keys, answer
types and ranges come from the instrument data files, so an unknown item or an out-of-range
answer is caught with its path (``odi.items.3``). All problems go into ONE
``InvalidInput(code="intake.invalid")``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from backstride.errors import InvalidInput
from backstride.intake.catalog import AnswerSpec, InstrumentDef, shipped_instruments
from backstride.intake.document import IntakeDocument

ITEM_INSTRUMENTS: tuple[str, ...] = ("nprs", "odi", "rmdq", "startback")


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _check_answer(spec: AnswerSpec, value: Any) -> tuple[str, str] | None:
    """``(type, message)`` when ``value`` does not fit ``spec`` (``None`` = unanswered, fine)."""
    if value is None:
        return None
    if spec.highest_of_several and isinstance(value, list):
        # several statements marked: each must be valid; the scorer takes the highest
        for one in value:
            if one is None or isinstance(one, list):
                return (
                    "int_type",
                    f"each marked answer must be a whole number {spec.minimum}-{spec.maximum}",
                )
            bad = _check_answer(spec, one)
            if bad:
                return bad
        return None
    if spec.type == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return "int_type", f"must be a whole number {spec.minimum}-{spec.maximum}"
        if (spec.minimum is not None and value < spec.minimum) or (
            spec.maximum is not None and value > spec.maximum
        ):
            return "out_of_range", f"{value} is outside {spec.minimum}-{spec.maximum}"
        return None
    if spec.type == "boolean":
        if not isinstance(value, bool):
            return "bool_type", "must be true (yes) or false (no)"
        return None
    if value not in spec.choices:
        return "choice", f"must be one of {', '.join(spec.choices)}"
    return None


def item_problems(
    raw: Mapping[str, Any], instruments: Mapping[str, InstrumentDef]
) -> list[dict[str, str]]:
    """Problems with questionnaire items: unknown keys, wrong types, out-of-range answers."""
    problems: list[dict[str, str]] = []
    for ident in ITEM_INSTRUMENTS:
        section = raw.get(ident)
        if not isinstance(section, Mapping):
            continue
        items = section.get("items")
        if not isinstance(items, Mapping):
            continue
        known = {it.key: it for it in instruments[ident].items}
        for key, value in items.items():
            path = f"{ident}.items.{key}"
            if str(key) not in known:
                problems.append(
                    {"path": path, "msg": f"unknown item of {ident}", "type": "unknown_item"}
                )
                continue
            bad = _check_answer(known[str(key)].answer, value)
            if bad:
                problems.append({"path": path, "msg": bad[1], "type": bad[0]})
    return problems


def cross_field_problems(document: IntakeDocument) -> list[dict[str, str]]:
    """Answers that are valid alone but contradict each other (reported at the later field)."""
    problems: list[dict[str, str]] = []
    s = document.symptoms
    if not s.locations and not (s.leg_tingling_numbness or s.leg_weakness != "none"):
        problems.append(
            {
                "path": "symptoms.locations",
                "msg": "say where the pain is; no location fits only numbness or weakness "
                "without pain",
                "type": "too_short",
            }
        )
    onset = document.symptoms.age_at_onset_years
    if onset is not None and onset > document.about.age_years:
        problems.append(
            {
                "path": "symptoms.age_at_onset_years",
                "msg": f"age at onset {onset:g} is above the runner's age "
                f"{document.about.age_years}",
                "type": "after_current_age",
            }
        )
    return problems


def validate_intake(
    raw: Mapping[str, Any], *, instruments: Mapping[str, InstrumentDef] | None = None
) -> IntakeDocument:
    """The validated document, or ONE ``InvalidInput(code="intake.invalid")`` listing every problem.

    Each problem is ``{"path": "odi.items.3", "msg": ..., "type": ...}``.
    """
    if not isinstance(raw, Mapping):
        raise InvalidInput(
            "the intake must be a mapping of sections",
            code="intake.invalid",
            problems=[{"path": "", "msg": "expected an object", "type": "dict_type"}],
        )
    problems: list[dict[str, str]] = []
    document: IntakeDocument | None = None
    try:
        document = IntakeDocument.model_validate(dict(raw))
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            problems.append(
                {"path": _path(tuple(err["loc"])), "msg": str(err["msg"]), "type": err["type"]}
            )
    problems.extend(item_problems(raw, instruments or shipped_instruments()))
    if document is not None:
        problems.extend(cross_field_problems(document))
    if problems or document is None:
        problems.sort(key=lambda p: p["path"])
        raise InvalidInput(
            f"the intake has {len(problems)} problem(s)", code="intake.invalid", problems=problems
        )
    return document


def _items_schema(instrument: InstrumentDef) -> dict[str, Any]:
    props = {
        it.key: {**it.answer.json_schema(), "description": it.topic} for it in instrument.items
    }
    return {
        "anyOf": [
            {
                "type": "object",
                "title": instrument.title,
                "properties": {
                    "items": {"type": "object", "properties": props, "additionalProperties": False}
                },
                "additionalProperties": False,
            },
            {"type": "null"},
        ],
        "default": None,
    }


def intake_json_schema(*, instruments: Mapping[str, InstrumentDef] | None = None) -> dict[str, Any]:
    """JSON Schema (2020-12) of the intake document; questionnaire items from instrument data."""
    instruments = instruments or shipped_instruments()
    schema = IntakeDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    for ident in ITEM_INSTRUMENTS:
        schema["properties"][ident] = _items_schema(instruments[ident])
    schema["$defs"].pop("ItemAnswers", None)
    return schema


__all__ = [
    "ITEM_INSTRUMENTS",
    "cross_field_problems",
    "intake_json_schema",
    "item_problems",
    "validate_intake",
]
