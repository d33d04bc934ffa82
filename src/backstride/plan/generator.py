"""The plan generator: (assessment, training context, preferences, today) -> a reasoned plan.

Rules: clinical reference §1.3 (what each disposition allows), 2.6 (return to run), 7.1 (running),
7.2 (strength), 7.4 (STarT pathways). Thresholds live in :class:`PlanRules` and ``rules.py``;
the request and modes in ``request.py``, the run state in ``builder.py``, weeks in ``weeks.py``.
"""

from __future__ import annotations

from backstride.plan.builder import Builder
from backstride.plan.model import Plan
from backstride.plan.request import PlanRequest, blocked_plan, is_novice, pain_level, plan_mode


def generate_plan(req: PlanRequest) -> Plan:
    """Build the plan (or the blocked answer) for ``req``."""
    mode = plan_mode(req)
    if mode == "blocked":
        return blocked_plan(req)
    return Builder(req, mode).build()


__all__ = ["PlanRequest", "blocked_plan", "generate_plan", "is_novice", "pain_level"]
