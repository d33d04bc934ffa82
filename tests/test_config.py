"""Settings read the BACKSTRIDE_ environment only when built, never at import."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstride.config import Settings, load_settings


def test_settings_read_the_prefixed_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BACKSTRIDE_SHOE_RETIRE_KM", "650")
    settings = load_settings()
    assert settings.data_dir == tmp_path
    assert settings.shoe_retire_km == 650
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'backstride.db'}"


def test_an_explicit_database_url_wins(tmp_path: Path) -> None:
    url = "postgresql+psycopg://u@127.0.0.1:5999/db"
    assert Settings(data_dir=tmp_path, database_url=url).effective_database_url == url


def test_invalid_values_are_refused() -> None:
    with pytest.raises(ValueError, match="shoe_retire_km"):
        Settings(shoe_retire_km=-1)
