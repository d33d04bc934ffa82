"""Appointment rows with everything a view shows, in one query; the view builder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, aliased

from backstride.clinic import ClinicRules
from backstride.clinic.timegrid import zone
from backstride.services.booking.load import policy_from_row
from backstride.services.booking.views import AppointmentView
from backstride.store.clinic_models import Appointment, AppointmentTypeRow, BookingPolicy, RoomRow
from backstride.store.models import Account, Clinic, Consent, Runner

_Clinician = aliased(Account)


def view_query() -> Select[Appointment, str, str, str, str, str, str, BookingPolicy, bool]:
    """Appointment + type + clinic + clinician + room + runner + policy + consent flag."""
    consent = exists().where(
        Consent.runner_id == Appointment.runner_id,
        Consent.clinic_id == Appointment.clinic_id,
        Consent.revoked_at.is_(None),
    )
    return (
        select(
            Appointment,
            AppointmentTypeRow.name,
            AppointmentTypeRow.visit_kind,
            Clinic.name,
            _Clinician.display_name,
            RoomRow.name,
            Runner.display_name,
            BookingPolicy,
            consent.label("consent"),
        )
        .join(AppointmentTypeRow, AppointmentTypeRow.id == Appointment.appointment_type_id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .join(_Clinician, _Clinician.id == Appointment.clinician_account_id)
        .join(Runner, Runner.id == Appointment.runner_id)
        .outerjoin(RoomRow, RoomRow.id == Appointment.room_id)
        .outerjoin(BookingPolicy, BookingPolicy.clinic_id == Appointment.clinic_id)
    )


def to_view(row: Sequence[Any], *, show_runner: bool | None = None) -> AppointmentView:
    """A row of :func:`view_query` as a view; the runner's name shows when ``show_runner``
    (default: while their consent to the clinic is active)."""
    ap, type_name, kind, clinic_name, clinician_name, room_name, runner_name, pol, consent = row
    policy = policy_from_row(pol)
    show = bool(consent) if show_runner is None else show_runner
    return AppointmentView(
        id=ap.id,
        clinic_id=ap.clinic_id,
        clinic_name=clinic_name,
        appointment_type_id=ap.appointment_type_id,
        type_name=type_name,
        visit_kind=kind,
        clinician_id=ap.clinician_account_id,
        clinician_name=clinician_name,
        room_id=ap.room_id,
        room_name=room_name,
        runner_id=ap.runner_id,
        runner_name=runner_name if show else None,
        start_at=ap.start_at,
        end_at=ap.end_at,
        local_start=ap.start_at.astimezone(zone(policy.timezone)).isoformat(),
        timezone=policy.timezone,
        status=ap.status,
        version=ap.version,
        booked_via=ap.booked_via,
        override_reason=ap.override_reason,
        cancel_reason=ap.cancel_reason,
        change_until=ap.start_at - dt.timedelta(minutes=policy.cancel_window_min),
        created_at=ap.created_at,
        updated_at=ap.updated_at,
    )


def view_of(
    ap: Appointment,
    rules: ClinicRules,
    *,
    clinic_name: str,
    runner_name: str | None,
) -> AppointmentView:
    """The view of a row just written, from what the write already holds (no query)."""
    t = rules.type_by_id(ap.appointment_type_id)
    clinician = rules.clinician_by_id(ap.clinician_account_id)
    room = None if ap.room_id is None else rules.room_by_id(ap.room_id)
    policy = rules.policy
    return AppointmentView(
        id=ap.id,
        clinic_id=ap.clinic_id,
        clinic_name=clinic_name,
        appointment_type_id=ap.appointment_type_id,
        type_name="" if t is None else t.name,
        visit_kind="" if t is None else t.visit_kind.value,
        clinician_id=ap.clinician_account_id,
        clinician_name="" if clinician is None else clinician.name,
        room_id=ap.room_id,
        room_name=None if room is None else room.name,
        runner_id=ap.runner_id,
        runner_name=runner_name,
        start_at=ap.start_at,
        end_at=ap.end_at,
        local_start=ap.start_at.astimezone(zone(policy.timezone)).isoformat(),
        timezone=policy.timezone,
        status=ap.status,
        version=ap.version,
        booked_via=ap.booked_via,
        override_reason=ap.override_reason,
        cancel_reason=ap.cancel_reason,
        change_until=ap.start_at - dt.timedelta(minutes=policy.cancel_window_min),
        created_at=ap.created_at,
        updated_at=ap.updated_at,
    )


_VIEW = view_query()


def one_view(
    session: Session, appointment_id: str, *, show_runner: bool | None = None
) -> AppointmentView | None:
    """One appointment's view, or ``None``."""
    row = session.execute(_VIEW.where(Appointment.id == appointment_id)).first()
    return None if row is None else to_view(row, show_runner=show_runner)


__all__ = ["one_view", "to_view", "view_of", "view_query"]
