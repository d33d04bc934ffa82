"""``backstride serve``, ``backstride worker`` and ``backstride admin ...`` (accounts, clinics)."""

from __future__ import annotations

import typer
from rich.console import Console

from backstride.config import load_settings


def register(app: typer.Typer) -> None:
    """Attach ``serve``, ``worker`` and the ``admin`` group to ``app``."""
    admin_app = typer.Typer(help="Create clinics, clinicians and admins.", no_args_is_help=True)
    app.add_typer(admin_app, name="admin")

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port to listen on."),
        workers: int = typer.Option(1, help="Worker processes (PostgreSQL for more than 1)."),
    ) -> None:
        """Migrate the database and serve the web app (/) and the API (docs at /api/v1/docs)."""
        import uvicorn

        from backstride.api import create_app
        from backstride.store.migrate import upgrade

        settings = load_settings()
        upgrade(settings.effective_database_url)
        Console().print(
            f"backstride on [bold]http://{host}:{port}/[/bold] (open it in a browser; the API is "
            f"at /api/v1, docs /api/v1/docs); database "
            f"{settings.effective_database_url.split('@')[-1]}"
        )
        if workers > 1:
            uvicorn.run(
                "backstride.api.asgi:app", host=host, port=port, workers=workers, log_level="info"
            )
        else:
            uvicorn.run(create_app(settings), host=host, port=port, log_level="info")

    @app.command("worker")
    def worker(
        once: bool = typer.Option(False, "--once", help="Run the queued jobs, then stop."),
    ) -> None:
        """Run import jobs from the queue (several workers may share a PostgreSQL queue)."""
        from backstride.cli._context import utc_now
        from backstride.services.queue import make_queue
        from backstride.store.db import make_engine, session_factory
        from backstride.store.migrate import upgrade

        settings = load_settings()
        upgrade(settings.effective_database_url)
        engine = make_engine(settings.effective_database_url)
        runner = make_queue(session_factory(engine), settings=settings, clock=utc_now)
        try:
            if once:
                typer.echo(f"ran {runner.run_once()} job(s)")
            else:
                runner.run_forever()
        finally:
            engine.dispose()

    def _staff(role: str, email: str, name: str, password: str) -> None:
        from backstride.cli._context import open_session, utc_now
        from backstride.services.accounts import create_staff_account

        with open_session() as session:
            view = create_staff_account(
                session,
                email=email,
                password=password,
                role=role,
                display_name=name,
                now=utc_now(),
            )
        typer.echo(f"{role} {view.email} created (id {view.id})")

    @admin_app.command("create-clinic")
    def create_clinic(
        slug: str = typer.Argument(..., help="Short name: lower-case letters, digits, '-'."),
        name: str = typer.Option(..., "--name", help="Display name."),
    ) -> None:
        """Add a clinic."""
        from backstride.cli._context import open_session, utc_now
        from backstride.services.clinics import create_clinic as create

        with open_session() as session:
            view = create(session, principal=None, slug=slug, name=name, now=utc_now())
        typer.echo(f"clinic {view.slug} created (id {view.id})")

    @admin_app.command("create-clinician")
    def create_clinician(
        email: str = typer.Argument(...),
        clinic: str = typer.Option(..., "--clinic", help="Clinic slug or id."),
        name: str = typer.Option(..., "--name"),
        password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    ) -> None:
        """Add a clinician account to a clinic."""
        from backstride.cli._context import open_session, utc_now
        from backstride.services.clinics import create_clinician as create

        with open_session() as session:
            view = create(
                session,
                principal=None,
                email=email,
                password=password,
                display_name=name,
                clinic_id=clinic,
                now=utc_now(),
            )
        typer.echo(f"clinician {view.email} created (id {view.account_id})")

    @admin_app.command("create-admin")
    def create_admin(
        email: str = typer.Argument(...),
        name: str = typer.Option("Administrator", "--name"),
        password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    ) -> None:
        """Add an admin account."""
        _staff("admin", email, name, password)
