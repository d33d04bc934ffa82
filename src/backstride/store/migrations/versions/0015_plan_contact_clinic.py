"""Plans say whether their current version asks the runner to contact the clinic

Revision ID: 0015_plan_contact_clinic
Revises: 0014_appointment_span_bound

When a runner's logs show worsening pain or bone pain, the adapted plan asks them to contact
the clinic now (``escalations`` in the plan document). The clinician's patient list puts those
runners right after the urgent ones. Sorting by the documents themselves would read every
consenting runner's current plan (about 150 KB of JSON each) for every page of the list. So
``plans.contact_clinic`` keeps the answer. It is written with every version stored
(``services.plans``, ``services.clinician_plan``) and filled here from each plan's current
version.

Frozen: this file imports nothing from backstride.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_plan_contact_clinic"
down_revision: str | None = "0014_appointment_span_bound"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(
            sa.Column("contact_clinic", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT p.id, v.document FROM plans p JOIN plan_versions v "
            "ON v.plan_id = p.id AND v.version = p.current_version"
        )
    )
    asking: list[str] = []
    for plan_id, document in rows:
        doc = json.loads(document) if isinstance(document, str | bytes) else document
        if isinstance(doc, dict) and doc.get("escalations"):
            asking.append(plan_id)
    update = sa.text("UPDATE plans SET contact_clinic = :yes WHERE id = :id")
    for start in range(0, len(asking), _BATCH):
        chunk = asking[start : start + _BATCH]
        bind.execute(update, [{"yes": True, "id": plan_id} for plan_id in chunk])


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("contact_clinic")
