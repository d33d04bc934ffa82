"""The import and activities commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backstride.cli.main import main

REQUIRED = {
    "format",
    "sport",
    "start_at",
    "elapsed_s",
    "timer_s",
    "distance_m",
    "ascent_m",
    "n_samples",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_cadence_spm",
    "has_running_dynamics",
    "laps",
}


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(tmp_path / "data"))


def test_inspect_prints_what_backstride_reads(
    activities_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["activities", "inspect", str(activities_dir / "tcx/tcxparser__test.tcx"), "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= REQUIRED
    assert (data["format"], data["n_samples"], len(data["laps"])) == ("tcx", 384, 3)
    assert data["has_running_dynamics"] is False


def test_inspect_of_a_bad_file_exits_2_with_a_coded_error(
    activities_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = activities_dir / "broken/togeojson__bad.gpx"
    assert main(["activities", "inspect", str(bad), "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "ingest.corrupt_file"
    assert bad.name in error["detail"]


def test_import_then_list_then_show(
    activities_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(activities_dir / "tcx/tcxparser__test.tcx"), "--runner", "ann"]) == 0
    assert "1 imported" in capsys.readouterr().out
    assert main(["activities", "list", "--runner", "ann", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["sport"] == "running"
    assert row["runner_handle"] == "ann"
    assert main(["activities", "show", row["id"][:8], "--json"]) == 0
    detail = json.loads(capsys.readouterr().out)
    assert detail["summary"]["id"] == row["id"]
    assert len(detail["laps"]) == 3
    assert (
        main(
            ["import", str(activities_dir / "tcx/tcxparser__test.tcx"), "--runner", "ann", "--json"]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert (report["imported"], report["duplicates"]) == (0, 1)


def test_show_of_an_unknown_id_is_a_coded_not_found(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["activities", "show", "nope", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "activity.not_found"


def test_the_import_table_shows_whole_paths_and_what_a_duplicate_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ingest import builders

    monkeypatch.setenv("COLUMNS", "80")
    deep = tmp_path / "a-rather-long-folder-name-from-a-watch-export" / "2024" / "march"
    deep.mkdir(parents=True)
    (deep / "morning-run-with-a-long-name.gpx").write_bytes(builders.gpx())
    (deep / "same-run-copied.gpx").write_bytes(builders.gpx())
    (deep / "broken-file.fit").write_bytes(b"not a fit file at all")
    assert main(["import", str(deep), "--runner", "ann"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out  # wrapped, never cut
    rows = [line.split("│")[1:-1] for line in out.splitlines() if line.startswith("│")]
    files = "".join(cells[0].strip() for cells in rows)  # a column's wrapped pieces, joined
    details = "".join(cells[2].strip() for cells in rows)
    assert str(deep / "broken-file.fit") in files
    assert str(deep / "same-run-copied.gpx") in files
    assert "ingest.corrupt_file" in details
    assert "duplicate of" + str(deep / "morning-run-with-a-long-name.gpx") in details
    assert "1 imported, 1 duplicates, 1 skipped" in out


def test_show_prints_rounded_values_with_units_laps_and_warnings_and_takes_runner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.ingest import builders

    run = tmp_path / "run.tcx"
    run.write_bytes(builders.tcx(n=1801, step_m=2.8, hr=234))
    assert main(["import", str(run), "--runner", "ann", "--json"]) == 0
    (activity_id,) = json.loads(capsys.readouterr().out)["files"][0]["activity_ids"]
    assert main(["activities", "show", activity_id[:6], "--runner", "ann"]) == 0
    out = capsys.readouterr().out
    assert "5.04 km" in out
    assert "0:30:00 elapsed" in out
    assert "5:57 /km" in out
    assert "234 bpm avg" in out
    assert "1 laps" in out
    assert "data.hr_implausible" in out
    assert "heart rate left out of the load" in out
    assert main(["activities", "show", activity_id[:6], "--runner", "bob", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "activity.not_found"


def test_inspect_lists_the_data_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.ingest import builders

    laps = tmp_path / "laps.tcx"
    laps.write_bytes(builders.tcx(sport="Biking", n=2, lap_seconds=4566.0, lap_metres=13680.0))
    assert main(["activities", "inspect", str(laps), "--json"]) == 0
    item = json.loads(capsys.readouterr().out)
    assert [w["code"] for w in item["warnings"]] == ["data.laps_disagree_with_track"]
    assert main(["activities", "inspect", str(laps)]) == 0
    assert "left out of the load" in capsys.readouterr().out
