"""The CLI entry point: version, configuration and database commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backstride import __version__
from backstride.cli.main import main


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip() == __version__


def test_config_show_json_lists_the_effective_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(tmp_path))
    assert main(["config", "show", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["effective_database_url"].endswith("backstride.db")
    assert data["secret_key"] == "**********"


def test_db_upgrade_through_the_installed_entry_point(tmp_path: Path) -> None:
    env = {"BACKSTRIDE_DATA_DIR": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    exe = Path(sys.executable).parent / "backstride"
    out = subprocess.run(
        [str(exe), "db", "upgrade"], env=env, capture_output=True, text=True, check=True
    )
    assert "database at head" in out.stdout
    assert (tmp_path / "backstride.db").exists()


def test_an_unknown_command_is_a_usage_error() -> None:
    assert main(["no-such-command"]) == 2
