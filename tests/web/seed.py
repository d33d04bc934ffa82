"""A runner's world for the web tests, the browser tests and the screenshots.

Ana (a runner) answered the intake three times over six weeks, imported ten weeks of watch
runs (a Strava-style export: GPX with heart rate and cadence, three shoes), follows a plan that
started last Monday, logged sessions and pain, and shares her record with North Clinic, whose
clinician looked at it. North Clinic takes bookings (London time, Dr North Monday to Friday
09:00-17:00, the demo clinic's six visit types). A second runner, Ben, exists so that tests can
check that Ana never sees his data. Everything is deterministic for ``NOW``.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import accounts, auth, clinics, consent, intake, plans, timeline
from backstride.services.booking.demo import seed_booking
from backstride.services.demo.data import demo_intake_document
from backstride.services.demo.history import CSV_HEADER, SHOES, _gpx, plan_history
from backstride.services.imports.importing import import_paths
from backstride.services.policy import Principal
from backstride.store.db import make_engine, session_factory
from backstride.store.migrate import upgrade
from backstride.store.models import Account, PainEntry, Runner
from backstride.units import new_id

NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
"""A Thursday morning (an easy run and strength are planned today)."""
TODAY = NOW.date()
PASSWORD = "correct horse battery"
RUNNER_EMAIL = "ana@example.org"
RUNNER_NAME = "Ana Runner"
OTHER_EMAIL = "ben@example.org"
CLINICIAN_EMAIL = "doc.north@example.org"
HISTORY_DAYS = 70


@dataclass(frozen=True)
class SeedWorld:
    """Ids of what the seed made."""

    runner_id: str
    runner_account_id: str
    other_runner_id: str
    clinic_id: str
    other_clinic_id: str
    clinician_account_id: str
    plan_id: str
    waiting_log_id: str


def write_export(folder: Path, *, end_date: dt.date, days: int = HISTORY_DAYS) -> Path:
    """A Strava-style export zip with the demo runs of the last ``days`` days."""
    rng = np.random.default_rng(8)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "strava-export.zip"
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(CSV_HEADER)
    first = end_date - dt.timedelta(days=days)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for run in plan_history(end_date=end_date):
            if run.start_at.date() < first or run.start_at.date() >= end_date:
                continue
            name = f"activities/{run.activity_id}.gpx.gz"
            data, st = _gpx(run, rng)
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
            row = [""] * len(CSV_HEADER)
            row[0], row[1] = str(run.activity_id), run.start_at.strftime("%b %-d, %Y, %-I:%M:%S %p")
            row[2], row[3] = run.name, "Run"
            row[5], row[6] = f"{st['elapsed_s']:.0f}", f"{run.distance_m / 1000:.2f}"
            row[7], row[11], row[12] = f"{st['max_hr']:.0f}", run.gear, name
            row[15], row[16], row[17] = (
                f"{st['elapsed_s']:.0f}",
                f"{st['elapsed_s']:.0f}",
                f"{run.distance_m:.1f}",
            )
            row[20], row[21] = f"{st['gain_m']:.1f}", f"{st['gain_m']:.1f}"
            row[29], row[30], row[31] = (
                f"{st['avg_cad']:.0f}",
                f"{st['max_hr']:.0f}",
                f"{st['avg_hr']:.0f}",
            )
            writer.writerow(row)
        zf.writestr("activities.csv", rows.getvalue())
        shoes = io.StringIO()
        sw = csv.writer(shoes)
        sw.writerow(["Shoe Name", "Shoe Brand", "Shoe Model", "Shoe Default Sport Types"])
        for full, brand, model in SHOES:
            sw.writerow([full, brand, model, "Run"])
        zf.writestr("shoes.csv", shoes.getvalue())
    return path


def _intake(nprs_now: int, odi_shift: int, rmdq_drop: int, psfs_up: int) -> dict[str, object]:
    doc = copy.deepcopy(demo_intake_document())
    doc["nprs"]["items"]["now"] = nprs_now
    odi = doc["odi"]["items"]
    for key in list(odi)[:odi_shift]:
        odi[key] = max(0, odi[key] - 1)
    rmdq = doc["rmdq"]["items"]
    for key in [k for k, v in rmdq.items() if v][:rmdq_drop]:
        rmdq[key] = False
    for act in doc["psfs"]["activities"]:
        act["score"] = min(10, act["score"] + psfs_up)
    return doc


def principal_of(session: Session, account_id: str) -> Principal:
    """The principal of an account."""
    account = session.get(Account, account_id)
    assert account is not None
    return auth.principal_for(session, account)


def seed(settings: Settings, *, twins: tuple[str, ...] = ()) -> SeedWorld:
    """Migrate ``settings``' database and fill it (a few seconds: one import of ~40 runs).

    ``twins``: e-mail addresses of more runners with a record like Ana's (the browser tests
    give each journey its own runner, so that they can run in any order).
    """
    url = settings.effective_database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return _seed(session, settings, twins)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class _Runner:
    runner_id: str
    account_id: str
    plan_id: str
    waiting_log_id: str


def _runner_world(
    session: Session,
    settings: Settings,
    *,
    email: str,
    name: str,
    clinic_id: str,
    doctor: Principal,
    export: Path,
) -> _Runner:
    start = NOW - dt.timedelta(days=60)
    view = accounts.register_runner(
        session, email=email, password=PASSWORD, display_name=name, now=start
    )
    assert view.runner_id
    handle = session.get(Runner, view.runner_id).handle  # type: ignore[union-attr]
    for days_ago, shape in ((42, (4, 0, 0, 0)), (21, (3, 4, 2, 1)), (7, (2, 8, 4, 3))):
        intake.submit_intake(
            session,
            runner_handle=handle,
            document=_intake(*shape),
            now=NOW - dt.timedelta(days=days_ago, hours=1),
        )
    import_paths(session, settings=settings, runner_handle=handle, paths=[export], now=NOW)
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    made = plans.create_plan(
        session,
        runner_handle=handle,
        weeks=8,
        start_date=monday - dt.timedelta(days=7),
        now=NOW - dt.timedelta(days=10),
    )
    me = principal_of(session, view.id)
    waiting = ""
    for days_ago, during, after, morning in (
        (10, 2, 2, 1),
        (7, 3, 3, 2),
        (3, 2, 3, 1),
        (2, 3, 4, None),
    ):
        day = TODAY - dt.timedelta(days=days_ago)
        done = plans.log_session(
            session,
            runner_handle=handle,
            on_date=day,
            kind="run",
            status="done",
            now=NOW - dt.timedelta(days=days_ago - 0.4),
            pain_during=during,
            pain_after=after,
            pain_next_morning=morning,
            usual_morning_pain=1,
        )
        if morning is None:
            waiting = done.log_id
    for days_ago, score in ((12, 4), (9, 3), (5, 3), (2, 2)):
        session.add(
            PainEntry(
                id=new_id(),
                runner_id=view.runner_id,
                entry_date=TODAY - dt.timedelta(days=days_ago),
                nprs_now=score,
                logged_at=NOW - dt.timedelta(days=days_ago),
            )
        )
    session.commit()
    consent.grant_consent(
        session, principal=me, clinic_id=clinic_id, now=NOW - dt.timedelta(days=20)
    )
    timeline.clinician_timeline(
        session, principal=doctor, runner_id=view.runner_id, now=NOW - dt.timedelta(days=2)
    )
    return _Runner(view.runner_id, view.id, made.plan_id, waiting)


def _seed(session: Session, settings: Settings, twins: tuple[str, ...]) -> SeedWorld:
    start = NOW - dt.timedelta(days=60)
    north = clinics.create_clinic(
        session, principal=None, slug="north", name="North Clinic", now=start
    )
    south = clinics.create_clinic(
        session, principal=None, slug="south", name="South Clinic", now=start
    )
    doc = clinics.create_clinician(
        session,
        principal=None,
        email=CLINICIAN_EMAIL,
        password=PASSWORD,
        display_name="Dr North",
        clinic_id=north.id,
        now=start,
    )
    ben = accounts.register_runner(
        session, email=OTHER_EMAIL, password=PASSWORD, display_name="Ben Other", now=start
    )
    assert ben.runner_id
    export = write_export(settings.data_dir / "seed", end_date=TODAY)
    doctor = principal_of(session, doc.account_id)
    seed_booking(session, clinic_id=north.id, clinician_id=doc.account_id, now=start)
    ana = _runner_world(
        session,
        settings,
        email=RUNNER_EMAIL,
        name=RUNNER_NAME,
        clinic_id=north.id,
        doctor=doctor,
        export=export,
    )
    for email in twins:
        _runner_world(
            session,
            settings,
            email=email,
            name=RUNNER_NAME,
            clinic_id=north.id,
            doctor=doctor,
            export=export,
        )
    return SeedWorld(
        runner_id=ana.runner_id,
        runner_account_id=ana.account_id,
        other_runner_id=ben.runner_id,
        clinic_id=north.id,
        other_clinic_id=south.id,
        clinician_account_id=doc.account_id,
        plan_id=ana.plan_id,
        waiting_log_id=ana.waiting_log_id,
    )


__all__ = [
    "CLINICIAN_EMAIL",
    "NOW",
    "OTHER_EMAIL",
    "PASSWORD",
    "RUNNER_EMAIL",
    "RUNNER_NAME",
    "TODAY",
    "SeedWorld",
    "principal_of",
    "seed",
    "write_export",
]
