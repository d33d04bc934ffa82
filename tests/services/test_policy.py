"""Roles plus consent: a clinician reaches a runner only while consent to their clinic lasts."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from backstride.errors import Forbidden, NotFound
from backstride.services import auth, consent, passwords, policy
from backstride.services.auth import password_problems
from tests.api.world import NOW, build_world


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def _principal(session: Session, token: str) -> policy.Principal:
    principal, _row = auth.authenticate(session, token=token, now=NOW)
    return principal


def test_consent_opens_and_revocation_closes_access_at_once(session: Session) -> None:
    world = build_world(session, history=False)
    doc = _principal(session, world.tokens["clinician_with"])
    runner = policy.require_clinician_access(session, doc, runner_id=world.runner_a, now=NOW)
    assert runner.id == world.runner_a
    consent.revoke_consent(
        session,
        principal=_principal(session, world.tokens["runner_a"]),
        clinic_id=world.clinic_id,
        now=NOW + dt.timedelta(minutes=1),
    )
    with pytest.raises(NotFound):
        policy.require_clinician_access(session, doc, runner_id=world.runner_a, now=NOW)


def test_a_clinician_of_another_clinic_and_other_roles_are_refused(session: Session) -> None:
    world = build_world(session, history=False)
    other = _principal(session, world.tokens["clinician_without"])
    with pytest.raises(NotFound):
        policy.require_clinician_access(session, other, runner_id=world.runner_a, now=NOW)
    for actor in ("runner_b", "admin"):
        with pytest.raises(Forbidden):
            policy.require_clinician_access(
                session,
                _principal(session, world.tokens[actor]),
                runner_id=world.runner_a,
                now=NOW,
            )


@given(st.text(min_size=0, max_size=40))
def test_short_passwords_always_break_a_rule(password: str) -> None:
    if len(password) < passwords.MIN_PASSWORD_LENGTH:
        assert password_problems(password, email="a@b.org")
