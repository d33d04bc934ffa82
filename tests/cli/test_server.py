"""``backstride admin`` creates clinics and clinicians; ``backstride demo`` seeds logins."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from backstride.cli.main import app, main
from backstride.config import Settings


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(settings.data_dir))
    return settings


def test_an_admin_creates_a_clinic_and_a_clinician_from_the_command_line(env: Settings) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["admin", "create-clinic", "east", "--name", "East Physio"])
    assert made.exit_code == 0, made.output
    doc = runner.invoke(
        app,
        ["admin", "create-clinician", "doc@east.example", "--clinic", "east", "--name", "Dr E"],
        input="a long password\na long password\n",
    )
    assert doc.exit_code == 0, doc.output
    assert "clinician doc@east.example created" in doc.output


def test_the_demo_seeds_logins_for_each_role_and_is_idempotent(env: Settings) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["demo"])
    second = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "clinician@demo.backstride" in second.output


def test_an_admin_removes_a_lost_second_factor_and_ends_the_sessions(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    import pyotp

    from backstride.services import auth, sessions, totp
    from backstride.store.db import make_engine, session_factory
    from backstride.store.models import Account

    runner = CliRunner()
    runner.invoke(app, ["admin", "create-clinic", "west", "--name", "West Physio"])
    runner.invoke(
        app,
        ["admin", "create-clinician", "doc@west.example", "--clinic", "west", "--name", "Dr W"],
        input="a long password\na long password\n",
    )
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    engine = make_engine(env.effective_database_url)
    with session_factory(engine)() as session:
        issued = auth.log_in(
            session,
            email="doc@west.example",
            password="a long password",
            kind="bearer",
            client=None,
            now=now,
            settings=env,
        )
        assert isinstance(issued, sessions.IssuedToken)
        enrolment = totp.start_enrolment(session, principal=issued.principal, now=now, settings=env)
        code = pyotp.TOTP(enrolment.secret).at(now)
        totp.confirm_enrolment(
            session, principal=issued.principal, code=code, now=now, settings=env
        )
    reset = runner.invoke(app, ["admin", "reset-totp", "doc@west.example"])
    assert reset.exit_code == 0, reset.output
    ended = runner.invoke(app, ["admin", "end-sessions", "DOC@west.example"])
    assert ended.exit_code == 0, ended.output
    assert "0 session(s)" in ended.output  # the reset already ended them
    with session_factory(engine)() as session:
        account = session.scalar(select(Account).where(Account.email == "doc@west.example"))
        assert account is not None
        assert account.totp_enabled_at is None
        assert sessions.count_active(session, account_id=account.id, now=now) == 0
    engine.dispose()
    assert main(["admin", "reset-totp", "nobody@west.example"]) == 2
    assert "account.not_found" in capsys.readouterr().err


@pytest.mark.parametrize(("value", "worker_threads"), [("true", 1), ("false", 0)])
@pytest.mark.parametrize("entry", ["serve", "asgi"])
def test_the_server_runs_the_background_worker_unless_told_a_worker_runs_beside_it(
    env: Settings, monkeypatch: pytest.MonkeyPatch, value: str, worker_threads: int, entry: str
) -> None:
    """``backstride serve`` (one process) and the ASGI entry that ``serve --workers N`` and
    uvicorn load both read ``BACKSTRIDE_SERVE_WORKER``."""
    import importlib
    import threading

    import uvicorn
    from fastapi.testclient import TestClient

    monkeypatch.setenv("BACKSTRIDE_SERVE_WORKER", value)
    if entry == "serve":
        served: list[object] = []
        monkeypatch.setattr(uvicorn, "run", lambda app, **_: served.append(app))
        ran = CliRunner().invoke(app, ["serve"])
        assert ran.exit_code == 0, ran.output
        (asgi,) = served
    else:
        import backstride.api.asgi

        asgi = importlib.reload(backstride.api.asgi).app
    with TestClient(asgi):  # type: ignore[arg-type]
        running = [t for t in threading.enumerate() if t.name == "import-worker"]
        assert len(running) == worker_threads
