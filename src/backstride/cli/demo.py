"""``backstride demo``: the main job of ``make run`` (grows with every stage)."""

from __future__ import annotations

import importlib

import typer
from rich.console import Console

from backstride.config import load_settings

DEMO_RUNNER = "demo"


def register(app: typer.Typer) -> None:
    """Attach the ``demo`` command to ``app``."""

    @app.command("demo")
    def demo() -> None:
        """Set up the database and show the demo runner's journey."""
        from backstride.cli._context import open_session, utc_now
        from backstride.reports.load_report import write_report
        from backstride.services.demo_history import store_demo_summaries, write_demo_export
        from backstride.services.load import load_summary
        from backstride.store.migrate import upgrade

        console = Console()
        settings = load_settings()
        upgrade(settings.effective_database_url)
        console.print(f"backstride database ready at {settings.effective_database_url}")
        now = utc_now()
        today = now.date()
        export = write_demo_export(settings.data_dir / "demo", end_date=today)
        console.print(f"demo history (12 months, Strava-style export): {export}")
        with open_session(settings) as session:
            try:
                importing = importlib.import_module("backstride.services.importing")
            except ImportError:
                importing = None
            if importing is not None:
                importing.import_paths(
                    session, settings=settings, runner_handle=DEMO_RUNNER, paths=[export], now=now
                )
            else:
                stored = store_demo_summaries(
                    session, runner_handle=DEMO_RUNNER, end_date=today, now=now
                )
                console.print(f"file importer not installed: stored {stored} run summaries")
            summary = load_summary(
                session,
                runner_handle=DEMO_RUNNER,
                from_date=None,
                to_date=None,
                today=today,
                settings=settings,
            )
        report = write_report(
            summary,
            runner_name=DEMO_RUNNER,
            path=settings.data_dir / "reports" / "demo-load-report.pdf",
        )
        week = summary.weeks[-1] if summary.weeks else None
        if week:
            console.print(
                f"this week: {week.distance_m / 1000:.1f} km in {week.runs} runs; "
                f"{len(summary.flags)} flags"
            )
        for flag in summary.flags[-5:]:
            console.print(f"  {flag.date} {flag.code}: {flag.text}")
        console.print(f"training-load report: {report}")
