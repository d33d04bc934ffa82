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
        from backstride.cli._context import open_session, utc_now
        from backstride.services.demo_seed import seed_demo
        from backstride.store.migrate import upgrade

        settings = load_settings()
        upgrade(settings.effective_database_url)
        console = Console()
        console.print(f"backstride database ready at {settings.effective_database_url}")
        with open_session(settings) as session:
            seed = seed_demo(session, settings=settings, now=utc_now())
        console.print("Demo accounts (password [bold]" + seed.password + "[/bold]):")
        for role, email in seed.logins:
            console.print(f"  {role:<10} {email}")
        console.print(
            'Log in: POST /api/v1/auth/login {"email", "password", "mode": "token"}; '
            "API docs at http://127.0.0.1:8000/api/v1/docs once `backstride serve` runs."
        )
