"""Builders for intake documents: a plain non-specific back-pain baseline plus overrides."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any

TODAY = dt.date(2026, 11, 25)
CES_ITEMS = (
    "saddle_numbness",
    "bladder_change",
    "bowel_change",
    "sexual_dysfunction",
    "bilateral_leg_symptoms",
)


def base_document() -> dict[str, Any]:
    """35-year-old man, central low back pain for 3 weeks, complete CES screen, nothing else."""
    return {
        "about": {"age_years": 35, "sex": "male"},
        "symptoms": {
            "locations": ["low_back"],
            "side": "central",
            "duration_weeks": 3,
            "onset": "sudden",
            "better_with_rest": True,
        },
        "red_flags": {"cauda_equina": dict.fromkeys(CES_ITEMS, "no")},
    }


def merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``over`` into a copy of ``base`` (mappings merge, everything else replaces)."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def doc(**over: Any) -> dict[str, Any]:
    """The baseline document with section overrides (``doc(about={"age_years": 58})``)."""
    return merge(base_document(), over)


def startback(items_1_8: str, item9: str) -> dict[str, Any]:
    """A STarT section from a string of eight 0/1 digits and the item-9 answer."""
    items: dict[str, Any] = {str(i + 1): c == "1" for i, c in enumerate(items_1_8.split())}
    items["9"] = item9
    return {"items": items}
