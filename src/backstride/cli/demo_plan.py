"""The plan part of ``backstride demo``: the demo runner's plan, printed, and its ICS file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.store import models
from backstride.units import new_id

# Used only when no intake has produced an assessment for the demo runner yet.
DEMO_ASSESSMENT = {
    "disposition": "self_management",
    "reasons": [
        {
            "code": "pattern.nonspecific",
            "text": "Pattern consistent with non-specific low back pain.",
            "source": "NICE NG59 2016",
            "disposition": "self_management",
            "flags": [],
            "detail": None,
        }
    ],
    "scores": {"nprs.during_run": 2, "startback.risk_group": "low"},
    "startback_group": "low",
    "flags": [],
    "safety_netting": [
        "New numbness around the saddle area, bladder or bowel changes, or "
        "weakness in both legs: emergency care now."
    ],
    "rules_version": "demo",
    "time_frame": "Review at 2-4 weeks or on any change.",
    "notes": [],
}


def ensure_demo_assessment(session: Session, *, runner_id: str, now: dt.datetime) -> None:
    """Store the demo assessment when the runner has none."""
    has = session.scalars(
        select(models.Assessment.id).where(models.Assessment.runner_id == runner_id).limit(1)
    ).first()
    if has is None:
        session.add(
            models.Assessment(
                id=new_id(),
                runner_id=runner_id,
                created_at=now,
                disposition="self_management",
                rules_version="demo",
                result=DEMO_ASSESSMENT,
            )
        )
        session.commit()


def run_plan_demo(
    session: Session, *, data_dir: Path, now: dt.datetime, console: Console, handle: str = "demo"
) -> Path:
    """Build and print the demo runner's 8-week plan; write ``demo-plan.ics``."""
    from backstride.cli.plan_output import print_plan
    from backstride.reports.ics import plan_to_ics
    from backstride.services.plans import create_plan
    from backstride.services.runners import get_or_create_runner

    runner = get_or_create_runner(session, handle=handle, now=now)
    session.commit()
    ensure_demo_assessment(session, runner_id=runner.id, now=now)
    start = now.date() + dt.timedelta(days=(7 - now.date().weekday()) % 7)
    result = create_plan(session, runner_handle=handle, weeks=8, start_date=start, now=now)
    console.rule(f"{handle}: 8-week plan from {start}")
    print_plan(result.plan, console)
    path = data_dir / "demo-plan.ics"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(plan_to_ics(result.plan, generated_at=now))
    console.print(f"demo plan calendar written to {path}")
    return path


__all__ = ["DEMO_ASSESSMENT", "ensure_demo_assessment", "run_plan_demo"]
