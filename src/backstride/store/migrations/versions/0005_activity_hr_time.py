"""activities.hr_time: seconds at each heart rate, so training load never decodes streams

Revision ID: 0005_activity_hr_time
Revises: 0004_import_lease

Upgrade adds the column and fills it for every stored activity with streams (decoded once,
in batches); new imports fill it themselves. A row left NULL is computed from its streams when
the load is read, so nothing depends on the backfill having run.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_activity_hr_time"
down_revision: str | None = "0004_import_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 200


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hr_time", sa.LargeBinary(), nullable=True))
    _backfill()


def _backfill() -> None:
    from backstride.services.activity_rows import hr_time_from_streams

    bind = op.get_bind()
    acts = sa.table(
        "activities",
        sa.column("id", sa.String),
        sa.column("streams", sa.LargeBinary),
        sa.column("hr_time", sa.LargeBinary),
    )
    last = ""
    while True:
        rows = bind.execute(
            sa.select(acts.c.id, acts.c.streams)
            .where(acts.c.id > last, acts.c.streams.is_not(None), acts.c.hr_time.is_(None))
            .order_by(acts.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        values = [{"b_id": row.id, "b_hr_time": hr_time_from_streams(row.streams)} for row in rows]
        bind.execute(
            acts.update()
            .where(acts.c.id == sa.bindparam("b_id"))
            .values(hr_time=sa.bindparam("b_hr_time")),
            values,
        )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("hr_time")
