"""The clinician's pre-visit report for a booked appointment (audited read).

Since the runner's last attended visit at the clinic (or the 28 days before this one): the
latest assessment with its reasons and flags, each questionnaire's latest score with its
change since the last visit judged against the instrument's MCID (clinical reference §4.1),
the pain diary, the training-load flags (clinical reference §5) and plan adherence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import BackstrideError, NotFound
from backstride.intake.catalog import shipped_instruments
from backstride.intake.change import compare_instrument
from backstride.services import intake as intake_service
from backstride.services import load as load_service
from backstride.services import plans
from backstride.services.booking.access import Actor, audit
from backstride.services.booking.appointments import get_appointment
from backstride.services.booking.views import AppointmentView
from backstride.store import models
from backstride.store.clinic_models import Appointment

DEFAULT_LOOKBACK = dt.timedelta(days=28)


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """An instrument's latest score and its change since the last visit."""

    instrument: str
    latest: float | None
    latest_at: dt.datetime
    baseline: float | None
    change: float | None
    meaningful: bool | None
    direction: str | None


@dataclass(frozen=True, slots=True)
class PainRow:
    """One pain-diary entry."""

    entry_date: dt.date
    nprs_now: int | None
    morning_pain: int | None
    morning_stiffness_min: int | None


@dataclass(frozen=True, slots=True)
class LoadFlagRow:
    """One training-load flag."""

    on_date: dt.date
    code: str
    severity: str
    text: str


@dataclass(frozen=True, slots=True)
class Adherence:
    """Planned sessions since the last visit and what the logs say about them."""

    planned: int
    done: int
    partial: int
    skipped: int
    not_logged: int

    @property
    def done_share(self) -> float | None:
        """Done (partial counting half) over planned, or ``None`` without planned sessions."""
        if not self.planned:
            return None
        return (self.done + 0.5 * self.partial) / self.planned


@dataclass(frozen=True, slots=True)
class PreVisitReport:
    """Everything the clinician reads before the visit."""

    appointment: AppointmentView
    runner_name: str
    since: dt.datetime
    last_visit_at: dt.datetime | None
    disposition: str | None
    assessed_at: dt.datetime | None
    reasons: tuple[tuple[str, str], ...]
    flags: tuple[str, ...]
    scores: tuple[ScoreChange, ...]
    pain: tuple[PainRow, ...]
    load_flags: tuple[LoadFlagRow, ...]
    adherence: Adherence
    generated_at: dt.datetime


def score_changes(session: Session, runner_id: str, since: dt.datetime) -> tuple[ScoreChange, ...]:
    """Each questionnaire's latest score and its change from the last score answered by
    ``since`` (the instrument's own threshold says whether it is a real change; none for the
    PSFS, whose activities are scored one by one). No authorisation here: callers check."""
    out = []
    for name, inst in sorted(shipped_instruments().items()):
        points = intake_service.questionnaire_trend(session, runner_id=runner_id, instrument=name)
        if not points:
            continue
        latest = points[-1]
        before = [p for p in points if p.answered_at <= since]
        base = before[-1] if before and before[-1] is not latest else None
        change = None
        if (
            base is not None
            and base.value is not None
            and latest.value is not None
            and inst.change is not None
            and name != "psfs"
        ):
            change = compare_instrument(inst, base.value, latest.value)
        out.append(
            ScoreChange(
                instrument=name,
                latest=latest.value,
                latest_at=latest.answered_at,
                baseline=None if base is None else base.value,
                change=None if change is None else change.change,
                meaningful=None if change is None else change.meaningful,
                direction=None if change is None else change.direction,
            )
        )
    return tuple(out)


def _adherence(
    session: Session, runner_id: str, handle: str, since: dt.date, today: dt.date
) -> Adherence:
    try:
        plan = plans.current_plan(session, runner_handle=handle).plan
    except BackstrideError:
        return Adherence(0, 0, 0, 0, 0)
    planned = [
        s
        for s in plan.sessions()
        if s.kind not in ("rest", "clinic_visit") and since <= s.date < today
    ]
    logs = {
        (r.session_date, r.kind): r.status
        for r in session.scalars(
            select(models.SessionLog).where(
                models.SessionLog.runner_id == runner_id,
                models.SessionLog.session_date >= since,
                models.SessionLog.session_date < today,
            )
        )
    }
    statuses = [logs.get((s.date, s.kind)) for s in planned]
    return Adherence(
        planned=len(planned),
        done=statuses.count("done"),
        partial=statuses.count("partial"),
        skipped=statuses.count("skipped"),
        not_logged=statuses.count(None),
    )


def previsit_report(
    session: Session,
    *,
    principal: Actor,
    appointment_id: str,
    now: dt.datetime,
    settings: Settings,
) -> PreVisitReport:
    """The pre-visit report of an appointment (the clinic's staff, consenting runner only;
    the read is in the runner's audit log)."""
    if principal is not None and principal.role == "runner":
        raise NotFound("no such appointment", code="appointment.not_found")
    ap = get_appointment(session, principal=principal, appointment_id=appointment_id, now=now)
    runner = session.get(models.Runner, ap.runner_id)
    assert runner is not None
    last = session.scalar(
        select(Appointment.start_at)
        .where(
            Appointment.runner_id == ap.runner_id,
            Appointment.clinic_id == ap.clinic_id,
            Appointment.status == "attended",
            Appointment.start_at < ap.start_at,
        )
        .order_by(Appointment.start_at.desc())
        .limit(1)
    )
    since = last or min(now, ap.start_at) - DEFAULT_LOOKBACK
    row = session.scalars(
        select(models.Assessment)
        .where(models.Assessment.runner_id == ap.runner_id)
        .order_by(models.Assessment.created_at.desc())
        .limit(1)
    ).one_or_none()
    found = intake_service.latest_assessment(session, runner_id=ap.runner_id)
    reasons = () if found is None else tuple((r.code, r.text) for r in found.reasons)
    flags = () if found is None else tuple(sorted(found.plan_flags))
    pain = tuple(
        PainRow(p.entry_date, p.nprs_now, p.morning_pain, p.morning_stiffness_min)
        for p in session.scalars(
            select(models.PainEntry)
            .where(
                models.PainEntry.runner_id == ap.runner_id,
                models.PainEntry.entry_date >= since.date(),
            )
            .order_by(models.PainEntry.entry_date)
        )
    )
    today = now.date()
    load_flags: tuple[LoadFlagRow, ...] = ()
    try:
        summary = load_service.load_summary(
            session,
            runner_handle=runner.handle,
            from_date=since.date(),
            to_date=today,
            today=today,
            settings=settings,
        )
        load_flags = tuple(
            LoadFlagRow(f.date, f.code, str(getattr(f.severity, "value", f.severity)), f.text)
            for f in summary.flags
            if f.date >= since.date()
        )
    except BackstrideError:
        load_flags = ()
    report = PreVisitReport(
        appointment=ap,
        runner_name=runner.display_name,
        since=since,
        last_visit_at=last,
        disposition=None if row is None else row.disposition,
        assessed_at=None if row is None else row.created_at,
        reasons=reasons,
        flags=flags,
        scores=score_changes(session, ap.runner_id, since),
        pain=pain,
        load_flags=load_flags,
        adherence=_adherence(session, ap.runner_id, runner.handle, since.date(), today),
        generated_at=now,
    )
    audit(
        session,
        actor=principal,
        runner_id=ap.runner_id,
        action="read",
        resource="pre_visit_report",
        now=now,
        detail={"appointment_id": ap.id},
    )
    session.commit()
    return report


__all__ = [
    "Adherence",
    "LoadFlagRow",
    "PainRow",
    "PreVisitReport",
    "ScoreChange",
    "previsit_report",
    "score_changes",
]
