"""Every good GPX and TCX file of each corpus reads as the peer libraries say it should.

The local corpus (``tests/data``) and the extended shared one (skipped, saying where it was
looked for, when absent) are read by the same tests.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from backstride.errors import BackstrideError
from backstride.ingest.registry import read_activity
from tests.corpus import CORPORA, CorpusFile, corpus, each_file, named

AT_LEAST = {"local": (18, 6), "extended": (20, 10)}
"""Good GPX and TCX files each corpus holds at least (a shrunken corpus cannot pass quietly)."""


def _close(ours: float | None, ref: float | None, *, rel: float = 0.0, abs_: float = 0.0) -> bool:
    if ref is None:
        return ours is None or ours == 0
    return ours is not None and abs(ours - ref) <= max(abs_, rel * abs(ref))


@pytest.mark.parametrize("file", each_file(lambda c: c.keys("gpx")))
def test_a_good_gpx_file_matches_its_reference_values(file: CorpusFile) -> None:
    ref = file.expected
    if not ref.get("record_count") or ref.get("start_time") is None:
        # no recorded points, or points without any time: a route, not an activity
        with pytest.raises(BackstrideError) as err:
            read_activity(file.path)
        assert err.value.code in {"ingest.empty_activity", "ingest.not_an_activity"}
        return
    (act,) = read_activity(file.path)
    assert act.format == "gpx"
    assert act.n_samples == ref["record_count"]
    assert act.start_at.isoformat().startswith(ref["start_time"][:19])
    assert _close(act.elapsed_s, ref["total_elapsed_time_s"], abs_=1.0)
    assert _close(act.distance_m, ref["total_distance_2d_m"], rel=0.005, abs_=0.5)
    assert _close(act.avg_hr_bpm, ref["avg_heart_rate_bpm"], abs_=1.0)
    assert _close(act.max_hr_bpm, ref["max_heart_rate_bpm"], abs_=1.0)
    assert _close(act.ascent_m, ref["total_ascent_raw_m"], rel=0.005, abs_=0.05)
    smoothed = act.extra["ascent_smoothed_m"]
    assert isinstance(smoothed, float | int)
    assert _close(float(smoothed), ref["total_ascent_smoothed_m"], rel=0.005, abs_=0.05)
    if ref["avg_cadence_raw"] is not None:
        assert act.cadence_basis == "strides_inferred"
        assert _close(act.avg_cadence_spm, 2 * ref["avg_cadence_raw"], abs_=1.0)
    assert not act.has_running_dynamics


@pytest.mark.parametrize("file", each_file(lambda c: c.keys("tcx")))
def test_a_good_tcx_file_matches_its_reference_values(file: CorpusFile) -> None:
    ref = file.expected
    if "lap_count" not in ref or "record_count" not in ref:
        # the peers disagree (courses, multisport sessions): checked by name below
        return
    acts = read_activity(file.path)
    act = acts[0]
    assert act.format == "tcx"
    assert sum(a.n_samples for a in acts) == ref["record_count"]
    assert len(act.laps) == ref["lap_count"]
    assert act.start_at.isoformat().startswith(ref["start_time"][:19])
    assert _close(act.elapsed_s, ref["total_elapsed_time_s"], abs_=1.0)
    assert _close(act.timer_s, ref["total_timer_time_s"], abs_=1.0)
    assert _close(act.distance_m, ref.get("total_distance_laps_m"), rel=0.005)
    assert _close(act.avg_hr_bpm, ref["avg_heart_rate_nonzero_bpm"], abs_=1.0)
    assert _close(act.max_hr_bpm, ref["max_heart_rate_bpm"], abs_=1.0)
    assert _close(act.ascent_m, ref["total_ascent_raw_m"], rel=0.005, abs_=0.05)
    run_cad = ref["avg_run_cadence_nonzero_raw"]
    if run_cad is not None:
        assert _close(act.avg_cadence_spm, 2 * run_cad, abs_=1.0)


def test_a_tcx_course_is_not_an_activity(activities_dir: Path) -> None:
    with pytest.raises(BackstrideError) as err:
        read_activity(activities_dir / "tcx/togeojson__tcx-courses.tcx")
    assert err.value.code == "ingest.not_an_activity"


def test_a_multisport_tcx_gives_one_activity_per_leg_in_order(activities_dir: Path) -> None:
    acts = read_activity(activities_dir / "tcx/built__duathlon.multisport.tcx")
    assert [a.sport for a in acts] == ["running", "cycling", "running"]
    assert all(a.start_at < b.start_at for a, b in itertools.pairwise(acts))
    # running cadence is in steps/min; the ride's cadence stays rpm, outside the step streams
    assert [a.avg_cadence_spm is None for a in acts] == [False, True, False]


@pytest.mark.parametrize("file", named(extended=["tcx/gc__activity_165850259_multi-session.tcx"]))
def test_a_real_multisport_tcx_gives_one_activity_per_leg(file: CorpusFile) -> None:
    acts = read_activity(file.path)
    assert len(acts) > 1
    assert all(a.start_at <= b.start_at for a, b in itertools.pairwise(acts))


@pytest.mark.parametrize(
    "file",
    named(
        local=["tcx/togeojson__garmin_connect.tcx"], extended=["tcx/gc__2009_09_19_09_22_42.tcx"]
    ),
)
def test_bike_cadence_is_not_reported_as_steps(file: CorpusFile) -> None:
    (act,) = read_activity(file.path)
    assert act.sport == "cycling"
    assert act.avg_cadence_spm is None
    assert act.extra["avg_cadence_rpm"] is not None


@pytest.mark.parametrize("label", CORPORA)
def test_the_corpus_is_there(label: str) -> None:
    c = corpus(label)
    assert len(c.keys("gpx")) >= AT_LEAST[label][0]
    assert len(c.keys("tcx")) >= AT_LEAST[label][1]
