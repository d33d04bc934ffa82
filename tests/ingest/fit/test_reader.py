"""read_fit on hand-built and corpus files: sessions, cadence, devices, refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pytest

from backstride.errors import InvalidInput
from backstride.ingest.fit.reader import read_fit
from backstride.ingest.model import CADENCE_SPM, HR_BPM, POWER_W, TIME_S
from tests.corpus import CorpusFile, named

from . import fitbuild as fb

pytestmark = pytest.mark.usefixtures("fit_records")  # compiled and numpy record passes

T0 = 1_100_000_000
RECORD = [fb.TIMESTAMP, fb.HEART_RATE, fb.CADENCE, fb.FRACTIONAL_CADENCE]
RUNNING, CYCLING = 1, 2


def _multisport() -> bytes:
    """A 60 s run then a 40 s ride: one record a second, two sessions."""
    body = fb.file_id() + fb.definition(0, 20, RECORD)
    for i in range(100):
        body += fb.data(0, RECORD, [T0 + i, 140 + i % 3, 85 if i < 60 else 90, 64])
    body += fb.session(1, start=T0, elapsed_s=60, sport=RUNNING, values=[20000, 141, 85, 64, 70])
    body += fb.session(1, start=T0 + 60, elapsed_s=40, sport=CYCLING, values=[90000, 0, 90, 0, 255])
    return fb.fit_file(body)


def test_a_multisport_file_gives_one_activity_per_leg_sharing_records_by_time() -> None:
    run, ride = read_fit(_multisport(), source_name="multi.fit")
    assert (run.sport, ride.sport) == ("running", "cycling")
    assert (run.n_samples, ride.n_samples) == (60, 40)
    assert ride.start_at == dt.datetime(1989, 12, 31, tzinfo=dt.UTC) + dt.timedelta(seconds=T0 + 60)
    assert ride.streams.channels[TIME_S][0] == 0.0
    assert run.extra["multisport_legs"] == 2
    assert run.source_name == "multi.fit"


def test_running_cadence_is_doubled_into_steps_per_minute_with_the_fraction() -> None:
    run, _ = read_fit(_multisport())
    assert run.avg_cadence_spm == 2 * (85 + 0.5)
    assert run.cadence_basis == "fit_strides"
    assert np.all(run.streams.channels[CADENCE_SPM] == 171.0)


def test_cycling_cadence_stays_rpm_outside_the_step_streams() -> None:
    _, ride = read_fit(_multisport())
    assert ride.avg_cadence_spm is None
    assert ride.cadence_basis is None
    assert CADENCE_SPM not in ride.streams.channels
    assert ride.extra["avg_cadence_rpm"] == 90


def test_session_rpe_is_on_the_cr10_scale_and_zero_heart_rate_is_absent() -> None:
    run, ride = read_fit(_multisport())
    assert run.rpe == 7.0
    assert ride.rpe is None  # 0xFF: not rated
    assert ride.avg_hr_bpm == pytest.approx(np.mean([140 + i % 3 for i in range(60, 100)]))
    assert run.device == "garmin fr935"


def test_a_file_without_sessions_is_summarised_from_its_records() -> None:
    body = fb.file_id() + fb.definition(0, 20, RECORD)
    for i in range(30):
        body += fb.data(0, RECORD, [T0 + i, 150, 80, 0])
    (act,) = read_fit(fb.fit_file(body))
    assert act.sport == "generic"
    assert act.elapsed_s == 29
    assert act.avg_hr_bpm == 150
    assert act.avg_cadence_spm is None  # the sport is unknown, so no step cadence
    assert act.extra["summary_source"] == "records"
    assert HR_BPM in act.streams.channels


FILE_TYPES = {"settings": 2, "workout": 5, "course": 6, "weight": 9, "monitoring_b": 32}
"""FIT ``file`` enum values of files that hold no activity."""


@pytest.mark.parametrize(("kind", "number"), FILE_TYPES.items())
def test_files_that_are_not_activities_are_refused(kind: str, number: int) -> None:
    data = fb.fit_file(fb.file_id(file_type=number))
    with pytest.raises(InvalidInput, match=kind) as info:
        read_fit(data)
    assert info.value.code == "ingest.not_an_activity"


@pytest.mark.parametrize(
    "file",
    named(
        extended=[
            "fit/fitparse__MonitoringFile.fit",
            "fit/fitparse__Settings.fit",
            "fit/fitparse__WeightScaleSingleUser.fit",
            "fit/fitparse__WorkoutIndividualSteps.fit",
            "fit/fittrackee__example.fit",
        ]
    ),
)
def test_real_files_that_are_not_activities_are_refused(file: CorpusFile) -> None:
    with pytest.raises(InvalidInput) as info:
        read_fit(file.read())
    assert info.value.code == "ingest.not_an_activity"


def test_relative_device_time_is_kept_and_flagged(fit_bytes: Callable[[str], bytes]) -> None:
    (act,) = read_fit(fit_bytes("fit/fitparse__antfs-dump.63.fit"))
    assert act.extra["relative_time"] is True
    assert act.start_at.year == 1990  # 16,441,241 s after the FIT epoch: no real date known
    assert act.n_samples == 686


DEVICES = {
    "fit/fitparse__garmin-fenix-5-run.fit": ("garmin fenix5", -7 * 3600, "generic", 52.39),
    "fit/gc__4077461142.fit": ("garmin fenix6x", 3 * 3600, "trail", 48.72),
}
"""Device, local offset, sub-sport and session stance-time balance each file records."""


@pytest.mark.parametrize("file", named(local=list(DEVICES)[:1], extended=list(DEVICES)[1:]))
def test_device_creator_and_local_offset_come_from_the_file(file: CorpusFile) -> None:
    device, offset_s, sub_sport, balance = DEVICES[file.key]
    (act,) = read_fit(file.read())
    assert act.device == device
    assert act.creator is not None
    assert act.creator.startswith(f"{device} sw ")
    assert act.local_offset_s == offset_s
    assert act.sub_sport == sub_sport
    assert act.extra["avg_stance_time_balance_left_pct"] == pytest.approx(balance)


def test_unknown_manufacturers_and_products_read_as_numbers() -> None:
    unknown = fb.definition(15, 0, fb.FILE_ID_FIELDS) + fb.data(15, fb.FILE_ID_FIELDS, [4, 0, 0])
    body = unknown + fb.definition(0, 20, RECORD)
    for i in range(5):
        body += fb.data(0, RECORD, [T0 + i, 150, 80, 0])
    (act,) = read_fit(fb.fit_file(body))
    assert act.device == "manufacturer 0 product 0"


@pytest.mark.parametrize("file", named(extended=["fit/gc__Fr955v19.28andStryd-saved.fit"]))
def test_a_re_exported_file_without_maker_reads_as_numbers(file: CorpusFile) -> None:
    (act,) = read_fit(file.read())
    assert act.device == "manufacturer 0 product 0"


def test_stryd_power_as_a_developer_field_fills_the_power_stream(
    fit_bytes: Callable[[str], bytes],
) -> None:
    """A Stryd pod writes power only as a developer field (native_field_num 7)."""
    (act,) = read_fit(fit_bytes("fit/fitparse__developer-types-sample.fit"))
    power = act.streams.channels[POWER_W]
    assert np.isfinite(power).sum() > act.n_samples // 2
    assert act.avg_power_w == pytest.approx(np.nanmean(power), abs=1.0)


@pytest.mark.parametrize("file", named(extended=["fit/gc__Fr955v19.28andStryd.fit"]))
def test_stryd_developer_power_equals_the_native_power_of_a_re_export(file: CorpusFile) -> None:
    """The watch file has power only as Stryd's developer field (native_field_num 7);
    GoldenCheetah's re-export of the same run has it as the native field."""
    (watch,) = read_fit(file.read())
    (export,) = read_fit(file.corpus.read("fit/gc__Fr955v19.28andStryd-saved.fit"))
    np.testing.assert_array_equal(watch.streams.channels[POWER_W], export.streams.channels[POWER_W])
    assert watch.avg_power_w == pytest.approx(353.39, abs=0.01)


@pytest.mark.parametrize(("watts", "present"), [(250, True), (0, False)])
def test_a_developer_power_field_counts_only_when_it_holds_power(
    watts: int, *, present: bool
) -> None:
    described = [(0, "B", 0x02), (1, "B", 0x02), (2, "B", 0x02), (14, "H", 0x84), (15, "B", 0x02)]
    body = fb.file_id() + fb.definition(1, 206, described)
    body += fb.data(1, described, [0, 0, 0x84, 20, 7])  # dev field 0 is record.power, uint16
    body += fb.definition(0, 20, [fb.TIMESTAMP, fb.HEART_RATE], dev_sizes=[2])
    for i in range(10):
        body += fb.data(
            0, [fb.TIMESTAMP, fb.HEART_RATE], [T0 + i, 150], dev=watts.to_bytes(2, "little")
        )
    (act,) = read_fit(fb.fit_file(body))
    assert (POWER_W in act.streams.channels) is present


@pytest.mark.parametrize(
    ("heart", "avg", "peak"),
    [([0] * 10, None, None), ([0, 0, 150, 152, 0, 154, 0, 0, 0, 0], 152, 154)],
    ids=["no-strap", "dropouts"],
)
def test_zero_heart_rate_is_a_missing_sample_not_a_maximum_of_zero(
    heart: list[int], avg: float | None, peak: float | None
) -> None:
    body = fb.file_id() + fb.definition(0, 20, RECORD)
    for i, bpm in enumerate(heart):
        body += fb.data(0, RECORD, [T0 + i, bpm, 80, 0])
    (act,) = read_fit(fb.fit_file(body))
    assert (act.avg_hr_bpm, act.max_hr_bpm) == (avg, peak)
    hr = act.streams.get(HR_BPM)
    if peak is None:
        assert hr is None
    else:
        assert hr is not None
        assert np.isnan(hr[[0, 1, 4]]).all()


def _two_sessions_same_start(*, second_elapsed: int, second_sport: int) -> bytes:
    body = fb.file_id() + fb.definition(0, 20, RECORD)
    for i in range(100):
        body += fb.data(0, RECORD, [T0 + i, 140, 85 if i < 60 else 90, 0])
    body += fb.session(1, start=T0, elapsed_s=60, sport=RUNNING, values=[20000, 141, 85, 0, 70])
    body += fb.session(
        1, start=T0, elapsed_s=second_elapsed, sport=second_sport, values=[9000, 0, 90, 0, 255]
    )
    return fb.fit_file(body)


def test_two_sessions_with_the_same_start_do_not_share_their_records() -> None:
    run, ride = read_fit(_two_sessions_same_start(second_elapsed=40, second_sport=CYCLING))
    assert (run.sport, ride.sport) == ("running", "cycling")
    assert (run.n_samples, ride.n_samples) == (60, 40)
    assert ride.start_at - run.start_at == dt.timedelta(seconds=60)
    assert not np.isin(run.streams.channels[TIME_S] + 60, ride.streams.channels[TIME_S]).all()


def test_a_session_written_twice_is_one_activity() -> None:
    body = fb.file_id() + fb.definition(0, 20, RECORD)
    for i in range(60):
        body += fb.data(0, RECORD, [T0 + i, 140, 85, 0])
    for _ in range(2):
        body += fb.session(1, start=T0, elapsed_s=60, sport=RUNNING, values=[20000, 141, 85, 0, 70])
    (run,) = read_fit(fb.fit_file(body))
    assert run.n_samples == 60


def test_a_truncated_file_that_is_mostly_there_keeps_its_complete_records() -> None:
    whole = _multisport()
    cut = whole[: int(len(whole) * 0.8)]
    with pytest.raises(InvalidInput, match="truncated"):
        read_fit(whole[: int(len(whole) * 0.3)])
    from backstride.ingest.registry import read_bytes

    acts = read_bytes(cut, name="cut.fit")
    n = sum(a.n_samples for a in acts)
    assert 0 < n < 100
    assert acts[0].warnings[0].code == "data.truncated_salvaged"
    assert "complete records before the cut kept" in acts[0].warnings[0].detail
