"""What an export says about an activity besides its file (name, RPE, gear), applied on top."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from backstride.ingest.model import Activity
from backstride.ingest.sports import is_known_sport


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
    """The activity with the export's name/description/gear/RPE (file values win for data).

    The export's sport replaces the file's when the file names none ("generic"), one we cannot
    read (an unknown number) or one we only inferred from pace and cadence."""
    if hints is None:
        return activity
    extra = dict(activity.extra)
    if hints.export_id:
        extra["export_id"] = hints.export_id
    if hints.gear_kind:
        extra["gear_kind"] = hints.gear_kind
    sport = activity.sport
    inferred = any(w.code == "data.sport_inferred" for w in activity.warnings)
    if hints.sport and is_known_sport(hints.sport) and (not is_known_sport(sport) or inferred):
        sport = hints.sport  # the file named no sport (or one we cannot read): the export's
    warnings = activity.warnings
    if sport != activity.sport and inferred:
        warnings = tuple(w for w in warnings if w.code != "data.sport_inferred")
    return dataclasses.replace(
        activity,
        sport=sport,
        name=hints.name or activity.name,
        description=hints.description or activity.description,
        gear=hints.gear or activity.gear,
        rpe=hints.rpe if hints.rpe is not None else activity.rpe,
        extra=extra,
        warnings=warnings,
    )


__all__ = ["Hints", "apply_hints"]
