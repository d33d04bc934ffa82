"""Record by record, the decoder agrees with fitdecode (MIT, used here as a test oracle only)."""

from __future__ import annotations

import fitdecode
import numpy as np
import pytest

from backstride.ingest.fit.decoder import decode_fit
from tests.corpus import CorpusFile, named

FIELDS = ("heart_rate", "distance", "cadence", "stance_time_balance", "fractional_cadence")
LOCAL_FILES = (
    "fit/fitparse__garmin-fenix-5-run.fit",  # full running dynamics
    "fit/fitparse__compressed-speed-distance.fit",  # compressed timestamps and speed/distance
    "fit/fitparse__activity-small-fenix2-run.fit",
    "fit/fitparse__developer-types-sample.fit",  # developer fields between the native ones
    "fit/fitparse__sample_mulitple_header.fit",  # triathlon
)
EXTENDED_FILES = (
    "fit/al2__920xt-run.fit",
    "fit/gc__2019-09-07-11-22-19.fit",  # records interleaved with hrv messages (cycle path)
    "fit/fitsdkpy__HrmPluginTestActivity.fit",
    "fit/al2__920xt-triathlon.fit",
)


def _oracle(data: bytes) -> dict[str, np.ndarray]:
    columns: dict[str, list[float]] = {name: [] for name in (*FIELDS, "timestamp")}
    with fitdecode.FitReader(data, check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage) or frame.name != "record":
                continue
            for name in columns:
                value = frame.get_value(name, fallback=None)
                if name == "timestamp" and value is not None and not isinstance(value, int):
                    value = value.timestamp()
                columns[name].append(np.nan if value is None else float(value))
    return {name: np.array(values) for name, values in columns.items()}


@pytest.mark.parametrize("file", named(local=LOCAL_FILES, extended=EXTENDED_FILES))
def test_record_columns_equal_fitdecodes(file: CorpusFile) -> None:
    data = file.read()
    ours = decode_fit(data)
    theirs = _oracle(data)
    assert ours.n_records == len(theirs["timestamp"])
    for field in FIELDS:
        mine = ours.records.get(field, np.full(ours.n_records, np.nan))
        np.testing.assert_allclose(mine, theirs[field], rtol=1e-12, equal_nan=True, err_msg=field)
    if not ours.warnings:  # relative device times are plain integers in fitdecode
        np.testing.assert_array_equal(ours.records["timestamp"], theirs["timestamp"])
