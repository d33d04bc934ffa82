"""Every good GPX and TCX file of the shared corpus reads as the peer libraries say it should."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from backstride.errors import BackstrideError
from backstride.ingest.registry import read_activity
from tests.ingest.corpus import REFERENCE, files_of

GPX = files_of("gpx", "good")
TCX = files_of("tcx", "good")


def _close(ours: float | None, ref: float | None, *, rel: float = 0.0, abs_: float = 0.0) -> bool:
    if ref is None:
        return ours is None or ours == 0
    return ours is not None and abs(ours - ref) <= max(abs_, rel * abs(ref))


@pytest.mark.parametrize("name", GPX)
def test_a_good_gpx_file_matches_its_reference_values(activities_dir: Path, name: str) -> None:
    ref = REFERENCE[name]["reference"]
    if not ref.get("record_count") or ref.get("start_time") is None:
        # no recorded points, or points without any time: a route, not an activity
        with pytest.raises(BackstrideError) as err:
            read_activity(activities_dir / name)
        assert err.value.code in {"ingest.empty_activity", "ingest.not_an_activity"}
        return
    (act,) = read_activity(activities_dir / name)
    assert act.format == "gpx"
    assert act.n_samples == ref["record_count"]
    assert act.start_at.isoformat().startswith(ref["start_time"][:19])
    assert _close(act.elapsed_s, ref["total_elapsed_time_s"], abs_=1.0)
    assert _close(act.distance_m, ref["total_distance_2d_m"], rel=0.005, abs_=0.5)
    assert _close(act.avg_hr_bpm, ref["avg_heart_rate_bpm"], abs_=1.0)
    assert _close(act.max_hr_bpm, ref["max_heart_rate_bpm"], abs_=1.0)
    assert _close(act.ascent_m, ref["total_ascent_raw_m"], rel=0.005, abs_=0.05)
    assert _close(
        float(act.extra["ascent_smoothed_m"]), ref["total_ascent_smoothed_m"], rel=0.005, abs_=0.05
    )
    if ref["avg_cadence_raw"] is not None:
        assert act.cadence_basis == "strides_inferred"
        assert _close(act.avg_cadence_spm, 2 * ref["avg_cadence_raw"], abs_=1.0)
    assert not act.has_running_dynamics


@pytest.mark.parametrize("name", TCX)
def test_a_good_tcx_file_matches_its_reference_values(activities_dir: Path, name: str) -> None:
    ref = REFERENCE[name]["reference"]
    if "lap_count" not in ref or "record_count" not in ref:
        # the peers disagree (courses, multisport sessions): checked by name below
        return
    acts = read_activity(activities_dir / name)
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


def test_a_multisport_tcx_gives_one_activity_per_leg(activities_dir: Path) -> None:
    acts = read_activity(activities_dir / "tcx/gc__activity_165850259_multi-session.tcx")
    assert len(acts) > 1
    assert all(a.start_at <= b.start_at for a, b in itertools.pairwise(acts))


def test_bike_cadence_is_not_reported_as_steps(activities_dir: Path) -> None:
    (act,) = read_activity(activities_dir / "tcx/gc__2009_09_19_09_22_42.tcx")
    assert act.sport == "cycling"
    assert act.avg_cadence_spm is None
    assert act.extra["avg_cadence_rpm"] is not None


def test_the_corpus_is_there() -> None:
    assert len(GPX) >= 20
    assert len(TCX) >= 10
