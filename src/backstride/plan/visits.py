"""Clinic visits in the plan: which weeks hold a visit, from the STarT Back pathway.

clinical reference §7.4 [default; trial session counts unverified]: STarT Back pathways of
Hill et al. 2011 (Lancet 378:1560-1571) as backstride defaults, inside the NICE CG88 (2009)
ceilings.
"""

from __future__ import annotations


def visit_weeks(
    *, startback_group: str | None, disposition: str, weeks: int, every_weeks: int | None
) -> dict[int, str]:
    """Week index (0-based) -> visit title, from the STarT pathway (clinical reference §7.4
    [default]).

    Week ``k`` starts ``k`` weeks after the plan start, so "at 4 weeks" is index 4.
    low: 1 visit, remote review at 4 weeks (2 visits); medium: initial visit, then weekly for
    up to 6 weeks, reviews at 2 and 6 weeks (weeks 0-6, 7 visits); high: a clinician visit
    before intensity rises, then weekly for up to 8 weeks (weeks 0-7, 8 visits). All stay
    inside the NICE CG88 (2009) ceilings of 8 exercise / 9 manual-therapy sessions in 12 weeks.
    """
    out: dict[int, str] = {}
    if every_weeks is not None and every_weeks >= 1:
        return dict.fromkeys(range(0, weeks, every_weeks), "Clinic visit")
    if startback_group == "high":
        # The week-0 visit comes before intensity rises (tempo stays off for STarT high).
        out = dict.fromkeys(range(8), "Clinic visit")
    elif startback_group == "medium":
        out = dict.fromkeys(range(7), "Clinic visit")
        out[2] = out[6] = "Clinic review"
    elif startback_group == "low":
        out = {0: "Clinic visit", 4: "Clinic review (remote)"}
    if disposition in ("clinician", "urgent") and 0 not in out:
        out[0] = "Clinic visit"
    return {k: v for k, v in sorted(out.items()) if k < weeks}


NICE_CG88_CEILING = 9
"""NICE CG88 (2009): up to 8 structured-exercise sessions or up to 9 manual-therapy sessions over
up to 12 weeks (clinical reference §7.4); a clinic may set a lower bound, never a higher one."""
CEILING_WINDOW_WEEKS = 12


def bound_visits(visits: dict[int, str], *, max_per_12_weeks: int) -> dict[int, str]:
    """The visits with at most ``max_per_12_weeks`` in any 12 consecutive weeks (earliest
    kept), the bound itself never above the NICE CG88 ceiling of 9 (clinical reference §7.4;
    8 for structured exercise is the default, ``PlanRules``)."""
    limit = max(1, min(max_per_12_weeks, NICE_CG88_CEILING))
    kept: dict[int, str] = {}
    for week in sorted(visits):
        recent = [k for k in kept if week - k < CEILING_WINDOW_WEEKS]
        if len(recent) < limit:
            kept[week] = visits[week]
    return kept


__all__ = ["CEILING_WINDOW_WEEKS", "NICE_CG88_CEILING", "bound_visits", "visit_weeks"]
