"""Export all of my data as a zip: one JSON file per table plus the original uploaded files.

Only the runner's own rows and originals (``blobs`` rows are per runner) and no server paths
(``import_jobs.upload_path`` is left out; file names are as the runner sent them).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import audit
from backstride.services.blobstore import blob_store
from backstride.services.policy import Principal, own_runner_id
from backstride.store.base import Base
from backstride.store.models import (
    Account,
    Activity,
    Assessment,
    AuditEvent,
    Blob,
    Consent,
    Gear,
    ImportJob,
    Intake,
    Lap,
    PainEntry,
    Plan,
    PlanVersion,
    QuestionnaireResponse,
    Runner,
    SessionLog,
)

_BY_RUNNER: tuple[type[Base], ...] = (
    Consent,
    Intake,
    Assessment,
    QuestionnaireResponse,
    Gear,
    Activity,
    ImportJob,
    Plan,
    SessionLog,
    PainEntry,
    AuditEvent,
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def row_dict(row: Base) -> dict[str, Any]:
    """A row as JSON-ready data (dates ISO, bytes base64)."""
    mapper = inspect(type(row))
    return {c.key: _plain(getattr(row, c.key)) for c in mapper.column_attrs}


def export_my_data(
    session: Session, *, principal: Principal, settings: Settings, now: dt.datetime
) -> bytes:
    """The zip archive of everything stored about me (README, JSON per table, originals).

    The export is recorded in the audit log (action ``export``).
    """
    runner_id = own_runner_id(principal)
    tables: dict[str, list[dict[str, Any]]] = {}
    account = session.get(Account, principal.account_id)
    if account is not None:
        data = row_dict(account)
        data.pop("password_hash", None)
        tables["accounts"] = [data]
    runner = session.get(Runner, runner_id)
    tables["runners"] = [row_dict(runner)] if runner else []
    for model in _BY_RUNNER:
        column = model.__table__.c.runner_id
        found = session.scalars(select(model).where(column == runner_id)).all()
        tables[str(model.__tablename__)] = [row_dict(r) for r in found]
    activity_ids = [a["id"] for a in tables["activities"]]
    plan_ids = [p["id"] for p in tables["plans"]]
    tables["laps"] = [
        row_dict(r)
        for r in session.scalars(select(Lap).where(Lap.activity_id.in_(activity_ids))).all()
    ]
    tables["plan_versions"] = [
        row_dict(r)
        for r in session.scalars(select(PlanVersion).where(PlanVersion.plan_id.in_(plan_ids)))
    ]
    for job in tables["import_jobs"]:
        job.pop("upload_path", None)  # a server folder, not the runner's data
    blobs = session.scalars(
        select(Blob).where(Blob.runner_id == runner_id).order_by(Blob.created_at, Blob.sha256)
    ).all()
    tables["blobs"] = [row_dict(b) for b in blobs]
    store = blob_store(settings)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "README.txt",
            "backstride export: one JSON file per table in data/, original files in originals/.\n",
        )
        for name, rows in sorted(tables.items()):
            zf.writestr(f"data/{name}.json", json.dumps(rows, indent=1, ensure_ascii=False))
        for blob in blobs:
            original = store.read(runner_id, blob.sha256)
            if original is not None:
                safe = Path(blob.filename).name or blob.sha256
                zf.writestr(f"originals/{blob.sha256[:12]}-{safe}", original)
    archive = buffer.getvalue()
    audit.record(
        session,
        principal=principal,
        runner_id=runner_id,
        action="export",
        resource="my_data",
        now=now,
        detail={"bytes": len(archive), "originals": len(blobs)},
    )
    session.commit()
    return archive


__all__ = ["export_my_data", "row_dict"]
