"""GPX extension variants: TrackPointExtension v1/v2 under any prefix, plain elements, GPX 1.0."""

from __future__ import annotations

import numpy as np
import pytest

from backstride.errors import BackstrideError
from backstride.ingest.registry import read_bytes


def _gpx(point_ext: str, *, ns_decl: str = "", version: str = "1/1", typ: str = "running") -> bytes:
    pts = "".join(
        f'<trkpt lat="47.{i:04d}" lon="8.0"><time>2024-01-01T08:00:{i:02d}Z</time>'
        f"<extensions>{point_ext}</extensions></trkpt>"
        for i in range(10)
    )
    return (
        f'<gpx xmlns="http://www.topografix.com/GPX/{version}" {ns_decl}>'
        f"<trk><type>{typ}</type><trkseg>{pts}</trkseg></trk></gpx>"
    ).encode()


V1 = 'xmlns:zz="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'
V2 = 'xmlns:q="http://www.garmin.com/xmlschemas/TrackPointExtension/v2"'


@pytest.mark.parametrize(
    ("ext", "decl"),
    [
        (
            "<zz:TrackPointExtension><zz:hr>150</zz:hr><zz:cad>85</zz:cad></zz:TrackPointExtension>",
            V1,
        ),
        ("<q:TrackPointExtension><q:hr>150</q:hr><q:cad>85</q:cad></q:TrackPointExtension>", V2),
        ("<heartrate>150</heartrate><cadence>85</cadence>", ""),
        (
            "<zz:TrackPointExtension><zz:hr>150</zz:hr><zz:cad>85</zz:cad></zz:TrackPointExtension>"
            "<heartrate>150</heartrate><power>250</power>",
            V1,
        ),
    ],
    ids=["tpx-v1-any-prefix", "tpx-v2", "plain", "both"],
)
def test_heart_rate_and_cadence_are_found_in_every_variant(ext: str, decl: str) -> None:
    (act,) = read_bytes(_gpx(ext, ns_decl=decl), name="v.gpx")
    assert act.avg_hr_bpm == 150
    assert act.avg_cadence_spm == 170  # 85 strides/min, one leg
    assert act.cadence_basis == "strides_inferred"


def test_steps_per_minute_cadence_is_kept_as_steps() -> None:
    (act,) = read_bytes(_gpx("<cadence>172</cadence>"), name="phone.gpx")
    assert act.avg_cadence_spm == 172
    assert act.cadence_basis == "steps_inferred"


def test_a_wrong_namespace_is_not_mistaken_for_trackpointextension() -> None:
    decl = 'xmlns:zz="http://example.com/not-garmin"'
    ext = "<zz:TrackPointExtension><zz:hr>150</zz:hr></zz:TrackPointExtension>"
    (act,) = read_bytes(_gpx(ext, ns_decl=decl), name="x.gpx")
    assert act.avg_hr_bpm is None


def test_gpx_1_0_reads() -> None:
    (act,) = read_bytes(_gpx("", version="1/0"), name="old.gpx")
    assert act.n_samples == 10
    assert act.sport == "running"


def _track(lat: list[str], *, ext: str = "", ele: list[str] | None = None) -> bytes:
    pts = "".join(
        f'<trkpt lat="{la}" lon="{"0" if la == "0" else "8.0"}">'
        + (f"<ele>{ele[i]}</ele>" if ele else "")
        + f"<time>2024-01-01T08:00:{i:02d}Z</time>"
        + (f"<extensions>{ext}</extensions>" if ext else "")
        + "</trkpt>"
        for i, la in enumerate(lat)
    )
    return f'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{pts}</trkseg></trk></gpx>'.encode()


GOOD = [f"47.{i:03d}0" for i in range(10)]  # 10 points 111.2 m apart on a meridian


@pytest.mark.parametrize(
    ("bad", "count"),
    [("95.0", 1), ("nan", 1), ("inf", 1), ("-91", 1), ("0", 1)],
    ids=["off-the-globe", "nan", "inf", "below-south-pole", "null-island"],
)
def test_impossible_positions_are_gaps_bridged_by_the_next_fix(bad: str, count: int) -> None:
    lat = list(GOOD)
    lat[4] = bad
    (act,) = read_bytes(_track(lat), name="bad-fix.gpx")
    assert act.extra["invalid_positions"] == count
    assert np.isnan(act.streams.channels["lat_deg"][4])
    assert act.distance_m == pytest.approx(9 * 111.2, rel=1e-3)  # not 10,000 km, not less


def test_a_phone_track_starting_at_null_island_starts_its_distance_at_the_first_fix() -> None:
    lat = ["0", "0", *GOOD[2:]]
    (act,) = read_bytes(_track(lat), name="phone.gpx")
    assert act.distance_m == pytest.approx(7 * 111.2, rel=1e-3)
    assert act.extra["invalid_positions"] == 2


def test_a_track_without_any_valid_position_keeps_its_heart_rate_but_has_no_distance() -> None:
    (act,) = read_bytes(_track(["undefined"] * 5, ext="<hr>140</hr>"), name="indoor.gpx")
    assert act.avg_hr_bpm == 140
    assert act.distance_m is None
    assert "lat_deg" not in act.streams.channels


@pytest.mark.parametrize(
    ("ext", "ele", "channel"),
    [
        ("<hr>1e308</hr>", None, "hr_bpm"),
        ("<hr>99999</hr>", None, "hr_bpm"),
        ("<power>1e308</power>", None, "power_w"),
        ("", "1e308", "altitude_m"),
        ("", "-1e308", "altitude_m"),
    ],
)
def test_placeholder_or_garbage_values_become_missing_samples(
    ext: str, ele: str | None, channel: str
) -> None:
    """One absurd value must neither overflow a sum (a crash) nor skew the summary."""
    exts = [
        ext if i == 3 else ext.replace("1e308", "150").replace("99999", "150") for i in range(10)
    ]
    eles = [ele if i == 3 else "400" for i in range(10)] if ele else None
    pts = "".join(
        f'<trkpt lat="{la}" lon="8.0">'
        + (f"<ele>{eles[i]}</ele>" if eles else "")
        + f"<time>2024-01-01T08:00:{i:02d}Z</time>"
        + (f"<extensions>{exts[i]}</extensions>" if exts[i] else "")
        + "</trkpt>"
        for i, la in enumerate(GOOD)
    )
    data = f'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{pts}</trkseg></trk></gpx>'
    (act,) = read_bytes(data.encode(), name="garbage.gpx")
    assert act.extra["implausible_samples"] == {channel: 1}
    values = act.streams.channels[channel]
    assert np.isnan(values[3])
    assert np.nanmax(values) in (150, 400)
    if channel == "altitude_m":
        assert (act.ascent_m, act.descent_m) == (0.0, 0.0)
    else:
        assert act.avg_hr_bpm in (150, None)
        assert act.avg_power_w in (150, None)


CLUETRUST = 'xmlns:gpxdata="http://www.cluetrust.com/XML/GPXDATA/1/0"'
POWER_EXT = (
    'xmlns:pwr="http://www.garmin.com/xmlschemas/PowerExtension/v1" '
    'xmlns:tp="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'
)


@pytest.mark.parametrize(
    ("ext", "decl", "expected"),
    [
        (
            "<gpxdata:hr>150</gpxdata:hr><gpxdata:cadence>85</gpxdata:cadence>"
            "<gpxdata:temp>21.5</gpxdata:temp>",
            CLUETRUST,
            {"hr_bpm": 150, "cadence_spm": 170, "temperature_c": 21.5},
        ),
        (
            "<hr>150</hr><cad>85</cad><power>250</power><temp>19</temp>",
            "",
            {"hr_bpm": 150, "cadence_spm": 170, "power_w": 250, "temperature_c": 19},
        ),
        (
            "<pwr:PowerInWatts>240</pwr:PowerInWatts><tp:TrackPointExtension><tp:atemp>8</tp:atemp>"
            "<tp:hr>150</tp:hr></tp:TrackPointExtension>",
            POWER_EXT,
            {"hr_bpm": 150, "power_w": 240, "temperature_c": 8},
        ),
    ],
    ids=["cluetrust-gpxdata", "plain-elements", "garmin-power-extension"],
)
def test_every_sensor_channel_is_read_from_each_writer(
    ext: str, decl: str, expected: dict[str, float]
) -> None:
    (act,) = read_bytes(_gpx(ext, ns_decl=decl), name="sensors.gpx")
    got = {k: v for k, v in act.streams.channels.items() if k in expected}
    assert {k: float(np.unique(v)[0]) for k, v in got.items()} == expected


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('<rte><rtept lat="47" lon="8"/></rte>', "ingest.not_an_activity"),
        ('<wpt lat="47" lon="8"><name>Start</name></wpt>', "ingest.not_an_activity"),
        ("<trk><trkseg></trkseg></trk>", "ingest.empty_activity"),
        ('<trk><trkseg><trkpt lat="47" lon="8"/></trkseg></trk>', "ingest.not_an_activity"),
    ],
    ids=["route", "waypoints", "empty-track", "untimed-track"],
)
def test_gpx_without_a_recording_gets_a_clear_code(body: str, code: str) -> None:
    data = f'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">{body}</gpx>'
    with pytest.raises(BackstrideError) as err:
        read_bytes(data.encode(), name="plan.gpx")
    assert err.value.code == code
