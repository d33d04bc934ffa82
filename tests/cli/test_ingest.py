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
