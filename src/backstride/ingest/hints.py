"""What an export says about an activity besides its file (name, RPE, gear), applied on top."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from backstride.ingest.model import Activity


@dataclass(frozen=True, slots=True)
class Hints:
    """Export metadata for one activity; ``None`` fields leave the file's value alone."""

    name: str | None = None
    description: str | None = None
    sport: str | None = None
    gear: str | None = None
    gear_kind: str | None = None
    rpe: float | None = None
    export_id: str | None = None


def apply_hints(activity: Activity, hints: Hints | None) -> Activity:
    """The activity with the export's name/description/gear/RPE (file values win for data)."""
    if hints is None:
        return activity
    extra = dict(activity.extra)
    if hints.export_id:
        extra["export_id"] = hints.export_id
    if hints.gear_kind:
        extra["gear_kind"] = hints.gear_kind
    sport = activity.sport
    if hints.sport and sport == "generic":
        sport = hints.sport
    return dataclasses.replace(
        activity,
        sport=sport,
        name=hints.name or activity.name,
        description=hints.description or activity.description,
        gear=hints.gear or activity.gear,
        rpe=hints.rpe if hints.rpe is not None else activity.rpe,
        extra=extra,
    )


__all__ = ["Hints", "apply_hints"]
