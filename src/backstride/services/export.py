"""Export all of my data as a zip: one JSON file per table plus the original uploaded files."""

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
from backstride.services.policy import Principal, own_runner_id
from backstride.store.base import Base
from backstride.store.models import (
    Account,
    Activity,
    Assessment,
    AuditEvent,
    Blob,
    CalendarFeed,
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
    CalendarFeed,
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


def blob_path(settings: Settings, sha256: str) -> Path | None:
    """Where an original file is kept (``blobs/ab/abcdef...`` or ``blobs/abcdef...``)."""
    for candidate in (settings.blob_dir / sha256[:2] / sha256, settings.blob_dir / sha256):
        if candidate.is_file():
            return candidate
    matches = sorted(settings.blob_dir.glob(f"**/{sha256}*")) if settings.blob_dir.is_dir() else []
    return matches[0] if matches else None


def export_my_data(session: Session, *, principal: Principal, settings: Settings) -> bytes:
    """The zip archive of everything stored about me (README, JSON per table, originals)."""
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
    shas = sorted({a["blob_sha256"] for a in tables["activities"] if a.get("blob_sha256")})
    blobs = session.scalars(select(Blob).where(Blob.sha256.in_(shas))).all()
    tables["blobs"] = [row_dict(b) for b in blobs]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "README.txt",
            "backstride export: one JSON file per table in data/, original files in originals/.\n",
        )
        for name, rows in sorted(tables.items()):
            zf.writestr(f"data/{name}.json", json.dumps(rows, indent=1, ensure_ascii=False))
        for blob in blobs:
            path = blob_path(settings, blob.sha256)
            if path is not None:
                safe = Path(blob.filename).name or blob.sha256
                zf.write(path, f"originals/{blob.sha256[:12]}-{safe}")
    return buffer.getvalue()


__all__ = ["blob_path", "export_my_data", "row_dict"]
