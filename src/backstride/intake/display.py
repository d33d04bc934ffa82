"""Numbers as people read them: ``ODI 28 %``, never ``28.000000000000004``.

Scores stay precise where they are data (``Assessment.scores``, stored responses, the JSON
``scores``): thresholds, bands and change are compared on unrounded values (clinical
reference §0). Every place that shows a score to a person formats it here, once: percentages
with at most one decimal (clinical reference §0), the PSFS mean with two (§4.6), halves
rounded up, a trailing ``.0`` dropped, an unscored value as "not scored".
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from backstride.intake.result import ScoreValue

DECIMALS_BY_MEASURE: Mapping[str, int] = {"percent": 1, "mean": 2}
"""Decimals shown per measure name (the part after the dot); other numbers get 2."""
KEEP_TRAILING_ZEROS = frozenset({"mean"})
"""Measures shown with a fixed number of decimals (PSFS 5.20, as the clinical reference)."""


def format_number(value: float, decimals: int, *, fixed: bool = False) -> str:
    """``value`` rounded half up to ``decimals``; trailing zeros dropped unless ``fixed``."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if not fixed and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def format_percent(value: float) -> str:
    """``28 %``, ``26.7 %`` (one decimal at most, clinical reference §0)."""
    return f"{format_number(value, 1)} %"


def display_score(key: str, value: ScoreValue) -> str:
    """One score for a person: ``odi.percent`` 28.000000000000004 -> ``28 %``."""
    if value is None:
        return "not scored"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        measure = key.rsplit(".", 1)[-1]
        if measure == "percent":
            return format_percent(value)
        decimals = DECIMALS_BY_MEASURE.get(measure, 2)
        return format_number(value, decimals, fixed=measure in KEEP_TRAILING_ZEROS)
    return value.replace("_", " ")


def display_scores(scores: Mapping[str, ScoreValue]) -> dict[str, str]:
    """Every score of an assessment as it is shown (same keys)."""
    return {key: display_score(key, value) for key, value in scores.items()}


__all__ = [
    "display_score",
    "display_scores",
    "format_number",
    "format_percent",
]
