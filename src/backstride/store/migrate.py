"""Alembic migrations driven from code: upgrade, downgrade and a drift check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from backstride.store.base import Base

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations and ``url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Take the database at ``url`` down to ``revision``."""
    command.downgrade(alembic_config(url), revision)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave procrastinate's tables (migration ``0003_job_queue``) out of drift checks."""
    del obj, reflected, compare_to
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


def drift(engine: Engine) -> list[Any]:
    """Differences between the migrated database and the ORM models (empty = no drift)."""
    import backstride.store.models  # noqa: F401  (registers the tables)

    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        return list(compare_metadata(ctx, Base.metadata))


__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "downgrade",
    "drift",
    "include_object",
    "upgrade",
]
