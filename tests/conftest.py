"""Shared fixtures: settings in a temporary data folder and the shared activity corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstride.config import Settings

pytest_plugins = ["tests.db_backends", "tests.mail_sink"]

SHARED_ACTIVITIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "activities"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose data folder (and SQLite database) live in a fresh temporary folder."""
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def activities_dir() -> Path:
    """The shared corpus of real activity files (``../shared/data/activities``), read in place."""
    if not SHARED_ACTIVITIES.is_dir():
        pytest.fail(f"shared activity corpus missing at {SHARED_ACTIVITIES}")
    return SHARED_ACTIVITIES
