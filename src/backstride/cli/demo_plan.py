"""The plan part of ``backstride demo``: the demo runner's plan, printed, and its ICS file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console
from sqlalchemy.orm import Session


def run_plan_demo(
    session: Session, *, data_dir: Path, now: dt.datetime, console: Console, handle: str = "demo"
) -> Path:
    """Build and print the demo runner's 8-week plan; write ``demo-plan.ics``."""
    from backstride.cli.plan_output import print_plan
    from backstride.reports.ics import plan_to_ics
    from backstride.services.plans import create_plan
    from backstride.services.runners import get_or_create_runner

    get_or_create_runner(session, handle=handle, now=now)
    session.commit()
    start = now.date() + dt.timedelta(days=(7 - now.date().weekday()) % 7)
    result = create_plan(session, runner_handle=handle, weeks=8, start_date=start, now=now)
    console.rule(f"{handle}: 8-week plan from {start}")
    print_plan(result.plan, console)
    path = data_dir / "demo-plan.ics"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(plan_to_ics(result.plan, generated_at=now))
    console.print(f"demo plan calendar written to {path}")
    return path


__all__ = ["run_plan_demo"]
