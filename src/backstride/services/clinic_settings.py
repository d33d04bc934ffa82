"""Clinic thresholds: evidence-based defaults a clinic may change, every change recorded."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.analytics.inputs import AnalyticsOptions
from backstride.errors import InvalidInput, NotFound
from backstride.plan.model import PlanRules
from backstride.services.policy import Principal, require_clinic_member
from backstride.store.models import ClinicSetting, ClinicSettingChange, Consent
from backstride.units import new_id


@dataclass(frozen=True, slots=True)
class Threshold:
    """A changeable threshold: default, allowed range and its source."""

    key: str
    default: float
    low: float
    high: float
    source: str


THRESHOLDS: dict[str, Threshold] = {
    t.key: t
    for t in (
        Threshold(
            "load.single_run_spike_ratio",
            1.10,
            1.0,
            2.0,
            "Frandsen et al. 2025 (BJSM): a run >10% longer than the longest of 30 days",
        ),
        Threshold(
            "load.weekly_increase_cap",
            0.30,
            0.05,
            0.5,
            "Nielsen et al. 2014 (JOSPT) >30% weekly increase; 10-30% cap [default]",
        ),
        Threshold(
            "pain.acceptable_during",
            5.0,
            0.0,
            10.0,
            "Thomeé 1997; Silbernagel et al. 2007 pain-monitoring model (up to 5/10)",
        ),
        Threshold(
            "pain.acceptable_after",
            5.0,
            0.0,
            10.0,
            "Silbernagel et al. 2007: after activity up to 5/10, settled by next morning",
        ),
        Threshold(
            "visit.max_per_12_weeks",
            8.0,
            1.0,
            9.0,
            "NICE CG88 (2009): up to 8 structured-exercise / 9 manual-therapy sessions in 12 weeks",
        ),
        Threshold(
            "visit.default_start_min",
            540.0,
            0.0,
            1410.0,
            "The clinic's usual visit start, minutes after local midnight (540 = 09:00) [default]",
        ),
        Threshold(
            "visit.duration_min",
            30.0,
            10.0,
            120.0,
            "The clinic's usual visit length in minutes [default]",
        ),
        Threshold(
            "acwr.context_high",
            1.5,
            1.0,
            3.0,
            "Gabbett 2016 'danger zone' (contested: Impellizzeri 2020) - context only",
        ),
        Threshold(
            "session.idle_timeout_min",
            30.0,
            5.0,
            60.0,
            "Not clinical: the clinic's clinicians are signed out after this many idle minutes "
            "(OWASP ASVS 5.0 7.3.1; NIST SP 800-63B-4 AAL2: at most 60) - from their next log-in",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class SettingView:
    """A threshold's value in force at a clinic."""

    key: str
    value: float
    default: float
    source: str
    changed: bool
    updated_at: dt.datetime | None


def list_settings(session: Session, *, principal: Principal, clinic_id: str) -> list[SettingView]:
    """Every threshold with the clinic's value (default when unchanged)."""
    require_clinic_member(session, principal, clinic_id=clinic_id)
    rows = {
        r.key: r
        for r in session.scalars(select(ClinicSetting).where(ClinicSetting.clinic_id == clinic_id))
    }
    out = []
    for t in THRESHOLDS.values():
        row = rows.get(t.key)
        out.append(
            SettingView(
                key=t.key,
                value=float(row.value) if row else t.default,
                default=t.default,
                source=t.source,
                changed=row is not None,
                updated_at=row.updated_at if row else None,
            )
        )
    return out


def change_setting(
    session: Session,
    *,
    principal: Principal,
    clinic_id: str,
    key: str,
    value: float,
    reason: str | None,
    now: dt.datetime,
) -> SettingView:
    """Set a threshold for the clinic and record who changed it, when, from what, why."""
    require_clinic_member(session, principal, clinic_id=clinic_id)
    spec = THRESHOLDS.get(key)
    if spec is None:
        raise NotFound(f"no threshold named {key!r}", code="clinic_setting.not_found")
    if not spec.low <= value <= spec.high:
        raise InvalidInput(
            f"{key} must be between {spec.low} and {spec.high}",
            code="clinic_setting.out_of_range",
            problems=[{"path": "value", "msg": f"between {spec.low} and {spec.high}"}],
        )
    row = session.scalar(
        select(ClinicSetting).where(ClinicSetting.clinic_id == clinic_id, ClinicSetting.key == key)
    )
    old: Any = None if row is None else row.value
    if row is None:
        row = ClinicSetting(id=new_id(), clinic_id=clinic_id, key=key)
        session.add(row)
    row.value = value
    row.updated_at = now
    row.updated_by = principal.account_id
    session.add(
        ClinicSettingChange(
            id=new_id(),
            clinic_id=clinic_id,
            key=key,
            old_value=old,
            new_value=value,
            reason=reason,
            changed_by=principal.account_id,
            changed_at=now,
        )
    )
    session.commit()
    return SettingView(key, value, spec.default, spec.source, changed=True, updated_at=now)


def runner_thresholds(session: Session, runner_ids: Sequence[str]) -> dict[str, dict[str, float]]:
    """The thresholds in force for each runner: their consented clinics' values.

    A runner with no active consent gets the defaults. A runner who consents to several
    clinics gets, per threshold, the most cautious value among them (the lowest: for every
    threshold here a lower value flags earlier, progresses more slowly or books fewer visits;
    for the visit start and length, the earliest and shortest).
    """
    defaults = {key: t.default for key, t in THRESHOLDS.items()}
    out: dict[str, dict[str, float]] = {rid: dict(defaults) for rid in runner_ids}
    if not out:
        return out
    rows = session.execute(
        select(Consent.runner_id, ClinicSetting.key, ClinicSetting.value)
        .join(ClinicSetting, ClinicSetting.clinic_id == Consent.clinic_id)
        .where(Consent.runner_id.in_(list(out)), Consent.revoked_at.is_(None))
    ).all()
    chosen: dict[tuple[str, str], float] = {}
    for runner_id, key, value in rows:
        if key in THRESHOLDS:
            here = float(value)
            chosen[(runner_id, key)] = min(here, chosen.get((runner_id, key), here))
    for (runner_id, key), value in chosen.items():
        out[runner_id][key] = value
    return out


def analytics_options(values: Mapping[str, float], *, shoe_retire_km: float) -> AnalyticsOptions:
    """Analytics thresholds from a runner's clinic values (see :data:`THRESHOLDS`).

    ``load.single_run_spike_ratio`` 1.10 -> flag runs > +10 % (Frandsen et al. 2025);
    ``load.weekly_increase_cap`` 0.30 -> flag weeks > +30 % (Nielsen et al. 2014);
    ``acwr.context_high`` 1.5 -> the ``info`` flag ``load.acwr_context`` (context only).
    """
    return AnalyticsOptions(
        shoe_retire_km=shoe_retire_km,
        weekly_jump_pct=round(values["load.weekly_increase_cap"] * 100),
        spike_flag_pct=round((values["load.single_run_spike_ratio"] - 1.0) * 100),
        acwr_context_high=values["acwr.context_high"],
    )


def plan_rules(values: Mapping[str, float]) -> PlanRules:
    """Plan thresholds from a runner's clinic values (defaults: clinical reference §7.1).

    The weekly cap bounds every progression cap (a clinic cap of 15 % also lowers the 20 %
    pain-free cap); the single-run ratio bounds each run against the longest of 30 days
    (rounded down to tenths, the more cautious side); the pain limits are the
    pain-monitoring model's acceptable levels during and after (Silbernagel et al. 2007); the
    visit bound is the clinic's, never above the NICE CG88 ceiling (clinical reference §7.4).
    """
    base = PlanRules()
    cap = values["load.weekly_increase_cap"]
    return replace(
        base,
        cap_with_pain=min(base.cap_with_pain, cap),
        cap_without_pain=min(base.cap_without_pain, cap),
        cap_absolute=cap,
        growth_with_pain=min(base.growth_with_pain, cap),
        growth=min(base.growth, cap),
        single_run_factor_tenths=max(10, math.floor(values["load.single_run_spike_ratio"] * 10)),
        pain_during_max=math.floor(values["pain.acceptable_during"]),
        pain_after_max=math.floor(values["pain.acceptable_after"]),
        visits_max_per_12_weeks=math.floor(values["visit.max_per_12_weeks"]),
        visit_start_min=round(values["visit.default_start_min"]),
        visit_duration_min=round(values["visit.duration_min"]),
    )


__all__ = [
    "THRESHOLDS",
    "SettingView",
    "Threshold",
    "analytics_options",
    "change_setting",
    "list_settings",
    "plan_rules",
    "runner_thresholds",
]
