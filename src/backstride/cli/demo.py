"""``backstride demo``: the main job of ``make run`` (grows with every stage)."""

from __future__ import annotations

import typer
from rich.console import Console

from backstride.config import load_settings


def register(app: typer.Typer) -> None:
    """Attach the ``demo`` command to ``app``."""

    @app.command("demo")
    def demo() -> None:
        """Set up the database and show the demo runner's journey."""
        from backstride.store.migrate import upgrade

        settings = load_settings()
        upgrade(settings.effective_database_url)
        Console().print(f"backstride database ready at {settings.effective_database_url}")
        from backstride.cli._context import open_session, utc_now
        from backstride.cli.demo_plan import run_plan_demo

        with open_session(settings) as session:
            run_plan_demo(session, data_dir=settings.data_dir, now=utc_now(), console=Console())
