"""Every number a runner sees in a plan is rounded for display (clinical reference §0: compare
unrounded, round for display): no ``28.000000000000004`` in the plan document, its reasons,
the terminal, the printable plan or the calendar."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
from typing import Any

from rich.console import Console

from backstride.cli.plan_output import print_plan
from backstride.plan.adapt import adapt_plan
from backstride.plan.model import Plan, Preferences, RunRecord, TrainingContext
from backstride.plan.monitor import ExerciseResult, SessionLog
from backstride.plan.serialize import plan_to_dict
from backstride.reports.ics import plan_to_ics
from backstride.reports.plan_report import render_plan_html

from .builders import MONDAY, assessment, make_plan

LONG_DECIMAL = re.compile(r"\d\.\d{3,}")


def floats(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in floats(v)]
    return []


def texts(plan: Plan) -> str:
    out = io.StringIO()
    print_plan(plan, Console(file=out, width=200))
    stamp = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    ics = plan_to_ics(plan, generated_at=stamp).decode()
    return "\n".join([out.getvalue(), render_plan_html(plan, runner_name="r"), ics])


def random_plan(seed: int) -> tuple[Plan, list[SessionLog], dt.date]:
    r = random.Random(seed)
    ctx = TrainingContext(
        weekly_distances_m=tuple(r.randint(0, 70_000) for _ in range(r.randint(0, 4))),
        recent_runs=tuple(
            RunRecord(MONDAY - dt.timedelta(days=r.randint(1, 30)), r.randint(3000, 25_000))
            for _ in range(r.randint(0, 6))
        ),
        easy_pace_s_per_km=r.randint(250, 470),
        current_pain_nprs=r.randint(0, 5),
    )
    prefs = Preferences(
        equipment=frozenset({"kettlebell", "barbell", "dumbbells", "bench", "pool"}),
        goal_race_date=MONDAY + dt.timedelta(days=r.randint(20, 60)),
        goal_race_distance_m=r.choice([5000, 10_000, 21_097, 15_500]),
        minutes_per_session=r.randint(25, 80),
    )
    plan = make_plan(assessment(pain=r.randint(0, 5)), ctx, prefs, weeks=r.randint(4, 10))
    today = MONDAY + dt.timedelta(days=r.randint(6, 20))
    logs = [
        SessionLog(
            s.date,
            s.kind,
            "done",
            s.key,
            r.randint(0, 4),
            r.randint(0, 4),
            r.randint(0, 2),
            distance_m=(s.distance_m or 0) * r.randint(90, 110) // 100 if s.kind == "run" else None,
            exercises=tuple(
                ExerciseResult(e.id, e.sets or 1, (e.reps or 0) + 2, e.load_kg) for e in s.exercises
            ),
        )
        for s in plan.sessions()
        if s.kind in ("run", "strength") and s.date <= today
    ]
    return plan, logs, today


def test_no_long_decimals_in_any_plan_output() -> None:
    for seed in range(12):
        plan, logs, today = random_plan(seed)
        adapted = adapt_plan(
            plan,
            logs,
            assessment=assessment(),
            context=TrainingContext(),
            preferences=Preferences(equipment=frozenset({"kettlebell", "barbell", "dumbbells"})),
            today=today,
        ).plan
        for p in (plan, adapted):
            doc = plan_to_dict(p)
            assert all(round(f, 2) == f for f in floats(doc)), seed
            shown = texts(p) + json.dumps(doc)
            assert not LONG_DECIMAL.findall(shown), (seed, LONG_DECIMAL.findall(shown)[:3])
