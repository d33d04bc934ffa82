"""The transactional outbox: e-mail enqueued with the change it reports, sent by the worker.

Why an outbox: a password-reset link or an appointment reminder must go out if and only if
the change that causes it commits. The use case inserts an ``outbox_messages`` row in its own
transaction (:func:`enqueue`, no commit here); the background worker (:func:`send_due`) sends
what is due. Properties, each tested:

* **idempotent enqueue** — one row per ``dedup_key`` (a reminder per appointment version);
* **guarded** — a message may name a guard (``guard_kind``, ``guard_ref``, ``guard_version``)
  registered by its feature with :func:`register_guard`; it is re-checked just before sending,
  and a message whose guard fails is voided (e.g. the appointment was cancelled or moved);
* **at most once** — a row is claimed (``pending`` → ``sending``, compare-and-set, committed)
  before the SMTP conversation; a row left ``sending`` by a dead process becomes ``unknown``
  and is never sent again;
* **retry with backoff** — a transient SMTP failure puts the row back to ``pending`` after 1, 2,
  4 ... minutes, up to ``outbox_max_attempts``; a permanent one (5xx, every recipient refused)
  fails it at once;
* **no secrets kept** — bodies (which may hold one-time links) are erased once a message is
  sent, voided or given up;
* **batched** — a pass claims up to :data:`BATCH` messages in one write transaction (the
  claiming UPDATE returns the rows) and marks them in one more after sending them, so the
  write lock is taken twice per batch, not twice per message; each guard is still
  re-checked, by a read, just before its own message goes (docs/decisions/0065);
* **calendars rendered late** — a guarded message may leave its calendar to the worker
  (``ics_method`` set, ``ics`` empty): the feature registers a renderer with
  :func:`register_calendar` that builds the calendars of a claimed batch in one call (one
  read), so the request that enqueues it does not pay for it (docs/decisions/0057).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from backstride.config import Settings
from backstride.services.mail import Mail, MailTransport, compose, transport_for
from backstride.store.models import OutboxMessage
from backstride.units import new_id, require_aware

log = logging.getLogger(__name__)

Guard = Callable[[Session, str, int | None, dt.datetime], bool]
"""``guard(session, ref, version, now)``: True while the message still applies at ``now``
(the sender's time, just before it sends)."""

_GUARDS: dict[str, Guard] = {}

CalendarRenderer = Callable[[Session, Sequence["OutboxMessage"]], dict[str, str]]
"""``render(session, rows)``: the rows' calendars (iCalendar text) built at send time, by
row id (one call per claimed batch: a feature reads what it needs for all of them at once;
a row it cannot render is left out and goes without a calendar)."""

_CALENDARS: dict[str, CalendarRenderer] = {}

SENDING_STALE_S = 600.0
"""A ``sending`` row older than this belongs to a dead process: it becomes ``unknown``."""

_ERASED = {"body_text": None, "body_html": None, "ics": None}


def register_guard(kind: str, guard: Guard) -> None:
    """Name a check that a message can ask for (registered at import by the feature)."""
    _GUARDS[kind] = guard


def register_calendar(guard_kind: str, render: CalendarRenderer) -> None:
    """Let messages guarded by ``guard_kind`` have their calendar rendered when sent."""
    _CALENDARS[guard_kind] = render


def _load_features() -> None:
    """Import the features that guard their messages, so that they have registered.

    A feature registers its guard when its module is imported. The API server imports
    them all; a ``backstride worker`` process of its own does not, and without its guard a
    booking's confirmation would be held back (``_held_back``) instead of sent. Imported
    here, at send time, because those modules import this one.
    """
    import backstride.services.booking.reminders  # noqa: F401


@dataclass(frozen=True, slots=True)
class GuardRef:
    """What a message depends on: a guard kind, the thing it checks and its version."""

    kind: str
    ref: str
    version: int | None = None


@dataclass(frozen=True, slots=True)
class OutboxView:
    """One message's delivery state (never its body)."""

    id: str
    kind: str
    to_addr: str
    subject: str
    status: str
    attempts: int
    send_after: dt.datetime
    sent_at: dt.datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class SendReport:
    """What one :func:`send_due` pass did."""

    sent: int = 0
    voided: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0

    @property
    def handled(self) -> int:
        """Messages this pass claimed and settled (sent, voided, retried later or failed)."""
        return self.sent + self.voided + self.retried + self.failed

    def __add__(self, other: SendReport) -> SendReport:
        return SendReport(
            sent=self.sent + other.sent,
            voided=self.voided + other.voided,
            retried=self.retried + other.retried,
            failed=self.failed + other.failed,
            unknown=self.unknown + other.unknown,
        )


def enqueue(
    session: Session,
    *,
    mail: Mail,
    kind: str,
    dedup_key: str,
    now: dt.datetime,
    send_after: dt.datetime | None = None,
    account_id: str | None = None,
    guard: GuardRef | None = None,
) -> str:
    """Add ``mail`` to the outbox in the caller's transaction; the row's id.

    Enqueueing the same ``dedup_key`` again changes nothing and returns the first row's id.
    The caller commits (the message exists if and only if the change that caused it does).
    No SAVEPOINT here: on SQLite (pysqlite's legacy transactions) a SAVEPOINT opened before
    any write starts its own transaction, and releasing it would commit the caller's work.
    """
    require_aware(now, "now")
    if guard is not None and guard.kind not in _GUARDS:
        raise ValueError(f"no outbox guard registered under {guard.kind!r}")
    existing = session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key))
    if existing is not None:
        return existing
    row = OutboxMessage(
        id=new_id(),
        kind=kind,
        dedup_key=dedup_key,
        account_id=account_id,
        to_addr=mail.to_addr,
        subject=mail.subject,
        body_text=mail.body_text,
        body_html=mail.body_html,
        ics=mail.ics,
        ics_method=mail.ics_method,
        guard_kind=guard.kind if guard else None,
        guard_ref=guard.ref if guard else None,
        guard_version=guard.version if guard else None,
        status="pending",
        attempts=0,
        created_at=now,
        send_after=require_aware(send_after or now, "send_after"),
    )
    session.add(row)
    session.flush()  # a concurrent enqueue of the same key fails the caller's transaction
    return row.id


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for :func:`enqueue_many` (the arguments of :func:`enqueue`)."""

    mail: Mail
    kind: str
    dedup_key: str
    send_after: dt.datetime | None = None
    account_id: str | None = None
    guard: GuardRef | None = None
    calendar_later: bool = False
    """Leave ``mail.ics`` empty and let the guard's registered renderer build it when sent."""


_INSERT = insert(cast(Table, OutboxMessage.__table__))


def enqueue_many(
    session: Session, messages: list[Outgoing], *, now: dt.datetime, fresh: bool = False
) -> None:
    """:func:`enqueue` for several messages at once: one query for the keys already queued,
    one multi-row insert (a hot path: a booking queues a confirmation and its reminders).

    ``fresh``: the caller knows no message can have these keys yet (they name a row its
    transaction has just inserted), so the query is skipped; a key queued after all would
    still be refused by the unique ``dedup_key`` (an error, not a second e-mail)."""
    require_aware(now, "now")
    for m in messages:
        if m.guard is not None and m.guard.kind not in _GUARDS:
            raise ValueError(f"no outbox guard registered under {m.guard.kind!r}")
        if m.calendar_later and (m.guard is None or m.guard.kind not in _CALENDARS):
            raise ValueError("a calendar rendered later needs a guard with a registered renderer")
    keys = [m.dedup_key for m in messages]
    have = (
        set()
        if fresh
        else set(
            session.scalars(
                select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys))
            )
        )
    )
    rows = [
        {
            "id": new_id(),
            "kind": m.kind,
            "dedup_key": m.dedup_key,
            "account_id": m.account_id,
            "to_addr": m.mail.to_addr,
            "subject": m.mail.subject,
            "body_text": m.mail.body_text,
            "body_html": m.mail.body_html,
            "ics": None if m.calendar_later else m.mail.ics,
            "ics_method": m.mail.ics_method,
            "guard_kind": m.guard.kind if m.guard else None,
            "guard_ref": m.guard.ref if m.guard else None,
            "guard_version": m.guard.version if m.guard else None,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "send_after": require_aware(m.send_after or now, "send_after"),
        }
        for m in messages
        if m.dedup_key not in have
    ]
    if rows:
        session.connection().execute(_INSERT, rows)  # Core: no ORM bulk-insert bookkeeping


def void(session: Session, *, guard: GuardRef) -> int:
    """Void the pending messages that depend on ``guard.kind``/``guard.ref`` (any version).

    In the caller's transaction, e.g. when an appointment is cancelled. The number voided.
    """
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.guard_kind == guard.kind,
            OutboxMessage.guard_ref == guard.ref,
        )
        .values(status="void", **_ERASED)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def list_messages(
    session: Session, *, account_id: str | None = None, kind: str | None = None, limit: int = 100
) -> list[OutboxView]:
    """Messages, newest first (for the admin and for tests); bodies are never returned."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc()).limit(limit)
    if account_id is not None:
        query = query.where(OutboxMessage.account_id == account_id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return [
        OutboxView(
            id=r.id,
            kind=r.kind,
            to_addr=r.to_addr,
            subject=r.subject,
            status=r.status,
            attempts=r.attempts,
            send_after=r.send_after,
            sent_at=r.sent_at,
            last_error=r.last_error,
        )
        for r in session.scalars(query)
    ]


def _permanent(exc: Exception) -> bool:
    """An SMTP answer that retrying will not change (5xx, every recipient refused)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


BATCH = 20
"""Messages claimed, and then marked, per write transaction (docs/decisions/0065)."""


def _claim_batch(session: Session, ids: list[str], *, now: dt.datetime) -> list[OutboxMessage]:
    """Compare-and-set ``pending`` → ``sending`` for ``ids`` in one statement; the rows won.

    A row another worker took first is not returned (its status is no longer ``pending``).
    The rows come back from the UPDATE itself (RETURNING), oldest first: no second read.
    """
    won = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "pending")
        .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(won, key=lambda r: (r.send_after, r.id))


def _still_applies(session: Session, row: OutboxMessage, now: dt.datetime) -> bool:
    """Whether a claimed message may go now (its guard, checked just before sending; the
    caller has made sure the guard is registered)."""
    if row.guard_kind is None:
        return True
    guard = _GUARDS[row.guard_kind]
    return row.guard_ref is not None and guard(session, row.guard_ref, row.guard_version, now)


def _held_back(row: OutboxMessage, out: _Outcome, *, settings: Settings, now: dt.datetime) -> bool:
    """A message whose guard this process does not know is neither sent (nothing has said it
    still applies) nor voided (nothing has said it does not): it waits, as after a transient
    failure, and fails after the configured attempts; logged as an error either way, since
    it means a feature was not loaded by the sending process."""
    if row.guard_kind is None or row.guard_kind in _GUARDS:
        return False
    error = f"no guard registered for {row.guard_kind!r} in this process"
    _retry_or_fail(row, error, out, settings=settings, now=now, permanent=False)
    log.error("e-mail %s held back: %s", row.id, error)
    return True


def _retry_or_fail(
    row: OutboxMessage,
    error: str,
    out: _Outcome,
    *,
    settings: Settings,
    now: dt.datetime,
    permanent: bool,
) -> None:
    """Mark a message that did not go as failed (``permanent``, or its last attempt), or put it
    back for later: 1, 2, 4 ... minutes after its 1st, 2nd, 3rd ... attempt."""
    if permanent or row.attempts >= settings.outbox_max_attempts:
        out.failed.append((row.id, error))
    else:
        out.retried.append((row.id, error, now + dt.timedelta(minutes=2 ** (row.attempts - 1))))


@dataclass(slots=True)
class _Outcome:
    """What a batch's messages became, written in one transaction."""

    sent: list[str]
    voided: list[tuple[str, str | None]]
    retried: list[tuple[str, str, dt.datetime]]
    failed: list[tuple[str, str]]
    released: list[str]


def _record(session: Session, out: _Outcome, *, now: dt.datetime) -> None:
    """Mark a batch's messages in the caller's transaction (one UPDATE per outcome)."""
    if out.sent:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(out.sent), OutboxMessage.status == "sending")
            .values(status="sent", sent_at=now, last_error=None, **_ERASED)
            .execution_options(synchronize_session=False)
        )
    table = cast(Table, OutboxMessage.__table__)
    by_id = table.c.id == bindparam("row_id")
    if out.voided:
        session.execute(
            update(table).where(by_id).values(status="void", **_ERASED),
            [{"row_id": i, "last_error": e} for i, e in out.voided],
        )
    if out.failed:
        session.execute(
            update(table).where(by_id).values(status="failed", **_ERASED),
            [{"row_id": i, "last_error": e} for i, e in out.failed],
        )
    if out.retried:
        session.execute(
            update(table).where(by_id).values(status="pending"),
            [{"row_id": i, "last_error": e, "send_after": t} for i, e, t in out.retried],
        )
    if out.released:  # claimed but never tried: back in the queue, the attempt not counted
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(out.released), OutboxMessage.status == "sending")
            .values(status="pending", claimed_at=None, attempts=OutboxMessage.attempts - 1)
            .execution_options(synchronize_session=False)
        )


def _mail_of(row: OutboxMessage, ics: str | None) -> Mail:
    return Mail(
        to_addr=row.to_addr,
        subject=row.subject,
        body_text=row.body_text or "",
        body_html=row.body_html,
        ics=ics,
        ics_method=row.ics_method if ics is not None else None,
    )


def _send_batch(
    session: Session,
    rows: list[OutboxMessage],
    *,
    settings: Settings,
    now: dt.datetime,
    transport: MailTransport,
) -> _Outcome:
    """Send claimed rows one by one, each re-checked by its guard just before it goes."""
    out = _Outcome([], [], [], [], [])
    calendars: dict[str, str] = {}
    late = [r for r in rows if r.ics is None and r.ics_method is not None]
    for kind in {r.guard_kind for r in late if r.guard_kind in _CALENDARS}:
        assert kind is not None
        calendars.update(_CALENDARS[kind](session, [r for r in late if r.guard_kind == kind]))
    batch = getattr(transport, "batch", None)  # one SMTP connection for the batch
    with batch() if callable(batch) else contextlib.nullcontext():
        _send_each(session, rows, calendars, out, settings=settings, now=now, transport=transport)
    session.rollback()  # the reads' transaction (PostgreSQL) ends before the marks
    return out


def _send_each(
    session: Session,
    rows: list[OutboxMessage],
    calendars: dict[str, str],
    out: _Outcome,
    *,
    settings: Settings,
    now: dt.datetime,
    transport: MailTransport,
) -> None:
    started = time.monotonic()
    for row in rows:
        if time.monotonic() - started > SENDING_STALE_S / 2:
            out.released.append(row.id)  # a slow server: never let a claim go stale
            continue
        if _held_back(row, out, settings=settings, now=now):
            continue
        if not _still_applies(session, row, now):
            out.voided.append((row.id, None))
            continue
        mail = _mail_of(row, row.ics if row.ics is not None else calendars.get(row.id))
        try:
            transport.send(compose(mail, sender=settings.smtp_sender, now=now))
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            _retry_or_fail(row, error, out, settings=settings, now=now, permanent=_permanent(exc))
            log.warning("e-mail %s to %s not sent: %s", row.id, row.to_addr, error)
        else:
            out.sent.append(row.id)


def send_due(
    factory: sessionmaker[Session],
    *,
    settings: Settings,
    now: dt.datetime,
    transport: MailTransport | None = None,
    limit: int = 100,
) -> SendReport:
    """Send up to ``limit`` due messages, oldest first; what happened to them.

    By batches of :data:`BATCH`: one write transaction claims a batch (compare-and-set,
    the rows returned by the UPDATE), each message's guard is re-checked with a read just
    before it is sent, and one write transaction marks the batch (sent, void, retry,
    failed). A process that dies between the two leaves its batch ``sending``: those
    become ``unknown`` and are never sent again (at most once).
    """
    require_aware(now, "now")
    _load_features()
    transport = transport or transport_for(settings)
    sent = voided = retried = failed = 0
    with factory() as session:
        stale_claims = (
            OutboxMessage.status == "sending",
            OutboxMessage.claimed_at < now - dt.timedelta(seconds=SENDING_STALE_S),
        )
        unknown = 0
        # Looked for with a read first: a pass that finds nothing to do (most of them) takes
        # no write lock.
        if session.scalar(select(OutboxMessage.id).where(*stale_claims).limit(1)) is not None:
            stale = session.execute(
                update(OutboxMessage).where(*stale_claims).values(status="unknown", **_ERASED)
            )
            unknown = int(getattr(stale, "rowcount", 0) or 0)
        session.commit()
        due = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == "pending", OutboxMessage.send_after <= now)
                .order_by(OutboxMessage.send_after, OutboxMessage.id)
                .limit(limit)
            )
        )
        session.rollback()
    for first in range(0, len(due), BATCH):
        with factory() as session:
            rows = _claim_batch(session, due[first : first + BATCH], now=now)
            session.commit()
            if not rows:
                continue
            out = _send_batch(session, rows, settings=settings, now=now, transport=transport)
            _record(session, out, now=now)
            session.commit()
        sent += len(out.sent)
        voided += len(out.voided)
        retried += len(out.retried)
        failed += len(out.failed)
    return SendReport(sent=sent, voided=voided, retried=retried, failed=failed, unknown=unknown)


DRAIN_PASSES = 50
"""At most this many :func:`send_due` passes in one :func:`drain_due` (5,000 messages at the
default limit), so one busy moment cannot keep the worker from its imports for long."""


def drain_due(
    factory: sessionmaker[Session],
    *,
    settings: Settings,
    now: dt.datetime,
    transport: MailTransport | None = None,
    limit: int = 100,
) -> SendReport:
    """Send what is due, pass after pass, until a pass finds fewer than ``limit`` messages.

    One :func:`send_due` pass sends at most ``limit``; the background worker runs a pass
    every few seconds (SQLite) or every minute (PostgreSQL's periodic task), so a clinic
    that queues more than that between two passes would fall further and further behind.
    A pass that settles fewer than ``limit`` (nothing more due, messages put back because
    the SMTP server is slow, or another worker claimed them) ends the drain; so does
    :data:`DRAIN_PASSES`.
    """
    transport = transport or transport_for(settings)
    total = SendReport()
    for _ in range(DRAIN_PASSES):
        report = send_due(factory, settings=settings, now=now, transport=transport, limit=limit)
        total += report
        if report.handled < limit:
            break
    return total


__all__ = [
    "BATCH",
    "DRAIN_PASSES",
    "SENDING_STALE_S",
    "CalendarRenderer",
    "Guard",
    "GuardRef",
    "OutboxView",
    "Outgoing",
    "SendReport",
    "drain_due",
    "enqueue",
    "enqueue_many",
    "list_messages",
    "register_calendar",
    "register_guard",
    "send_due",
    "void",
]
