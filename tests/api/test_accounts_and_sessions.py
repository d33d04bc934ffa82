"""Accounts and sessions over HTTP: cookies and CSRF, sign-up without enumeration, throttled
log-ins, TOTP, reauthentication, password change and reset, sessions, deletion."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import outbox, passwords
from backstride.store.db import make_engine, session_factory
from backstride.store.models import Account, LoginAttempt
from tests.api import mail
from tests.api.clock import Clock, client_with_clock
from tests.api.world import PASSWORD, World
from tests.mail_sink import SmtpSink

NEW_PASSWORD = "quiet lantern orchard"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(db_settings: Settings, world: World, clock: Clock) -> Iterator[TestClient]:
    del world
    yield from client_with_clock(db_settings, clock)


@pytest.fixture
def client_at(clock: Clock) -> Iterator[Callable[[Settings, str], TestClient]]:
    """Clients calling from a given address (closed at the end of the test)."""
    with ExitStack() as stack:

        def make(settings: Settings, address: str) -> TestClient:
            return stack.enter_context(
                contextmanager(client_with_clock)(settings, clock, peer=(address, 4000))
            )

        yield make


def _login(client: TestClient, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(
        "/api/v1/auth/login", json={"email": email, "password": password, "mode": "token"} | extra
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- cookies, CSRF, log-out -----------------------------------------------------------------


def test_a_browser_login_sets_httponly_samesite_cookies(client: TestClient, world: World) -> None:
    r = client.post(
        "/api/v1/auth/login", json={"email": world.emails["runner_a"], "password": PASSWORD}
    )
    assert r.status_code == 200
    cookies = r.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("backstride_session="))
    assert "HttpOnly" in session_cookie
    assert "samesite=lax" in session_cookie.lower()
    assert r.json()["token"] is None


def test_cookie_changes_need_the_csrf_header_but_reads_do_not(
    client: TestClient, world: World
) -> None:
    r = client.post(
        "/api/v1/auth/login", json={"email": world.emails["runner_a"], "password": PASSWORD}
    )
    csrf = r.json()["csrf_token"]
    assert client.get("/api/v1/me/profile").status_code == 200
    refused = client.patch("/api/v1/me/profile", json={"hr_max_bpm": 180})
    assert refused.status_code == 403
    assert refused.json()["code"] == "auth.csrf_failed"
    wrong = client.patch(
        "/api/v1/me/profile", json={"hr_max_bpm": 180}, headers={"X-CSRF-Token": "nope"}
    )
    assert wrong.status_code == 403
    ok = client.patch(
        "/api/v1/me/profile", json={"hr_max_bpm": 180}, headers={"X-CSRF-Token": csrf}
    )
    assert ok.status_code == 200
    assert ok.json()["hr_max_bpm"] == 180


def test_logging_out_revokes_the_token(client: TestClient, world: World) -> None:
    headers = world.headers("runner_a")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).json()["code"] == "auth.required"


def test_a_new_browser_login_replaces_the_session_the_browser_had(
    client: TestClient, world: World
) -> None:
    body = {"email": world.emails["runner_a"], "password": PASSWORD}
    client.post("/api/v1/auth/login", json=body)
    first = client.cookies.get("backstride_session")
    client.post("/api/v1/auth/login", json=body)
    second = client.cookies.get("backstride_session")
    assert first is not None
    assert second is not None
    assert first != second
    assert client.get("/api/v1/auth/me", headers=_bearer(first)).status_code == 401
    assert client.get("/api/v1/auth/me", headers=_bearer(second)).status_code == 200


# --- sign-up without enumeration ------------------------------------------------------------


def _register(client: TestClient, email: str, password: str = "a fine password") -> Any:
    return client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": password, "display_name": "New Runner"},
    )


def test_signing_up_answers_the_same_for_a_new_and_a_taken_address(
    app: TestClient, world: World, db_settings: Settings
) -> None:
    new = _register(app, "newcomer@example.org")
    taken = _register(app, world.emails["runner_a"].upper())
    assert new.status_code == taken.status_code == 202
    assert set(new.json()) == set(taken.json()) == {"status", "email", "link_valid_until"}
    assert new.json()["status"] == taken.json()["status"] == "check_email"
    assert new.json()["link_valid_until"] == taken.json()["link_valid_until"]
    (warning,) = mail.mails_to(db_settings, world.emails["runner_a"])
    assert "tried to create a new backstride account" in warning.body
    assert "/forgot-password" in warning.body
    (link,) = mail.mails_to(db_settings, "newcomer@example.org")
    assert "/confirm-registration?token=" in link.body


def test_signing_up_does_the_same_password_hashing_for_a_taken_address(
    app: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = _HasherSpy(passwords.HASHER)
    monkeypatch.setattr(passwords, "HASHER", spy)
    _register(app, "fresh@example.org")
    new_work = (spy.hashes, spy.verifies)
    _register(app, world.emails["runner_b"])
    assert (spy.hashes - new_work[0], spy.verifies - new_work[1]) == new_work == (1, 0)


def test_the_account_exists_only_once_the_emailed_link_is_followed(
    app: TestClient, session: Session, db_settings: Settings
) -> None:
    _register(app, "linkme@example.org")
    before = _login(app, "linkme@example.org", "a fine password")
    assert before.status_code == 401
    assert before.json()["code"] == "auth.invalid_credentials"
    token = mail.token_in(
        mail.mails_to(db_settings, "linkme@example.org")[0], "/confirm-registration"
    )
    made = app.post("/api/v1/auth/register/confirm", json={"token": token})
    assert made.status_code == 201
    assert made.json()["email"] == "linkme@example.org"
    assert made.json()["runner_id"]
    assert _login(app, "linkme@example.org", "a fine password").status_code == 200
    again = app.post("/api/v1/auth/register/confirm", json={"token": token})
    assert again.status_code == 422
    assert again.json()["code"] == "registration.invalid_token"
    assert session.scalar(select(func.count()).where(Account.email == "linkme@example.org")) == 1


def test_a_signup_link_expires_after_a_day(
    app: TestClient, clock: Clock, db_settings: Settings
) -> None:
    _register(app, "late@example.org")
    token = mail.token_in(
        mail.mails_to(db_settings, "late@example.org")[0], "/confirm-registration"
    )
    clock.advance(hours=24, seconds=1)
    late = app.post("/api/v1/auth/register/confirm", json={"token": token})
    assert late.json()["code"] == "registration.invalid_token"


def test_weak_passwords_are_refused_with_every_broken_rule(client: TestClient) -> None:
    r = client.post(
        "/api/v1/auth/register",
        json={"email": "x@example.org", "password": "aaa", "display_name": "X"},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "account.weak_password"
    assert len(body["problems"]) >= 2


@pytest.mark.parametrize("password", ["password12", "Password12", "iloveyou12", "qwertyuiop"])
def test_common_breached_passwords_are_refused(client: TestClient, password: str) -> None:
    r = _register(client, "y@example.org", password)
    assert r.status_code == 422
    assert r.json()["code"] == "account.weak_password"
    assert any("breached" in p["msg"] for p in r.json()["problems"])


def test_validation_errors_list_every_field(client: TestClient) -> None:
    r = client.post("/api/v1/auth/register", json={"display_name": ""})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "request.invalid"
    paths = {p["path"] for p in body["problems"]}
    assert {"body.email", "body.password", "body.display_name"} <= paths


def test_signups_from_one_address_are_limited_with_retry_after(app: TestClient) -> None:
    for i in range(10):
        assert _register(app, f"many{i}@example.org").status_code == 202
    refused = _register(app, "one-more@example.org")
    assert refused.status_code == 429
    assert refused.json()["code"] == "auth.rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600


def test_one_address_gets_at_most_three_signup_mails_an_hour(
    app: TestClient, db_settings: Settings
) -> None:
    answers = {_register(app, "pest@example.org").status_code for _ in range(5)}
    assert answers == {202}
    assert len(mail.mails_to(db_settings, "pest@example.org")) == 3


# --- log-in: the same answer and work, back-off not lock-out --------------------------------


class _HasherSpy:
    """Counts argon2 hashes and verifications; delegates the rest."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.hashes = 0
        self.verifies = 0

    def hash(self, password: str) -> str:
        self.hashes += 1
        return str(self.inner.hash(password))

    def verify(self, stored: str, password: str) -> bool:
        self.verifies += 1
        return bool(self.inner.verify(stored, password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer_and_work(
    app: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    passwords.dummy_hash()  # made once per hasher, not per request
    spy = _HasherSpy(passwords.HASHER)
    monkeypatch.setattr(passwords, "HASHER", spy)
    monkeypatch.setattr(passwords, "dummy_hash", lambda: _DUMMY)
    real = _login(app, world.emails["runner_b"], "not the password")
    real_work = spy.verifies
    unknown = _login(app, "nobody@example.org", "not the password")
    assert real.status_code == unknown.status_code == 401
    assert real.json() == unknown.json()
    assert real_work == spy.verifies - real_work == 1


_DUMMY = passwords.HASHER.hash("a dummy for the spy")


def test_failures_slow_one_client_down_but_never_lock_the_account(
    db_settings: Settings, world: World, clock: Clock, client_at: Any
) -> None:
    email = world.emails["admin"]
    attacker = client_at(db_settings, "203.0.113.9")
    owner = client_at(db_settings, "198.51.100.7")
    for _ in range(5):
        assert _login(attacker, email, "guess guess guess").status_code == 401
    waits = []
    for _ in range(3):
        refused = _login(attacker, email, "guess guess guess")
        assert refused.status_code == 429
        assert refused.json()["code"] == "auth.rate_limited"
        waits.append(int(refused.headers["Retry-After"]))
        clock.advance(seconds=waits[-1])
        assert _login(attacker, email, "guess guess guess").status_code == 401
    assert waits == [1, 2, 4]
    still = _login(attacker, email, PASSWORD)
    assert still.status_code == 429  # the attacker's client waits even with the password
    ok = _login(owner, email, PASSWORD)  # the owner, elsewhere, is not locked out
    assert ok.status_code == 200


def test_one_address_trying_many_accounts_is_stopped(
    db_settings: Settings, world: World, client_at: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backstride.services import throttle

    monkeypatch.setattr(throttle, "MAX_CLIENT_FAILURES", 4)
    del world
    sprayer = client_at(db_settings, "203.0.113.50")
    for i in range(4):
        assert _login(sprayer, f"victim{i}@example.org", "Summer2026!!").status_code == 401
    refused = _login(sprayer, "victim9@example.org", "Summer2026!!")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


def test_a_spoofed_forwarded_for_from_localhost_counts_as_localhost(
    db_settings: Settings, world: World, client_at: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backstride.services import throttle

    monkeypatch.setattr(throttle, "MAX_CLIENT_FAILURES", 3)
    del world
    local = client_at(db_settings, "127.0.0.1")
    for i in range(3):
        spoofed = {"X-Forwarded-For": f"10.9.{i}.1"}
        r = local.post(
            "/api/v1/auth/login",
            json={"email": f"v{i}@example.org", "password": "wrong wrong"},
            headers=spoofed,
        )
        assert r.status_code == 401
    refused = local.post(
        "/api/v1/auth/login",
        json={"email": "v9@example.org", "password": "wrong wrong"},
        headers={"X-Forwarded-For": "10.9.9.9"},
    )
    assert refused.status_code == 429


def test_forwarded_for_is_read_from_a_configured_proxy(
    db_settings: Settings, world: World, client_at: Any, session: Session
) -> None:
    proxied = db_settings.model_copy(update={"trusted_proxies": ["127.0.0.1"]})
    behind = client_at(proxied, "127.0.0.1")
    r = behind.post(
        "/api/v1/auth/login",
        json={"email": world.emails["runner_b"], "password": "wrong wrong"},
        headers={"X-Forwarded-For": "198.51.100.23, 127.0.0.1"},
    )
    assert r.status_code == 401
    clients = session.scalars(
        select(LoginAttempt.client).where(LoginAttempt.email == world.emails["runner_b"])
    ).all()
    assert clients == ["198.51.100.23"]


# --- TOTP -----------------------------------------------------------------------------------


def _enrol(client: TestClient, headers: dict[str, str], clock: Clock) -> tuple[str, Any]:
    started = client.post("/api/v1/auth/totp/enrolment", headers=headers)
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["provisioning_uri"].startswith("otpauth://totp/backstride:")
    assert body["qr_svg"].startswith("<svg")
    secret = body["secret"]
    code = pyotp.TOTP(secret).at(clock.now)
    done = client.post("/api/v1/auth/totp/enrolment/confirm", headers=headers, json={"code": code})
    assert done.status_code == 200, done.text
    return secret, done.json()


def test_staff_without_totp_can_only_enrol_until_they_have(
    app: TestClient, world: World, clock: Clock
) -> None:
    logged = _login(app, world.emails["clinician_with"])
    assert logged.status_code == 200
    assert logged.json()["totp_enrolment_required"] is True
    headers = _bearer(logged.json()["token"])
    blocked = app.get("/api/v1/clinician/runners", headers=headers)
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "auth.totp_enrolment_required"
    assert app.get("/api/v1/auth/me", headers=headers).status_code == 200
    _secret, enabled = _enrol(app, headers, clock)
    assert len(enabled["recovery_codes"]) == 10
    assert app.get("/api/v1/clinician/runners", headers=headers).status_code == 401  # rotated
    fresh = _bearer(enabled["token"])
    assert app.get("/api/v1/clinician/runners", headers=fresh).status_code == 200


def test_a_totp_login_takes_a_challenge_and_a_code_once(
    app: TestClient, world: World, clock: Clock
) -> None:
    secret, _ = _enrol(app, world.headers("runner_b"), clock)
    clock.advance(seconds=60)
    first = _login(app, world.emails["runner_b"])
    assert first.json()["status"] == "totp_required"
    assert first.json()["account"] is None
    assert first.json()["token"] is None
    code = pyotp.TOTP(secret).at(clock.now)
    done = app.post(
        "/api/v1/auth/login/totp", json={"challenge": first.json()["challenge"], "code": code}
    )
    assert done.status_code == 200
    assert done.json()["account"]["totp_enabled"] is True
    replay = _login(app, world.emails["runner_b"], totp_code=code)
    assert replay.status_code == 401
    assert replay.json()["code"] == "auth.totp_invalid"
    reuse = app.post(
        "/api/v1/auth/login/totp", json={"challenge": first.json()["challenge"], "code": code}
    )
    assert reuse.json()["code"] == "auth.challenge_invalid"


def test_a_recovery_code_signs_in_once(app: TestClient, world: World, clock: Clock) -> None:
    _secret, enabled = _enrol(app, world.headers("runner_b"), clock)
    code = enabled["recovery_codes"][0]
    assert _login(app, world.emails["runner_b"], totp_code=code).status_code == 200
    again = _login(app, world.emails["runner_b"], totp_code=code)
    assert again.json()["code"] == "auth.totp_invalid"


def test_a_challenge_dies_after_five_wrong_codes(
    app: TestClient, world: World, clock: Clock
) -> None:
    secret, _ = _enrol(app, world.headers("runner_b"), clock)
    challenge = _login(app, world.emails["runner_b"]).json()["challenge"]
    for _ in range(5):
        clock.advance(seconds=30)  # past each back-off
        wrong = app.post("/api/v1/auth/login/totp", json={"challenge": challenge, "code": "000000"})
        assert wrong.json()["code"] in {"auth.totp_invalid", "auth.rate_limited"}
    clock.advance(minutes=2)
    right = pyotp.TOTP(secret).at(clock.now)
    late = app.post("/api/v1/auth/login/totp", json={"challenge": challenge, "code": right})
    assert late.json()["code"] == "auth.challenge_invalid"


def test_an_admin_resets_a_lost_second_factor_and_its_sessions_end(
    app: TestClient, world: World, clock: Clock, db_settings: Settings
) -> None:
    _secret, enabled = _enrol(app, world.headers("runner_b"), clock)
    token = enabled["token"]
    reset = app.delete(
        f"/api/v1/admin/accounts/{world.emails['runner_b']}/totp", headers=world.headers("admin")
    )
    assert reset.status_code == 204
    assert app.get("/api/v1/auth/me", headers=_bearer(token)).status_code == 401
    back = _login(app, world.emails["runner_b"])
    assert back.json()["status"] == "ok"
    assert back.json()["account"]["totp_enabled"] is False
    assert any("removed" in m.subject for m in mail.mails_to(db_settings, world.emails["runner_b"]))


# --- reauthentication, password change and reset --------------------------------------------


def test_deleting_my_account_needs_a_recent_password_check(
    app: TestClient, world: World, clock: Clock
) -> None:
    headers = world.headers("runner_b")
    clock.advance(minutes=11)
    stale = app.delete("/api/v1/me", headers=headers)
    assert stale.status_code == 403
    assert stale.json()["code"] == "auth.reauth_required"
    wrong = app.post("/api/v1/auth/reauthenticate", headers=headers, json={"password": "nope"})
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "auth.reauth_failed"
    ok = app.post("/api/v1/auth/reauthenticate", headers=headers, json={"password": PASSWORD})
    assert ok.status_code == 200
    assert app.delete("/api/v1/me", headers=headers).status_code == 204


def test_changing_the_password_needs_the_current_one_and_rotates_sessions(
    app: TestClient, world: World, db_settings: Settings
) -> None:
    other = _login(app, world.emails["runner_b"]).json()["token"]
    headers = world.headers("runner_b")
    wrong = app.post(
        "/api/v1/auth/password",
        headers=headers,
        json={"current_password": "not it at all", "new_password": NEW_PASSWORD},
    )
    assert wrong.json()["code"] == "auth.reauth_failed"
    weak = app.post(
        "/api/v1/auth/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "password12"},
    )
    assert weak.json()["code"] == "account.weak_password"
    changed = app.post(
        "/api/v1/auth/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200
    new_token = changed.json()["token"]
    assert app.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert app.get("/api/v1/auth/me", headers=_bearer(other)).status_code == 401
    assert app.get("/api/v1/auth/me", headers=_bearer(new_token)).status_code == 200
    assert _login(app, world.emails["runner_b"], NEW_PASSWORD).status_code == 200
    assert "was changed" in mail.mails_to(db_settings, world.emails["runner_b"])[-1].subject


def test_a_password_reset_link_works_once_and_ends_every_session(
    app: TestClient, world: World, db_settings: Settings
) -> None:
    email = world.emails["runner_b"]
    unknown = app.post("/api/v1/auth/password-reset/request", json={"email": "ghost@example.org"})
    known = app.post("/api/v1/auth/password-reset/request", json={"email": email})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    assert mail.mails_to(db_settings, "ghost@example.org") == []
    (message,) = mail.mails_to(db_settings, email)
    assert "http://127.0.0.1:8000/reset-password?token=" in message.body
    token = mail.token_in(message, "/reset-password")
    done = app.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert done.status_code == 200
    assert app.get("/api/v1/auth/me", headers=world.headers("runner_b")).status_code == 401
    assert _login(app, email, NEW_PASSWORD).status_code == 200
    again = app.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "another quiet orchard"},
    )
    assert again.status_code == 422
    assert again.json()["code"] == "password_reset.invalid_token"


def test_a_reset_link_reaches_an_smtp_server_and_works(
    app: TestClient, world: World, db_settings: Settings, smtp_sink: SmtpSink, clock: Clock
) -> None:
    app.post("/api/v1/auth/password-reset/request", json={"email": world.emails["runner_b"]})
    settings = db_settings.model_copy(
        update={"smtp_host": smtp_sink.host, "smtp_port": smtp_sink.port, "smtp_security": "none"}
    )
    engine = make_engine(settings.effective_database_url)
    report = outbox.send_due(session_factory(engine), settings=settings, now=clock.now)
    engine.dispose()
    assert report.sent == 1
    (received,) = smtp_sink.to(world.emails["runner_b"])
    assert received["Subject"] == "Reset your backstride password"
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    token = mail.token_in(
        mail.Mail(received["To"], received["Subject"], text, ""), "/reset-password"
    )
    done = app.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert done.status_code == 200
    (sent,) = [
        m
        for m in mail.mails_to(db_settings, world.emails["runner_b"])
        if m.subject == "Reset your backstride password"
    ]
    assert sent.body == ""  # erased once sent


def test_a_reset_link_expires_after_thirty_minutes(
    app: TestClient, world: World, clock: Clock, db_settings: Settings
) -> None:
    app.post("/api/v1/auth/password-reset/request", json={"email": world.emails["runner_b"]})
    token = mail.token_in(
        mail.mails_to(db_settings, world.emails["runner_b"])[0], "/reset-password"
    )
    clock.advance(minutes=30, seconds=1)
    late = app.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert late.json()["code"] == "password_reset.invalid_token"


def test_reset_requests_are_limited(app: TestClient, world: World, db_settings: Settings) -> None:
    email = world.emails["runner_b"]
    answers = [
        app.post("/api/v1/auth/password-reset/request", json={"email": email}).status_code
        for _ in range(10)
    ]
    assert answers == [202] * 10
    assert len(mail.mails_to(db_settings, email)) == 3  # the rest are answered but not mailed
    refused = app.post("/api/v1/auth/password-reset/request", json={"email": email})
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_changing_the_email_needs_a_recent_check_and_the_new_address(
    app: TestClient, world: World, clock: Clock, db_settings: Settings
) -> None:
    headers = world.headers("runner_b")
    clock.advance(minutes=11)
    stale = app.post("/api/v1/auth/email", headers=headers, json={"new_email": "b2@example.org"})
    assert stale.json()["code"] == "auth.reauth_required"
    app.post("/api/v1/auth/reauthenticate", headers=headers, json={"password": PASSWORD})
    asked = app.post("/api/v1/auth/email", headers=headers, json={"new_email": "b2@example.org"})
    assert asked.status_code == 202
    token = mail.token_in(mail.mails_to(db_settings, "b2@example.org")[0], "/confirm-email")
    moved = app.post("/api/v1/auth/email/confirm", json={"token": token})
    assert moved.json()["email"] == "b2@example.org"
    assert _login(app, "b2@example.org").status_code == 200
    assert any(
        "is now b2@example.org" in m.body
        for m in mail.mails_to(db_settings, world.emails["runner_b"])
    )


# --- sessions: idle timeout, list, log out everywhere ---------------------------------------


def test_a_staff_session_ends_after_thirty_idle_minutes(
    app: TestClient, world: World, clock: Clock
) -> None:
    headers = world.headers("admin")
    for _ in range(3):  # active every 20 minutes: still signed in after an hour
        clock.advance(minutes=20)
        assert app.get("/api/v1/auth/me", headers=headers).status_code == 200
    clock.advance(minutes=30, seconds=1)
    idle = app.get("/api/v1/auth/me", headers=headers)
    assert idle.status_code == 401
    assert idle.json()["code"] == "auth.session_expired"


def test_a_runner_session_survives_a_quiet_week_but_not_longer(
    app: TestClient, world: World, clock: Clock
) -> None:
    headers = world.headers("runner_b")
    clock.advance(days=6, hours=23)
    assert app.get("/api/v1/auth/me", headers=headers).status_code == 200
    clock.advance(days=7, minutes=1)
    assert app.get("/api/v1/auth/me", headers=headers).json()["code"] == "auth.session_expired"


def test_a_clinic_sets_its_clinicians_idle_timeout(
    app: TestClient, world: World, clock: Clock
) -> None:
    changed = app.put(
        f"/api/v1/clinics/{world.clinic_id}/settings/session.idle_timeout_min",
        headers=world.headers("clinician_with"),
        json={"value": 10, "reason": "shared screens at the front desk"},
    )
    assert changed.status_code == 200
    _secret, enabled = _enrol(app, _login_token(app, world.emails["clinician_with"]), clock)
    headers = _bearer(enabled["token"])
    clock.advance(minutes=10, seconds=1)
    assert app.get("/api/v1/auth/me", headers=headers).json()["code"] == "auth.session_expired"


def _login_token(app: TestClient, email: str) -> dict[str, str]:
    return _bearer(_login(app, email).json()["token"])


def test_i_see_my_sessions_and_can_end_one_or_all(app: TestClient, world: World) -> None:
    phone = app.post(
        "/api/v1/auth/login",
        json={"email": world.emails["runner_b"], "password": PASSWORD, "mode": "token"},
        headers={"User-Agent": "RunnerPhone/1.0"},
    ).json()["token"]
    listed = app.get("/api/v1/auth/sessions", headers=world.headers("runner_b")).json()
    assert len(listed) == 2
    assert {s["user_agent"] for s in listed} >= {"RunnerPhone/1.0"}
    assert [s["current"] for s in listed].count(True) == 1
    phone_id = next(s["id"] for s in listed if s["user_agent"] == "RunnerPhone/1.0")
    other = app.delete(f"/api/v1/auth/sessions/{phone_id}", headers=world.headers("runner_a"))
    assert other.status_code == 404
    assert (
        app.delete(
            f"/api/v1/auth/sessions/{phone_id}", headers=world.headers("runner_b")
        ).status_code
        == 204
    )
    assert app.get("/api/v1/auth/me", headers=_bearer(phone)).status_code == 401
    laptop = _login(app, world.emails["runner_b"]).json()["token"]
    everywhere = app.post("/api/v1/auth/logout-all", headers=_bearer(laptop))
    assert everywhere.json()["revoked"] == 2
    assert app.get("/api/v1/auth/me", headers=world.headers("runner_b")).status_code == 401
    assert app.get("/api/v1/auth/me", headers=_bearer(laptop)).status_code == 401


# --- surface --------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    r = client.get("/api/v1/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "no-referrer"


def test_unknown_routes_answer_with_a_coded_error(client: TestClient) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.json()["code"] == "route.not_found"


def test_the_schema_documents_429_409_and_the_reauth_403(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "Retry-After" in paths["/api/v1/auth/login"]["post"]["responses"]["429"]["headers"]
    assert "429" in paths["/api/v1/auth/register"]["post"]["responses"]
    assert "429" in paths["/api/v1/auth/password-reset/request"]["post"]["responses"]
    assert "409" in paths["/api/v1/admin/clinics/{clinic_id}"]["delete"]["responses"]
    assert "reauth" in paths["/api/v1/me"]["delete"]["responses"]["403"]["description"]
