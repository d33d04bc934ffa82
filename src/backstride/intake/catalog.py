"""Instrument catalogue: the versioned YAML definitions shipped in ``intake/instruments/``.

Each file holds an instrument's id, version, item keys with own-words topic summaries,
answer types and ranges, the name of its scoring rule and its MCID/MDC with sources. No
copyrighted item wording is shipped; :mod:`backstride.intake.wording` swaps in a clinic's
licensed text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class AnswerSpec:
    """What an item accepts: ``integer`` (``minimum``..``maximum``), ``boolean`` or ``choice``.

    ``highest_of_several``: a list of marked answers is accepted and the highest one counts
    (ODI: "if two statements are marked, take the higher", Fairbank; clinical reference §4.3 step
    3).
    """

    type: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    anchors: Mapping[int, str] = field(default_factory=dict)
    highest_of_several: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)
    """What each answer means in plain words: ``yes``/``no`` of a boolean item ("agree"), or
    each choice of a choice item ("not_at_all" -> "not at all"). Shown beside the item."""

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of one answer (``null`` means unanswered)."""
        if self.type == "integer":
            bounds = {"minimum": self.minimum, "maximum": self.maximum}
            if self.highest_of_several:
                return {
                    "type": ["integer", "array", "null"],
                    **bounds,
                    "items": {"type": "integer", **bounds},
                }
            return {"type": ["integer", "null"], **bounds}
        if self.type == "boolean":
            return {"type": ["boolean", "null"]}
        return {"enum": [*self.choices, None]}


@dataclass(frozen=True, slots=True)
class ItemDef:
    """One item: stable ``key``, own-words ``topic``, shown ``text`` (licensed when loaded)."""

    key: str
    topic: str
    answer: AnswerSpec
    text: str
    options: tuple[str, ...] = ()
    licensed: bool = False


@dataclass(frozen=True, slots=True)
class ChangeSpec:
    """Minimal clinically important difference and minimal detectable change (clinical reference
    §4.1)."""

    mcid: float
    mdc: float
    source: str


@dataclass(frozen=True, slots=True)
class InstrumentDef:
    """A versioned questionnaire definition."""

    id: str
    version: str
    title: str
    licence: str
    source: str
    scoring: str
    primary: str
    higher_is_better: bool
    items: tuple[ItemDef, ...]
    change: ChangeSpec | None = None
    max_missing: int | None = None
    provisional: bool = False

    @property
    def item_keys(self) -> tuple[str, ...]:
        """Item keys in questionnaire order."""
        return tuple(i.key for i in self.items)

    def item(self, key: str) -> ItemDef:
        """The item with this key (KeyError when unknown)."""
        for it in self.items:
            if it.key == key:
                return it
        raise KeyError(key)


INSTRUMENT_IDS: tuple[str, ...] = (
    "nprs",
    "odi",
    "rmdq",
    "startback",
    "psfs",
    "triad_female",
    "triad_male",
)


def _answer(raw: Mapping[str, Any] | None) -> AnswerSpec:
    raw = raw or {"type": "boolean"}
    return AnswerSpec(
        type=str(raw["type"]),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        choices=tuple(raw.get("choices", ())),
        anchors={int(k): str(v) for k, v in (raw.get("anchors") or {}).items()},
        highest_of_several=raw.get("several_marked") == "highest",
        labels={str(k): str(v) for k, v in (raw.get("labels") or {}).items()},
    )


def parse_instrument(raw: Mapping[str, Any]) -> InstrumentDef:
    """Build an :class:`InstrumentDef` from its YAML mapping."""
    default_answer = _answer(raw.get("answer"))
    items = tuple(
        ItemDef(
            key=str(it["key"]),
            topic=str(it["topic"]),
            text=str(it["topic"]),
            answer=_answer(it["answer"]) if "answer" in it else default_answer,
        )
        for it in raw["items"]
    )
    change = raw.get("change")
    missing = raw.get("missing") or {}
    return InstrumentDef(
        id=str(raw["id"]),
        version=str(raw["version"]),
        title=str(raw["title"]),
        licence=str(raw["licence"]),
        source=str(raw["source"]),
        scoring=str(raw["scoring"]),
        primary=str(raw["primary"]),
        higher_is_better=raw.get("better") == "higher",
        items=items,
        change=(
            ChangeSpec(float(change["mcid"]), float(change["mdc"]), str(change["source"]))
            if change
            else None
        ),
        max_missing=missing.get("max_missing"),
        provisional=bool(raw.get("provisional", False)),
    )


@cache
def shipped_instruments() -> Mapping[str, InstrumentDef]:
    """The instruments shipped with backstride (own-words summaries), keyed by id."""
    folder = resources.files("backstride.intake") / "instruments"
    out: dict[str, InstrumentDef] = {}
    for ident in INSTRUMENT_IDS:
        raw = yaml.safe_load((folder / f"{ident}.yaml").read_text(encoding="utf-8"))
        out[ident] = parse_instrument(raw)
    return out


__all__ = [
    "INSTRUMENT_IDS",
    "AnswerSpec",
    "ChangeSpec",
    "InstrumentDef",
    "ItemDef",
    "parse_instrument",
    "shipped_instruments",
]
