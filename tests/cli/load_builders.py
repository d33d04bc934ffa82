"""Insert a runner's history straight into the store (no importer) for load/report tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from backstride.services.demo.history import plan_history
from backstride.store.models import Activity, Gear, PainEntry, Runner
from backstride.units import new_id

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def add_runner(session: Session, handle: str = "demo") -> Runner:
    runner = Runner(
        id=new_id(),
        handle=handle,
        display_name=handle,
        birth_year=1984,
        sex="female",
        created_at=NOW,
        preferences={},
    )
    session.add(runner)
    session.flush()
    return runner


def add_demo_history(session: Session, runner: Runner, *, end_date: dt.date) -> None:
    """The demo year as stored activities, with gear, running dynamics and a pain diary."""
    gear: dict[str, Gear] = {}
    runs = plan_history(end_date=end_date)
    for i, run in enumerate(runs):
        if run.gear not in gear:
            gear[run.gear] = Gear(
                id=new_id(),
                runner_id=runner.id,
                name=run.gear,
                kind="shoe",
                retired=False,
                created_at=NOW,
            )
            session.add(gear[run.gear])
            session.flush()
        duration = run.distance_m / 1000.0 * run.pace_s_per_km
        late = i >= len(runs) - 5
        session.add(
            Activity(
                id=new_id(),
                runner_id=runner.id,
                dedup_key=f"demo-{run.activity_id}",
                source="file",
                format="gpx",
                sport="running",
                name=run.name,
                start_at=run.start_at,
                local_date=run.start_at.date(),
                elapsed_s=duration,
                timer_s=duration,
                distance_m=run.distance_m,
                ascent_m=60.0,
                descent_m=60.0,
                downhill_m=run.distance_m / 3,
                avg_hr_bpm=52 + run.intensity * 132,
                max_hr_bpm=60 + run.intensity * 140,
                avg_cadence_spm=170.0 + (run.intensity - 0.7) * 20 + (i % 3),
                avg_stance_balance_left_pct=(51.5 if late else 50.1 + 0.1 * (i % 3)),
                avg_stance_time_ms=245.0,
                avg_vertical_oscillation_mm=88.0,
                avg_step_length_mm=1050.0,
                has_running_dynamics=True,
                gear_id=gear[run.gear].id,
                imported_at=NOW,
                extra={},
            )
        )
    for k in range(20):
        day = end_date - dt.timedelta(days=3 * k)
        session.add(
            PainEntry(
                id=new_id(),
                runner_id=runner.id,
                entry_date=day,
                nprs_now=2 + (k % 3) + (2 if k < 3 else 0),
                logged_at=NOW,
            )
        )
    session.commit()
