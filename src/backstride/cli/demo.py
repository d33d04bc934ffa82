"""``backstride demo``: the main job of ``make run`` (grows with every stage)."""

from __future__ import annotations

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    """Attach the ``demo`` command to ``app``."""

    @app.command("demo")
    def demo() -> None:
        """Set up the database and show the demo runner's journey."""
        from backstride.cli._context import open_session, utc_now
        from backstride.cli.demo_plan import run_plan_demo
        from backstride.cli.render import render_assessment
        from backstride.config import load_settings
        from backstride.services.demo_data import DEMO_RUNNER_HANDLE, demo_intake_document
        from backstride.services.intake import latest_assessment, submit_intake
        from backstride.store.models import Runner

        settings = load_settings()
        console = Console()
        with open_session(settings) as session:  # migrates to the newest schema first
            console.print(f"backstride database ready at {settings.effective_database_url}")
            runner = session.query(Runner).filter_by(handle=DEMO_RUNNER_HANDLE).one_or_none()
            assessment = latest_assessment(session, runner_id=runner.id) if runner else None
            if assessment is None:
                assessment = submit_intake(
                    session,
                    runner_handle=DEMO_RUNNER_HANDLE,
                    document=demo_intake_document(),
                    now=utc_now(),
                ).assessment
        console.rule(f"{DEMO_RUNNER_HANDLE}: marathoner, 38, buttock pain for 7 weeks")
        render_assessment(console, assessment)
        with open_session(settings) as session:
            run_plan_demo(
                session,
                data_dir=settings.data_dir,
                now=utc_now(),
                console=console,
                handle=DEMO_RUNNER_HANDLE,
            )
