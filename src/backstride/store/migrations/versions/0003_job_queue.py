"""job queue: procrastinate's tables and functions (PostgreSQL only)

Revision ID: 0003_job_queue
Revises: 0002_server

On PostgreSQL the import queue is procrastinate (services/imports/queue.py). Its schema ships with the
package (``procrastinate.schema.SchemaManager.get_schema()``, the 3.x schema; the dependency is
pinned to ``>=3.10,<4``); applying it here keeps one migration history for the whole database.
A later procrastinate release that changes its schema ships SQL deltas
(``procrastinate/sql/migrations``), which become Alembic migrations of their own. SQLite has no
procrastinate (one process; the table worker claims ``import_jobs`` rows): nothing to do there.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003_job_queue"
down_revision: str | None = "0002_server"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Everything procrastinate creates is named procrastinate_*: tables, functions, trigger
# functions, and enum and composite types. Dropping the tables (CASCADE) removes their triggers and indexes.
_DROP_ALL = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables
           WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate\\_%' LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.tablename);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\\_%' LOOP
    EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', r.sig);
  END LOOP;
  FOR r IN SELECT t.typname FROM pg_type t
           JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate\\_%'
             AND t.typtype IN ('e', 'c', 'd') LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', r.typname);
  END LOOP;
END $$;
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    # Many statements, no parameters; the driver still reads "%" as a placeholder mark, so
    # double it (as procrastinate's own ``apply_schema`` does).
    bind.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.exec_driver_sql(_DROP_ALL.replace("%", "%%"))
