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
