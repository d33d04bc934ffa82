"""The score of one instrument, shared by every scoring rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ScoreValue = float | int | str | None


@dataclass(frozen=True, slots=True)
class Scored:
    """The score of one instrument: ``values`` keyed by measure (``percent``, ``band`` ...)."""

    instrument: str
    values: Mapping[str, ScoreValue]
    notes: tuple[str, ...] = ()


__all__ = ["ScoreValue", "Scored"]
