"""Shared fixtures: settings in a temporary data folder and the local activity corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstride.config import Settings
from tests.corpus import LOCAL_ROOT

pytest_plugins = ["tests.db_backends", "tests.mail_sink"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose data folder (and SQLite database) live in a fresh temporary folder."""
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def activities_dir() -> Path:
    """The local corpus of activity files (``tests/data/activities``, see its SOURCES.md)."""
    return LOCAL_ROOT
