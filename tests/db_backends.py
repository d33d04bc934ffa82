"""Database fixtures: every store/service/API test runs on SQLite and on PostgreSQL.

The PostgreSQL cluster is started by ``scripts/with-postgres.sh`` (``make test``), which exports
``BACKSTRIDE_TEST_POSTGRES_URL``. The postgres half never skips: a missing URL fails the test.
Each xdist worker gets its own database; each test starts from empty, migrated tables.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.store.base import Base
from backstride.store.db import make_engine, session_factory
from backstride.store.migrate import upgrade

BACKENDS = ("sqlite", "postgres")
POSTGRES_ENV = "BACKSTRIDE_TEST_POSTGRES_URL"


def postgres_admin_url() -> str:
    """The private cluster's URL, or a loud failure (postgres tests never skip)."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(
            f"{POSTGRES_ENV} is not set: run the suite with `make test` "
            "(scripts/with-postgres.sh starts a private PostgreSQL cluster)"
        )
    return url


def fresh_postgres_database(name: str) -> str:
    """Drop and create database ``name`` on the private cluster; its URL."""
    admin = postgres_admin_url()
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _postgres_worker_url(worker_id: str) -> str:
    url = fresh_postgres_database(f"backstride_test_{worker_id}")
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "backstride.db"
    upgrade(f"sqlite:///{path}")
    return path


_CLEANERS: dict[str, Engine] = {}


def _empty_all(url: str) -> None:
    """Delete every row (faster than TRUNCATE for the handful of rows a test leaves)."""
    engine = _CLEANERS.get(url)
    if engine is None:
        engine = _CLEANERS[url] = make_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # past the audit log's append-only triggers
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        if engine.dialect.name == "postgresql":  # procrastinate's queue (migration 0003)
            conn.exec_driver_sql("DELETE FROM procrastinate_jobs")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test: ``sqlite`` or ``postgres``."""
    return str(request.param)


@pytest.fixture
def db_settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings on an empty, migrated database of ``backend`` (data folder in tmp_path)."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if backend == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        shutil.copyfile(template, data_dir / "backstride.db")
        return Settings(data_dir=data_dir, cookie_secure=False)
    url: str = request.getfixturevalue("_postgres_worker_url")
    _empty_all(url)
    return Settings(data_dir=data_dir, database_url=url, cookie_secure=False)


@pytest.fixture
def engine(db_settings: Settings) -> Iterator[Engine]:
    """An engine on the test database, disposed afterwards."""
    eng = make_engine(db_settings.effective_database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the test database."""
    with session_factory(engine)() as sess:
        yield sess
