"""Coded data warnings: what readers clean or salvage, and summaries no person can produce."""

from __future__ import annotations

import gzip

import pytest

from backstride.ingest import quality as q
from backstride.ingest.registry import read_bytes
from tests.ingest import builders


def _codes(data: bytes, name: str) -> dict[str, str]:
    (act,) = read_bytes(data, name=name)
    return {w.code: w.effect for w in act.warnings}


def test_a_plain_run_has_no_warning() -> None:
    assert _codes(builders.gpx(), "run.gpx") == {}


def test_an_average_heart_rate_of_234_is_flagged_and_its_heart_rate_left_out() -> None:
    (act,) = read_bytes(builders.gpx(hr=234), name="strap.gpx")
    (w,) = act.warnings
    assert (w.code, w.effect) == ("data.hr_implausible", "hr")
    assert "234 bpm" in w.detail


def test_a_tcx_whose_laps_claim_76_minutes_over_a_1_second_track_is_flagged() -> None:
    data = builders.tcx(sport="Biking", n=2, lap_seconds=4566.0, lap_metres=13680.0)
    (act,) = read_bytes(data, name="laps.tcx")
    assert act.distance_m == 13680.0  # the laps' total, as the device wrote it ...
    warning = {w.code: w for w in act.warnings}["data.laps_disagree_with_track"]
    assert warning.effect == "load"  # ... but not counted: which is right cannot be told
    assert "1 h 16 min and 13.68 km" in warning.detail
    assert "covers 1 s" in warning.detail


@pytest.mark.parametrize(
    ("values", "code", "effect"),
    [
        ({"sport": "running", "distance_m": 13700.0, "duration_s": 1.0}, "speed", "load"),
        ({"sport": "running", "distance_m": 42195.0, "duration_s": 6000.0}, "speed", "load"),
        ({"sport": "running", "distance_m": 5000.0, "duration_s": 0.0}, "speed", "load"),
        ({"sport": "cycling", "distance_m": 100e3, "duration_s": 3600.0}, "speed", "load"),
        ({"sport": "generic", "distance_m": 500e3, "duration_s": 3600.0}, "speed", "load"),
        ({"sport": "running", "distance_m": 5000.0, "duration_s": 9 * 86400.0}, "duration", "load"),
        ({"sport": "running", "avg_hr_bpm": 234.0}, "hr", "hr"),
        ({"sport": "running", "avg_hr_bpm": 12.0}, "hr", "hr"),
        ({"sport": "running", "avg_hr_bpm": 150.0, "max_hr_bpm": 255.0}, "hr", "none"),
        ({"sport": "running", "avg_cadence_spm": 85.0}, "cadence", "cadence"),
        ({"sport": "walking", "avg_cadence_spm": 320.0}, "cadence", "cadence"),
    ],
)
def test_implausible_summaries_get_their_code_and_what_they_leave_out(
    values: dict[str, object], code: str, effect: str
) -> None:
    base: dict[str, object] = {
        "distance_m": None,
        "duration_s": None,
        "avg_hr_bpm": None,
        "max_hr_bpm": None,
        "avg_cadence_spm": None,
    }
    (w,) = q.summary_warnings(**(base | values))  # type: ignore[arg-type]
    assert (w.code, w.effect) == (f"data.{code}_implausible", effect)


@pytest.mark.parametrize(
    ("sport", "metres", "seconds"),
    [
        ("running", 42195.0, 2 * 3600 + 5 * 60),  # a 2:05 marathon: fast, but a person
        ("running", 5000.0, 13 * 60),
        ("running", 100.0, 10.0),
        ("cycling", 180e3, 4 * 3600.0),
        ("swimming", 1500.0, 15 * 60.0),
        ("walking", 5000.0, 45 * 60.0),
    ],
)
def test_fast_but_human_summaries_pass(sport: str, metres: float, seconds: float) -> None:
    assert (
        q.summary_warnings(
            sport=sport,
            distance_m=metres,
            duration_s=seconds,
            avg_hr_bpm=185.0,
            max_hr_bpm=205.0,
            avg_cadence_spm=180.0 if sport == "running" else None,
        )
        == []
    )


def test_a_decimal_comma_in_gpx_values_is_read() -> None:
    data = builders.gpx(n=20, ele="412,5").replace(b'lat="47.', b'lat="47,')
    (act,) = read_bytes(data, name="comma.gpx")
    altitude = act.streams.get("alt" + "itude_m")
    assert altitude is not None
    assert (altitude == 412.5).all()
    assert act.distance_m == pytest.approx(19 * 3.336, rel=0.01)


def test_a_truncated_gpx_keeps_its_complete_points_and_says_so() -> None:
    whole = builders.gpx(n=200)
    cut = whole[: int(len(whole) * 0.6)]
    (act,) = read_bytes(cut, name="cut.gpx")
    assert 100 < act.n_samples < 200
    assert [w.code for w in act.warnings] == ["data.truncated_salvaged"]
    (again,) = read_bytes(gzip.compress(whole)[:-300], name="cut.gpx.gz")
    assert "data.truncated_salvaged" in {w.code for w in again.warnings}


def test_a_gpx_cut_before_its_track_is_still_refused() -> None:
    from backstride.errors import BackstrideError

    with pytest.raises(BackstrideError) as err:
        read_bytes(builders.gpx(n=200)[:400], name="stub.gpx")
    assert err.value.code == "ingest.corrupt_file"


def test_positions_at_null_island_and_garbage_samples_become_warnings() -> None:
    data = builders.gpx(n=30).replace(b'lat="47.000000" lon="8.500000"', b'lat="0" lon="0"', 1)
    data = data.replace(b"<gpxtpx:hr>150</gpxtpx:hr>", b"<gpxtpx:hr>999</gpxtpx:hr>", 1)
    assert _codes(data, "phone.gpx") == {
        "data.positions_dropped": "none",
        "data.samples_implausible": "none",
    }


def test_an_untyped_ride_with_a_cadence_in_the_running_range_is_not_read_as_a_run() -> None:
    # 20 km/h at 71 rpm: "142 steps/min" would mean 2.3 m steps, which no runner takes
    (act,) = read_bytes(builders.gpx(typ=None, cad=71, step_deg=0.00005), name="bike.gpx")
    assert act.sport == "generic"
    assert "data.sport_inferred" not in {w.code for w in act.warnings}
