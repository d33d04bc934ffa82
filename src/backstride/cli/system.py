"""System commands: configuration and database maintenance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from backstride.config import load_settings

config_app = typer.Typer(help="Show configuration.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


@config_app.command("show")
def config_show(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
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
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply database migrations (default: to the newest)."""
    from backstride.services.blobstore import upgrade_store
    from backstride.store.migrate import upgrade

    settings = load_settings()
    if revision == "head":
        upgrade_store(settings)
    else:
        upgrade(settings.effective_database_url, revision)
    typer.echo(f"database at {revision}: {settings.effective_database_url}")


@db_app.command("backup")
def db_backup(
    path: Annotated[Path, typer.Argument(help="The backup file to write (a tar).")],
) -> None:
    """Back up the database and the original files while the server runs (checksummed)."""
    from backstride.cli._context import utc_now
    from backstride.services.backup import create_backup

    info = create_backup(load_settings(), path, now=utc_now())
    typer.echo(
        f"backup {info.path}: {info.backend} at {info.revision}, {info.files} files, "
        f"{info.bytes} bytes"
    )


@db_app.command("restore")
def db_restore(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A backup file.")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the store without asking.")] = False,
) -> None:
    """Replace the store with a backup (verified first; an older schema is upgraded)."""
    from backstride.services.backup import restore_backup

    settings = load_settings()
    if not yes:
        typer.confirm(
            f"Replace everything in {settings.effective_database_url} and "
            f"{settings.blob_dir} with {path}?",
            abort=True,
        )
    info = restore_backup(settings, path)
    typer.echo(f"restored {info.path}: {info.files} files; database at head")


@db_app.command("new-key")
def db_new_key() -> None:
    """Print a fresh key for BACKSTRIDE_BLOB_KEY (encryption of original files at rest)."""
    from backstride.services.blobstore import new_key

    typer.echo(new_key())


@db_app.command("encrypt-blobs")
def db_encrypt_blobs() -> None:
    """Encrypt original files stored before BACKSTRIDE_BLOB_KEY was set."""
    from backstride.services.blobstore import blob_store

    store = blob_store(load_settings())
    sealed = sum(store.reseal(runner, sha) for runner, sha, _ in store.files())
    typer.echo(f"encrypted {sealed} file(s)")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert database migrations to REVISION (``base`` empties it)."""
    from backstride.store.migrate import downgrade

    settings = load_settings()
    downgrade(settings.effective_database_url, revision)
    typer.echo(f"database at {revision}")


def register(app: typer.Typer) -> None:
    """Attach the ``config`` and ``db`` command groups to ``app``."""
    app.add_typer(config_app, name="config")
    app.add_typer(db_app, name="db")
