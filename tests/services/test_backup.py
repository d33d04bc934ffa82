"""Backups restore exactly what was there; a damaged one is refused and the store left as it was."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from backstride.cli.main import app as cli
from backstride.cli.main import main
from backstride.config import Settings
from backstride.services.backup import (
    BackupCorrupt,
    BackupIncompatible,
    create_backup,
    restore_backup,
)
from backstride.services.blobstore import blob_store
from backstride.services.imports.importing import import_paths
from backstride.store.db import make_engine, session_factory
from backstride.store.migrate import upgrade
from backstride.store.models import Activity, Blob, PainEntry, Runner
from backstride.units import new_id
from tests.db_backends import BACKENDS, fresh_postgres_database
from tests.gpx_builder import gpx_run

NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
OLD = "0005_activity_hr_time"


def _settings(backend: str, root: Path, name: str, worker_id: str) -> Settings:
    data = root / name
    data.mkdir(parents=True)
    if backend == "sqlite":
        return Settings(data_dir=data)
    url = fresh_postgres_database(f"backstride_{name}_{worker_id}")
    return Settings(data_dir=data, database_url=url)


def _session(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.effective_database_url, null_pool=True)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _seed(settings: Settings, folder: Path) -> str:
    """A runner with one imported run (and its original file) and one pain entry."""
    upgrade(settings.effective_database_url)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "run.gpx").write_bytes(gpx_run())
    for session in _session(settings):
        report = import_paths(
            session, settings=settings, runner_handle="ann", paths=[folder / "run.gpx"], now=NOW
        )
        session.add(
            PainEntry(
                id=new_id(),
                runner_id=report.runner_id,
                entry_date=NOW.date(),
                nprs_now=3,
                logged_at=NOW,
            )
        )
        session.commit()
        return report.runner_id
    raise AssertionError


def _counts(settings: Settings) -> tuple[int, int, int]:
    for session in _session(settings):
        return (
            session.scalar(select(func.count()).select_from(Activity)) or 0,
            session.scalar(select(func.count()).select_from(PainEntry)) or 0,
            session.scalar(select(func.count()).select_from(Blob)) or 0,
        )
    raise AssertionError


def _add_pain(settings: Settings, runner_id: str) -> None:
    for session in _session(settings):
        session.add(
            PainEntry(
                id=new_id(), runner_id=runner_id, entry_date=NOW.date(), nprs_now=7, logged_at=NOW
            )
        )
        session.commit()


def _head() -> str:
    from alembic.script import ScriptDirectory

    from backstride.store.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path, worker_id: str) -> Settings:
    return _settings(str(request.param), tmp_path, "live", worker_id)


def test_a_backup_restores_the_database_and_the_original_files_as_they_were(
    store: Settings, tmp_path: Path
) -> None:
    runner_id = _seed(store, tmp_path / "in")
    backup = create_backup(store, tmp_path / "b.tar", now=NOW)
    assert backup.files == 2  # the database and one original
    _add_pain(store, runner_id)
    blob_store(store).remove_runner(runner_id)
    assert _counts(store) == (1, 2, 1)
    restore_backup(store, tmp_path / "b.tar")
    assert _counts(store) == (1, 1, 1)
    for session in _session(store):
        sha = session.scalars(select(Blob.sha256)).one()
    assert blob_store(store).read(runner_id, sha) == gpx_run()


@pytest.mark.parametrize("damage", ["flip", "truncate", "not-a-tar", "extra-member"])
def test_a_damaged_backup_is_refused_and_the_live_store_is_untouched(
    store: Settings, tmp_path: Path, damage: str
) -> None:
    runner_id = _seed(store, tmp_path / "in")
    path = tmp_path / "b.tar"
    create_backup(store, path, now=NOW)
    _add_pain(store, runner_id)
    raw = bytearray(path.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0xFF
        path.write_bytes(bytes(raw))
    elif damage == "truncate":
        path.write_bytes(bytes(raw[: len(raw) // 3]))
    elif damage == "not-a-tar":
        path.write_bytes(b"hello, this is not a backup" * 100)
    else:
        with tarfile.open(path, "a") as tar:
            extra = tmp_path / "evil.txt"
            extra.write_text("not listed")
            tar.add(extra, arcname="blobs/evil.txt")
    before = _counts(store)
    with pytest.raises(BackupCorrupt) as caught:
        restore_backup(store, path)
    assert caught.value.code == "backup.corrupt"
    assert _counts(store) == before == (1, 2, 1)
    assert not list(store.data_dir.glob(".restore-*"))


def test_a_backup_of_an_older_schema_restores_and_then_upgrades(
    store: Settings, tmp_path: Path, worker_id: str
) -> None:
    backend = "sqlite" if store.database_url is None else "postgres"
    old = _settings(backend, tmp_path, "old", worker_id)
    upgrade(old.effective_database_url, OLD)
    engine = make_engine(old.effective_database_url, null_pool=True)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO runners (id, handle, display_name, timezone, preferences, "
                "created_at) VALUES (:id, 'old', 'Old', 'UTC', '{}', :at)"
            ),
            {"id": "a" * 32, "at": NOW.replace(tzinfo=None) if backend == "sqlite" else NOW},
        )
    engine.dispose()
    create_backup(old, tmp_path / "old.tar", now=NOW)
    upgrade(store.effective_database_url)
    restore_backup(store, tmp_path / "old.tar")
    engine = make_engine(store.effective_database_url, null_pool=True)
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert revision == _head()
    for session in _session(store):
        assert session.scalars(select(Runner.handle)).all() == ["old"]


def test_a_backup_of_the_other_kind_of_store_is_refused(tmp_path: Path, worker_id: str) -> None:
    lite = _settings("sqlite", tmp_path, "lite", worker_id)
    _seed(lite, tmp_path / "in")
    create_backup(lite, tmp_path / "lite.tar", now=NOW)
    pg = _settings("postgres", tmp_path, "pg", worker_id)
    upgrade(pg.effective_database_url)
    with pytest.raises(BackupIncompatible):
        restore_backup(pg, tmp_path / "lite.tar")


def test_the_command_line_backs_up_and_restores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    runner_id = _seed(settings, tmp_path / "in")
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(settings.data_dir))
    made = CliRunner().invoke(cli, ["db", "backup", str(tmp_path / "cli.tar")])
    assert made.exit_code == 0, made.output
    _add_pain(settings, runner_id)
    back = CliRunner().invoke(cli, ["db", "restore", str(tmp_path / "cli.tar"), "--yes"])
    assert back.exit_code == 0, back.output
    assert _counts(settings) == (1, 1, 1)
    db = sqlite3.connect(settings.data_dir / "backstride.db")
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()
    broken = tmp_path / "broken.tar"
    broken.write_bytes(b"garbage")
    assert main(["db", "restore", str(broken), "--yes"]) == 2
    assert "backup.corrupt" in capsys.readouterr().err
