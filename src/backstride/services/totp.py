"""TOTP second factor: enrolment (URI + QR code as SVG), codes, recovery codes, reset.

RFC 6238 codes via pyotp (6 digits, 30-second steps, SHA-1: what every authenticator app
reads). A code is accepted within one step either side of now (clock drift, RFC 6238 §5.2) and
only once: the last accepted step is stored and older or equal steps are refused (replay).
Ten single-use recovery codes (12 base32 characters, about 60 bits) are shown once at
enrolment and stored as argon2id hashes (ASVS 5.0 6.6.x: lookup secrets under 112 bits are
hashed like passwords). Required for clinicians and admins (``staff_totp_required``); optional
for runners. docs/decisions/0022-passwords-and-second-factor.md.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import Conflict, Forbidden, InvalidInput, NotFound
from backstride.services import account_mail, passwords, sessions
from backstride.services.policy import Principal, require_role
from backstride.store.models import Account, RecoveryCode
from backstride.units import new_id

ISSUER = "backstride"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud, typed by hand
STAFF_ROLES = ("clinician", "admin")


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """A started enrolment: the secret (for manual entry), its otpauth URI and a QR code."""

    secret: str
    provisioning_uri: str
    qr_svg: str


@dataclass(frozen=True, slots=True)
class TotpEnabled:
    """TOTP is on: the recovery codes (shown once) and the rotated session, if any."""

    recovery_codes: tuple[str, ...]
    issued: sessions.IssuedToken | None


def totp_required(role: str, settings: Settings | None) -> bool:
    """Whether accounts of ``role`` must have a second factor."""
    required = True if settings is None else settings.staff_totp_required
    return required and role in STAFF_ROLES


def _account(session: Session, principal: Principal) -> Account:
    account = session.get(Account, principal.account_id)
    if account is None:
        raise NotFound("account not found", code="account.not_found")
    return account


def start_enrolment(
    session: Session, *, principal: Principal, now: dt.datetime, settings: Settings
) -> TotpEnrolment:
    """A new pending secret for my account (replacing any pending one); confirm it with a code.

    Needs a recent password check (a fresh log-in counts), since it changes how I sign in.
    """
    sessions.require_recent_auth(principal, now=now, settings=settings)
    account = _account(session, principal)
    if account.totp_enabled_at is not None:
        raise Conflict("a second factor is already set up", code="totp.already_enabled")
    secret = pyotp.random_base32()
    account.totp_secret = secret
    account.totp_last_step = None
    session.commit()
    return _enrolment(secret, account.email)


def _enrolment(secret: str, email: str) -> TotpEnrolment:
    import segno

    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(scale=4, title="QR code for your authenticator app")
    return TotpEnrolment(secret=secret, provisioning_uri=uri, qr_svg=svg)


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    digits = code.strip().replace(" ", "")
    if not (len(digits) == 6 and digits.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def _new_recovery_codes(session: Session, account: Account, now: dt.datetime) -> tuple[str, ...]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        codes.append(code)
        session.add(
            RecoveryCode(
                id=new_id(),
                account_id=account.id,
                code_hash=passwords.HASHER.hash(raw),
                created_at=now,
            )
        )
    return tuple(codes)


def confirm_enrolment(
    session: Session, *, principal: Principal, code: str, now: dt.datetime, settings: Settings
) -> TotpEnabled:
    """Turn TOTP on with a first code from the app; recovery codes; the session is rotated
    (a new secret for this device, every other session of the account ended)."""
    account = _account(session, principal)
    if account.totp_enabled_at is not None:
        raise Conflict("a second factor is already set up", code="totp.already_enabled")
    if account.totp_secret is None:
        raise Conflict("start the set-up first", code="totp.not_started")
    step = _matching_step(account.totp_secret, code, now)
    if step is None:
        raise InvalidInput(
            "that code is not right; check the time on your phone",
            code="totp.invalid_code",
            problems=[{"path": "code", "msg": "6 digits from your authenticator app"}],
        )
    account.totp_enabled_at = now
    account.totp_last_step = step
    codes = _new_recovery_codes(session, account, now)
    issued = sessions.rotate(
        session, account=account, principal=principal, now=now, settings=settings
    )
    account_mail.second_factor_changed(session, to=account.email, enabled=True, now=now)
    session.commit()
    return TotpEnabled(recovery_codes=codes, issued=issued)


def verify_second_factor(
    session: Session, *, account: Account, code: str, now: dt.datetime
) -> bool:
    """A TOTP code (once per step) or an unused recovery code (then used up). Not committed."""
    if account.totp_secret is None or account.totp_enabled_at is None:
        return False
    step = _matching_step(account.totp_secret, code, now)
    if step is not None:
        if account.totp_last_step is not None and step <= account.totp_last_step:
            return False
        account.totp_last_step = step
        return True
    raw = code.strip().lower().replace("-", "").replace(" ", "")
    if len(raw) != 12:
        return False
    unused = session.scalars(
        select(RecoveryCode).where(
            RecoveryCode.account_id == account.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    for row in unused:
        if passwords.verify_password(row.code_hash, raw):
            row.used_at = now
            return True
    return False


def recovery_codes_left(session: Session, *, principal: Principal) -> int:
    """How many of my recovery codes are unused."""
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.account_id == principal.account_id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def regenerate_recovery_codes(
    session: Session, *, principal: Principal, now: dt.datetime, settings: Settings
) -> tuple[str, ...]:
    """Ten new recovery codes (the old ones stop working); needs a recent password check."""
    sessions.require_recent_auth(principal, now=now, settings=settings)
    account = _account(session, principal)
    if account.totp_enabled_at is None:
        raise Conflict("no second factor is set up", code="totp.not_enabled")
    codes = _new_recovery_codes(session, account, now)
    session.commit()
    return codes


def _clear(session: Session, account: Account) -> None:
    account.totp_secret = None
    account.totp_enabled_at = None
    account.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))


def disable(
    session: Session, *, principal: Principal, now: dt.datetime, settings: Settings
) -> None:
    """Turn my second factor off (runners; staff must keep one); needs a recent check."""
    sessions.require_recent_auth(principal, now=now, settings=settings)
    if totp_required(principal.role, settings):
        raise Forbidden(
            f"a {principal.role} account must keep a second factor", code="totp.required_for_role"
        )
    account = _account(session, principal)
    if account.totp_enabled_at is None:
        raise Conflict("no second factor is set up", code="totp.not_enabled")
    _clear(session, account)
    sessions.revoke_all(session, account_id=account.id, now=now, except_token_id=principal.token_id)
    account_mail.second_factor_changed(session, to=account.email, enabled=False, now=now)
    session.commit()


def admin_reset(
    session: Session, *, principal: Principal | None, account_ref: str, now: dt.datetime
) -> None:
    """Remove an account's second factor (lost phone and codes) and end all its sessions.

    ``account_ref``: the account's id or e-mail. Admins (``principal=None`` for the CLI). A
    clinician or admin then enrols again at the next log-in; the holder is told by e-mail.
    """
    if principal is not None:
        require_role(principal, "admin")
    account = session.get(Account, account_ref) or session.scalar(
        select(Account).where(Account.email == account_ref.strip().lower())
    )
    if account is None:
        raise NotFound("no account with this e-mail", code="account.not_found")
    _clear(session, account)
    sessions.revoke_all(session, account_id=account.id, now=now)
    account_mail.second_factor_changed(session, to=account.email, enabled=False, now=now)
    session.commit()


__all__ = [
    "RECOVERY_CODES",
    "TotpEnabled",
    "TotpEnrolment",
    "admin_reset",
    "confirm_enrolment",
    "disable",
    "recovery_codes_left",
    "regenerate_recovery_codes",
    "start_enrolment",
    "totp_required",
    "verify_second_factor",
]
