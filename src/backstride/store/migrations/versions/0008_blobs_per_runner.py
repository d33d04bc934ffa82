"""blobs: one row per (runner, sha256), so content de-duplication never crosses runners

Revision ID: 0008_blobs_per_runner
Revises: 0007_accounts_and_sessions

Before: one ``blobs`` row per digest, named after whoever uploaded it first, shared by every
runner who uploaded the same bytes (their exports showed the first uploader's file name).
After: ``blobs(runner_id, sha256)`` with each runner's own row, and activities reference the
blob of their own runner (composite foreign key). Existing rows are split per runner: the
runner who uploaded the file first keeps its name, any other gets a neutral
``original-<sha12>.<ext>``. Blobs no activity refers to are dropped (they have no owner).
Files on disk move to per-runner folders at the next ``backstride db upgrade`` / ``serve``
(``services.blobstore.adopt_legacy``). docs/decisions/0015-blobs-per-runner.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008_blobs_per_runner"
down_revision: str | None = "0007_accounts_and_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUFFIX = re.compile(r"(\.(?:fit|gpx|tcx)(?:\.gz)?)$", re.IGNORECASE)
_OLD_FK = "fk_activities_blob_sha256_blobs"
_NEW_FK = "fk_activities_runner_id_blobs"


def _at_type() -> Any:
    return sa.DateTime(timezone=True)


def _neutral_name(sha: str, filename: str, fmt: str | None) -> str:
    found = _SUFFIX.search(filename or "")
    suffix = found.group(1).lower() if found else (f".{fmt}" if fmt else "")
    return f"original-{sha[:12]}{suffix}"


def _blob_table() -> sa.Table:
    return sa.Table(
        "blobs",
        sa.MetaData(),
        sa.Column("runner_id", sa.String(32)),
        sa.Column("sha256", sa.String(64)),
        sa.Column("size_bytes", sa.Integer()),
        sa.Column("filename", sa.String(255)),
        sa.Column("created_at", _at_type()),
    )


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    old = {
        r.sha256: r
        for r in bind.execute(
            sa.text("SELECT sha256, size_bytes, filename, created_at FROM blobs")
        ).all()
    }
    uses = bind.execute(
        sa.text(
            "SELECT runner_id, blob_sha256, MIN(imported_at) AS first_at, MAX(format) AS fmt "
            "FROM activities WHERE blob_sha256 IS NOT NULL GROUP BY runner_id, blob_sha256"
        )
    ).all()
    by_sha: dict[str, list[Any]] = {}
    for use in uses:
        if use.blob_sha256 in old:
            by_sha.setdefault(use.blob_sha256, []).append(use)
    rows: list[dict[str, Any]] = []
    for sha, users in by_sha.items():
        blob = old[sha]
        first = min(u.first_at for u in users)
        firsts = [u for u in users if u.first_at == first]
        owner = firsts[0].runner_id if len(firsts) == 1 else None
        for use in users:
            name = blob.filename if use.runner_id == owner else None
            rows.append(
                {
                    "runner_id": use.runner_id,
                    "sha256": sha,
                    "size_bytes": blob.size_bytes,
                    "filename": name or _neutral_name(sha, blob.filename, use.fmt),
                    "created_at": blob.created_at if name else use.first_at,
                }
            )

    if not sqlite:
        op.drop_constraint(_OLD_FK, "activities", type_="foreignkey")
    op.drop_table("blobs")
    op.create_table(
        "blobs",
        sa.Column("runner_id", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("created_at", _at_type(), nullable=False),
        sa.ForeignKeyConstraint(
            ["runner_id"],
            ["runners.id"],
            name=op.f("fk_blobs_runner_id_runners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("runner_id", "sha256", name=op.f("pk_blobs")),
    )
    if rows:
        _insert(bind, rows)
    with op.batch_alter_table("activities", schema=None) as batch_op:
        if sqlite:
            batch_op.drop_constraint(_OLD_FK, type_="foreignkey")
        batch_op.create_foreign_key(
            _NEW_FK, "blobs", ["runner_id", "blob_sha256"], ["runner_id", "sha256"]
        )


def _insert(bind: Any, rows: list[dict[str, Any]]) -> None:
    if bind.dialect.name == "sqlite":
        # raw values as read (SQLite keeps UTC datetimes as naive text)
        bind.execute(
            sa.text(
                "INSERT INTO blobs (runner_id, sha256, size_bytes, filename, created_at) "
                "VALUES (:runner_id, :sha256, :size_bytes, :filename, :created_at)"
            ),
            rows,
        )
        return
    bind.execute(_blob_table().insert(), rows)


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    rows = bind.execute(
        sa.text(
            "SELECT runner_id, sha256, size_bytes, filename, created_at FROM blobs "
            "ORDER BY created_at, runner_id"
        )
    ).all()
    first: dict[str, dict[str, Any]] = {}
    for r in rows:
        first.setdefault(
            r.sha256,
            {
                "sha256": r.sha256,
                "size_bytes": r.size_bytes,
                "filename": r.filename,
                "created_at": r.created_at,
            },
        )
    if not sqlite:
        op.drop_constraint(_NEW_FK, "activities", type_="foreignkey")
    op.drop_table("blobs")
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("created_at", _at_type(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    if first:
        bind.execute(
            sa.text(
                "INSERT INTO blobs (sha256, size_bytes, filename, created_at) "
                "VALUES (:sha256, :size_bytes, :filename, :created_at)"
            ),
            list(first.values()),
        )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        if sqlite:
            batch_op.drop_constraint(_NEW_FK, type_="foreignkey")
        batch_op.create_foreign_key(_OLD_FK, "blobs", ["blob_sha256"], ["sha256"])
