"""Plan engine speed: a 12-week plan and its adaptation, each against a 100 ms budget.

Also times the stored-document round trip and the ICS export. Writes ``bench/RESULTS-plan.md``.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from backstride.intake.assessment import Assessment, Disposition, Reason
from backstride.plan.adapt import adapt_plan
from backstride.plan.catalogue import load_catalogue
from backstride.plan.generator import PlanRequest, generate_plan
from backstride.plan.model import Plan, Preferences, RunRecord, TrainingContext
from backstride.plan.monitor import ExerciseResult, SessionLog
from backstride.plan.serialize import plan_from_dict, plan_to_dict
from backstride.reports.ics import plan_to_ics

HERE = Path(__file__).resolve().parent
START = dt.date(2026, 11, 30)
BUDGET_MS = 100.0


def _inputs() -> tuple[Assessment, TrainingContext, Preferences]:
    a = Assessment(
        disposition=Disposition.CLINICIAN,
        reasons=(Reason("pattern.si_joint", "SI pattern", "Laslett 2005", Disposition.CLINICIAN),),
        scores={"nprs.during_run": 3},
        startback_group="medium",
        flags=frozenset({"hold_hills", "avoid_loaded_flexion_rotation"}),
        safety_netting=("Emergency signs: care now.",),
        rules_version="bench",
    )
    runs = tuple(
        RunRecord(START - dt.timedelta(days=d), 6000 + 300 * (d % 5)) for d in range(1, 31, 2)
    )
    ctx = TrainingContext((28_000, 30_000, 32_000, 30_000), runs, months_running=36)
    prefs = Preferences(
        equipment=frozenset({"kettlebell", "barbell", "pool"}),
        goal_race_date=START + dt.timedelta(days=82),
    )
    return a, ctx, prefs


def _plan() -> Plan:
    a, ctx, prefs = _inputs()
    return generate_plan(PlanRequest("bench", a, ctx, prefs, START, 12))


def _logs(plan: Plan, today: dt.date) -> list[SessionLog]:
    out = []
    for s in plan.sessions():
        if s.date <= today and s.kind in ("run", "strength"):
            ex = tuple(ExerciseResult(e.id, e.sets or 1, (e.reps or 0) + 2) for e in s.exercises)
            out.append(SessionLog(s.date, s.kind, "done", s.key, 2, 3, 0, exercises=ex))
    return out


def _time(fn: Callable[[], object], repeat: int = 30) -> tuple[float, float, float]:
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return statistics.median(samples), max(samples), peak


def main() -> None:
    """Measure and write the results table."""
    load_catalogue()
    a, ctx, prefs = _inputs()
    plan = _plan()
    today = START + dt.timedelta(days=6)
    logs = _logs(plan, today)
    doc = plan_to_dict(plan)
    rows = [
        ("generate 12-week plan", _time(_plan)),
        (
            f"adapt after week 1 ({len(logs)} logs)",
            _time(
                lambda: adapt_plan(
                    plan, logs, assessment=a, context=ctx, preferences=prefs, today=today
                )
            ),
        ),
        (
            "plan -> dict -> plan (stored document)",
            _time(lambda: plan_from_dict(plan_to_dict(plan))),
        ),
        (
            "ICS export (12 weeks)",
            _time(lambda: plan_to_ics(plan, generated_at=dt.datetime.now(dt.UTC))),
        ),
    ]
    sessions = len(plan.sessions())
    lines = [
        "## Plan engine (`bench/plan.py`)\n",
        f"12-week plan with a goal race: {sessions} sessions, {len(str(doc))} characters stored. "
        f"Budget {BUDGET_MS:.0f} ms each for generation and adaptation (issue 5). No peer: no "
        "open-source engine takes a triage result and pain logs; numbers are ours only.\n",
        "| operation | median ms | max ms | peak MB | within 100 ms |",
        "|---|---:|---:|---:|---|",
    ]
    for name, (med, worst, peak) in rows:
        ok = "yes" if med < BUDGET_MS else "NO"
        lines.append(f"| {name} | {med:.1f} | {worst:.1f} | {peak:.1f} | {ok} |")
    (HERE / "RESULTS-plan.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
