"""What an import tells the runner: duplicates and what they duplicate, data warnings, files
left out of a folder, and implausible activities kept out of the load."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from backstride.cli._context import open_session
from backstride.config import Settings
from backstride.services.activities import get_activity, list_activities
from backstride.services.imports.importing import ImportReport, import_paths
from backstride.services.load import load_summary
from tests.ingest import builders

NOW = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with open_session(settings) as s:
        yield s


def _import(session: Session, settings: Settings, *paths: Path) -> ImportReport:
    return import_paths(session, settings=settings, runner_handle="ann", paths=list(paths), now=NOW)


def _strava_export(path: Path, members: dict[str, tuple[str, bytes]]) -> Path:
    """A Strava export zip: ``activities.csv`` (type per file) and ``activities/`` members."""
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(["Activity ID", "Activity Date", "Activity Name", "Activity Type", "Filename"])
    for i, (name, (kind, _)) in enumerate(members.items()):
        out.writerow([i + 1, "Mar 1, 2024, 7:00:00 AM", f"Session {i}", kind, f"activities/{name}"])
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("activities.csv", buf.getvalue())
        for name, (_, data) in members.items():
            zf.writestr(f"activities/{name}", data)
    return path


def test_a_yoga_tcx_in_a_zip_and_in_a_folder_is_one_activity_whichever_the_label(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    yoga = builders.tcx(sport="Other", n=3600, step_m=0.0, hr=95)
    export = _strava_export(tmp_path / "export.zip", {"77.tcx.gz": ("Yoga", gzip.compress(yoga))})
    folder = tmp_path / "watch"
    folder.mkdir()
    (folder / "yoga.tcx").write_bytes(yoga)
    report = _import(session, settings, export, folder)
    assert (report.imported, report.duplicates) == (1, 1)
    (stored,) = list_activities(session, runner_handle="ann")
    assert stored.sport == "training"  # the export's "Yoga", not the file's "Other"
    (dup,) = [f for f in report.files if f.status == "duplicate"]
    assert dup.label == str(folder / "yoga.tcx")
    assert dup.duplicate_of == f"{export}:activities/77.tcx.gz"
    assert dup.duplicate_ids == (stored.id,)


def test_an_identical_file_says_which_file_it_duplicates_now_and_in_a_later_import(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "run.gpx").write_bytes(builders.gpx())
    report = _import(session, settings, tmp_path / "a", tmp_path / "b")
    assert [f.duplicate_of for f in report.files] == [None, str(tmp_path / "a" / "run.gpx")]
    first = report.files[0].activity_ids
    assert report.files[1].duplicate_ids == first
    later = _import(session, settings, tmp_path / "b" / "run.gpx")
    (again,) = later.files
    assert again.status == "duplicate"
    assert again.duplicate_ids == first
    assert again.duplicate_of is not None
    # stored with the name the runner knows it by (the folder given cut: no server path kept)
    assert again.duplicate_of.startswith("run.gpx (activity ")
    assert "imported before" in again.duplicate_of


def test_a_folder_of_symbolic_links_is_imported_and_every_file_left_out_is_listed(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    store = tmp_path / "elsewhere"
    store.mkdir()
    (store / "run.gpx").write_bytes(builders.gpx())
    (store / "ride.tcx").write_bytes(builders.tcx(sport="Biking", start=NOW - dt.timedelta(days=9)))
    links = tmp_path / "links"
    (links / "more").mkdir(parents=True)
    (links / "run.gpx").symlink_to(store / "run.gpx")
    (links / "more" / "ride.tcx").symlink_to(store / "ride.tcx")
    (links / "gone.fit").symlink_to(store / "deleted.fit")
    (links / "loop").symlink_to(links)
    (links / ".DS_Store").write_bytes(b"\0")
    report = _import(session, settings, links)
    assert report.imported == 2
    left = {Path(f.label).name: f.reason for f in report.files if f.code == "ingest.left_out"}
    assert left.keys() == {"gone.fit", "loop", ".DS_Store"}
    assert "broken symbolic link" in str(left["gone.fit"])
    assert "loop" in str(left["loop"])
    assert "hidden" in str(left[".DS_Store"])
    assert report.skipped == 3


def test_an_implausible_heart_rate_is_kept_but_left_out_of_the_load_with_its_reason(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    bad, good = tmp_path / "bad.gpx", tmp_path / "good.gpx"
    bad.write_bytes(builders.gpx(hr=234))
    good.write_bytes(builders.gpx(hr=150, start=builders.START + dt.timedelta(days=1)))
    report = _import(session, settings, bad, good)
    assert report.imported == 2
    (warned,) = [f for f in report.files if f.warnings]
    assert [w["code"] for w in warned.warnings] == ["data.hr_implausible"]
    detail = get_activity(session, activity_id=warned.activity_ids[0])
    assert [w["code"] for w in detail.summary.warnings] == ["data.hr_implausible"]
    summary = load_summary(
        session,
        runner_handle="ann",
        from_date=None,
        to_date=None,
        today=dt.date(2024, 3, 3),
        settings=settings,
    )
    (left,) = summary.left_out
    assert (left.what, left.code) == ("heart rate", "data.hr_implausible")
    assert sum(d.distance_m for d in summary.daily) > 3000  # the run's distance still counts


def test_an_impossible_run_is_stored_with_its_warning_but_not_counted(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    teleport = tmp_path / "teleport.gpx"
    teleport.write_bytes(builders.gpx(n=60, step_deg=0.01))  # 1.1 km a second
    report = _import(session, settings, teleport)
    assert report.imported == 1
    summary = load_summary(
        session,
        runner_handle="ann",
        from_date=None,
        to_date=None,
        today=dt.date(2024, 3, 2),
        settings=settings,
    )
    assert [x.code for x in summary.left_out] == ["data.speed_implausible"]
    assert summary.left_out[0].what == "activity"
    assert sum(d.distance_m for d in summary.daily) == 0


def test_an_upload_label_is_stored_without_the_servers_upload_folder(
    session: Session, settings: Settings
) -> None:
    job = settings.data_dir / "uploads" / "job1" / "files"
    job.mkdir(parents=True)
    (job / "run.gpx").write_bytes(builders.gpx())
    report = _import(session, settings, job)
    detail = get_activity(session, activity_id=report.files[0].activity_ids[0])
    assert detail.extra["source_file"] == "run.gpx"
    assert os.sep + "uploads" + os.sep not in str(detail.extra)


def test_the_legs_of_one_multisport_file_are_never_duplicates_of_each_other(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    from tests.ingest.fit import fitbuild as fb

    t0 = 1_100_000_000
    record = [fb.TIMESTAMP, fb.HEART_RATE, fb.CADENCE, fb.FRACTIONAL_CADENCE]
    body = fb.file_id() + fb.definition(0, 20, record)
    for i in range(80):
        body += fb.data(0, record, [t0 + i, 120, 80, 0])
    # two short legs, one after the other, of nearly the same length and no distance
    body += fb.session(1, start=t0, elapsed_s=40, sport=1, values=[0, 120, 80, 0, 255])
    body += fb.session(1, start=t0 + 40, elapsed_s=40, sport=10, values=[0, 120, 80, 0, 255])
    path = tmp_path / "brick.fit"
    path.write_bytes(fb.fit_file(body))
    report = _import(session, settings, path)
    assert (report.imported, report.duplicates) == (2, 0)
