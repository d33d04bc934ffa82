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
        ("Kitesurf", "kitesurfing"),
        ("16", "swimming"),  # Strava GPX numeric type: a swim
        ("1", "cycling"),
        ("31", "training"),  # Yoga
        ("Quidditch", "quidditch"),  # unknown: kept, lower case, not a run
        ("99", "99"),
    ],
)
def test_sport_names_map_onto_fit_sports(text: str | None, sport: str) -> None:
    assert normalise_sport(text) == sport


def test_a_translated_run_counts_as_a_run_for_dedup() -> None:
    assert sport_family(normalise_sport("Lauf")) == sport_family(normalise_sport("Run")) == "foot"


def _gpx(typ: str, *, cad: int = 84, step_s: int = 1, step_deg: float = 0.00003) -> bytes:
    """600 points 1 s apart, ~3.3 m a step (about 5 min/km), cadence ``cad`` strides/min."""
    pts = "".join(
        f'<trkpt lat="{47 + i * step_deg:.6f}" lon="8.5"><time>2024-03-01T07:'
        f"{(i * step_s) // 60:02d}:{(i * step_s) % 60:02d}Z</time><extensions>"
        f"<gpxtpx:TrackPointExtension><gpxtpx:cad>{cad}</gpxtpx:cad>"
        "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        for i in range(600)
    )
    kind = f"<type>{typ}</type>" if typ else ""
    return (
        '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk>{kind}<trkseg>{pts}</trkseg></trk></gpx>"
    ).encode()


def test_a_strava_gpx_with_a_numeric_swim_type_is_a_swim() -> None:
    from backstride.ingest.registry import read_bytes

    (act,) = read_bytes(_gpx("16", cad=20), name="swim.gpx")
    assert act.sport == "swimming"


def test_an_untyped_gpx_at_running_pace_and_cadence_is_read_as_a_run_and_says_so() -> None:
    from backstride.ingest.registry import read_bytes

    (act,) = read_bytes(_gpx(""), name="untyped.gpx")
    assert act.sport == "running"
    (note,) = [w for w in act.warnings if w.code == "data.sport_inferred"]
    assert "read as a run" in note.detail
    assert "168 steps/min" in note.detail


def test_an_untyped_walk_stays_untyped() -> None:
    from backstride.ingest.registry import read_bytes

    # 1.3 m/s at 110 steps/min (55 strides/min): a walk, not a run
    (act,) = read_bytes(_gpx("", cad=55, step_deg=0.0000117), name="walk.gpx")
    assert act.sport == "generic"
    assert not act.warnings


@pytest.mark.parametrize(
    ("file_sport", "csv_sport", "kept"),
    [
        ("generic", "swimming", "swimming"),  # the file names no sport
        ("16x", "swimming", "swimming"),  # one we cannot read
        ("running", "walking", "running"),  # the device said running: it stays
    ],
)
def test_the_exports_type_replaces_a_missing_or_unreadable_sport(
    file_sport: str, csv_sport: str, kept: str
) -> None:
    import datetime as dt

    import numpy as np

    from backstride.ingest.hints import Hints, apply_hints
    from backstride.ingest.model import Activity, Streams

    act = Activity(
        format="gpx",
        sport=file_sport,
        start_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        elapsed_s=60.0,
        streams=Streams({"time_s": np.zeros(1)}),
    )
    assert apply_hints(act, Hints(sport=csv_sport)).sport == kept
