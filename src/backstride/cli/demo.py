"""``backstride demo``: the main job of ``make run`` — the demo runner's whole journey.

Steps, each idempotent (running the demo twice stores nothing new): intake and triage, a
12-month watch history imported from a Strava-style export, the training-load report, and
the personalised plan with its calendar file.
"""

from __future__ import annotations

import datetime as dt

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.orm import Session

from backstride.config import Settings, load_settings
from backstride.intake.assessment import Assessment


def demo() -> None:
    """Set up the database and show the demo runner's journey."""
    from backstride.cli._context import open_session, utc_now

    settings = load_settings()
    console = Console()
    now = utc_now()
    with open_session(settings) as session:  # migrates to the newest schema first
        console.print(f"backstride database ready at {settings.effective_database_url}")
        _step_intake(session, console=console, now=now)
        _step_history_and_report(session, console=console, settings=settings, now=now)
    with open_session(settings) as session:
        _step_plan(session, console=console, settings=settings, now=now)
    with open_session(settings) as session:
        _step_accounts(session, console=console, settings=settings, now=now)


def _step_accounts(
    session: Session, *, console: Console, settings: Settings, now: dt.datetime
) -> None:
    from backstride.services.demo.data import DEMO_RUNNER_HANDLE
    from backstride.services.demo.seed import seed_demo

    seed = seed_demo(session, settings=settings, now=now, runner_handle=DEMO_RUNNER_HANDLE)
    console.rule("web app")
    console.print(
        "Once `backstride serve` runs, open [bold]http://127.0.0.1:8000/[/bold] in a browser "
        "and log in as the runner:"
    )
    console.print(f"Demo accounts (password [bold]{seed.password}[/bold]):")
    for role, email in seed.logins:
        console.print(f"  {role:<10} {email}")
    console.print(
        'API: POST /api/v1/auth/login {"email", "password", "mode": "token"}; '
        "docs at http://127.0.0.1:8000/api/v1/docs. "
        "The clinician and the admin set up an authenticator app (TOTP) at their first log-in."
    )


def _step_intake(session: Session, *, console: Console, now: dt.datetime) -> Assessment:
    from backstride.cli.render import render_assessment
    from backstride.services.demo.data import DEMO_RUNNER_HANDLE, demo_intake_document
    from backstride.services.intake import latest_assessment, submit_intake
    from backstride.store.models import Runner

    runner = session.query(Runner).filter_by(handle=DEMO_RUNNER_HANDLE).one_or_none()
    assessment = latest_assessment(session, runner_id=runner.id) if runner else None
    if assessment is None:
        assessment = submit_intake(
            session, runner_handle=DEMO_RUNNER_HANDLE, document=demo_intake_document(), now=now
        ).assessment
    console.rule(f"{DEMO_RUNNER_HANDLE}: marathoner, 38, buttock pain for 7 weeks")
    render_assessment(console, assessment)
    return assessment


def _step_history_and_report(
    session: Session, *, console: Console, settings: Settings, now: dt.datetime
) -> None:
    from backstride.reports.load_report import write_report
    from backstride.services.demo.data import DEMO_RUNNER_HANDLE
    from backstride.services.demo.history import write_demo_export
    from backstride.services.imports.importing import import_paths
    from backstride.services.load import load_summary

    today = now.date()
    console.rule("12 months of watch data")
    export = write_demo_export(settings.data_dir / "demo", end_date=today)
    console.print(f"demo history (Strava-style export): {export}")
    report_ = import_paths(
        session, settings=settings, runner_handle=DEMO_RUNNER_HANDLE, paths=[export], now=now
    )
    console.print(
        f"imported {report_.imported} activities ({report_.points:,} samples), "
        f"{report_.duplicates} already stored, {report_.skipped} skipped"
    )
    summary = load_summary(
        session,
        runner_handle=DEMO_RUNNER_HANDLE,
        from_date=None,
        to_date=None,
        today=today,
        settings=settings,
    )
    report = write_report(
        summary,
        runner_name=DEMO_RUNNER_HANDLE,
        path=settings.data_dir / "reports" / "demo-load-report.pdf",
    )
    week = summary.weeks[-1] if summary.weeks else None
    if week:
        console.print(
            f"this week: {week.distance_m / 1000:.1f} km in {week.runs} runs; "
            f"{len(summary.flags)} flags in the history"
        )
    for flag in summary.flags[-5:]:
        console.print(f"  {flag.date} {flag.code}: {escape(flag.text)}")
    console.print(f"training-load report: {report}")


def _step_plan(session: Session, *, console: Console, settings: Settings, now: dt.datetime) -> None:
    from backstride.cli.demo_plan import run_plan_demo
    from backstride.services.demo.data import DEMO_RUNNER_HANDLE

    run_plan_demo(
        session, data_dir=settings.data_dir, now=now, console=console, handle=DEMO_RUNNER_HANDLE
    )


def register(app: typer.Typer) -> None:
    """Attach the ``demo`` command to ``app``."""
    app.command("demo")(demo)
