"""audit_events: append-only (triggers refuse UPDATE/DELETE) and kept when a runner is deleted

Revision ID: 0009_audit_append_only
Revises: 0008_blobs_per_runner

The foreign key to ``runners`` (``ON DELETE CASCADE``) goes: deleting a runner keeps their audit
trail, keyed by the random runner id that no longer maps to anyone. Triggers refuse every UPDATE
and DELETE of an audit row (and TRUNCATE on PostgreSQL). Indexes for the compliance view's
filters (time, actor). docs/decisions/0017-audit-append-only.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009_audit_append_only"
down_revision: str | None = "0008_blobs_per_runner"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FK = "fk_audit_events_runner_id_runners"
_MESSAGE = "audit_events is append-only"

_SQLITE_UP = (
    f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
)
_SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
)
_PG_UP = (
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
)
_PG_DOWN = (
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(_FK, type_="foreignkey")
        batch_op.create_index("ix_audit_events_at", ["at"], unique=False)
        batch_op.create_index("ix_audit_events_actor_at", ["actor_account_id", "at"], unique=False)
    for statement in _SQLITE_UP if sqlite else _PG_UP:
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE_DOWN if sqlite else _PG_DOWN:
        op.execute(statement)
    # events of runners deleted meanwhile cannot point at a runner again
    op.execute(
        "DELETE FROM audit_events WHERE runner_id IS NOT NULL "
        "AND runner_id NOT IN (SELECT id FROM runners)"
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_actor_at")
        batch_op.drop_index("ix_audit_events_at")
        batch_op.create_foreign_key(_FK, "runners", ["runner_id"], ["id"], ondelete="CASCADE")
