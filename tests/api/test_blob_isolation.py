"""Original files never cross a runner's boundary: exports, deletion and de-duplication."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services.imports.importing import import_paths
from backstride.store.models import Activity, Blob, Runner
from tests.api.world import NOW, World, build_world, client_for
from tests.gpx_builder import gpx_run

PRIVATE_NAME = "Jane-Doe-physio-notes.gpx"


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, history=False)


def _handle(session: Session, runner_id: str) -> str:
    runner = session.get(Runner, runner_id)
    assert runner is not None
    return runner.handle


def _import(session: Session, settings: Settings, handle: str, folder: Path, name: str) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(gpx_run())
    return import_paths(session, settings=settings, runner_handle=handle, paths=[path], now=NOW)


def _export(client: TestClient, world: World, actor: str) -> dict[str, bytes]:
    r = client.get("/api/v1/me/export", headers=world.headers(actor))
    assert r.status_code == 200, r.text
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _everything(members: dict[str, bytes]) -> bytes:
    return b"\n".join(name.encode() + b"\n" + data for name, data in members.items())


@pytest.fixture
def same_bytes(
    session: Session, db_settings: Settings, world: World, tmp_path: Path
) -> dict[str, Any]:
    """Runner A uploads a file with a private name; runner B uploads the very same bytes."""
    a = _import(
        session, db_settings, _handle(session, world.runner_a), tmp_path / "a", PRIVATE_NAME
    )
    b = _import(
        session, db_settings, _handle(session, world.runner_b), tmp_path / "b", "my-run.gpx"
    )
    return {"a": a, "b": b}


def test_two_runners_with_the_same_bytes_each_see_only_their_own_file_name(
    same_bytes: dict[str, Any], db_settings: Settings, world: World
) -> None:
    assert same_bytes["a"].imported == same_bytes["b"].imported == 1
    for client in client_for(db_settings):
        mine_b = _export(client, world, "runner_b")
        mine_a = _export(client, world, "runner_a")
    assert [b["filename"] for b in json.loads(mine_b["data/blobs.json"])] == ["my-run.gpx"]
    assert [b["filename"] for b in json.loads(mine_a["data/blobs.json"])] == [PRIVATE_NAME]
    assert b"Jane-Doe" not in _everything(mine_b)
    originals_b = [n for n in mine_b if n.startswith("originals/")]
    assert len(originals_b) == 1
    assert originals_b[0].endswith("-my-run.gpx")
    assert mine_b[originals_b[0]] == gpx_run()


def test_an_export_carries_no_server_path(
    same_bytes: dict[str, Any], db_settings: Settings, world: World
) -> None:
    del same_bytes
    for client in client_for(db_settings):
        everything = _everything(_export(client, world, "runner_a"))
    assert str(db_settings.data_dir).encode() not in everything
    assert b"/tmp/" not in everything
    assert b"upload_path" not in everything


def test_deleting_runner_a_leaves_runner_b_whole_and_no_trace_of_a(
    same_bytes: dict[str, Any], db_settings: Settings, world: World, session: Session
) -> None:
    del same_bytes
    for client in client_for(db_settings):
        assert client.delete("/api/v1/me", headers=world.headers("runner_a")).status_code == 204
        mine_b = _export(client, world, "runner_b")
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Blob)) == 1
    assert session.scalars(select(Blob.runner_id)).all() == [world.runner_b]
    assert not (db_settings.blob_dir / world.runner_a).exists()
    stored = [p for p in db_settings.blob_dir.rglob("*") if p.is_file()]
    assert [p.relative_to(db_settings.blob_dir).parts[0] for p in stored] == [world.runner_b]
    originals = [data for name, data in mine_b.items() if name.startswith("originals/")]
    assert originals == [gpx_run()]
    assert b"Jane-Doe" not in _everything(mine_b)
    assert len(json.loads(mine_b["data/activities.json"])) == 1


def test_the_same_file_twice_for_one_runner_is_kept_once(
    session: Session, db_settings: Settings, world: World, tmp_path: Path
) -> None:
    handle = _handle(session, world.runner_a)
    first = _import(session, db_settings, handle, tmp_path / "1", "run.gpx")
    again = _import(session, db_settings, handle, tmp_path / "2", "run-copy.gpx")
    assert (first.imported, again.imported, again.duplicates) == (1, 0, 1)
    assert session.scalars(select(Blob.filename)).all() == ["run.gpx"]
    files = [p for p in (db_settings.blob_dir / world.runner_a).rglob("*") if p.is_file()]
    assert len(files) == 1


def test_an_activity_cannot_point_at_another_runners_original(
    same_bytes: dict[str, Any], session: Session, world: World
) -> None:
    """The composite foreign key (runner_id, blob_sha256) -> blobs holds in the database."""
    del same_bytes
    from sqlalchemy import delete
    from sqlalchemy.exc import IntegrityError

    sha = session.scalars(select(Activity.blob_sha256)).first()
    assert sha is not None
    session.execute(delete(Activity).where(Activity.runner_id == world.runner_b))
    session.execute(delete(Blob).where(Blob.runner_id == world.runner_b))
    session.commit()
    act = session.scalars(select(Activity).where(Activity.runner_id == world.runner_a)).one()
    table = cast(Table, Activity.__table__)
    columns = table.columns
    values = {c.key: getattr(act, c.key) for c in columns}
    values |= {"id": "f" * 32, "runner_id": world.runner_b, "dedup_key": "other"}
    with pytest.raises(IntegrityError):
        session.execute(table.insert().values(values))
    session.rollback()
