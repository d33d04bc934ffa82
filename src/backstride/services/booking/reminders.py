"""Appointment e-mails through the transactional outbox: confirmation, reminders, cancellation.

Hooked into every booking write (``appointments.on_change``), in its transaction:

- book or move: a confirmation now, and a reminder at each of the clinic's offsets before the
  start (24 h and 2 h [default], ``Policy.reminder_offsets_min``) that is still in the future;
  each carries an iTIP ``METHOD:REQUEST`` calendar (stable UID, ``SEQUENCE`` = the version);
- every change first voids the appointment's pending messages, and each message is guarded
  by the appointment's id and version: it goes only while the appointment is still booked at
  that version (a move gets new reminders for the new time; a cancel sends none);
- cancel: a cancellation now with ``METHOD:CANCEL``.

The outbox sends each message at most once (``dedup_key`` per appointment, version and kind).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.clinic import ClinicRules
from backstride.clinic.timegrid import zone
from backstride.reports.ics import appointment_to_ics
from backstride.services import outbox
from backstride.services.booking.appointments import on_change
from backstride.services.mail import Mail
from backstride.store.clinic_models import Appointment
from backstride.store.models import Account, Clinic, Runner

GUARD = "booking.appointment"
SENDER = "clinic@backstride.invalid"


def _still_booked(session: Session, ref: str, version: int | None) -> bool:
    """The guard: the appointment is booked at the version the message was made for."""
    row = session.execute(
        select(Appointment.status, Appointment.version).where(Appointment.id == ref)
    ).first()
    return row is not None and row[0] == "booked" and row[1] == version


outbox.register_guard(GUARD, _still_booked)


def _when(row: Appointment, rules: ClinicRules) -> str:
    local = row.start_at.astimezone(zone(rules.policy.timezone))
    return local.strftime("%A %d %B %Y at %H:%M") + f" ({rules.policy.timezone})"


def schedule(session: Session, row: Appointment, rules: ClinicRules, now: dt.datetime) -> None:
    """Void what no longer applies and enqueue what the appointment's new state needs."""
    if row.version > 1 or row.status != "booked":  # a new booking has nothing to void yet
        outbox.void(session, guard=outbox.GuardRef(GUARD, row.id))
    found = session.execute(
        select(Account.id, Account.email, Clinic.name)
        .select_from(Runner)
        .join(Account, Account.id == Runner.account_id)
        .join(Clinic, Clinic.id == row.clinic_id)
        .where(Runner.id == row.runner_id)
    ).first()
    if found is None:  # a runner without a login gets no e-mail
        return
    account_id, email, clinic_name = found
    when = _when(row, rules)

    def ics(method: str) -> str:
        return appointment_to_ics(
            appointment_id=row.id,
            start_at=row.start_at,
            end_at=row.end_at,
            clinic_name=clinic_name,
            sequence=row.version,
            stamp=now,
            method=method,
            organizer=SENDER,
            attendee=email,
        ).decode()

    if row.status == "cancelled":
        outbox.enqueue(
            session,
            mail=Mail(
                to_addr=email,
                subject=f"Cancelled: your appointment at {clinic_name}",
                body_text=f"Your appointment at {clinic_name} on {when} is cancelled.\n",
                ics=ics("CANCEL"),
                ics_method="CANCEL",
            ),
            kind="booking.cancellation",
            dedup_key=f"booking:{row.id}:v{row.version}:cancel",
            now=now,
            account_id=account_id,
        )
        return
    if row.status != "booked":
        return
    guard = outbox.GuardRef(GUARD, row.id, row.version)
    request = ics("REQUEST")  # one calendar for the confirmation and every reminder
    verb = "Booked" if row.version == 1 else "Moved"
    outbox.enqueue(
        session,
        mail=Mail(
            to_addr=email,
            subject=f"{verb}: your appointment at {clinic_name}",
            body_text=f"Your appointment at {clinic_name} is on {when}.\n",
            ics=request,
            ics_method="REQUEST",
        ),
        kind="booking.confirmation",
        dedup_key=f"booking:{row.id}:v{row.version}:confirm",
        now=now,
        account_id=account_id,
        guard=guard,
    )
    for offset in rules.policy.reminder_offsets_min:
        due = row.start_at - dt.timedelta(minutes=offset)
        if due <= now:
            continue  # too late for this one: never sent late
        outbox.enqueue(
            session,
            mail=Mail(
                to_addr=email,
                subject=f"Reminder: your appointment at {clinic_name}",
                body_text=f"A reminder: your appointment at {clinic_name} is on {when}.\n"
                "To cancel or move it, open backstride.\n",
                ics=request,
                ics_method="REQUEST",
            ),
            kind="booking.reminder",
            dedup_key=f"booking:{row.id}:v{row.version}:remind:{offset}",
            now=now,
            send_after=due,
            account_id=account_id,
            guard=guard,
        )


on_change(schedule)

__all__ = ["GUARD", "schedule"]
