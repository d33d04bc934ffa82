"""The assessment: what triage concluded, why, and what the plan must respect.

This is the contract between ``intake`` (which produces it) and ``plan``, ``services``,
``reports`` and the interfaces (which consume it). It never names a diagnosis: reasons say
"suspected", "pattern consistent with", "needs assessment".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Disposition(StrEnum):
    """What to do next, highest urgency first (clinical reference §0 and §1.3)."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    CLINICIAN = "clinician"
    SELF_MANAGEMENT = "self_management"

    @property
    def rank(self) -> int:
        """3 for emergency down to 0 for self-management (higher = more urgent)."""
        return _RANK[self]


_RANK = {
    Disposition.EMERGENCY: 3,
    Disposition.URGENT: 2,
    Disposition.CLINICIAN: 1,
    Disposition.SELF_MANAGEMENT: 0,
}

# Plan flags a fired rule may set (clinical reference §1.1 and §7.2). The plan engine must honour
# each.
FLAG_BLOCKED = "blocked"
FLAG_NO_RUNNING = "no_running"
FLAG_NO_IMPACT = "no_impact"
FLAG_NO_AXIAL_LOADING = "no_axial_loading"
FLAG_AVOID_EXTENSION_LOADING = "avoid_extension_loading"
FLAG_AVOID_LOADED_FLEXION_ROTATION = "avoid_loaded_flexion_rotation"
FLAG_HOLD_HILLS = "hold_hills"
PLAN_FLAGS = frozenset(
    {
        FLAG_BLOCKED,
        FLAG_NO_RUNNING,
        FLAG_NO_IMPACT,
        FLAG_NO_AXIAL_LOADING,
        FLAG_AVOID_EXTENSION_LOADING,
        FLAG_AVOID_LOADED_FLEXION_ROTATION,
        FLAG_HOLD_HILLS,
    }
)


@dataclass(frozen=True, slots=True)
class Reason:
    """One fired rule: stable ``code`` (e.g. ``red_flag.cauda_equina``), plain text, source."""

    code: str
    text: str
    source: str
    disposition: Disposition
    flags: frozenset[str] = frozenset()
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """The triage result of one intake.

    ``scores`` is keyed ``<instrument>.<measure>`` (``odi.percent``, ``rmdq.total``,
    ``startback.risk_group``, ``nprs.during_run`` ...); ``flags`` is exactly the union of the
    fired rules' plan flags (clinical reference §0 and §1.2 step 3, as in the worked cases of
    1.7); ``derived_flags`` are plan flags read from the answers without a triage rule (hill
    hold for extension-sensitive or SI-pattern pain, 7.1; loaded flexion/rotation while acute
    and flexion-sensitive, 7.2); the plan honours both (:attr:`plan_flags`).
    ``safety_netting`` is always present, whatever the disposition.
    """

    disposition: Disposition
    reasons: tuple[Reason, ...]
    scores: Mapping[str, float | int | str | None]
    startback_group: str | None
    flags: frozenset[str]
    safety_netting: tuple[str, ...]
    rules_version: str
    time_frame: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    assessed_date: dt.date | None = None
    derived_flags: frozenset[str] = frozenset()

    @property
    def plan_flags(self) -> frozenset[str]:
        """Every flag the plan must honour: the fired rules' flags and the derived ones."""
        return self.flags | self.derived_flags

    @property
    def plan_blocked(self) -> bool:
        """True when no plan may be shown (emergency, or a rule set ``blocked``)."""
        return self.disposition is Disposition.EMERGENCY or FLAG_BLOCKED in self.flags

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """The codes of every fired rule, in output order."""
        return tuple(r.code for r in self.reasons)


__all__ = [
    "FLAG_AVOID_EXTENSION_LOADING",
    "FLAG_AVOID_LOADED_FLEXION_ROTATION",
    "FLAG_BLOCKED",
    "FLAG_HOLD_HILLS",
    "FLAG_NO_AXIAL_LOADING",
    "FLAG_NO_IMPACT",
    "FLAG_NO_RUNNING",
    "PLAN_FLAGS",
    "Assessment",
    "Disposition",
    "Reason",
]
