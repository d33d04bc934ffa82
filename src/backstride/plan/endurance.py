"""McGill trunk-endurance ratios: flexor/extensor, right/left side bridge, side bridge/extensor.

McGill et al. 1999 (Arch Phys Med Rehabil 80:941-944; 75 healthy young adults) measured the
hold times; the targets below are widely attributed to McGill *(unverified)* and are
backstride defaults (clinical reference §7.2): flexion/extension < 1.0; right/left side bridge
within 0.05 of 1.0; side bridge/extension < 0.75. Targets to train towards, never a diagnosis.
Comparisons use unrounded ratios (clinical reference §0); ``round`` is for display only.
"""

from __future__ import annotations

from dataclasses import dataclass

from backstride.errors import InvalidInput
from backstride.plan.model import Decision

FLEXION_EXTENSION_MAX = 1.0
SIDE_SYMMETRY_TOLERANCE = 0.05
SIDE_EXTENSION_MAX = 0.75
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class EnduranceRatios:
    """The three ratios (unrounded) and one reasoned finding per ratio."""

    flexion_extension: float
    side_right_left: float
    side_extension: float
    findings: tuple[Decision, ...]

    @property
    def flagged(self) -> tuple[str, ...]:
        """Codes of the ratios outside their target."""
        return tuple(f.code for f in self.findings if f.code.endswith(".off_target"))


def endurance_ratios(
    *, flexion_s: float, extension_s: float, side_right_s: float, side_left_s: float
) -> EnduranceRatios:
    """Ratios from hold times in seconds; the side bridge/extension ratio uses the better side.

    Worked (clinical reference §7.2): flexion 120 s, extension 150 s -> 0.80 (on target); side
    bridges 80 / 70 s -> 1.143 (asymmetry flagged); 80 / 150 = 0.53 (on target).
    """
    if min(flexion_s, extension_s, side_right_s, side_left_s) <= 0:
        raise InvalidInput("hold times must be positive seconds", code="plan.invalid_endurance")
    fe = flexion_s / extension_s
    rl = side_right_s / side_left_s
    se = max(side_right_s, side_left_s) / extension_s
    findings = (
        _finding(
            "endurance.flexion_extension",
            "Flexor/extensor endurance",
            fe,
            ok=fe < FLEXION_EXTENSION_MAX,
            target="under 1.0",
        ),
        _finding(
            "endurance.side_symmetry",
            "Right/left side bridge",
            rl,
            ok=abs(rl - 1.0) <= SIDE_SYMMETRY_TOLERANCE + _EPS,
            target="within 0.05 of 1.0",
        ),
        _finding(
            "endurance.side_extension",
            "Side bridge/extensor endurance",
            se,
            ok=se < SIDE_EXTENSION_MAX,
            target="under 0.75",
        ),
    )
    return EnduranceRatios(fe, rl, se, findings)


def _finding(code: str, label: str, ratio: float, *, ok: bool, target: str) -> Decision:
    verdict = "on target" if ok else "outside the target: a focus for the core work"
    return Decision(
        f"{code}.{'ok' if ok else 'off_target'}",
        f"{label} ratio {ratio:.2f} ({target}; McGill et al. 1999, targets unverified): {verdict}.",
    )


__all__ = ["EnduranceRatios", "endurance_ratios"]
