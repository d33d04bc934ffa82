"""The demo clinic, clinician and runner that ``make run`` seeds (idempotent).

The lead extends :func:`seed_demo` with the demo history, assessment and plan; this part makes
the accounts, the clinic and the runner's consent so that both roles can log in at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import accounts, auth, clinics, consent
from backstride.store.models import Account, Clinic, Runner
from backstride.units import new_id

DEMO_PASSWORD = "backstride-demo"  # noqa: S105  (a published demo login, local only)
DEMO_CLINIC_SLUG = "demo-clinic"
DEMO_RUNNER_EMAIL = "runner@demo.backstride"
DEMO_CLINICIAN_EMAIL = "clinician@demo.backstride"
DEMO_ADMIN_EMAIL = "admin@demo.backstride"


@dataclass(frozen=True, slots=True)
class DemoSeed:
    """What was seeded and how to log in."""

    clinic_id: str
    runner_id: str
    runner_account_id: str
    clinician_account_id: str
    admin_account_id: str
    password: str
    logins: tuple[tuple[str, str], ...]


def _account_id(session: Session, email: str) -> str | None:
    return session.scalar(select(Account.id).where(Account.email == email))


def seed_demo(
    session: Session, *, settings: Settings, now: dt.datetime, runner_handle: str | None = None
) -> DemoSeed:
    """Create (once) the demo clinic, its clinician, an admin and a consenting runner.

    With ``runner_handle`` the runner login is attached to that existing runner (the demo
    runner with history, assessment and plan) instead of a new, empty one.
    """
    del settings
    clinic = session.scalar(select(Clinic).where(Clinic.slug == DEMO_CLINIC_SLUG))
    clinic_id = (
        clinic.id
        if clinic
        else clinics.create_clinic(
            session, principal=None, slug=DEMO_CLINIC_SLUG, name="Demo Sports Clinic", now=now
        ).id
    )
    clinician_id = (
        _account_id(session, DEMO_CLINICIAN_EMAIL)
        or clinics.create_clinician(
            session,
            principal=None,
            email=DEMO_CLINICIAN_EMAIL,
            password=DEMO_PASSWORD,
            display_name="Dr Demo (physiotherapist)",
            clinic_id=clinic_id,
            now=now,
        ).account_id
    )
    admin_id = (
        _account_id(session, DEMO_ADMIN_EMAIL)
        or accounts.create_staff_account(
            session,
            email=DEMO_ADMIN_EMAIL,
            password=DEMO_PASSWORD,
            role="admin",
            display_name="Demo admin",
            now=now,
        ).id
    )
    runner_account_id = _account_id(session, DEMO_RUNNER_EMAIL)
    existing = (
        session.scalar(select(Runner).where(Runner.handle == runner_handle))
        if runner_handle
        else None
    )
    if runner_account_id is None and existing is not None and existing.account_id is None:
        account = Account(
            id=new_id(),
            email=DEMO_RUNNER_EMAIL,
            password_hash=auth.hash_password(DEMO_PASSWORD, email=DEMO_RUNNER_EMAIL),
            role="runner",
            display_name=existing.display_name,
            is_active=True,
            created_at=now,
        )
        session.add(account)
        session.flush()
        existing.account_id = account.id
        session.commit()
        runner_account_id = account.id
        consent.grant_consent(
            session, principal=auth.principal_for(session, account), clinic_id=clinic_id, now=now
        )
    if runner_account_id is None:
        view = accounts.register_runner(
            session,
            email=DEMO_RUNNER_EMAIL,
            password=DEMO_PASSWORD,
            display_name="Demo Runner",
            now=now,
        )
        runner_account_id = view.id
        new_account = session.get(Account, view.id)
        assert new_account is not None
        consent.grant_consent(
            session,
            principal=auth.principal_for(session, new_account),
            clinic_id=clinic_id,
            now=now,
        )
    runner_id = session.scalar(select(Runner.id).where(Runner.account_id == runner_account_id))
    assert runner_id is not None
    from backstride.services.booking.demo import seed_booking

    seed_booking(session, clinic_id=clinic_id, clinician_id=clinician_id, now=now)
    return DemoSeed(
        clinic_id=clinic_id,
        runner_id=runner_id,
        runner_account_id=runner_account_id,
        clinician_account_id=clinician_id,
        admin_account_id=admin_id,
        password=DEMO_PASSWORD,
        logins=(
            ("runner", DEMO_RUNNER_EMAIL),
            ("clinician", DEMO_CLINICIAN_EMAIL),
            ("admin", DEMO_ADMIN_EMAIL),
        ),
    )


__all__ = ["DEMO_PASSWORD", "DemoSeed", "seed_demo"]
