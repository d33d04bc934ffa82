"""A realistic 12-month running history for the demo runner, written as a Strava-style export zip.

Deterministic for a seed: 4-week blocks (3 build, 1 easier), easy runs, a Tuesday session, a
Sunday long run, a short break after a cold, one clear single-run spike (a long run far beyond
the previous 30 days) and a shoe worn past 700 km. Each run is a GPX with Garmin
TrackPointExtension heart rate and cadence (strides/min, as Garmin writes them) every 5 s.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_S = 5
HOME = (47.3769, 8.5417)
HR_REST, HR_MAX = 52, 184
SHOES = (
    ("Nike Pegasus 39", "Nike", "Pegasus 39"),
    ("Hoka Clifton 9", "Hoka", "Clifton 9"),
    ("Salomon Speedcross 6", "Salomon", "Speedcross 6"),
)
CSV_HEADER: tuple[str, ...] = (
    "Activity ID",
    "Activity Date",
    "Activity Name",
    "Activity Type",
    "Activity Description",
    "Elapsed Time",
    "Distance",
    "Max Heart Rate",
    "Relative Effort",
    "Commute",
    "Activity Private Note",
    "Activity Gear",
    "Filename",
    "Athlete Weight",
    "Bike Weight",
    "Elapsed Time",
    "Moving Time",
    "Distance",
    "Max Speed",
    "Average Speed",
    "Elevation Gain",
    "Elevation Loss",
    "Elevation Low",
    "Elevation High",
    "Max Grade",
    "Average Grade",
    "Average Positive Grade",
    "Average Negative Grade",
    "Max Cadence",
    "Average Cadence",
    "Max Heart Rate",
    "Average Heart Rate",
    "Max Watts",
    "Average Watts",
    "Calories",
    "Max Temperature",
    "Average Temperature",
    "Relative Effort",
    "Total Work",
    "Number of Runs",
    "Uphill Time",
    "Downhill Time",
    "Other Time",
    "Perceived Exertion",
)


@dataclass(frozen=True, slots=True)
class DemoRun:
    """One planned run of the demo history."""

    activity_id: int
    start_at: dt.datetime
    name: str
    distance_m: float
    pace_s_per_km: float
    intensity: float
    """0.6 easy ... 0.9 hard: drives heart rate and cadence."""
    gear: str


def plan_history(*, end_date: dt.date, seed: int = 7) -> list[DemoRun]:
    """The year of runs ending on ``end_date`` (spike 5 weeks before the end)."""
    rng = np.random.default_rng(seed)
    start = end_date - dt.timedelta(days=364)
    start -= dt.timedelta(days=start.weekday())
    spike_day = end_date - dt.timedelta(days=35)
    spike_day -= dt.timedelta(days=(spike_day.weekday() - 6) % 7)  # the Sunday before
    break_from = start + dt.timedelta(days=150)
    runs: list[DemoRun] = []
    day = start
    while day <= end_date:
        week = (day - start).days // 7
        block = week % 4
        base_km = min(26 + week * 0.35, 42) * (0.82 if block == 3 else 1.0 + 0.04 * block)
        weekday = day.weekday()
        km = {0: 0.18, 1: 0.2, 3: 0.2, 6: 0.33}.get(weekday, 0.0) * base_km
        in_break = break_from <= day < break_from + dt.timedelta(days=10)
        if km and not in_break and (weekday == 6 or rng.random() > 0.03):
            km *= 1.0 + rng.normal(0, 0.04)
            intensity, pace, name = 0.68, 345.0, "Easy run"
            if weekday == 1:
                intensity, pace, name = 0.84, 300.0, "Intervals"
            elif weekday == 6:
                intensity, pace, name = 0.72, 350.0, "Long run"
                km = min(km, 17.0)
            if day == spike_day:
                km, name, intensity = 30.5, "Long run with friends", 0.78
            gear_i = 0 if day < start + dt.timedelta(days=240) else 1
            if weekday == 3 and week % 3 == 0:
                gear_i = 2
            when = dt.datetime.combine(day, dt.time(6, 30), tzinfo=dt.UTC)
            runs.append(
                DemoRun(
                    activity_id=10_000_000 + len(runs),
                    start_at=when,
                    name=name,
                    distance_m=round(km * 1000.0, 1),
                    pace_s_per_km=pace + rng.normal(0, 6),
                    intensity=intensity,
                    gear=SHOES[gear_i][0],
                )
            )
        day += dt.timedelta(days=1)
    return runs


def _gpx(run: DemoRun, rng: np.random.Generator) -> tuple[bytes, dict[str, float]]:
    duration = run.distance_m / 1000.0 * run.pace_s_per_km
    t = np.arange(0.0, duration + SAMPLE_S, SAMPLE_S)
    dist = np.minimum(t / run.pace_s_per_km * 1000.0, run.distance_m)
    radius_m = 1500.0
    angle = dist / radius_m
    lat = HOME[0] + (radius_m * np.sin(angle)) / 111_320.0
    lon = HOME[1] + (radius_m * (1 - np.cos(angle))) / (111_320.0 * math.cos(math.radians(HOME[0])))
    ele = 420.0 + 25.0 * np.sin(dist / 900.0)
    target = HR_REST + run.intensity * (HR_MAX - HR_REST)
    hr = target - (target - 95.0) * np.exp(-t / 90.0) + t / 600.0 + rng.normal(0, 1.5, t.size)
    if run.name == "Intervals":
        hr += 10.0 * (np.sin(t / 120.0) > 0.3)
    cad = 80.0 + 14.0 * (run.intensity - 0.6) + rng.normal(0, 0.8, t.size)
    out = io.StringIO()
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="backstride demo"'
        ' xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx='
        '"http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
    )
    out.write(f"<metadata><time>{run.start_at:%Y-%m-%dT%H:%M:%SZ}</time></metadata>\n")
    out.write(f"<trk><name>{run.name}</name><type>running</type><trkseg>\n")
    for i in range(t.size):
        when = run.start_at + dt.timedelta(seconds=float(t[i]))
        out.write(
            f'<trkpt lat="{lat[i]:.6f}" lon="{lon[i]:.6f}"><ele>{ele[i]:.1f}</ele>'
            f"<time>{when:%Y-%m-%dT%H:%M:%SZ}</time><extensions><gpxtpx:TrackPointExtension>"
            f"<gpxtpx:hr>{hr[i]:.0f}</gpxtpx:hr><gpxtpx:cad>{cad[i]:.0f}</gpxtpx:cad>"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
        )
    out.write("</trkseg></trk></gpx>\n")
    gain = float(np.clip(np.diff(ele), 0, None).sum())
    stats = {
        "elapsed_s": float(t[-1]),
        "avg_hr": float(hr.mean()),
        "max_hr": float(hr.max()),
        "avg_cad": float(cad.mean()),
        "gain_m": gain,
    }
    return gzip.compress(out.getvalue().encode("utf-8"), mtime=0), stats


def write_demo_export(out_dir: Path, *, end_date: dt.date, seed: int = 7) -> Path:
    """Write ``strava-demo-export.zip`` into ``out_dir`` and return its path."""
    rng = np.random.default_rng(seed + 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "strava-demo-export.zip"
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(CSV_HEADER)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for run in plan_history(end_date=end_date, seed=seed):
            name = f"activities/{run.activity_id}.gpx.gz"
            data, st = _gpx(run, rng)
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
            row = [""] * len(CSV_HEADER)
            row[0], row[1] = str(run.activity_id), run.start_at.strftime("%b %-d, %Y, %-I:%M:%S %p")
            row[2], row[3] = run.name, "Run"
            row[5], row[6] = f"{st['elapsed_s']:.0f}", f"{run.distance_m / 1000:.2f}"
            row[7], row[11], row[12] = f"{st['max_hr']:.0f}", run.gear, name
            row[15], row[16], row[17] = (
                f"{st['elapsed_s']:.0f}",
                f"{st['elapsed_s']:.0f}",
                f"{run.distance_m:.1f}",
            )
            row[19] = f"{1000.0 / run.pace_s_per_km:.3f}"
            row[20], row[21] = f"{st['gain_m']:.1f}", f"{st['gain_m']:.1f}"
            row[29], row[30], row[31] = (
                f"{st['avg_cad']:.0f}",
                f"{st['max_hr']:.0f}",
                f"{st['avg_hr']:.0f}",
            )
            writer.writerow(row)
        zf.writestr("activities.csv", rows.getvalue())
        shoes = io.StringIO()
        sw = csv.writer(shoes)
        sw.writerow(["Shoe Name", "Shoe Brand", "Shoe Model", "Shoe Default Sport Types"])
        for full, brand, model in SHOES:
            sw.writerow([full, brand, model, "Run"])
        zf.writestr("shoes.csv", shoes.getvalue())
    return path


__all__ = ["DemoRun", "plan_history", "write_demo_export"]
