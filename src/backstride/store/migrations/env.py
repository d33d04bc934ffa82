"""Alembic environment: batch mode on SQLite, naming convention from the models."""

from __future__ import annotations

from typing import Any

from alembic import context

import backstride.store.models  # noqa: F401  (registers the tables)
from backstride.store.base import Base
from backstride.store.db import make_engine
from backstride.store.migrate import include_object

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = make_engine(url, null_pool=True)
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connectable)


def _run(connection: object) -> None:
    is_sqlite = getattr(getattr(connection, "dialect", None), "name", "") == "sqlite"
    if is_sqlite:
        # A batch migration rebuilds a table (create copy, DROP, rename): with foreign keys on,
        # the DROP would run ON DELETE CASCADE on every child row. Off for the migration (a
        # pragma outside any transaction), checked afterwards.
        _driver(connection).execute("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=is_sqlite,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
    if is_sqlite:
        broken = _driver(connection).execute("PRAGMA foreign_key_check").fetchall()
        _driver(connection).execute("PRAGMA foreign_keys=ON")
        if broken:
            raise RuntimeError(f"migration left rows without their parent: {broken[:5]}")


def _driver(connection: object) -> Any:
    """The DB-API connection under a SQLAlchemy one (pragmas that must run outside BEGIN)."""
    return connection.connection.dbapi_connection  # type: ignore[attr-defined]


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
