"""Every file in a corpus's broken/ folder gets a coded error, except the two readable ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstride.errors import BackstrideError
from backstride.ingest.errors import INGEST_CODES
from backstride.ingest.registry import read_activity, sniff
from tests.corpus import Corpus, CorpusFile, each_file

# Broken on purpose, but readable by design: a FIT file with a .gpx name (sniffing wins),
# a TCX with (0, 0) positions (treated as missing GPS, its laps flagged against its track) and
# truncated files of which enough is there (complete records kept, with a warning).
TRUNCATED_TEXT = {
    "broken/derived__tcxparser__test.truncated-50pct.tcx",
    "broken/derived__togeojson__run.truncated-50pct.gpx",
}
SALVAGED = {
    "local": {
        "broken/derived__fitparse__compressed-speed-distance.truncated-60pct.fit",
        *TRUNCATED_TEXT,
    },
    "extended": {
        "broken/derived__gc__4077461142.truncated-60pct.fit",
        "broken/derived__gc__14582164182.truncated.fit.gz",
        "broken/fitparse__activity-unexpected-eof.fit",
        *TRUNCATED_TEXT,
    },
}
READABLE = {"broken/derived__fit-content-with.gpx", "broken/togeojson__bad.tcx"}


def readable(c: Corpus) -> set[str]:
    """The files of ``c``'s broken/ folder that are read all the same."""
    return READABLE | SALVAGED[c.label]


@pytest.mark.parametrize("file", each_file(lambda c: sorted(SALVAGED[c.label])))
def test_a_truncated_file_keeps_its_complete_records_with_a_warning(file: CorpusFile) -> None:
    acts = read_activity(file.path)
    assert sum(a.n_samples for a in acts) > 0
    assert "data.truncated_salvaged" in {w.code for a in acts for w in a.warnings}


@pytest.mark.parametrize(
    "file", each_file(lambda c: [n for n in c.broken() if n not in readable(c)])
)
def test_a_broken_file_gets_a_coded_error(file: CorpusFile) -> None:
    path = file.path
    with pytest.raises(BackstrideError) as err:
        read_activity(path)
    assert err.value.code in INGEST_CODES
    assert path.name in err.value.detail


def test_a_fit_file_named_gpx_is_sniffed_as_fit(activities_dir: Path) -> None:
    path = activities_dir / "broken/derived__fit-content-with.gpx"
    assert sniff(path.read_bytes()) == "fit"
    (act,) = read_activity(path)
    assert act.format == "fit"


def test_zero_zero_positions_are_missing_gps_not_a_place(activities_dir: Path) -> None:
    (act,) = read_activity(activities_dir / "broken/togeojson__bad.tcx")
    lat, lon = act.streams.get("lat_deg"), act.streams.get("lon_deg")
    assert lat is not None
    assert lon is not None
    assert not ((lat == 0) & (lon == 0)).any()
    assert act.avg_hr_bpm == pytest.approx(121.5)
    # its laps claim 76 min and 13.7 km while its track spans 1 s: flagged, not stored silently
    codes = {w.code: w.effect for w in act.warnings}
    assert codes["data.laps_disagree_with_track"] == "load"
    assert codes["data.positions_dropped"] == "none"
