"""``backstride serve``, ``backstride worker`` and ``backstride admin ...`` (accounts, clinics)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console

from backstride.config import load_settings

admin_app = typer.Typer(
    help="Create clinics, clinicians and admins; read the audit log.", no_args_is_help=True
)

PasswordOpt = typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
"""The password option of a new staff account: asked twice, never echoed."""


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (PostgreSQL for more than 1).")
    ] = 1,
) -> None:
    """Migrate the database and serve the web app (/) and the API (docs at /api/v1/docs)."""
    import uvicorn

    from backstride.api import create_app
    from backstride.services.blobstore import upgrade_store

    settings = load_settings()
    upgrade_store(settings)
    Console().print(
        f"backstride on [bold]http://{host}:{port}/[/bold] (open it in a browser; the API is "
        f"at /api/v1, docs /api/v1/docs); database "
        f"{settings.effective_database_url.split('@')[-1]}"
    )
    # no "server: uvicorn" header (it names the software for a scanner); Date stays.
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1;
    # the app reads it itself, from settings.trusted_proxies only (api/client.py).
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "server_header": False,
        "date_header": True,
        "timeout_graceful_shutdown": 15,
        "proxy_headers": False,
    }
    if workers > 1:
        uvicorn.run("backstride.api.asgi:app", workers=workers, **options)
    else:
        uvicorn.run(create_app(settings, run_worker=settings.serve_worker), **options)


def worker(
    once: Annotated[bool, typer.Option("--once", help="Run the queued jobs, then stop.")] = False,
) -> None:
    """Run import jobs and send due e-mail (several workers may share a PostgreSQL queue)."""
    from backstride.cli._context import utc_now
    from backstride.services.blobstore import upgrade_store
    from backstride.services.imports.queue import make_queue
    from backstride.services.outbox import drain_due
    from backstride.store.db import make_engine, session_factory

    settings = load_settings()
    upgrade_store(settings)
    engine = make_engine(settings.effective_database_url)
    factory = session_factory(engine)
    runner = make_queue(factory, settings=settings, clock=utc_now)
    try:
        if once:
            typer.echo(f"ran {runner.run_once()} job(s)")
            mail = drain_due(factory, settings=settings, now=utc_now())
            typer.echo(f"sent {mail.sent} e-mail(s), {mail.retried} to retry, {mail.failed} failed")
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
    slug: Annotated[str, typer.Argument(help="Short name: lower-case letters, digits, '-'.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
) -> None:
    """Add a clinic."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services.clinics import create_clinic as create

    with open_session() as session:
        view = create(session, principal=None, slug=slug, name=name, now=utc_now())
    typer.echo(f"clinic {view.slug} created (id {view.id})")


@admin_app.command("create-clinician")
def create_clinician(
    email: Annotated[str, typer.Argument()],
    clinic: Annotated[str, typer.Option("--clinic", help="Clinic slug or id.")],
    name: Annotated[str, typer.Option("--name")],
    password: Annotated[str, PasswordOpt],
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


@admin_app.command("audit")
def audit_log(
    actor: Annotated[str | None, typer.Option("--actor", help="Actor account id.")] = None,
    runner: Annotated[str | None, typer.Option("--runner", help="Runner id.")] = None,
    action: Annotated[
        str | None,
        typer.Option("--action", help="read, create, update, delete, export or refused."),
    ] = None,
    since: Annotated[str | None, typer.Option("--from", help="ISO date-time, inclusive.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="ISO date-time, exclusive.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 100,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Show the audit log (who read or changed whose data), oldest first, with filters."""
    import datetime as dt
    import json

    from backstride.cli._context import open_session, utc_now
    from backstride.errors import InvalidInput
    from backstride.services.audit import search_audit

    def when(text: str | None, name: str) -> dt.datetime | None:
        if text is None:
            return None
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise InvalidInput(
                f"--{name}: not an ISO date-time", code="audit.invalid_range"
            ) from exc
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

    with open_session() as session:
        page = search_audit(
            session,
            principal=None,
            now=utc_now(),
            actor=actor,
            runner=runner,
            action=action,
            from_at=when(since, "from"),
            to_at=when(until, "to"),
            limit=limit,
            offset=offset,
        )
    for ev in page.events:
        if as_json:
            row = {
                "id": ev.id,
                "at": ev.at.isoformat(),
                "actor_account_id": ev.actor_account_id,
                "actor_role": ev.actor_role,
                "runner_id": ev.runner_id,
                "action": ev.action,
                "resource": ev.resource,
                "detail": ev.detail,
            }
            typer.echo(json.dumps(row, sort_keys=True))
        else:
            typer.echo(
                f"{ev.at.isoformat()}  {ev.actor_role:<9} {ev.actor_account_id or '-':<32}  "
                f"{ev.action:<7} {ev.resource:<12} runner {ev.runner_id or '-'}"
            )
    if page.has_more and not as_json:
        typer.echo(f"(more: --offset {offset + limit})")


@admin_app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Option("--name")] = "Administrator",
    *,
    password: Annotated[str, PasswordOpt],
) -> None:
    """Add an admin account."""
    _staff("admin", email, name, password)


@admin_app.command("reset-totp")
def reset_totp(
    account: Annotated[str, typer.Argument(help="The account's e-mail address or id.")],
) -> None:
    """Remove an account's second factor (lost phone and codes) and end its sessions.

    A clinician or admin sets up a new authenticator app at the next log-in.
    """
    from backstride.cli._context import open_session, utc_now
    from backstride.services.totp import admin_reset

    with open_session() as session:
        admin_reset(session, principal=None, account_ref=account, now=utc_now())
    typer.echo(f"second factor of {account} removed; every session of it ended")


@admin_app.command("end-sessions")
def end_sessions(
    account: Annotated[str, typer.Argument(help="The account's e-mail address or id.")],
) -> None:
    """Log an account out everywhere (a lost laptop or phone)."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services.sessions import end_all_sessions

    with open_session() as session:
        count = end_all_sessions(session, account_ref=account, now=utc_now())
    typer.echo(f"{count} session(s) of {account} ended")


def register(app: typer.Typer) -> None:
    """Attach ``serve``, ``worker`` and the ``admin`` group to ``app``."""
    app.add_typer(admin_app, name="admin")
    app.command("serve")(serve)
    app.command("worker")(worker)
