"""The import service: folders and export zips in, one stored copy of each activity out."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.cli._context import open_session
from backstride.config import Settings
from backstride.errors import InvalidInput
from backstride.ingest.streams import decode_streams
from backstride.services import runners
from backstride.services.activities import get_activity, list_activities
from backstride.services.blobstore import BlobStore, blob_store
from backstride.services.imports import importing
from backstride.services.imports.importing import ImportProgress, ParseStream, import_paths
from backstride.store import models as sm
from tests.corpus import CORPORA, CorpusFile, corpus, named
from tests.ingest.fit import fitbuild as fb

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
RUN_GPX = "gpx/togeojson__run_gpxtpx.gpx"
RUN_TCX = "tcx/tcxparser__test.tcx"
GARMIN_FIT = "fit/fitparse__activity-small-fenix2-run.fit"
"""A Fenix 2 run that starts at 2015-08-15 14:45:08 UTC (the Garmin summary below matches it)."""
AT_LEAST_IMPORTED = {"local": 20, "extended": 25}
"""Activities the gpx/ and tcx/ folders of each corpus hold at least."""


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with open_session(settings) as s:
        yield s


def _import(session: Session, settings: Settings, *paths: Path, runner: str = "ann") -> object:
    return import_paths(
        session, settings=settings, runner_handle=runner, paths=list(paths), now=NOW
    )


def _snapshot(session: Session) -> tuple[int, int, int, int]:
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(t))
        for t in (sm.Activity, sm.Lap, sm.Blob, sm.Gear)
    )


@pytest.mark.parametrize("label", CORPORA)
def test_a_folder_imports_each_activity_once_and_a_second_import_changes_nothing(
    session: Session, settings: Settings, label: str
) -> None:
    root = corpus(label).root
    first = _import(session, settings, root / "gpx", root / "tcx")
    assert first.imported >= AT_LEAST_IMPORTED[label]  # type: ignore[attr-defined]
    # tcxparser's test.tcx and no_hr.tcx are the same run: stored once
    assert first.duplicates >= 1  # type: ignore[attr-defined]
    assert {f.code for f in first.files if f.status == "skipped"} <= {  # type: ignore[attr-defined]
        "ingest.empty_activity",
        "ingest.not_an_activity",
    }
    before = _snapshot(session)
    second = _import(session, settings, root / "gpx", root / "tcx")
    assert second.imported == 0  # type: ignore[attr-defined]
    assert second.duplicates == first.imported + first.duplicates  # type: ignore[attr-defined]
    assert _snapshot(session) == before


def test_summary_laps_streams_and_blob_are_stored(
    session: Session, settings: Settings, activities_dir: Path
) -> None:
    report = _import(session, settings, activities_dir / RUN_TCX)
    (activity_id,) = report.files[0].activity_ids  # type: ignore[attr-defined]
    detail = get_activity(session, activity_id=activity_id)
    assert detail.summary.n_samples == 384
    assert len(detail.laps) == 3
    assert detail.summary.local_date == dt.date(2012, 12, 26)
    assert detail.downhill_m is not None
    assert detail.downhill_m > 0
    row = session.get(sm.Activity, activity_id)
    assert row is not None
    assert row.streams is not None
    streams = decode_streams(row.streams)
    assert np.nanmax(streams["hr_bpm"]) == 189
    assert row.blob_sha256 is not None
    kept = blob_store(settings).read(row.runner_id, row.blob_sha256)
    assert kept == (activities_dir / RUN_TCX).read_bytes()


@pytest.mark.parametrize("label", CORPORA)
def test_every_original_stored_is_flushed_to_disk_before_the_rows_naming_it_are_committed(
    session: Session, settings: Settings, label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushed: set[str] = set()
    committed_after: list[set[str]] = []
    real_sync, real_commit = BlobStore.sync, session.commit

    def sync(store: BlobStore, runner_id: str, digests: Iterable[str]) -> None:
        digests = list(digests)
        flushed.update(digests)
        real_sync(store, runner_id, digests)

    def commit() -> None:
        committed_after.append(set(flushed))
        real_commit()

    monkeypatch.setattr(BlobStore, "sync", sync)
    monkeypatch.setattr(session, "commit", commit)
    root = corpus(label).root
    _import(session, settings, root / "gpx", root / "tcx")  # more than PARALLEL_MIN_ITEMS
    stored = set(session.scalars(select(sm.Blob.sha256)))
    assert len(stored) >= AT_LEAST_IMPORTED[label]
    assert committed_after == [flushed]
    assert stored <= flushed


def test_progress_is_reported_per_file(
    session: Session, settings: Settings, activities_dir: Path
) -> None:
    seen: list[ImportProgress] = []
    import_paths(
        session,
        settings=settings,
        runner_handle="ann",
        now=NOW,
        paths=[activities_dir / RUN_GPX, activities_dir / RUN_TCX],
        progress=seen.append,
    )
    assert [p.files_done for p in seen] == [1, 2]
    assert seen[-1].points == 42 + 384


def test_a_bad_file_is_skipped_with_its_code_and_the_batch_goes_on(
    session: Session, settings: Settings, activities_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.gpx"
    bad.write_bytes(b"<gpx><trk><trkseg><trkpt lat='1'")
    report = _import(session, settings, bad, activities_dir / RUN_GPX)
    assert report.imported == 1  # type: ignore[attr-defined]
    (skipped,) = [f for f in report.files if f.status == "skipped"]  # type: ignore[attr-defined]
    assert skipped.code == "ingest.corrupt_file"


def test_a_file_without_a_date_is_skipped_with_its_reason_not_stored_in_1990(
    session: Session, settings: Settings, activities_dir: Path
) -> None:
    # An ANT-FS dump of a Forerunner: timestamps are seconds since the watch was switched on.
    report = _import(
        session,
        settings,
        activities_dir / "fit/fitparse__antfs-dump.63.fit",
        activities_dir / RUN_GPX,
    )
    assert report.imported == 1  # type: ignore[attr-defined]
    (skipped,) = [f for f in report.files if f.status == "skipped"]  # type: ignore[attr-defined]
    assert skipped.code == "ingest.no_date"
    assert "switched on" in (skipped.reason or "")
    years = session.scalars(select(sm.Activity.local_date)).all()
    assert all(d.year > 2000 for d in years)


def _strava_zip(tmp_path: Path, activities_dir: Path) -> Path:
    csv_text = (
        "\ufeffActivity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
        "Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,"
        "Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,"
        "Perceived Exertion\n"
        '111,"Jan 19, 2015, 9:24:20 PM",Night run,Run,"two\nlines",41,0.13,152,,0,,'
        "Pegasus 40,activities/111.GPX.gz,,,41,41,125.6,6\n"
        '222,"Dec 26, 2012, 9:29:53 PM",Track,Run,,1992,4.69,189,,0,,,activities/222.tcx.gz,,,'
        "1992,1990,4689.2,\n"
        '333,"Mar 3, 2024, 7:00:00 AM",Treadmill,Run,manual entry,1800,5.00,,,0,,Pegasus 40,'
        ",,,1800,1800,5000.0,4\n"
    )
    path = tmp_path / "export_123.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("activities.csv", csv_text)
        zf.writestr("shoes.csv", "Shoe Name,Shoe Brand,Shoe Model\nPegasus 40,Nike,Pegasus\n")
        zf.writestr("activities/111.GPX.gz", gzip.compress((activities_dir / RUN_GPX).read_bytes()))
        zf.writestr(
            "activities/222.tcx.gz",
            gzip.compress(b"\n   " + (activities_dir / RUN_TCX).read_bytes()),
        )
        zf.writestr("profile.csv", "x\n")
    return path


def test_a_strava_export_brings_names_gear_rpe_and_manual_activities(
    session: Session, settings: Settings, activities_dir: Path, tmp_path: Path
) -> None:
    report = _import(session, settings, _strava_zip(tmp_path, activities_dir))
    assert (report.imported, report.skipped) == (3, 0)  # type: ignore[attr-defined]
    rows = {a.name: a for a in list_activities(session, runner_handle="ann")}
    assert set(rows) == {"Night run", "Track", "Treadmill"}
    night = get_activity(session, activity_id=rows["Night run"].id)
    assert (night.gear, night.rpe, night.description) == ("Pegasus 40", 6, "two\nlines")
    assert night.summary.format == "gpx"
    assert night.summary.n_samples == 42
    manual = get_activity(session, activity_id=rows["Treadmill"].id)
    assert manual.summary.source == "strava"
    assert manual.summary.format is None
    assert manual.summary.distance_m == 5000.0
    assert manual.rpe == 4
    gear = session.scalars(select(sm.Gear)).all()
    assert [(g.name, g.kind) for g in gear] == [("Pegasus 40", "shoe")]
    again = _import(session, settings, _strava_zip(tmp_path, activities_dir))
    assert again.imported == 0  # type: ignore[attr-defined]
    assert again.duplicates == 3  # type: ignore[attr-defined]


def _garmin_zip(tmp_path: Path, activities_dir: Path, *, with_fit: bool) -> Path:
    t0 = dt.datetime(2015, 8, 15, 14, 45, 8, tzinfo=dt.UTC)  # GARMIN_FIT's start
    summaries = [
        {
            "activityId": 1,
            "name": "10k race",
            "activityType": "running",
            "startTimeGmt": t0.timestamp() * 1000,
            "startTimeLocal": (t0.timestamp() - 3 * 3600) * 1000,
            "duration": 2_223_803.0,
            "elapsedDuration": 2_224_000.0,
            "distance": 1_001_082.0,
            "elevationGain": 4500.0,
            "avgHr": 171.0,
            "maxHr": 185.0,
            "avgRunCadence": 84.5,
        },
        {
            "activityId": 2,
            "name": "Tri",
            "activityType": "multi_sport",
            "parent": True,
            "startTimeGmt": 1.6e12,
            "distance": 5e6,
            "duration": 3.6e6,
        },
        {
            "activityId": 3,
            "name": "Easy",
            "activityType": "running",
            "startTimeGmt": 1.6e12 + 86_400_000,
            "startTimeLocal": 1.6e12 + 86_400_000 + 3_600_000,
            "duration": 1_800_000.0,
            "distance": 500_000.0,
        },
    ]
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        if with_fit:
            z.write(activities_dir / GARMIN_FIT, "5551234.fit")
            z.writestr("5551235.fit", fb.fit_file(fb.file_id(file_type=32)))  # monitoring_b
    path = tmp_path / "garmin.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "DI_CONNECT/DI-Connect-Fitness/me_0_summarizedActivities.json",
            json.dumps([{"summarizedActivitiesExport": summaries}]),
        )
        zf.writestr(
            "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", inner.getvalue()
        )
    return path


def test_a_garmin_export_skips_multisport_parents_and_converts_units(
    session: Session, settings: Settings, activities_dir: Path, tmp_path: Path
) -> None:
    report = _import(session, settings, _garmin_zip(tmp_path, activities_dir, with_fit=False))
    assert report.imported == 2  # type: ignore[attr-defined]
    rows = {a.name: a for a in list_activities(session)}
    assert set(rows) == {"10k race", "Easy"}
    race = get_activity(session, activity_id=rows["10k race"].id)
    assert race.summary.distance_m == pytest.approx(10_010.82)
    assert race.summary.elapsed_s == pytest.approx(2224.0)
    assert race.summary.avg_cadence_spm == pytest.approx(169.0)
    assert race.local_offset_s == -3 * 3600
    assert race.summary.local_date == dt.date(2015, 8, 15)


def test_a_garmin_fit_is_matched_to_its_summary_and_wellness_files_are_skipped(
    session: Session, settings: Settings, activities_dir: Path, tmp_path: Path
) -> None:
    report = _import(session, settings, _garmin_zip(tmp_path, activities_dir, with_fit=True))
    assert report.imported == 2  # type: ignore[attr-defined]
    race = next(a for a in list_activities(session) if a.name == "10k race")
    assert race.format == "fit"
    assert race.n_samples > 0
    skipped = [f for f in report.files if f.status == "skipped"]  # type: ignore[attr-defined]
    assert [f.code for f in skipped] == ["ingest.not_an_activity"]


@pytest.mark.parametrize(
    "file",
    named(
        local=["fit/built__tcxparser__test.twin.fit"], extended=["fit/gc__10kUNLP2014-Garmin15.fit"]
    ),
)
def test_a_fit_and_a_tcx_of_one_run_are_stored_once(
    session: Session, settings: Settings, file: CorpusFile
) -> None:
    tcx = {
        "fit/built__tcxparser__test.twin.fit": RUN_TCX,
        "fit/gc__10kUNLP2014-Garmin15.fit": "tcx/gc__10kUNLP2014-Garmin15.tcx",
    }[file.key]
    report = _import(session, settings, file.path, file.corpus.path(tcx))
    assert (report.imported, report.duplicates) == (1, 1)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ({"../escape.gpx": b"<gpx/>"}, "ingest.unsafe_archive"),
        ({"/abs.gpx": b"<gpx/>"}, "ingest.unsafe_archive"),
        ({"bomb.gpx": b"\0" * 30_000_000}, "ingest.unsafe_archive"),
        (
            {
                "evil.gpx": b'<?xml version="1.0"?><!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]><gpx>&x;</gpx>'
            },
            "ingest.unsafe_xml",
        ),
    ],
    ids=["dotdot", "absolute", "ratio-bomb", "external-entity"],
)
def test_hostile_archives_are_refused_with_a_code_and_store_nothing(
    session: Session, settings: Settings, tmp_path: Path, entries: dict[str, bytes], code: str
) -> None:
    path = tmp_path / "hostile.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    report = _import(session, settings, path)
    assert report.imported == 0  # type: ignore[attr-defined]
    assert [f.code for f in report.files] == [code]  # type: ignore[attr-defined]
    assert _snapshot(session)[0] == 0
    assert not (tmp_path / "escape.gpx").exists()


def test_a_truncated_member_keeps_its_complete_points_with_a_warning_and_the_rest_imports(
    session: Session, settings: Settings, activities_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "bundle.zip"
    good = (activities_dir / RUN_GPX).read_bytes()
    truncated = gzip.compress((activities_dir / RUN_TCX).read_bytes())[:-200]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a/run.gpx", good)
        zf.writestr("a/cut.tcx.gz", truncated)
        zf.writestr("a/stub.tcx.gz", truncated[:400])  # cut before its track: refused
    report = _import(session, settings, path)
    assert report.imported == 2  # type: ignore[attr-defined]
    files = {f.label.rsplit("/", 1)[-1]: f for f in report.files}  # type: ignore[attr-defined]
    assert [w["code"] for w in files["cut.tcx.gz"].warnings] == ["data.truncated_salvaged"]
    assert files["stub.tcx.gz"].status == "skipped"
    assert files["stub.tcx.gz"].code == "ingest.corrupt_file"


def test_zips_nested_deeper_than_the_limit_are_refused(
    session: Session, settings: Settings, activities_dir: Path, tmp_path: Path
) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("run.gpx", (activities_dir / RUN_GPX).read_bytes())
    middle = io.BytesIO()
    with zipfile.ZipFile(middle, "w") as z:
        z.writestr("inner.zip", inner.getvalue())
        z.writestr("ok.gpx", (activities_dir / "gpx/togeojson__run.gpx").read_bytes())
    path = tmp_path / "outer.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("middle.zip", middle.getvalue())
    report = _import(session, settings, path)
    assert report.imported == 1  # type: ignore[attr-defined]
    codes = [f.code for f in report.files if f.status == "skipped"]  # type: ignore[attr-defined]
    assert codes == ["ingest.unsafe_archive"]


def test_parsing_starts_before_the_runner_is_known_and_every_original_is_still_kept(
    session: Session, settings: Settings, activities_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parsers start before the runner's row is read or made: the originals of the files
    parsed meanwhile are kept once its id is known, each in its folder, none elsewhere."""
    folder = activities_dir / "gpx"
    order: list[str] = []
    real_start = ParseStream.start
    real_runner = runners.get_or_create_runner

    def start(*args: Any, **kwargs: Any) -> ParseStream:
        order.append("parsing" if len(args) < 3 and "runner_id" not in kwargs else "bound")
        return real_start(*args, **kwargs)

    def runner(*args: Any, **kwargs: Any) -> sm.Runner:
        order.append("runner")
        return real_runner(*args, **kwargs)

    monkeypatch.setattr(ParseStream, "start", staticmethod(start))
    monkeypatch.setattr(importing, "get_or_create_runner", runner)  # as importing calls it
    report = _import(session, settings, folder)
    assert order == ["parsing", "runner"]  # started without the runner's id, before its row
    store = blob_store(settings)
    rows = session.scalars(select(sm.Blob)).all()
    assert len(rows) >= 8  # enough for the parser processes
    names = {f.label: f for f in report.files}  # type: ignore[attr-defined]
    for row in rows:
        assert store.read(row.runner_id, row.sha256) == (folder / row.filename).read_bytes()
        assert str(folder / row.filename) in names
    assert {p.name for p in settings.blob_dir.iterdir()} == {rows[0].runner_id}


def test_a_wrong_runner_handle_is_refused_before_any_file_is_parsed(
    session: Session, settings: Settings, activities_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(
        "backstride.services.imports.importing.ParseStream.start",
        lambda *a, **k: started.append(a),
    )
    with pytest.raises(InvalidInput, match="runner name") as refused:
        _import(session, settings, activities_dir / "gpx", runner="no spaces allowed!")
    assert refused.value.code == "runner.invalid_handle"
    assert started == []
