"""clinics.rules_version: a stamp that every change to a clinic's booking set-up bumps

Revision ID: 0013_clinic_rules_version
Revises: 0012_intake_drafts

A booking process keeps each clinic's rules (policy, appointment types, rooms, hours, time off,
clinicians) in memory and reuses them while ``clinics.rules_version`` is unchanged
(docs/decisions/0061). The stamp is bumped by triggers, in the same transaction as the change,
whatever writes it (services, CLI, another process, raw SQL):

- INSERT, UPDATE or DELETE on booking_policies, appointment_types, clinic_rooms,
  clinic_hours, clinic_time_off and clinic_members bumps the row's clinic (old and new clinic
  when an UPDATE moves a row);
- an UPDATE of an account's role, is_active or display_name bumps every clinic it belongs to.

Frozen: this file imports nothing from backstride.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_clinic_rules_version"
down_revision: str | None = "0012_intake_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = (
    "booking_policies",
    "appointment_types",
    "clinic_rooms",
    "clinic_hours",
    "clinic_time_off",
    "clinic_members",
)
_ACCOUNT_COLUMNS = "role, is_active, display_name"
_BUMP = "UPDATE clinics SET rules_version = rules_version + 1 WHERE id = {ref}.clinic_id"
_BUMP_MEMBER_CLINICS = (
    "UPDATE clinics SET rules_version = rules_version + 1 WHERE id IN "
    "(SELECT clinic_id FROM clinic_members WHERE account_id = NEW.id)"
)


def upgrade() -> None:
    with op.batch_alter_table("clinics") as batch:
        batch.add_column(
            sa.Column("rules_version", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()


def _postgres_triggers() -> None:
    op.execute(
        "CREATE FUNCTION bump_clinic_rules_version() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
        f"    {_BUMP.format(ref='OLD')};\n"
        "  END IF;\n"
        "  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.clinic_id IS DISTINCT FROM "
        "OLD.clinic_id) THEN\n"
        f"    {_BUMP.format(ref='NEW')};\n"
        "  END IF;\n"
        "  RETURN NULL;\n"
        "END $$"
    )
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_rules_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION bump_clinic_rules_version()"
        )
    op.execute(
        "CREATE FUNCTION bump_member_clinics_rules_version() RETURNS trigger "
        "LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  {_BUMP_MEMBER_CLINICS};\n  RETURN NULL;\nEND $$"
    )
    op.execute(
        f"CREATE TRIGGER accounts_rules_version AFTER UPDATE OF {_ACCOUNT_COLUMNS} ON accounts "
        "FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role "
        "OR OLD.is_active IS DISTINCT FROM NEW.is_active "
        "OR OLD.display_name IS DISTINCT FROM NEW.display_name) "
        "EXECUTE FUNCTION bump_member_clinics_rules_version()"
    )


def _sqlite_triggers() -> None:
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_rules_version_insert AFTER INSERT ON {table} "
            f"BEGIN {_BUMP.format(ref='NEW')}; END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_rules_version_update AFTER UPDATE ON {table} "
            f"BEGIN {_BUMP.format(ref='OLD')}; "
            f"{_BUMP.format(ref='NEW')} AND NEW.clinic_id IS NOT OLD.clinic_id; END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_rules_version_delete AFTER DELETE ON {table} "
            f"BEGIN {_BUMP.format(ref='OLD')}; END"
        )
    op.execute(
        f"CREATE TRIGGER accounts_rules_version AFTER UPDATE OF {_ACCOUNT_COLUMNS} ON accounts "
        "WHEN OLD.role IS NOT NEW.role OR OLD.is_active IS NOT NEW.is_active "
        "OR OLD.display_name IS NOT NEW.display_name "
        f"BEGIN {_BUMP_MEMBER_CLINICS}; END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS accounts_rules_version ON accounts")
        for table in _TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_rules_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_member_clinics_rules_version()")
        op.execute("DROP FUNCTION IF EXISTS bump_clinic_rules_version()")
    else:
        op.execute("DROP TRIGGER IF EXISTS accounts_rules_version")
        for table in _TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_rules_version_{event}")
    with op.batch_alter_table("clinics") as batch:
        batch.drop_column("rules_version")
