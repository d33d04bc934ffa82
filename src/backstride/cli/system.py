"""System commands: configuration and database maintenance."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from backstride.config import load_settings


def register(app: typer.Typer) -> None:
    """Attach ``config`` and ``db`` command groups to ``app``."""
    config_app = typer.Typer(help="Show configuration.", no_args_is_help=True)
    db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
    app.add_typer(config_app, name="config")
    app.add_typer(db_app, name="db")

    @config_app.command("show")
    def config_show(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
        """Print the settings in force (secrets hidden)."""
        settings = load_settings()
        data = json.loads(settings.model_dump_json())
        data["effective_database_url"] = settings.effective_database_url
        if as_json:
            typer.echo(json.dumps(data, indent=2))
            return
        table = Table("setting", "value", title="backstride settings (BACKSTRIDE_<NAME>)")
        for key, value in data.items():
            table.add_row(key, str(value))
        Console().print(table)

    @db_app.command("upgrade")
    def db_upgrade(revision: str = typer.Argument("head")) -> None:
        """Apply database migrations (default: to the newest)."""
        from backstride.services.blobstore import upgrade_store
        from backstride.store.migrate import upgrade

        settings = load_settings()
        if revision == "head":
            upgrade_store(settings)
        else:
            upgrade(settings.effective_database_url, revision)
        typer.echo(f"database at {revision}: {settings.effective_database_url}")

    @db_app.command("downgrade")
    def db_downgrade(revision: str = typer.Argument(...)) -> None:
        """Revert database migrations to REVISION (``base`` empties it)."""
        from backstride.store.migrate import downgrade

        settings = load_settings()
        downgrade(settings.effective_database_url, revision)
        typer.echo(f"database at {revision}")
