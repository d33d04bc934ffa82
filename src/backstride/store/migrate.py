"""Alembic migrations driven from code: upgrade, downgrade and a drift check.

Alembic is imported where it is used: a command on a database already at the newest revision
(``upgrade_if_needed``) reads ``alembic_version`` and the revision ids written in the migration
files, and never loads Alembic (which costs about as much as the rest of the CLI's start-up).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from backstride.store.base import Base

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations and ``url``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Take the database at ``url`` down to ``revision``."""
    from alembic import command

    command.downgrade(alembic_config(url), revision)


_REVISION = re.compile(r"^revision\b[^=\n]*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def head_revisions() -> frozenset[str] | None:
    """The newest revision ids, read from the migration files' text (None when unsure)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        down = _DOWN.search(source)
        if found is None or down is None:
            return None
        revisions.add(found.group(1))
        parents.update(_QUOTED.findall(down.group(1).split("#", 1)[0]))
    heads = revisions - parents
    return frozenset(heads) if heads else None


def current_revisions(url: str) -> frozenset[str] | None:
    """The revision ids the database at ``url`` is stamped with (None: not migrated or not
    readable)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()
    return frozenset(str(r[0]) for r in rows)


def upgrade_if_needed(url: str) -> bool:
    """``upgrade(url)`` unless the database is already at the newest revision; True when
    migrations ran."""
    heads = head_revisions()
    if heads is not None and current_revisions(url) == heads:
        return False
    upgrade(url)
    return True


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave procrastinate's tables (migration ``0003_job_queue``) out of drift checks."""
    del obj, reflected, compare_to
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


def drift(engine: Engine) -> list[Any]:
    """Differences between the migrated database and the ORM models (empty = no drift).

    SQLite's expression indexes of the booking invariant (migration
    ``0014_appointment_span_bound``, searched by its triggers, like them not in the models)
    cannot be reflected: SQLAlchemy's warning about them is expected."""
    import warnings

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import backstride.store.models  # noqa: F401  (registers the tables)

    with engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message=r"Skipped unsupported reflection of expression-based index "
            r"ix_appointments_\w+_julian_blocked",
        )
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        return list(compare_metadata(ctx, Base.metadata))


__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revisions",
    "downgrade",
    "drift",
    "head_revisions",
    "include_object",
    "upgrade",
    "upgrade_if_needed",
]
