"""XML is parsed without DTDs, entities or network; junk before the declaration is tolerated."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstride.errors import BackstrideError
from backstride.ingest.registry import read_bytes

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&lol3;</name></trk></gpx>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&xxe;</name></trk></gpx>"""

GPX = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
<trk><trkseg>
<trkpt lat="47.0" lon="8.0"><time>2024-01-01T08:00:00Z</time></trkpt>
<trkpt lat="47.001" lon="8.0"><time>2024-01-01T08:01:00Z</time></trkpt>
</trkseg></trk></gpx>"""


@pytest.mark.parametrize("payload", [BOMB, XXE], ids=["billion-laughs", "external-entity"])
def test_xml_with_entities_is_refused_as_unsafe(payload: bytes) -> None:
    with pytest.raises(BackstrideError) as err:
        read_bytes(payload, name="evil.gpx")
    assert err.value.code == "ingest.unsafe_xml"


def test_a_doctype_after_comments_is_still_found() -> None:
    payload = b'<?xml version="1.0"?><!-- hi -->\n' + XXE.split(b"?>", 1)[1]
    with pytest.raises(BackstrideError) as err:
        read_bytes(payload, name="evil.gpx")
    assert err.value.code == "ingest.unsafe_xml"


@pytest.mark.parametrize("prefix", [b"", b"\n\n   ", b"\xef\xbb\xbf", b"\xef\xbb\xbf \r\n\t"])
def test_whitespace_and_a_bom_before_the_declaration_are_accepted(prefix: bytes) -> None:
    (act,) = read_bytes(prefix + GPX, name="ok.gpx")
    assert act.elapsed_s == 60
    assert act.distance_m == pytest.approx(111.2, rel=0.01)


def test_strava_style_tcx_with_leading_whitespace_reads(activities_dir: Path) -> None:
    data = (activities_dir / "tcx/tcxparser__test.tcx").read_bytes()
    (act,) = read_bytes(b"          " + data, name="strava.tcx")
    assert act.n_samples == 384


WIDE_GPX = (
    '<?xml version="1.0" encoding="UTF-16"?>\n'
    '<gpx version="1.1" creator="Läufer" xmlns="http://www.topografix.com/GPX/1/1" '
    'xmlns:tp="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"><trk><trkseg>'
    + "".join(
        f'<trkpt lat="47.{i:03d}" lon="8.0"><time>2024-01-01T08:00:{i:02d}Z</time><extensions>'
        f"<tp:TrackPointExtension><tp:hr>{150 + i}</tp:hr></tp:TrackPointExtension>"
        "</extensions></trkpt>"
        for i in range(5)
    )
    + "</trkseg></trk></gpx>"
)
WIDE_TCX = (
    '<?xml version="1.0" encoding="UTF-16"?>\n'
    '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
    '<Activities><Activity Sport="Running"><Id>2024-01-01T08:00:00Z</Id>'
    '<Lap StartTime="2024-01-01T08:00:00Z"><TotalTimeSeconds>4</TotalTimeSeconds>'
    "<DistanceMeters>20</DistanceMeters><Track>"
    + "".join(
        f"<Trackpoint><Time>2024-01-01T08:00:{i:02d}Z</Time>"
        f"<HeartRateBpm><Value>{150 + i}</Value></HeartRateBpm></Trackpoint>"
        for i in range(5)
    )
    + "</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
@pytest.mark.parametrize(("text", "name"), [(WIDE_GPX, "w.gpx"), (WIDE_TCX, "w.tcx")])
def test_utf16_and_utf32_documents_are_read_with_their_extensions(
    codec: str, text: str, name: str
) -> None:
    (act,) = read_bytes(text.encode(codec), name=name)
    assert act.format == name[-3:]
    assert list(act.streams.channels["hr_bpm"]) == [150, 151, 152, 153, 154]
    assert act.elapsed_s == 4


def test_a_doctype_in_utf16_is_refused_too() -> None:
    with pytest.raises(BackstrideError) as err:
        read_bytes(XXE.decode().replace("?>", ' encoding="UTF-16"?>', 1).encode("utf-16"), name="x")
    assert err.value.code == "ingest.unsafe_xml"
