"""The audit trail: refusals and exports recorded, a compliance view for admins, append-only."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from backstride.cli.main import app as cli
from backstride.config import Settings
from backstride.store.models import AuditEvent
from tests.api.world import NOW, World

SRC = Path(__file__).resolve().parents[2] / "src" / "backstride"


def _events(session: Session, **where: str) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(session.scalars(query))


def test_a_clinicians_refused_attempt_on_a_runner_they_may_not_see_is_recorded(
    client: TestClient, world: World, session: Session
) -> None:
    r = client.get(
        f"/api/v1/clinician/runners/{world.runner_a}/timeline",
        headers=world.headers("clinician_without"),
    )
    assert r.status_code == 404
    (refused,) = _events(session, action="refused")
    assert refused.actor_account_id == world.accounts["clinician_without"]
    assert refused.runner_id == world.runner_a
    assert refused.detail == {"code": "runner.not_found"}
    mine = client.get("/api/v1/me/audit", headers=world.headers("runner_a")).json()
    assert [e["action"] for e in mine if e["actor_role"] == "clinician"] == ["refused"]


def test_an_export_by_the_runner_is_recorded(
    client: TestClient, world: World, session: Session
) -> None:
    assert client.get("/api/v1/me/export", headers=world.headers("runner_a")).status_code == 200
    (event,) = _events(session, action="export")
    assert (event.runner_id, event.actor_account_id) == (world.runner_a, world.accounts["runner_a"])
    assert event.resource == "my_data"


def test_admins_search_the_audit_log_by_actor_runner_action_and_time_in_pages(
    client: TestClient, world: World
) -> None:
    doc = world.headers("clinician_with")
    client.get(f"/api/v1/clinician/runners/{world.runner_a}/timeline", headers=doc)
    client.get(f"/api/v1/clinician/runners/{world.runner_b}/timeline", headers=doc)
    admin = world.headers("admin")
    found = client.get(
        "/api/v1/admin/audit",
        params={"actor": world.accounts["clinician_with"], "action": "read"},
        headers=admin,
    ).json()
    assert [(e["runner_id"], e["resource"]) for e in found["events"]] == [
        (world.runner_a, "timeline")
    ]
    refused = client.get(
        "/api/v1/admin/audit", params={"runner": world.runner_b}, headers=admin
    ).json()
    assert [e["action"] for e in refused["events"]] == ["refused"]
    page = client.get("/api/v1/admin/audit", params={"limit": 1}, headers=admin).json()
    assert (len(page["events"]), page["has_more"]) == (1, True)
    later = (NOW + dt.timedelta(seconds=1)).isoformat()
    none = client.get("/api/v1/admin/audit", params={"from": later}, headers=admin).json()
    assert none["events"] == []
    upto = client.get("/api/v1/admin/audit", params={"to": later}, headers=admin).json()
    assert "audit_log" in [e["resource"] for e in upto["events"]]  # the searches are audited
    bad = client.get("/api/v1/admin/audit", params={"from": "0"}, headers=admin)
    assert bad.status_code == 422


@pytest.mark.parametrize("actor", ["runner_a", "clinician_with", "anonymous"])
def test_only_admins_see_the_audit_log(client: TestClient, world: World, actor: str) -> None:
    r = client.get("/api/v1/admin/audit", headers=world.headers(actor))
    assert r.status_code in (401, 403)


def test_the_database_refuses_to_change_or_delete_an_audit_event(
    client: TestClient, world: World, session: Session
) -> None:
    client.get("/api/v1/me/export", headers=world.headers("runner_a"))
    (event,) = _events(session, action="export")
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(action="read"))
    session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(delete(AuditEvent).where(AuditEvent.id == event.id))
    session.rollback()
    if session.get_bind().dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text("TRUNCATE audit_events"))
        session.rollback()
    assert [e.action for e in _events(session, action="export")] == ["export"]


def test_deleting_a_runner_keeps_their_audit_trail_without_who_they_were(
    client: TestClient, world: World, session: Session
) -> None:
    client.get(
        f"/api/v1/clinician/runners/{world.runner_a}/timeline",
        headers=world.headers("clinician_with"),
    )
    before = [(e.id, e.action) for e in _events(session, runner_id=world.runner_a)]
    assert client.delete("/api/v1/me", headers=world.headers("runner_a")).status_code == 204
    after = _events(session, runner_id=world.runner_a)
    assert [(e.id, e.action) for e in after][: len(before)] == before  # nothing lost or changed
    assert [(e.action, e.resource) for e in after[len(before) :]] == [("delete", "account")]
    kept = json.dumps([e.detail for e in after])
    assert "alpha@example.org" not in kept
    assert "Alpha" not in kept


def test_no_code_outside_migrations_updates_or_deletes_audit_events() -> None:
    pattern = re.compile(
        r"(update|delete)\(\s*(AuditEvent|_AUDIT)\b|(UPDATE|DELETE FROM)\s+audit_events",
        re.IGNORECASE,
    )
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text())
    ]
    assert offenders == []


def test_the_command_line_lists_the_audit_log_with_filters(
    client: TestClient, world: World, db_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db_settings.database_url:
        monkeypatch.setenv("BACKSTRIDE_DATABASE_URL", db_settings.database_url)
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(db_settings.data_dir))
    client.get(
        f"/api/v1/clinician/runners/{world.runner_b}/timeline",
        headers=world.headers("clinician_with"),
    )
    out = CliRunner().invoke(cli, ["admin", "audit", "--action", "refused", "--json"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert [(r["runner_id"], r["actor_account_id"]) for r in rows] == [
        (world.runner_b, world.accounts["clinician_with"])
    ]
