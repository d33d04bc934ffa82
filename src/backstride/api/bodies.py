"""Request bodies that the API's routes and the web pages both take.

The web app checks its forms with the same models the API reads from JSON
(``web.forms.validate``), so they live here rather than beside their routes, which the web
app may not import (the layering contract in pyproject.toml).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from backstride.api.schemas import AnyDateTime, In, Int, IsoDate, Num


class PlanIn(In):
    weeks: Int = Field(8, ge=1, le=52)
    start_date: IsoDate | None = None


class ExerciseIn(In):
    id: str = Field(min_length=1, max_length=64)
    sets: Int = Field(ge=0, le=50)
    reps: Int = Field(ge=0, le=500)
    load_kg: Num | None = Field(None, ge=0, le=500)


class SessionLogIn(In):
    on_date: IsoDate
    kind: Literal["run", "strength", "mobility", "cross_training", "relaxation"]
    status: Literal["done", "skipped", "partial"]
    pain_during: Int | None = Field(None, ge=0, le=10)
    pain_after: Int | None = Field(None, ge=0, le=10)
    pain_next_morning: Int | None = Field(None, ge=0, le=10)
    usual_morning_pain: Int = Field(0, ge=0, le=10)
    rpe: Num | None = Field(None, ge=0, le=10)
    distance_m: Int | None = Field(None, ge=0, le=400_000)
    duration_s: Num | None = Field(None, ge=0, le=172_800)
    bone_pain: Int | None = Field(None, ge=0, le=10)
    new_red_flag: str | None = Field(None, max_length=64)
    exercises: list[ExerciseIn] = Field(default_factory=list, max_length=50)
    notes: str | None = Field(None, max_length=4000)
    stiffness_next_morning: Int | None = Field(
        None, ge=0, le=10, description="next-morning stiffness 0-10 (the 24-hour rule, §8)"
    )
    usual_morning_stiffness: Int | None = Field(None, ge=0, le=10)
    good_form: bool = Field(True, description="strength: every set with good form")


class BookIn(In):
    clinic_id: str = Field(min_length=1, max_length=64)
    appointment_type_id: str = Field(min_length=1, max_length=64)
    start_at: AnyDateTime = Field(description="ISO 8601 with an offset; on the slot grid.")
    end_at: AnyDateTime | None = Field(None, description="Optional; must be start + duration.")
    clinician_id: str | None = Field(None, max_length=64, description="None: first available.")
    share_record: bool = Field(
        False, description="Grant the clinic consent to see my record (needed to book)."
    )


class RescheduleIn(In):
    version: Int = Field(ge=1, description="The version I saw (stale: 409).")
    start_at: AnyDateTime
    clinician_id: str | None = Field(None, max_length=64)


class CancelIn(In):
    version: Int | None = Field(None, ge=1)
    reason: str | None = Field(None, max_length=500)


class StaffBookIn(In):
    clinic_id: str = Field(min_length=1, max_length=64)
    appointment_type_id: str = Field(min_length=1, max_length=64)
    start_at: AnyDateTime
    end_at: AnyDateTime | None = None
    clinician_id: str | None = Field(None, max_length=64)
    room_id: str | None = Field(None, max_length=64)
    override_reason: str | None = Field(
        None, max_length=500, description="Book outside the clinician's hours (audited)."
    )


class StaffRescheduleIn(In):
    version: Int = Field(ge=1)
    start_at: AnyDateTime
    clinician_id: str | None = Field(None, max_length=64)
    room_id: str | None = Field(None, max_length=64)
    override_reason: str | None = Field(None, max_length=500)


class StaffCancelIn(In):
    version: Int | None = Field(None, ge=1)
    reason: str | None = Field(None, max_length=500)


class AttendanceIn(In):
    version: Int = Field(ge=1)
    status: Literal["attended", "no_show"]


class HoursIn(In):
    clinician_id: str = Field(max_length=64)
    start: str = Field(max_length=5, description="Local HH:MM")
    end: str = Field(max_length=5, description="Local HH:MM (24:00 = midnight)")
    weekday: Int | None = Field(None, description="0 = Monday; or give on_date")
    on_date: IsoDate | None = Field(None, description="A date whose weekly hours this replaces")
    room_id: str | None = Field(None, max_length=64)
    visit_kinds: list[str] = Field(default_factory=list, max_length=10)


class TimeOffIn(In):
    start_at: AnyDateTime
    end_at: AnyDateTime
    clinician_id: str | None = Field(None, max_length=64)
    room_id: str | None = Field(None, max_length=64)
    reason: str = Field("", max_length=500)


__all__ = [
    "AttendanceIn",
    "BookIn",
    "CancelIn",
    "ExerciseIn",
    "HoursIn",
    "PlanIn",
    "RescheduleIn",
    "SessionLogIn",
    "StaffBookIn",
    "StaffCancelIn",
    "StaffRescheduleIn",
    "TimeOffIn",
]
