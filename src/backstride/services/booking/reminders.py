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
The calendar of a confirmation or reminder is rendered by the worker when it sends the message
(``outbox.register_calendar``), from the appointment the guard has just found booked at that
version, with the message's creation time as its DTSTAMP: the same calendar the booking would
have rendered, without its cost on the booking request (docs/decisions/0057).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from backstride.clinic import ClinicRules
from backstride.clinic.timegrid import zone
from backstride.reports.ics import appointment_itip
from backstride.services import outbox
from backstride.services.booking.appointments import NewBooking, on_change
from backstride.services.mail import Mail
from backstride.store.clinic_models import Appointment
from backstride.store.models import Account, Clinic, OutboxMessage, Runner

GUARD = "booking.appointment"
SENDER = "clinic@backstride.invalid"


_GUARD_FACTS = select(Appointment.status, Appointment.version, Appointment.start_at).where(
    Appointment.id == bindparam("ref")
)
"""Read once per message just before it goes: built once, not per call."""


def _still_booked(session: Session, ref: str, version: int | None, now: dt.datetime) -> bool:
    """The guard: the appointment is booked at the version the message was made for, and
    has not begun (a sender that was down past the start never sends a confirmation or a
    reminder for a visit already under way or over)."""
    row = session.connection().execute(_GUARD_FACTS, {"ref": ref}).first()
    return row is not None and row[0] == "booked" and row[1] == version and row[2] > now


outbox.register_guard(GUARD, _still_booked)


_CALENDAR_FACTS = (
    select(
        Appointment.id, Appointment.start_at, Appointment.end_at, Appointment.version, Clinic.name
    )
    .join(Clinic, Clinic.id == Appointment.clinic_id)
    .where(Appointment.id.in_(bindparam("ids", expanding=True)))
)


def _calendar(session: Session, messages: Sequence[OutboxMessage]) -> dict[str, str]:
    """The REQUEST calendars of guarded messages (one read for a batch), by message id.

    SEQUENCE is the version the message was made for; its guard sends it only while the
    appointment is still at that version, so the times read here are that version's."""
    wanted = [m for m in messages if m.guard_ref is not None and m.ics_method is not None]
    refs = sorted({m.guard_ref for m in wanted if m.guard_ref is not None})
    if not refs:
        return {}
    facts = {row.id: row for row in session.execute(_CALENDAR_FACTS, {"ids": refs})}
    out: dict[str, str] = {}
    for m in wanted:
        found = facts.get(m.guard_ref or "")
        if found is None:
            continue
        assert m.ics_method is not None
        out[m.id] = appointment_itip(
            appointment_id=found.id,
            start_at=found.start_at,
            end_at=found.end_at,
            clinic_name=found.name,
            sequence=found.version,
            stamp=m.created_at,
            method=m.ics_method,
            organizer=SENDER,
            attendee=m.to_addr,
        )
    return out


outbox.register_calendar(GUARD, _calendar)


def _when(row: Appointment, rules: ClinicRules) -> str:
    local = row.start_at.astimezone(zone(rules.policy.timezone))
    return local.strftime("%A %d %B %Y at %H:%M") + f" ({rules.policy.timezone})"


_CONTACT = (
    select(Account.id, Account.email, Clinic.name)
    .select_from(Runner)
    .join(Account, Account.id == Runner.account_id)
    .join(Clinic, Clinic.id == bindparam("clinic_id"))
    .where(Runner.id == bindparam("runner_id"))
)


def schedule(
    session: Session,
    row: Appointment,
    rules: ClinicRules,
    now: dt.datetime,
    new: NewBooking | None = None,
) -> None:
    """Void what no longer applies and enqueue what the appointment's new state needs.

    ``new``: the row was inserted by this transaction, and the booking already read whom
    to write to. Then there is nothing to void, and no message can be queued under the
    row's fresh id yet, so neither is looked for (the unique ``dedup_key`` still holds).
    """
    if new is None and (row.version > 1 or row.status != "booked"):
        outbox.void(session, guard=outbox.GuardRef(GUARD, row.id))
    if new is not None:
        if new.account_id is None or new.email is None:  # a runner without a login
            return
        account_id, email, clinic_name = new.account_id, new.email, new.clinic_name
    else:
        found = session.execute(
            _CONTACT, {"clinic_id": row.clinic_id, "runner_id": row.runner_id}
        ).first()
        if found is None:  # a runner without a login gets no e-mail
            return
        account_id, email, clinic_name = found
    when = _when(row, rules)

    def ics(method: str) -> str:
        return appointment_itip(
            appointment_id=row.id,
            start_at=row.start_at,
            end_at=row.end_at,
            clinic_name=clinic_name,
            sequence=row.version,
            stamp=now,
            method=method,
            organizer=SENDER,
            attendee=email,
        )

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
    verb = "Booked" if row.version == 1 else "Moved"
    messages = [
        outbox.Outgoing(
            Mail(
                to_addr=email,
                subject=f"{verb}: your appointment at {clinic_name}",
                body_text=f"Your appointment at {clinic_name} is on {when}.\n",
                ics_method="REQUEST",
            ),
            kind="booking.confirmation",
            dedup_key=f"booking:{row.id}:v{row.version}:confirm",
            account_id=account_id,
            guard=guard,
            calendar_later=True,  # one calendar for the confirmation and every reminder
        )
    ]
    for offset in rules.policy.reminder_offsets_min:
        due = row.start_at - dt.timedelta(minutes=offset)
        if due <= now:
            continue  # too late for this one: never sent late
        messages.append(
            outbox.Outgoing(
                Mail(
                    to_addr=email,
                    subject=f"Reminder: your appointment at {clinic_name}",
                    body_text=f"A reminder: your appointment at {clinic_name} is on {when}.\n"
                    "To cancel or move it, open backstride.\n",
                    ics_method="REQUEST",
                ),
                kind="booking.reminder",
                dedup_key=f"booking:{row.id}:v{row.version}:remind:{offset}",
                send_after=due,
                account_id=account_id,
                guard=guard,
                calendar_later=True,
            )
        )
    outbox.enqueue_many(session, messages, now=now, fresh=new is not None)


on_change(schedule)

__all__ = ["GUARD", "schedule"]
