"""A plan made right after an intake, with no watch data: the stated running is used (issue 15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backstride.cli._context import open_session
from backstride.config import Settings
from backstride.services import intake, plans
from backstride.services.demo.data import demo_intake_document

INTAKE_AT = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 11, 30)


def issue_case() -> dict[str, Any]:
    """38-year-old woman, one-sided SI-type pain for 6 weeks after a 30 % rise, 45 km a week."""
    doc = demo_intake_document()
    doc["symptoms"]["duration_weeks"] = 6
    doc["running"].update(
        weekly_distance_km=45, longest_run_km=16, runs_per_week=4, load_increase_pct=30
    )
    return doc


def test_the_plan_starts_from_the_stated_45_km_and_says_so(settings: Settings) -> None:
    with open_session(settings) as session:
        intake.submit_intake(session, runner_handle="sam", document=issue_case(), now=INTAKE_AT)
        result = plans.create_plan(
            session, runner_handle="sam", weeks=8, start_date=MONDAY, now=INTAKE_AT
        )
    plan = result.plan
    source = plan.decisions[0]
    assert source.code == "volume.source_stated"
    assert "what you told the intake on 2026-11-28 (45.0 km a week, 4 runs a week)" in source.text
    first = [s for d in plan.weeks[0].days for s in d.sessions if s.kind == "run"]
    assert len(first) == 4
    assert sum(s.distance_m or 0 for s in first) >= 35_000
    assert max(s.distance_m or 0 for s in plan.sessions() if s.kind == "run") <= 17_600
    texts = [r.text for s in plan.sessions() for r in s.reasons]
    assert not [t for t in texts if "last week's 0.0 km" in t or "No recent run" in t]
