"""The FIT decoder on hand-built files: byte order, compressed timestamps, runs and cycles."""

from __future__ import annotations

import struct

import fastcrc
import numpy as np
import pytest

from backstride.errors import InvalidInput
from backstride.ingest.fit.decoder import decode_fit

from . import fitbuild as fb

pytestmark = pytest.mark.usefixtures("fit_records")  # compiled and numpy record passes

T0 = 1_000_000_030  # FIT seconds; low 5 bits = 30, so compressed offsets roll over soon
RECORD = [fb.TIMESTAMP, fb.HEART_RATE, fb.DISTANCE, fb.CADENCE, fb.FRACTIONAL_CADENCE]


def _records(n: int, *, big_endian: bool = False, local: int = 0) -> bytes:
    body = fb.definition(local, 20, RECORD, big_endian=big_endian)
    for i in range(n):
        row = [T0 + i, 120 + i % 50, i * 250, 85, 64]
        body += fb.data(local, RECORD, row, big_endian=big_endian)
    return body


@pytest.mark.parametrize("big_endian", [False, True])
def test_record_runs_decode_to_scaled_columns_in_either_byte_order(big_endian: bool) -> None:
    fit = decode_fit(fb.fit_file(fb.file_id() + _records(300, big_endian=big_endian)))
    assert fit.n_records == 300
    assert fit.records["timestamp"][0] == T0 + fb.FIT_EPOCH
    assert np.array_equal(fit.records["heart_rate"], [120 + i % 50 for i in range(300)])
    assert fit.records["distance"][-1] == pytest.approx(299 * 2.5)
    assert np.all(fit.records["fractional_cadence"] == 0.5)


def test_invalid_markers_become_nan() -> None:
    body = fb.definition(0, 20, RECORD)
    body += fb.data(0, RECORD, [T0, 0xFF, 0xFFFFFFFF, 80, 0])
    body += fb.data(0, RECORD, [T0 + 1, 130, 100, 0xFF, 0xFF])
    fit = decode_fit(fb.fit_file(fb.file_id() + body))
    assert np.isnan(fit.records["heart_rate"][0])
    assert np.isnan(fit.records["distance"][0])
    assert fit.records["heart_rate"][1] == 130
    assert np.isnan(fit.records["cadence"][1])


def test_compressed_timestamp_headers_roll_over_every_32_seconds() -> None:
    fields = [fb.HEART_RATE]
    body = fb.definition(0, 20, [fb.TIMESTAMP, fb.HEART_RATE])
    body += fb.data(0, [fb.TIMESTAMP, fb.HEART_RATE], [T0, 100])
    body += fb.definition(1, 20, fields)
    for offset, hr in ((31, 101), (2, 102), (3, 103)):  # T0 ends in 30: 31, then 34, 35
        body += fb.data(1, fields, [hr], compressed_offset=offset)
    fit = decode_fit(fb.fit_file(fb.file_id() + body))
    got = fit.records["timestamp"] - fb.FIT_EPOCH - T0
    assert list(got) == [0, 1, 4, 5]
    assert list(fit.records["heart_rate"]) == [100, 101, 102, 103]


def test_records_interleaved_with_other_messages_keep_their_order() -> None:
    """record A, hrv, record B, hrv, ... repeats: the cycle path must keep file order."""
    rec_a = [fb.TIMESTAMP, fb.HEART_RATE]
    rec_b = [fb.TIMESTAMP, fb.HEART_RATE, fb.STANCE_TIME_BALANCE]
    body = fb.definition(0, 20, rec_a) + fb.definition(1, 20, rec_b)
    body += fb.definition(2, 78, [fb.HRV_TIME])
    expected = []
    for i in range(200):
        body += fb.data(0, rec_a, [T0 + 2 * i, 100 + i % 7]) + fb.data(2, [fb.HRV_TIME], [800])
        body += fb.data(1, rec_b, [T0 + 2 * i + 1, 150 + i % 5, 4950 + i % 3])
        body += fb.data(2, [fb.HRV_TIME], [810])
        expected += [100 + i % 7, 150 + i % 5]
    fit = decode_fit(fb.fit_file(fb.file_id() + body))
    assert fit.n_records == 400
    assert fit.counts["hrv"] == 400
    assert list(fit.records["heart_rate"]) == expected
    assert np.all(np.diff(fit.records["timestamp"]) == 1)
    balance = fit.records["stance_time_balance"]
    assert np.isnan(balance[0::2]).all()
    assert list(balance[1::2]) == [49.5 + (i % 3) / 100 for i in range(200)]


def test_redefining_a_local_type_changes_the_layout_mid_file() -> None:
    body = _records(5) + fb.definition(0, 20, [fb.TIMESTAMP, fb.HEART_RATE])
    body += fb.data(0, [fb.TIMESTAMP, fb.HEART_RATE], [T0 + 5, 99])
    fit = decode_fit(fb.fit_file(fb.file_id() + body))
    assert fit.n_records == 6
    assert fit.records["heart_rate"][-1] == 99
    assert np.isnan(fit.records["distance"][-1])


def test_developer_field_bytes_are_skipped() -> None:
    body = fb.definition(0, 20, [fb.TIMESTAMP, fb.HEART_RATE], dev_sizes=[2, 1])
    for i in range(20):
        body += fb.data(0, [fb.TIMESTAMP, fb.HEART_RATE], [T0 + i, 140], dev=b"\x01\x02\x03")
    fit = decode_fit(fb.fit_file(fb.file_id() + body))
    assert list(fit.records["heart_rate"]) == [140] * 20


def test_chained_files_are_read_one_after_the_other() -> None:
    one = fb.fit_file(fb.file_id() + _records(10))
    two = fb.fit_file(_records(7), header_size=12)
    fit = decode_fit(one + two)
    assert fit.n_files == 2
    assert fit.n_records == 17


def test_zero_padding_after_the_file_is_ignored_with_a_warning() -> None:
    fit = decode_fit(fb.fit_file(fb.file_id() + _records(3)) + bytes(16))
    assert fit.n_records == 3
    assert any("zero bytes" in w for w in fit.warnings)


@pytest.mark.parametrize(
    ("damage", "needle"),
    [
        (lambda b: b + b"garbage-after-the-file", "header"),
        (lambda b: b[:20], "truncated"),
        (lambda b: b[:8] + b"FIT." + b[12:], "header"),
        (lambda b: b[:-3] + bytes([b[-3] ^ 0x10]) + b[-2:], "CRC"),
        (lambda b: b"", "empty"),
    ],
)
def test_damaged_files_raise_corrupt_file(damage: object, needle: str) -> None:
    good = fb.fit_file(fb.file_id() + _records(4))
    with pytest.raises(InvalidInput) as info:
        decode_fit(damage(good))  # type: ignore[operator]
    assert info.value.code == "ingest.corrupt_file"
    assert needle in info.value.detail


def test_a_data_message_without_definition_is_corrupt() -> None:
    body = fb.file_id() + fb.data(3, [fb.HEART_RATE], [100])
    with pytest.raises(InvalidInput, match="not defined") as info:
        decode_fit(fb.fit_file(body))
    assert info.value.code == "ingest.corrupt_file"


def test_an_activity_file_with_nothing_in_it_is_empty() -> None:
    with pytest.raises(InvalidInput) as info:
        decode_fit(fb.fit_file(fb.file_id()))
    assert info.value.code == "ingest.empty_activity"


def test_a_damaged_file_can_still_be_read_with_the_crc_check_off() -> None:
    good = fb.fit_file(fb.file_id() + _records(4))
    damaged = good[:-2] + b"\x00\x00"
    assert decode_fit(damaged, check_crc=False).n_records == 4


def test_a_header_whose_own_crc_does_not_match_is_corrupt() -> None:
    good = bytearray(fb.fit_file(fb.file_id() + _records(2)))
    good[2] ^= 0x01  # profile version changed, header CRC left as it was
    body = bytes(good[:-2])
    damaged = body + struct.pack("<H", fastcrc.crc16.arc(body))
    with pytest.raises(InvalidInput, match="header CRC"):
        decode_fit(damaged)


def test_messages_outside_the_profile_subset_are_counted_not_decoded() -> None:
    body = fb.definition(2, 78, [fb.HRV_TIME]) + fb.definition(3, 999, [fb.HEART_RATE])
    body += fb.data(2, [fb.HRV_TIME], [812]) * 3 + fb.data(3, [fb.HEART_RATE], [1]) * 2
    fit = decode_fit(fb.fit_file(fb.file_id() + _records(1) + body))
    assert fit.counts["hrv"] == 3
    assert fit.counts["mesg_999"] == 2
    assert "hrv" not in fit.messages
