"""``backstride clinic``: the front desk sets up booking, books, moves, cancels on the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from backstride.cli._context import open_session
from backstride.cli.main import app, main
from backstride.config import Settings
from backstride.services import accounts, auth, consent, passwords
from backstride.store.models import Account, Runner


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    return settings


def run(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(app, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


def next_monday() -> dt.date:
    today = dt.datetime.now(dt.UTC).date()
    return today + dt.timedelta(days=7 - today.weekday())


def test_the_front_desk_sets_up_books_moves_and_cancels(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    run("admin", "create-clinic", "east", "--name", "East Physio")
    run(
        "admin",
        "create-clinician",
        "doc@east.example",
        "--clinic",
        "east",
        "--name",
        "Dr East",
        input="a long password\na long password\n",
    )
    now = dt.datetime.now(dt.UTC)
    with open_session(env) as session:
        view = accounts.register_runner(
            session,
            email="ana@example.org",
            password="a long password",
            display_name="Ana",
            now=now,
        )
        principal = auth.principal_for(session, session.get(Account, view.id))  # type: ignore[arg-type]
        consent.grant_consent(session, principal=principal, clinic_id="east", now=now)
        handle = session.get(Runner, view.runner_id).handle  # type: ignore[union-attr]
    run("clinic", "policy", "east", "--timezone", "Europe/London", "--reminders", "1440,120")
    run(
        "clinic",
        "type-add",
        "east",
        "Exercise review",
        "--kind",
        "exercise_review",
        "--minutes",
        "30",
        "--after",
        "10",
    )
    run("clinic", "room-add", "east", "Gym", "--hosts", "exercise_review,gait_analysis")
    for day in ("mon", "tue"):
        run(
            "clinic",
            "hours-add",
            "east",
            "--clinician",
            "doc@east.example",
            "--day",
            day,
            "--from",
            "09:00",
            "--to",
            "12:00",
        )
    monday = next_monday()
    slots = json.loads(
        run(
            "clinic",
            "slots",
            "east",
            "--type",
            "Exercise review",
            "--date",
            monday.isoformat(),
            "--days",
            "1",
            "--json",
        )
    )
    assert slots["slots"][0]["local_start"].startswith(f"{monday.isoformat()}T09:00")
    booked = json.loads(
        run(
            "clinic",
            "book",
            "east",
            "--runner",
            handle,
            "--type",
            "Exercise review",
            "--at",
            f"{monday} 09:00",
            "--json",
        )
    )
    assert (booked["status"], booked["room_name"], booked["booked_via"]) == ("booked", "Gym", "cli")
    schedule = json.loads(run("clinic", "schedule", "east", "--date", monday.isoformat(), "--json"))
    assert [a["id"] for a in schedule] == [booked["id"]]
    moved = json.loads(
        run(
            "clinic",
            "move",
            booked["id"][:8],
            "--at",
            f"{monday} 10:00",
            "--version",
            "1",
            "--json",
        )
    )
    assert moved["version"] == 2
    # a stale version and a taken slot are coded errors (exit 2, JSON on stdout)
    capsys.readouterr()
    assert (
        main(
            ["clinic", "move", booked["id"], "--at", f"{monday} 11:00", "--version", "1", "--json"]
        )
        == 2
    )
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "booking.stale_version"
    assert (
        main(
            [
                "clinic",
                "book",
                "east",
                "--runner",
                handle,
                "--type",
                "Exercise review",
                "--at",
                f"{monday} 09:05",
                "--json",
            ]
        )
        == 2
    )
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "booking.off_grid"
    evening = json.loads(
        run(
            "clinic",
            "book",
            "east",
            "--runner",
            handle,
            "--type",
            "Exercise review",
            "--at",
            f"{monday} 18:00",
            "--override-reason",
            "after work only",
            "--json",
        )
    )
    assert evening["override_reason"] == "after work only"
    cancelled = json.loads(run("clinic", "cancel", booked["id"], "--json"))
    assert cancelled["status"] == "cancelled"
    off = run(
        "clinic",
        "time-off",
        "east",
        "--from",
        f"{monday} 17:00",
        "--to",
        f"{monday} 20:00",
        "--clinician",
        "doc@east.example",
    )
    assert evening["id"] in off
    run("clinic", "previsit", evening["id"], "--html", str(env.data_dir / "pv.html"))
    assert "Pre-visit report" in (env.data_dir / "pv.html").read_text()
