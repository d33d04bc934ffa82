"""A recent rise in running is named as the training error, with its load rule (§5.2)."""

from __future__ import annotations

from typing import Any

import pytest

from backstride.intake import assess

from .builders import TODAY, doc


def _note(**over: Any) -> str | None:
    notes = [n for n in assess(doc(**over), today=TODAY).notes if n.startswith("Training error:")]
    assert len(notes) <= 1
    return notes[0] if notes else None


@pytest.mark.parametrize(
    ("rise", "said"),
    [
        (40, "rose by 40 % before the pain (more than 30 %, the size of rise linked with injury)"),
        (30.5, "rose by 30.5 % before the pain (more than 30 %"),
        (30, "rose by 30 % before the pain (more than 10 % but not above 30 %)"),
        (10, "rose by 10 % before the pain (not above 10 %)"),
    ],
)
def test_a_reported_rise_is_named_with_its_size_and_the_load_rule(rise: float, said: str) -> None:
    note = _note(running={"load_increase_pct": rise})
    assert note is not None
    assert said in note
    assert "week-over-week change (clinical reference §5.2)" in note
    assert "Nielsen et al. 2014" in note
    assert "clinical reference §7.1" in note


@pytest.mark.parametrize(
    "over",
    [
        {"running": {"recent_change": "increase"}},
        {"symptoms": {"onset_trigger": "mileage_increase"}},
    ],
)
def test_running_more_lately_without_a_number_is_named_too(over: dict[str, Any]) -> None:
    note = _note(**over)
    assert note is not None
    assert "you have been running more lately" in note


@pytest.mark.parametrize(
    "over",
    [{}, {"running": {"recent_change": "decrease"}}, {"running": {"load_increase_pct": 0}}],
)
def test_no_rise_no_note(over: dict[str, Any]) -> None:
    assert _note(**over) is None


def test_the_note_never_changes_the_triage() -> None:
    plain = assess(doc(), today=TODAY)
    rise = assess(doc(running={"recent_change": "increase"}), today=TODAY)
    assert (rise.disposition, rise.reason_codes, rise.flags) == (
        plain.disposition,
        plain.reason_codes,
        plain.flags,
    )
