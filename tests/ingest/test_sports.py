"""Sport names from every writer and language map onto FIT's vocabulary."""

from __future__ import annotations

import pytest

from backstride.ingest.sports import normalise_sport, sport_family


@pytest.mark.parametrize(
    ("text", "sport"),
    [
        ("Run", "running"),
        ("Trail Run", "running"),
        ("9", "running"),  # Strava GPX numeric type
        ("Lauf", "running"),  # German Strava export
        ("Virtuelle Radfahrt", "cycling"),
        ("Spaziergang", "walking"),
        ("Wandern", "hiking"),
        ("Gewichtstraining", "training"),
        ("Course à pied", "running"),
        ("Carrera", "running"),
        ("Corsa", "running"),
        ("Hardlopen", "running"),
        ("Corrida", "running"),
        ("Natação", "swimming"),
        ("", "generic"),
        (None, "generic"),
        ("Kitesurf", "kitesurf"),  # unknown: kept, lower case, not a run
    ],
)
def test_sport_names_map_onto_fit_sports(text: str | None, sport: str) -> None:
    assert normalise_sport(text) == sport


def test_a_translated_run_counts_as_a_run_for_dedup() -> None:
    assert sport_family(normalise_sport("Lauf")) == sport_family(normalise_sport("Run")) == "foot"
