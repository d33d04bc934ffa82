"""GPX extension variants: TrackPointExtension v1/v2 under any prefix, plain elements, GPX 1.0."""

from __future__ import annotations

import pytest

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
