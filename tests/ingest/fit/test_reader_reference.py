"""Every good FIT file of each corpus reads to the peers' reference values.

Each test runs over the local corpus (``tests/data``) and the extended shared one (a skip that
says where it was looked for when it is absent). Reference values (``reference.json``) come
from fitdecode, fitparse and garmin-fit-sdk. The
per-session values are compared leg by leg (multisport files give one activity per session);
record counts add up over the legs. Where the device wrote no session value, ours falls back to
the records and is compared with the reference's ``records.*`` value instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from backstride.ingest.fit.reader import read_fit
from backstride.ingest.model import Activity
from tests.corpus import CORPORA, corpus

NOT_ACTIVITIES = {"monitoring_b", "settings", "weight", "workout", "course"}
FLOORS = {"local": (12, 2, 20), "extended": (45, 5, 20)}
"""Per corpus: at least this many good activity files, session values checked against the
records, running-dynamics channels checked (so a shrunken corpus cannot pass quietly)."""

by_corpus = pytest.mark.parametrize("label", CORPORA)


def _good_activity_files(reference: dict[str, Any]) -> list[str]:
    return [
        key
        for key, entry in reference.items()
        if entry["format"] == "fit"
        and entry["category"] == "good"
        and entry["reference"]["file_type"] not in NOT_ACTIVITIES
    ]


def _read(key: str, fit_bytes: Callable[[str], bytes]) -> list[Activity]:
    return read_fit(fit_bytes(key), source_name=key)


def _of(label: str) -> tuple[dict[str, Any], Callable[[str], bytes]]:
    """The reference values and the file loader of one corpus."""
    c = corpus(label)
    return c.reference, c.read


def _iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _close(mine: float | None, theirs: float | None, tol: float) -> bool:
    if theirs is None:
        return mine is None
    return mine is not None and abs(mine - theirs) <= tol


@by_corpus
def test_the_corpus_has_the_expected_fit_files(label: str) -> None:
    reference, _ = _of(label)
    assert len(_good_activity_files(reference)) >= FLOORS[label][0]


@by_corpus
def test_every_good_fit_file_matches_the_reference_session_by_session(label: str) -> None:
    reference, fit_bytes = _of(label)
    problems: list[str] = []
    for key in _good_activity_files(reference):
        entry = reference[key]
        ref = entry["reference"]
        activities = _read(key, fit_bytes)
        sessions = entry["by_library"]["fitdecode"]["result"]["sessions"]
        if len(activities) != max(1, len(sessions)):
            problems.append(f"{key}: {len(activities)} activities for {len(sessions)} sessions")
            continue
        if sum(a.n_samples for a in activities) != ref["record_count"]:
            problems.append(f"{key}: samples != record_count {ref['record_count']}")
        if any(a.has_running_dynamics for a in activities) != ref["has_running_dynamics"]:
            problems.append(f"{key}: has_running_dynamics differs")
        if sessions:  # a session-less file gives one activity summarised from its records
            ordered = sorted(sessions, key=lambda s: s["start_time"])
            for act, ses in zip(activities, ordered, strict=True):
                problems += _session_problems(key, act, ses)
    assert not problems, "\n".join(problems)


def _session_problems(key: str, act: Activity, ses: dict[str, Any]) -> list[str]:
    out = []
    if act.sport != ses["sport"]:
        out.append(f"{key}: sport {act.sport} != {ses['sport']}")
    if not ses["start_time"].isdigit() and _iso(act.start_at) != ses["start_time"]:
        out.append(f"{key}: start {_iso(act.start_at)} != {ses['start_time']}")
    distance = ses["total_distance_m"]
    if distance is not None and not _close(act.distance_m, distance, 0.005 * distance):
        out.append(f"{key}: distance {act.distance_m} != {distance}")
    if not _close(act.elapsed_s, ses["total_elapsed_time_s"], 1.0):
        out.append(f"{key}: elapsed {act.elapsed_s} != {ses['total_elapsed_time_s']}")
    if ses["avg_heart_rate_bpm"] and not _close(act.avg_hr_bpm, ses["avg_heart_rate_bpm"], 1.0):
        out.append(f"{key}: avg HR {act.avg_hr_bpm} != {ses['avg_heart_rate_bpm']}")
    if ses["avg_cadence_spm"] is not None:
        if not _close(act.avg_cadence_spm, ses["avg_cadence_spm"], 0.01):
            out.append(f"{key}: cadence {act.avg_cadence_spm} != {ses['avg_cadence_spm']}")
        if act.cadence_basis != "fit_strides":
            out.append(f"{key}: cadence basis {act.cadence_basis}")
    return out


@by_corpus
def test_single_session_values_the_device_left_out_come_from_the_records(label: str) -> None:
    reference, fit_bytes = _of(label)
    problems, checked = [], 0
    for key in _good_activity_files(reference):
        ref = reference[key]["reference"]
        if ref["session_count"] != 1 or ref["records.first_timestamp"] is None:
            continue
        (act,) = _read(key, fit_bytes)
        if not ref["avg_heart_rate_bpm"] and ref["records.avg_heart_rate_bpm"] is not None:
            checked += 1
            if not _close(act.avg_hr_bpm, ref["records.avg_heart_rate_bpm"], 1.0):
                problems.append(f"{key}: avg HR {act.avg_hr_bpm}")
        if ref["avg_cadence_raw"] is None and ref["records.avg_cadence_spm"] is not None:
            checked += 1
            if not _close(act.avg_cadence_spm, ref["records.avg_cadence_spm"], 0.5):
                problems.append(f"{key}: cadence {act.avg_cadence_spm}")
    assert checked >= FLOORS[label][1]
    assert not problems, "\n".join(problems)


def test_zero_heart_rate_summaries_mean_no_sensor(
    reference: dict[str, Any], fit_bytes: Callable[[str], bytes]
) -> None:
    key = "fit/fitparse__null_compressed_speed_dist.fit"
    assert reference[key]["reference"]["avg_heart_rate_bpm"] == 0
    (act,) = _read(key, fit_bytes)
    assert act.avg_hr_bpm is None


@by_corpus
def test_running_dynamics_averages_match_the_record_averages(label: str) -> None:
    reference, fit_bytes = _of(label)
    channels = {
        "vertical_oscillation": "vertical_oscillation_mm",
        "stance_time": "stance_time_ms",
        "stance_time_percent": "stance_time_percent",
        "stance_time_balance": "stance_time_balance_left_pct",
        "step_length": "step_length_mm",
        "vertical_ratio": "vertical_ratio_pct",
    }
    problems, checked = [], 0
    for key in _good_activity_files(reference):
        ref = reference[key]["reference"]
        activities = _read(key, fit_bytes)
        for fit_name, channel in channels.items():
            want = ref.get(f"running_dynamics.{fit_name}.avg")
            if want is None:
                continue
            parts = [a.streams.get(channel) for a in activities]
            values = np.concatenate([p for p in parts if p is not None])
            finite = values[np.isfinite(values)]
            checked += 1
            if finite.size != ref[f"running_dynamics.{fit_name}.samples"] or not np.isclose(
                finite.mean(), want, atol=0.01
            ):
                problems.append(f"{key}: {channel} mean {finite.mean():.2f} != {want}")
    assert checked >= FLOORS[label][2]
    assert not problems, "\n".join(problems)


@by_corpus
def test_laps_add_up_to_the_reference_lap_count(label: str) -> None:
    reference, fit_bytes = _of(label)
    problems = []
    for key in _good_activity_files(reference):
        laps = sum(len(a.laps) for a in _read(key, fit_bytes))
        if laps != reference[key]["reference"]["lap_count"]:
            problems.append(f"{key}: {laps} laps != {reference[key]['reference']['lap_count']}")
    assert not problems, "\n".join(problems)
