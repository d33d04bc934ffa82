"""``backstride admin`` creates clinics and clinicians; ``backstride demo`` seeds logins."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from backstride.cli.main import app
from backstride.config import Settings


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(settings.data_dir))
    return settings


def test_an_admin_creates_a_clinic_and_a_clinician_from_the_command_line(env: Settings) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["admin", "create-clinic", "east", "--name", "East Physio"])
    assert made.exit_code == 0, made.output
    doc = runner.invoke(
        app,
        ["admin", "create-clinician", "doc@east.example", "--clinic", "east", "--name", "Dr E"],
        input="a long password\na long password\n",
    )
    assert doc.exit_code == 0, doc.output
    assert "clinician doc@east.example created" in doc.output


def test_the_demo_seeds_logins_for_each_role_and_is_idempotent(env: Settings) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["demo"])
    second = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "clinician@demo.backstride" in second.output
