"""Record by record, the decoder agrees with fitdecode (MIT, used here as a test oracle only)."""

from __future__ import annotations

from collections.abc import Callable

import fitdecode
import numpy as np
import pytest

from backstride.ingest.fit.decoder import decode_fit

FIELDS = ("heart_rate", "distance", "cadence", "stance_time_balance", "fractional_cadence")
FILES = (
    "fitparse__garmin-fenix-5-run.fit",  # full running dynamics
    "al2__920xt-run.fit",
    "gc__2019-09-07-11-22-19.fit",  # records interleaved with hrv messages (cycle path)
    "fitsdkpy__HrmPluginTestActivity.fit",
    "fitparse__compressed-speed-distance.fit",  # compressed timestamps and speed/distance
    "al2__920xt-triathlon.fit",
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


@pytest.mark.parametrize("name", FILES)
def test_record_columns_equal_fitdecodes(name: str, fit_bytes: Callable[[str], bytes]) -> None:
    data = fit_bytes(f"fit/{name}")
    ours = decode_fit(data)
    theirs = _oracle(data)
    assert ours.n_records == len(theirs["timestamp"])
    for field in FIELDS:
        mine = ours.records.get(field, np.full(ours.n_records, np.nan))
        np.testing.assert_allclose(mine, theirs[field], rtol=1e-12, equal_nan=True, err_msg=field)
    if not ours.warnings:  # relative device times are plain integers in fitdecode
        np.testing.assert_array_equal(ours.records["timestamp"], theirs["timestamp"])
