"""A clinic's thresholds reach its runners' load flags and plans (and no one else's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from backstride.analytics.inputs import AnalyticsOptions
from backstride.cli._context import open_session
from backstride.config import Settings
from backstride.plan.model import PlanRules
from backstride.services import load, plans
from backstride.services.clinic_settings import (
    THRESHOLDS,
    analytics_options,
    plan_rules,
    runner_thresholds,
)
from backstride.services.runners import get_or_create_runner
from backstride.store import models
from backstride.units import new_id
from tests.services.test_plans import MONDAY, NOW, add_run, evening
from tests.services.test_plans import runner_id as runner_id  # fixture: "ana" with 4 weeks

DEFAULTS = {key: t.default for key, t in THRESHOLDS.items()}


def _clinic(session: Session, slug: str, settings: dict[str, float]) -> str:
    clinic_id = new_id()
    session.add(models.Clinic(id=clinic_id, slug=slug, name=slug.title(), created_at=NOW))
    for key, value in settings.items():
        session.add(
            models.ClinicSetting(
                id=new_id(), clinic_id=clinic_id, key=key, value=value, updated_at=NOW
            )
        )
    session.flush()
    return clinic_id


def _consent(session: Session, runner_id: str, clinic_id: str, *, revoked: bool = False) -> None:
    session.add(
        models.Consent(
            id=new_id(),
            runner_id=runner_id,
            clinic_id=clinic_id,
            granted_at=NOW,
            revoked_at=NOW if revoked else None,
        )
    )
    session.flush()


def _flags(session: Session, settings: Settings, code: str) -> dict[str, list[Any]]:
    """Each of "ana" and "bo"'s load flags with ``code`` on MONDAY."""
    return {
        handle: [
            f
            for f in load.load_summary(
                session,
                runner_handle=handle,
                from_date=None,
                to_date=None,
                today=MONDAY,
                settings=settings,
            ).flags
            if f.code == code
        ]
        for handle in ("ana", "bo")
    }


def test_defaults_map_to_the_engines_own_defaults() -> None:
    assert analytics_options(DEFAULTS, shoe_retire_km=700.0) == AnalyticsOptions()
    assert plan_rules(DEFAULTS) == PlanRules()


def test_a_lower_weekly_cap_bounds_every_progression_cap() -> None:
    rules = plan_rules({**DEFAULTS, "load.weekly_increase_cap": 0.15})
    assert (rules.cap_with_pain, rules.cap_without_pain, rules.cap_absolute) == (0.10, 0.15, 0.15)
    assert (
        plan_rules({**DEFAULTS, "load.single_run_spike_ratio": 1.25}).single_run_factor_tenths == 12
    )


def test_the_most_cautious_consented_clinic_wins_and_revoked_consent_counts_for_nothing(
    settings: Settings,
) -> None:
    with open_session(settings) as session:
        ana = get_or_create_runner(session, handle="ana", now=NOW).id
        bo = get_or_create_runner(session, handle="bo", now=NOW).id
        strict = _clinic(session, "strict", {"pain.acceptable_during": 3.0})
        loose = _clinic(session, "loose", {"pain.acceptable_during": 4.0, "acwr.context_high": 1.3})
        gone = _clinic(session, "gone", {"load.weekly_increase_cap": 0.1})
        _consent(session, ana, strict)
        _consent(session, ana, loose)
        _consent(session, ana, gone, revoked=True)
        values = runner_thresholds(session, [ana, bo])
    assert values[ana]["pain.acceptable_during"] == 3.0
    assert values[ana]["acwr.context_high"] == 1.3
    assert values[ana]["load.weekly_increase_cap"] == DEFAULTS["load.weekly_increase_cap"]
    assert values[bo] == DEFAULTS


@pytest.fixture
def spiky(settings: Settings) -> tuple[str, str]:
    """Two runners with the same history: a 8 % longer run after six weeks of 10 km runs.

    Only "ana" consents to a clinic that flags runs more than 5 % longer.
    """
    with open_session(settings) as session:
        ids = []
        for handle in ("ana", "bo"):
            rid = get_or_create_runner(session, handle=handle, now=NOW).id
            for day in range(42, 0, -3):
                add_run(session, rid, MONDAY - dt.timedelta(days=day), 10.0)
            add_run(session, rid, MONDAY, 10.8)
            ids.append(rid)
        clinic = _clinic(session, "north", {"load.single_run_spike_ratio": 1.05})
        _consent(session, ids[0], clinic)
        session.commit()
    return ids[0], ids[1]


def test_a_clinic_that_flags_earlier_flags_its_runner_only(
    settings: Settings, spiky: tuple[str, str]
) -> None:
    del spiky
    with open_session(settings) as session:
        spikes = _flags(session, settings, "load.spike_single_run")
    assert spikes["bo"] == []
    (flag,) = spikes["ana"]
    assert flag.date == MONDAY
    assert "8 % longer" in flag.text
    assert "more than 5 % longer" in flag.text


def test_the_clinic_batch_analyses_runners_with_different_thresholds_correctly(
    settings: Settings, spiky: tuple[str, str]
) -> None:
    ana, bo = spiky
    with open_session(settings) as session:
        batch = load.clinic_load(session, runner_ids=[bo, ana], today=MONDAY, settings=settings)
    assert [f.code for f in batch[ana].flags].count("load.spike_single_run") == 1
    assert "load.spike_single_run" not in [f.code for f in batch[bo].flags]
    assert batch[ana].weeks[-1].distance_m == batch[bo].weeks[-1].distance_m


def test_a_clinic_with_a_lower_pain_limit_makes_adaptation_step_back_earlier(
    settings: Settings, runner_id: str
) -> None:
    def adapt_after_pain_4(session: Session) -> str:
        created = plans.create_plan(
            session, runner_handle="ana", weeks=4, start_date=MONDAY, now=NOW
        )
        run = next(s for s in created.plan.sessions() if s.kind == "run")
        plans.log_session(
            session,
            runner_handle="ana",
            on_date=run.date,
            kind="run",
            status="done",
            now=evening(run.date),
            pain_during=4,
            pain_after=2,
            pain_next_morning=0,
        )
        adapted = plans.adapt_plan(
            session, runner_handle="ana", today=run.date, now=evening(run.date)
        )
        return " ".join(d.code for d in adapted.decisions)

    with open_session(settings) as session:
        default = adapt_after_pain_4(session)
        _consent(session, runner_id, _clinic(session, "careful", {"pain.acceptable_during": 3}))
        session.commit()
        careful = adapt_after_pain_4(session)
    assert "pain.acceptable" in default
    assert "pain.high_during" in careful


def test_a_clinic_context_line_for_the_acute_chronic_ratio_reaches_its_runner_only(
    settings: Settings,
) -> None:
    # Six weeks of 10 km every third day, then a week of 10 km every day.
    with open_session(settings) as session:
        for handle in ("ana", "bo"):
            rid = get_or_create_runner(session, handle=handle, now=NOW).id
            for day in range(48, 7, -3):
                add_run(session, rid, MONDAY - dt.timedelta(days=day), 10.0)
            for day in range(7, 0, -1):
                add_run(session, rid, MONDAY - dt.timedelta(days=day), 10.0)
            if handle == "ana":
                _consent(session, rid, _clinic(session, "calm", {"acwr.context_high": 3.0}))
        session.commit()
        context = _flags(session, settings, "load.acwr_context")
    assert context["ana"] == []
    (flag,) = context["bo"]
    assert flag.severity == "info"
    assert "above 1.50" in flag.text
