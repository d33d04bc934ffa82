"""Change over time follows clinical reference §4.1 (N1-N5, ODI, R3-R7, P4-P5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstride.intake.catalog import shipped_instruments
from backstride.intake.change import compare, compare_instrument


@pytest.mark.parametrize(
    ("case", "instrument", "baseline", "follow_up", "threshold", "meaningful"),
    [
        ("N1", "nprs", 6, 4, 2.0, True),
        ("N2", "nprs", 3, 2, 2.0, False),
        ("N3", "nprs", 8, 7, 2.0, False),
        ("N4", "nprs", 10, 7, 2.0, True),
        ("N5", "nprs", 2, 0, 2.0, True),
        ("ODI 46->34", "odi", 46, 34, 10.0, True),
        ("ODI 30->21", "odi", 30, 21, 10.0, False),
        ("ODI 24->14 edge", "odi", 24, 14, 10.0, True),
        ("R3", "rmdq", 14, 8, 4.2, True),
        ("R4 edge", "rmdq", 12, 8, 4.0, True),
        ("R5", "rmdq", 20, 16, 5.0, False),
        ("R6", "rmdq", 4, 2, 4.0, False),
        ("R7 a", "rmdq", 14, 10, 4.2, False),
        ("R7 b", "rmdq", 14, 9, 4.2, True),
        ("P4", "psfs", 14 / 3, 6.0, 2.0, False),
        ("P5", "psfs", 14 / 3, 7.0, 2.0, True),
    ],
)
def test_worked_change_examples(
    case: str,
    instrument: str,
    baseline: float,
    follow_up: float,
    threshold: float,
    meaningful: bool,
) -> None:
    change = compare_instrument(shipped_instruments()[instrument], baseline, follow_up)
    assert change.threshold == pytest.approx(threshold)
    assert change.meaningful is meaningful
    assert change.direction == ("improved" if meaningful else "no_meaningful_change")


def test_a_meaningful_rise_in_disability_is_reported_as_worsened() -> None:
    change = compare_instrument(shipped_instruments()["odi"], 20, 34)
    assert (change.meaningful, change.direction, change.change) == (True, "worsened", 14)


def test_instruments_without_mcid_refuse_change() -> None:
    with pytest.raises(ValueError, match="no MCID"):
        compare_instrument(shipped_instruments()["startback"], 4, 2)


@given(
    baseline=st.floats(0, 100),
    follow_up=st.floats(0, 100),
    mcid=st.floats(0.5, 20),
    mdc=st.floats(0.5, 20),
)
def test_threshold_never_below_mdc_and_direction_matches_sign(
    baseline: float, follow_up: float, mcid: float, mdc: float
) -> None:
    change = compare(baseline, follow_up, mcid=mcid, mdc=mdc)
    assert change.threshold >= mdc
    if change.meaningful:
        assert (change.direction == "improved") == (follow_up < baseline)
