"""Online backup and restore of the whole store: database plus original files, with checksums.

A backup is one tar file::

    manifest.json      format, backend, schema revision, app version, SHA-256 of every member
    database.sqlite    SQLite: ``VACUUM INTO`` (a consistent copy taken while the server runs)
    database.pgdump    PostgreSQL: ``pg_dump --format=custom`` (one snapshot transaction)
    blobs/...          the original files as stored (still encrypted if a blob key is set;
                       the key is never in the backup)

Restore checks everything before it touches the live store: the tar opens, the manifest lists
exactly the members present with matching SHA-256, the database copy passes its own check
(``PRAGMA integrity_check`` / ``pg_restore --list``) and migrates to the newest schema in the
staging copy (SQLite). Any failure is ``backup.corrupt`` (or ``backup.incompatible``) and the
live store is untouched. Then the database is replaced (SQLite's online backup API into the live
file; on PostgreSQL one ``psql --single-transaction`` that drops and recreates the schema from
the dump) and migrated, and the blob folder is swapped in. See docs/decisions/0018.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from sqlalchemy import text
from sqlalchemy.engine import make_url

from backstride import __version__
from backstride.config import Settings
from backstride.errors import BackstrideError, InvalidInput
from backstride.store.db import make_engine
from backstride.store.migrate import alembic_config, upgrade

FORMAT = "backstride-backup/1"
MANIFEST = "manifest.json"
_CHUNK = 1 << 20


class BackupCorrupt(InvalidInput):
    """The backup file is damaged or altered: nothing was restored."""

    default_code: ClassVar[str] = "backup.corrupt"


class BackupIncompatible(InvalidInput):
    """The backup is for another kind of store or a newer backstride."""

    default_code: ClassVar[str] = "backup.incompatible"


class BackupToolFailed(BackstrideError):
    """A PostgreSQL client tool (pg_dump, pg_restore, psql) failed."""

    status: ClassVar[int] = 500
    default_code: ClassVar[str] = "backup.tool_failed"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a backup holds."""

    path: Path
    backend: str
    revision: str | None
    files: int
    bytes: int


def _backend(settings: Settings) -> str:
    name = make_url(settings.effective_database_url).get_backend_name()
    return "postgresql" if name == "postgresql" else "sqlite"


def _sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.effective_database_url).database
    if not database or database == ":memory:":
        raise InvalidInput("backups need a SQLite file, not memory", code="backup.unsupported")
    return Path(database)


def _pg_args(settings: Settings) -> tuple[list[str], dict[str, str]]:
    """libpq connection options for the client tools (password in the environment only)."""
    url = make_url(settings.effective_database_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return [f"--dbname={plain.render_as_string(hide_password=False)}"], env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
        if not candidates:
            raise BackupToolFailed(
                f"{name} is not installed (Debian: postgresql-client)", code="backup.tool_missing"
            )
        found = str(candidates[-1])
    return found


def _run(args: list[str], *, env: dict[str, str], stdin: bytes | None = None) -> bytes:
    done = subprocess.run(  # noqa: S603  (fixed tool, arguments we built)
        args, input=stdin, env=env, capture_output=True, check=False
    )
    if done.returncode != 0:
        tool = Path(args[0]).name
        message = done.stderr.decode(errors="replace").strip()[-2000:]
        raise BackupToolFailed(f"{tool} failed: {message}")
    return done.stdout


def _revision(settings: Settings) -> str | None:
    engine = make_engine(settings.effective_database_url, null_pool=True)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def create_backup(settings: Settings, target: Path, *, now: dt.datetime) -> BackupInfo:
    """Write a backup of the live store to ``target`` (a tar file; replaced atomically)."""
    backend = _backend(settings)
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as work:
        staging = Path(work)
        if backend == "sqlite":
            db_name = "database.sqlite"
            conn = sqlite3.connect(_sqlite_path(settings))
            try:
                conn.execute("VACUUM INTO ?", (str(staging / db_name),))
            finally:
                conn.close()
        else:
            db_name = "database.pgdump"
            args, env = _pg_args(settings)
            _run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={staging / db_name}",
                    *args,
                ],
                env=env,
            )
        members: list[tuple[str, Path]] = [(db_name, staging / db_name)]
        blob_root = settings.blob_dir
        if blob_root.is_dir():
            for path in sorted(p for p in blob_root.rglob("*") if p.is_file()):
                if path.name.startswith(".tmp-"):
                    continue  # a write in progress
                members.append(("blobs/" + path.relative_to(blob_root).as_posix(), path))
        files: dict[str, dict[str, Any]] = {
            name: {"sha256": _sha256(p), "bytes": p.stat().st_size} for name, p in members
        }
        revision = _revision(settings)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "backend": backend,
            "revision": revision,
            "app_version": __version__,
            "created_at": now.isoformat(),
            "files": files,
        }
        partial = staging / "backup.tar"
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
            for name, path in members:
                tar.add(path, arcname=name, recursive=False)
        os.replace(partial, target)
    total = sum(int(f["bytes"]) for f in files.values())
    return BackupInfo(target, backend, revision, len(files), total)


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and "\\" not in name


def _unpack(source: Path, staging: Path) -> dict[str, Any]:
    """Extract and verify every member into ``staging``; the manifest. ``backup.corrupt``."""
    try:
        tar = tarfile.open(source, "r:")  # noqa: SIM115  (closed by the with below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupCorrupt(f"not a readable backup: {exc}") from exc
    with tar:
        try:
            entries = tar.getmembers()
            by_name = {m.name: m for m in entries}
            head = by_name.get(MANIFEST)
            reader = tar.extractfile(head) if head is not None else None
            if reader is None:
                raise BackupCorrupt("the backup has no manifest")
            manifest = json.loads(reader.read())
            files: dict[str, dict[str, Any]] = manifest["files"]
            if manifest.get("format") != FORMAT:
                raise BackupCorrupt(f"unknown backup format {manifest.get('format')!r}")
            listed = set(files) | {MANIFEST}
            if set(by_name) != listed:
                raise BackupCorrupt("the backup's members do not match its manifest")
            for name, expected in files.items():
                member = by_name[name]
                if not (member.isfile() and _safe_name(name)):
                    raise BackupCorrupt(f"unexpected member {name!r}")
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                stream = tar.extractfile(member)
                assert stream is not None
                with target.open("wb") as out:
                    while chunk := stream.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected["sha256"]:
                    raise BackupCorrupt(f"{name} does not match its checksum")
        except BackupCorrupt:
            raise
        except (OSError, tarfile.TarError, ValueError, KeyError, TypeError) as exc:
            raise BackupCorrupt(f"the backup is damaged: {exc}") from exc
    return dict(manifest)


def _known_revision(revision: str | None) -> bool:
    from alembic.script import ScriptDirectory

    if revision is None:
        return True
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for unknown ids
        return False


def restore_backup(settings: Settings, source: Path) -> BackupInfo:
    """Replace the live store with the backup at ``source`` (verified first), then migrate."""
    backend = _backend(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.data_dir, prefix=".restore-") as work:
        staging = Path(work)
        manifest = _unpack(source, staging)
        if manifest.get("backend") != backend:
            raise BackupIncompatible(
                f"this is a {manifest.get('backend')} backup; the store is {backend}",
                code="backup.incompatible",
            )
        revision = manifest.get("revision")
        if not (revision is None or isinstance(revision, str)) or not _known_revision(revision):
            raise BackupIncompatible(
                f"the backup's schema {revision!r} is newer than this backstride",
                code="backup.incompatible",
            )
        if backend == "sqlite":
            _restore_sqlite(settings, staging / "database.sqlite")
        else:
            _restore_postgres(settings, staging / "database.pgdump")
        _swap_blobs(settings, staging / "blobs")
        files = manifest["files"]
    total = sum(int(f["bytes"]) for f in files.values())
    return BackupInfo(source, backend, revision, len(files), total)


def _restore_sqlite(settings: Settings, copy: Path) -> None:
    try:
        conn = sqlite3.connect(copy)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupCorrupt(f"the database in the backup is damaged: {exc}") from exc
    if verdict != [("ok",)]:
        raise BackupCorrupt(f"the database in the backup is damaged: {verdict[:3]}")
    upgrade(f"sqlite:///{copy}")  # an older schema moves forward in the copy, not in the store
    live = _sqlite_path(settings)
    live.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(copy), sqlite3.connect(live, timeout=30)
    try:
        src.backup(dst)  # page by page under SQLite's locks: safe while the server runs
    finally:
        src.close()
        dst.close()


def _restore_postgres(settings: Settings, dump: Path) -> None:
    args, env = _pg_args(settings)
    try:
        _run([_tool("pg_restore"), "--list", str(dump)], env=env)
        script = _run(
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
            env=env,
        )
    except BackupToolFailed as exc:
        raise BackupCorrupt(f"the database dump in the backup is damaged: {exc.detail}") from exc
    reset = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
    _run(
        [
            _tool("psql"),
            "--quiet",
            "--no-psqlrc",
            "--single-transaction",
            "-v",
            "ON_ERROR_STOP=1",
            *args,
        ],
        env=env,
        stdin=reset + script,
    )
    upgrade(settings.effective_database_url)


def _swap_blobs(settings: Settings, staged: Path) -> None:
    live = settings.blob_dir
    old = live.with_name(f".{live.name}-before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if live.exists():
        live.rename(old)
    if staged.is_dir():
        staged.rename(live)
    else:
        live.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(old, ignore_errors=True)


__all__ = [
    "FORMAT",
    "BackupCorrupt",
    "BackupIncompatible",
    "BackupInfo",
    "BackupToolFailed",
    "create_backup",
    "restore_backup",
]
