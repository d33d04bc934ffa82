"""Deleting my account leaves no trace of me but an anonymous consent history and audit; a
clinic whose consent history names runners is archived, never deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import Conflict, Forbidden
from backstride.services import (
    accounts,
    clinics,
    consent,
    credentials,
    passwords,
    sessions,
    throttle,
)
from backstride.services.policy import Principal
from backstride.store.base import Base
from backstride.store.models import (
    Account,
    AuditEvent,
    Clinic,
    Consent,
    LoginAttempt,
    OutboxMessage,
    RateEvent,
    Runner,
)
from tests.api.world import NOW, SECRET_NAME, World, build_world


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def _as(session: Session, world: World, actor: str, now: dt.datetime = NOW) -> Principal:
    principal, _ = sessions.authenticate(session, token=world.tokens[actor], now=now)
    return principal


def _every_row_as_text(session: Session) -> str:
    parts = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(table.select()):
            parts.append(repr(tuple(row)))
    return "\n".join(parts)


def test_deleting_my_account_keeps_only_an_anonymous_consent_history_and_audit(
    session: Session, db_settings: Settings
) -> None:
    world = build_world(session)
    email = world.emails["runner_a"]
    clinics.list_patients(session, principal=_as(session, world, "clinician_with"), now=NOW)
    throttle.record_login(session, email=email, client="192.0.2.4", success=False, now=NOW)
    credentials.request_password_reset(
        session, email=email, client="192.0.2.4", now=NOW, settings=db_settings
    )
    session.commit()
    assert session.scalar(select(func.count()).where(OutboxMessage.to_addr == email)) == 1
    audit_before = session.scalar(
        select(func.count()).where(AuditEvent.runner_id == world.runner_a)
    )
    assert audit_before

    accounts.delete_my_account(
        session, principal=_as(session, world, "runner_a"), now=NOW, settings=db_settings
    )

    everything = _every_row_as_text(session)
    assert email not in everything
    assert SECRET_NAME not in everything
    assert session.scalar(select(func.count()).where(LoginAttempt.email == email)) == 0
    assert (
        session.scalar(select(func.count()).where(RateEvent.key_hash == throttle.key_hash(email)))
        == 0
    )
    tombstone = session.get(Runner, world.runner_a)
    assert tombstone is not None
    assert tombstone.account_id is None
    assert tombstone.deleted_at == NOW
    assert tombstone.handle.startswith("deleted-")
    for table in Base.metadata.sorted_tables:
        refs = [fk.parent for fk in table.foreign_keys if fk.column.table.name == "runners"]
        for column in refs:
            count = session.scalar(
                select(func.count()).select_from(table).where(column == world.runner_a)
            )
            if table.name in accounts.KEPT_AFTER_DELETION:
                assert count, table.name
            else:
                assert count == 0, table.name
    (kept,) = session.scalars(select(Consent).where(Consent.runner_id == world.runner_a)).all()
    assert kept.revoked_at == NOW  # the clinic's access ended with the account
    actions = session.execute(
        select(AuditEvent.action, AuditEvent.resource).where(AuditEvent.runner_id == world.runner_a)
    ).all()
    assert len(actions) == audit_before + 1
    assert ("delete", "account") in actions
    assert session.get(Account, world.accounts["runner_a"]) is None


def test_deleting_my_account_needs_a_recent_password_check(
    session: Session, db_settings: Settings
) -> None:
    world = build_world(session, history=False)
    later = NOW + dt.timedelta(minutes=db_settings.reauth_window_min, seconds=1)
    with pytest.raises(Forbidden) as caught:
        accounts.delete_my_account(
            session,
            principal=_as(session, world, "runner_b", later),
            now=later,
            settings=db_settings,
        )
    assert caught.value.code == "auth.reauth_required"
    assert session.get(Account, world.accounts["runner_b"]) is not None


def test_a_clinic_with_active_consents_cannot_be_deleted(session: Session) -> None:
    world = build_world(session, history=False)
    admin = _as(session, world, "admin")
    with pytest.raises(Conflict) as caught:
        clinics.delete_clinic(session, principal=admin, clinic_id=world.clinic_id, now=NOW)
    assert caught.value.code == "clinic.has_active_consents"
    assert session.get(Clinic, world.clinic_id) is not None


def test_a_clinic_named_in_a_consent_history_is_archived_and_takes_no_new_consent(
    session: Session,
) -> None:
    world = build_world(session, history=False)
    runner = _as(session, world, "runner_a")
    consent.revoke_consent(session, principal=runner, clinic_id=world.clinic_id, now=NOW)
    done = clinics.delete_clinic(
        session, principal=_as(session, world, "admin"), clinic_id=world.clinic_id, now=NOW
    )
    assert done.outcome == "archived"
    assert done.clinic.archived_at == NOW
    history = consent.list_consents(session, principal=runner)
    assert [(c.clinic_id, c.revoked_at) for c in history] == [(world.clinic_id, NOW)]
    assert world.clinic_id not in {c.id for c in clinics.list_clinics(session)}
    with pytest.raises(Conflict) as caught:
        consent.grant_consent(session, principal=runner, clinic_id=world.clinic_id, now=NOW)
    assert caught.value.code == "clinic.archived"


def test_a_clinic_no_runner_ever_consented_to_is_deleted(session: Session) -> None:
    world = build_world(session, history=False)
    done = clinics.delete_clinic(
        session, principal=_as(session, world, "admin"), clinic_id=world.other_clinic_id, now=NOW
    )
    assert done.outcome == "deleted"
    assert session.get(Clinic, world.other_clinic_id) is None
