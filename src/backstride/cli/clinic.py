"""``backstride clinic ...``: the clinic's booking set-up and front desk on the command line.

Times are the clinic's local wall-clock time (``2026-12-07 09:00``) unless they carry an
offset. Names work where ids do: types and rooms by name, clinicians by e-mail, runners by
handle. The CLI is the trusted front desk at the clinic's machine (audited as
``front_desk_cli``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput, NotFound

clinic_app = typer.Typer(help="Clinic booking: set-up and the front desk.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ClinicArg = Annotated[str, typer.Argument(help="Clinic slug or id.")]
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _out(value: Any, *, as_json: bool, text: str | None = None) -> None:
    from backstride.api.jsonable import to_jsonable

    if as_json:
        typer.echo(json.dumps(to_jsonable(value), ensure_ascii=False))
    elif text is not None:
        typer.echo(text)


def _clinic_id(session: Session, clinic: str) -> str:
    from backstride.services.booking.access import clinic_row

    return clinic_row(session, clinic).id


def _type_id(session: Session, clinic_id: str, name: str) -> str:
    from backstride.store.clinic_models import AppointmentTypeRow

    found = session.scalar(
        select(AppointmentTypeRow.id).where(
            AppointmentTypeRow.clinic_id == clinic_id,
            (AppointmentTypeRow.name == name) | (AppointmentTypeRow.id == name),
        )
    )
    if found is None:
        raise NotFound(f"no appointment type {name!r}", code="appointment_type.not_found")
    return found


def _room_id(session: Session, clinic_id: str, name: str | None) -> str | None:
    from backstride.store.clinic_models import RoomRow

    if name is None:
        return None
    found = session.scalar(
        select(RoomRow.id).where(
            RoomRow.clinic_id == clinic_id, (RoomRow.name == name) | (RoomRow.id == name)
        )
    )
    if found is None:
        raise NotFound(f"no room {name!r}", code="room.not_found")
    return found


def _clinician_id(session: Session, who: str | None) -> str | None:
    from backstride.store.models import Account

    if who is None:
        return None
    found = session.scalar(
        select(Account.id).where((Account.email == who.lower()) | (Account.id == who))
    )
    if found is None:
        raise NotFound(f"no clinician {who!r}", code="clinician.not_found")
    return found


def _runner_id(session: Session, handle: str) -> str:
    from backstride.services.runners import find_runner

    return find_runner(session, handle=handle).id


def _local(session: Session, clinic_id: str, value: str, name: str) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` in the clinic's zone, or an ISO time with an offset."""
    from backstride.clinic.timegrid import zone
    from backstride.services.booking import get_policy

    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError as exc:
        raise InvalidInput(
            f"{name} must look like 2026-12-07 09:00", code="cli.invalid_time"
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(get_policy(session, clinic_id=clinic_id).timezone))
    return parsed.astimezone(dt.UTC)


def _kinds(value: str | None) -> list[str]:
    return [k.strip() for k in (value or "").split(",") if k.strip()]


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    table = Table(title=title, title_justify="left")
    for c in columns:
        table.add_column(c)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)


@clinic_app.command("policy")
def policy(
    clinic: ClinicArg,
    timezone: Annotated[str | None, typer.Option(help="IANA zone, e.g. Europe/London.")] = None,
    step: Annotated[int | None, typer.Option(help="Slot grid in minutes.")] = None,
    horizon_days: Annotated[int | None, typer.Option(help="How far ahead runners book.")] = None,
    notice_min: Annotated[int | None, typer.Option(help="Minimum notice, minutes.")] = None,
    cancel_window_min: Annotated[int | None, typer.Option(help="Online cancel/move until.")] = None,
    triage_window_days: Annotated[
        int | None, typer.Option(help="'clinician' triage: within.")
    ] = None,
    reminders: Annotated[str | None, typer.Option(help="Minutes before, e.g. 1440,120.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or change the booking policy."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services import booking

    with open_session() as session:
        cid = _clinic_id(session, clinic)
        offsets = None if reminders is None else [int(x) for x in reminders.split(",") if x.strip()]
        given = (timezone, step, horizon_days, notice_min, cancel_window_min, triage_window_days)
        if any(v is not None for v in given) or offsets is not None:
            view = booking.set_policy(
                session,
                actor=None,
                clinic_id=cid,
                now=utc_now(),
                timezone=timezone,
                slot_step_min=step,
                horizon_days=horizon_days,
                min_notice_min=notice_min,
                cancel_window_min=cancel_window_min,
                triage_window_days=triage_window_days,
                reminder_offsets_min=offsets,
            )
        else:
            view = booking.get_policy(session, clinic_id=cid)
    _out(
        view,
        as_json=as_json,
        text="\n".join(f"{k}: {v}" for k, v in dataclasses.asdict(view).items()),
    )


@clinic_app.command("type-add")
def type_add(
    clinic: ClinicArg,
    name: Annotated[str, typer.Argument(help="E.g. 'Initial assessment'.")],
    kind: Annotated[
        str,
        typer.Option(
            help="initial_assessment, re_assessment, adjustment, soft_tissue, "
            "exercise_review, gait_analysis"
        ),
    ],
    minutes: Annotated[int, typer.Option(help="Duration.")],
    before: Annotated[int, typer.Option(help="Buffer before, minutes.")] = 0,
    after: Annotated[int, typer.Option(help="Buffer after, minutes.")] = 0,
    audience: Annotated[str, typer.Option(help="any, new or returning.")] = "any",
    staff_only: Annotated[bool, typer.Option("--staff-only", help="Not bookable online.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add an appointment type."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services import booking

    with open_session() as session:
        view = booking.create_type(
            session,
            actor=None,
            clinic_id=_clinic_id(session, clinic),
            name=name,
            visit_kind=kind,
            duration_min=minutes,
            buffer_before_min=before,
            buffer_after_min=after,
            audience=audience,
            online=not staff_only,
            now=utc_now(),
        )
    _out(view, as_json=as_json, text=f"type {view.name!r} added (id {view.id})")


@clinic_app.command("types")
def types(clinic: ClinicArg, as_json: JsonOpt = False) -> None:
    """List the appointment types."""
    from backstride.cli._context import open_session
    from backstride.services import booking

    with open_session() as session:
        rows = booking.list_types(session, clinic_id=clinic, include_inactive=True)
    if as_json:
        _out(rows, as_json=True)
        return
    _table(
        "Appointment types",
        ("name", "kind", "min", "buffers", "audience", "online", "active"),
        [
            (
                t.name,
                t.visit_kind,
                t.duration_min,
                f"{t.buffer_before_min}/{t.buffer_after_min}",
                t.audience,
                t.online,
                t.active,
            )
            for t in rows
        ],
    )


@clinic_app.command("room-add")
def room_add(
    clinic: ClinicArg,
    name: Annotated[str, typer.Argument()],
    hosts: Annotated[
        str | None, typer.Option(help="Visit kinds it hosts (comma list); none: all.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a room."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services import booking

    with open_session() as session:
        view = booking.create_room(
            session,
            actor=None,
            clinic_id=_clinic_id(session, clinic),
            name=name,
            visit_kinds=_kinds(hosts),
            now=utc_now(),
        )
    _out(view, as_json=as_json, text=f"room {view.name!r} added (id {view.id})")


@clinic_app.command("hours-add")
def hours_add(
    clinic: ClinicArg,
    clinician: Annotated[str, typer.Option(help="Clinician e-mail or id.")],
    day: Annotated[str, typer.Option(help="mon..sun (weekly) or YYYY-MM-DD (that date only).")],
    start: Annotated[str, typer.Option("--from", help="Local HH:MM.")],
    end: Annotated[str, typer.Option("--to", help="Local HH:MM.")],
    room: Annotated[str | None, typer.Option(help="Pin a room (name).")] = None,
    kinds: Annotated[str | None, typer.Option(help="Only these visit kinds.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a clinician's weekly hours or a one-date exception."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services import booking

    weekday, on_date = None, None
    if day.lower()[:3] in _DAYS and not day[:1].isdigit():
        weekday = _DAYS.index(day.lower()[:3])
    else:
        try:
            on_date = dt.date.fromisoformat(day)
        except ValueError as exc:
            raise InvalidInput("--day is mon..sun or YYYY-MM-DD", code="cli.invalid_date") from exc
    with open_session() as session:
        cid = _clinic_id(session, clinic)
        clinician_id = _clinician_id(session, clinician)
        assert clinician_id is not None
        view = booking.add_hours(
            session,
            actor=None,
            clinic_id=cid,
            clinician_id=clinician_id,
            start=start,
            end=end,
            weekday=weekday,
            on_date=on_date,
            room_id=_room_id(session, cid, room),
            visit_kinds=_kinds(kinds),
            now=utc_now(),
        )
    _out(view, as_json=as_json, text=f"hours {view.start}-{view.end} added (id {view.id})")


@clinic_app.command("time-off")
def time_off(
    clinic: ClinicArg,
    start: Annotated[str, typer.Option("--from", help="Local 'YYYY-MM-DD HH:MM'.")],
    end: Annotated[str, typer.Option("--to", help="Local 'YYYY-MM-DD HH:MM'.")],
    clinician: Annotated[
        str | None, typer.Option(help="E-mail; none and no room: the clinic.")
    ] = None,
    room: Annotated[str | None, typer.Option(help="Room name.")] = None,
    reason: Annotated[str, typer.Option()] = "",
    as_json: JsonOpt = False,
) -> None:
    """Add time off; lists booked visits inside it (move them)."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services import booking

    with open_session() as session:
        cid = _clinic_id(session, clinic)
        view = booking.add_time_off(
            session,
            actor=None,
            clinic_id=cid,
            start_at=_local(session, cid, start, "--from"),
            end_at=_local(session, cid, end, "--to"),
            clinician_id=_clinician_id(session, clinician),
            room_id=_room_id(session, cid, room),
            reason=reason,
            now=utc_now(),
        )
    text = f"time off added (id {view.id})"
    if view.conflicts:
        text += f"; booked visits inside it: {', '.join(view.conflicts)}"
    _out(view, as_json=as_json, text=text)


@clinic_app.command("slots")
def slots(
    clinic: ClinicArg,
    type_name: Annotated[str, typer.Option("--type", help="Appointment type name.")],
    day: Annotated[
        str | None, typer.Option("--date", help="First local date (default today).")
    ] = None,
    days: Annotated[int, typer.Option(help="How many days.")] = 7,
    clinician: Annotated[str | None, typer.Option(help="Clinician e-mail.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 40,
    as_json: JsonOpt = False,
) -> None:
    """Free slots for a type (the front desk's view: from now, no minimum notice)."""
    from backstride.cli._context import open_session, utc_now
    from backstride.clinic.slots import window_days
    from backstride.services import booking

    now = utc_now()
    with open_session() as session:
        cid = _clinic_id(session, clinic)
        policy = booking.get_policy(session, clinic_id=cid)
        first = dt.date.fromisoformat(day) if day else now.date()
        window = window_days(first, days, policy.timezone)
        found = booking.list_free_slots(
            session,
            principal=None,
            clinic_id=cid,
            appointment_type_id=_type_id(session, cid, type_name),
            now=now,
            from_at=window.start_at,
            to_at=window.end_at,
            clinician_id=_clinician_id(session, clinician),
            limit=limit,
        )
    if as_json:
        _out(found, as_json=True)
        return
    _table(
        f"Free slots ({found.timezone})",
        ("start", "clinician", "room"),
        [
            (s.local_start[:16].replace("T", " "), s.clinician_name, s.room_name)
            for s in found.slots
        ],
    )


@clinic_app.command("book")
def book(
    clinic: ClinicArg,
    runner: Annotated[str, typer.Option(help="Runner handle.")],
    type_name: Annotated[str, typer.Option("--type", help="Appointment type name.")],
    at: Annotated[str, typer.Option(help="Local 'YYYY-MM-DD HH:MM'.")],
    clinician: Annotated[str | None, typer.Option(help="E-mail; none: first available.")] = None,
    room: Annotated[str | None, typer.Option(help="Room name; none: the first suitable.")] = None,
    override_reason: Annotated[
        str | None, typer.Option(help="Book outside hours, with why.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Book for a consenting runner (front desk)."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services import booking

    with open_session() as session:
        cid = _clinic_id(session, clinic)
        done = booking.book(
            session,
            principal=None,
            clinic_id=cid,
            appointment_type_id=_type_id(session, cid, type_name),
            start_at=_local(session, cid, at, "--at"),
            now=utc_now(),
            runner_id=_runner_id(session, runner),
            clinician_id=_clinician_id(session, clinician),
            room_id=_room_id(session, cid, room),
            override_reason=override_reason,
        )
    ap = done.appointment
    _out(
        ap,
        as_json=as_json,
        text=f"booked {ap.id}: {ap.type_name} {ap.local_start[:16].replace('T', ' ')} "
        f"with {ap.clinician_name}",
    )


@clinic_app.command("schedule")
def schedule(
    clinic: ClinicArg,
    day: Annotated[
        str | None, typer.Option("--date", help="First local date (default today).")
    ] = None,
    days: Annotated[int, typer.Option(help="How many days (at most 31).")] = 1,
    as_json: JsonOpt = False,
) -> None:
    """The clinic's appointments (runners' names while they consent)."""
    from backstride.cli._context import open_session, utc_now
    from backstride.clinic.slots import window_days
    from backstride.services import booking

    now = utc_now()
    with open_session() as session:
        cid = _clinic_id(session, clinic)
        policy = booking.get_policy(session, clinic_id=cid)
        window = window_days(
            dt.date.fromisoformat(day) if day else now.date(), days, policy.timezone
        )
        rows = booking.clinic_schedule(
            session,
            principal=None,
            clinic_id=cid,
            from_at=window.start_at,
            to_at=window.end_at,
            now=now,
        )
    if as_json:
        _out(rows, as_json=True)
        return
    _table(
        "Schedule",
        ("id", "start", "type", "clinician", "room", "runner", "status", "v"),
        [
            (
                a.id[:8],
                a.local_start[:16].replace("T", " "),
                a.type_name,
                a.clinician_name,
                a.room_name,
                a.runner_name or "(consent withdrawn)",
                a.status,
                a.version,
            )
            for a in rows
        ],
    )


def _appointment(session: Session, ident: str) -> str:
    from backstride.store.clinic_models import Appointment

    found = session.scalars(select(Appointment.id).where(Appointment.id.startswith(ident))).all()
    if len(found) != 1:
        raise NotFound(f"no single appointment starts with {ident!r}", code="appointment.not_found")
    return found[0]


@clinic_app.command("move")
def move(
    appointment: Annotated[str, typer.Argument(help="Appointment id (or its first characters).")],
    at: Annotated[str, typer.Option(help="Local 'YYYY-MM-DD HH:MM'.")],
    version: Annotated[int, typer.Option(help="The version you saw (see schedule).")],
    clinician: Annotated[str | None, typer.Option(help="Another clinician's e-mail.")] = None,
    override_reason: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOpt = False,
) -> None:
    """Move an appointment in place."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services import booking
    from backstride.store.clinic_models import Appointment

    with open_session() as session:
        ident = _appointment(session, appointment)
        row = session.get(Appointment, ident)
        assert row is not None
        done = booking.reschedule(
            session,
            principal=None,
            appointment_id=ident,
            version=version,
            start_at=_local(session, row.clinic_id, at, "--at"),
            now=utc_now(),
            clinician_id=_clinician_id(session, clinician),
            override_reason=override_reason,
        )
    ap = done.appointment
    _out(
        ap,
        as_json=as_json,
        text=f"moved {ap.id} to {ap.local_start[:16].replace('T', ' ')} (version {ap.version})",
    )


@clinic_app.command("cancel")
def cancel(
    appointment: Annotated[str, typer.Argument(help="Appointment id (or its first characters).")],
    reason: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOpt = False,
) -> None:
    """Cancel an appointment."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services import booking

    with open_session() as session:
        done = booking.cancel(
            session,
            principal=None,
            appointment_id=_appointment(session, appointment),
            now=utc_now(),
            reason=reason,
        )
    _out(done.appointment, as_json=as_json, text=f"cancelled {done.appointment.id}")


@clinic_app.command("mark")
def mark(
    appointment: Annotated[str, typer.Argument(help="Appointment id (or its first characters).")],
    status: Annotated[str, typer.Argument(help="attended or no_show")],
    version: Annotated[int, typer.Option(help="The version you saw.")],
    as_json: JsonOpt = False,
) -> None:
    """Mark a visit attended or a no-show."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services import booking

    with open_session() as session:
        done = booking.mark_attendance(
            session,
            principal=None,
            appointment_id=_appointment(session, appointment),
            status=status,
            version=version,
            now=utc_now(),
        )
    _out(
        done.appointment, as_json=as_json, text=f"{done.appointment.id}: {done.appointment.status}"
    )


@clinic_app.command("previsit")
def previsit(
    appointment: Annotated[str, typer.Argument(help="Appointment id (or its first characters).")],
    html: Annotated[Path | None, typer.Option(help="Write the HTML report here.")] = None,
    pdf: Annotated[Path | None, typer.Option(help="Write the PDF report here.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The pre-visit report of an appointment (audited read)."""
    from backstride.cli._context import open_session, utc_now
    from backstride.config import load_settings
    from backstride.reports.previsit_report import render_previsit_html, render_previsit_pdf
    from backstride.services.booking.previsit import previsit_report

    settings = load_settings()
    with open_session(settings) as session:
        report = previsit_report(
            session,
            principal=None,
            appointment_id=_appointment(session, appointment),
            now=utc_now(),
            settings=settings,
        )
    page = render_previsit_html(report)
    if html is not None:
        html.write_text(page, encoding="utf-8")
    if pdf is not None:
        pdf.write_bytes(render_previsit_pdf(page))
    _out(report, as_json=as_json, text=f"pre-visit report for {report.runner_name}")


def register(app: typer.Typer) -> None:
    """Attach ``backstride clinic`` to ``app``."""
    app.add_typer(clinic_app, name="clinic")


__all__ = ["clinic_app", "register"]
