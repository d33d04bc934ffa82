"""The runner's profile (birth year, sex, heart rate, threshold pace, preferences) and diary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy.orm import Session

from backstride.errors import InvalidInput, NotFound
from backstride.services.log_checks import refuse_future
from backstride.services.policy import Principal, own_runner_id
from backstride.store.models import PainEntry, Runner
from backstride.units import new_id

EDITABLE = (
    "display_name",
    "birth_year",
    "sex",
    "hr_rest_bpm",
    "hr_max_bpm",
    "threshold_pace_s_per_km",
    "timezone",
    "preferences",
)


@dataclass(frozen=True, slots=True)
class ProfileView:
    """A runner's profile."""

    runner_id: str
    handle: str
    display_name: str
    birth_year: int | None
    sex: str | None
    hr_rest_bpm: int | None
    hr_max_bpm: int | None
    threshold_pace_s_per_km: float | None
    timezone: str
    preferences: dict[str, Any]


def profile_view(runner: Runner) -> ProfileView:
    """The profile of a runner row."""
    return ProfileView(
        **{f.name: getattr(runner, f.name) for f in fields(ProfileView) if f.name != "runner_id"},
        runner_id=runner.id,
    )


def _runner(session: Session, principal: Principal) -> Runner:
    runner = session.get(Runner, own_runner_id(principal))
    if runner is None:
        raise NotFound("runner not found", code="runner.not_found")
    return runner


def get_profile(session: Session, *, principal: Principal) -> ProfileView:
    """My profile."""
    return profile_view(_runner(session, principal))


def update_profile(
    session: Session, *, principal: Principal, changes: dict[str, Any]
) -> ProfileView:
    """Change the given profile fields; heart rates must be consistent (rest < max)."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(
            "unknown profile fields",
            code="profile.invalid",
            problems=[{"path": k, "msg": "not an editable field"} for k in unknown],
        )
    required = [
        k
        for k in ("display_name", "timezone", "preferences")
        if k in changes and changes[k] is None
    ]
    if required:
        raise InvalidInput(
            "these profile fields cannot be empty",
            code="profile.invalid",
            problems=[{"path": k, "msg": "may not be null"} for k in required],
        )
    runner = _runner(session, principal)
    rest = changes.get("hr_rest_bpm", runner.hr_rest_bpm)
    top = changes.get("hr_max_bpm", runner.hr_max_bpm)
    if rest is not None and top is not None and rest >= top:
        raise InvalidInput(
            "resting heart rate must be below maximum heart rate",
            code="profile.invalid",
            problems=[{"path": "hr_rest_bpm", "msg": "must be below hr_max_bpm"}],
        )
    for key, value in changes.items():
        setattr(runner, key, value)
    session.commit()
    return profile_view(runner)


@dataclass(frozen=True, slots=True)
class PainEntryView:
    """A pain-diary entry."""

    id: str
    entry_date: dt.date
    nprs_now: int | None
    morning_pain: int | None
    morning_stiffness_min: int | None
    notes: str | None


def add_pain_entry(
    session: Session,
    *,
    principal: Principal,
    entry_date: dt.date,
    nprs_now: int | None,
    morning_pain: int | None,
    morning_stiffness_min: int | None,
    notes: str | None,
    now: dt.datetime,
) -> PainEntryView:
    """Record a pain-diary entry (NPRS 0-10, morning stiffness in minutes).

    Refused with a code before anything is stored: an entry with no pain value at all
    (``pain_entry.empty``: a note alone is not a pain entry) and a day after the runner's
    local today (``pain_entry.future_date``).
    """
    if nprs_now is None and morning_pain is None and morning_stiffness_min is None:
        raise InvalidInput(
            "a pain entry needs at least one value: nprs_now, morning_pain or "
            "morning_stiffness_min",
            code="pain_entry.empty",
            problems=[
                {"path": p, "msg": "give at least one pain value"}
                for p in ("nprs_now", "morning_pain", "morning_stiffness_min")
            ],
        )
    runner = _runner(session, principal)
    refuse_future(
        entry_date, runner=runner, now=now, code="pain_entry.future_date", path="entry_date"
    )
    runner_id = runner.id
    row = PainEntry(
        id=new_id(),
        runner_id=runner_id,
        entry_date=entry_date,
        nprs_now=nprs_now,
        morning_pain=morning_pain,
        morning_stiffness_min=morning_stiffness_min,
        notes=notes,
        logged_at=now,
    )
    session.add(row)
    session.commit()
    return PainEntryView(row.id, entry_date, nprs_now, morning_pain, morning_stiffness_min, notes)


def my_handle(session: Session, *, principal: Principal) -> str:
    """The calling runner's handle (what the stage services take as ``runner_handle``)."""
    return _runner(session, principal).handle


__all__ = [
    "EDITABLE",
    "PainEntryView",
    "ProfileView",
    "add_pain_entry",
    "get_profile",
    "my_handle",
    "profile_view",
    "update_profile",
]
