"""``create_app(settings)``: the FastAPI application with routers, errors, headers and worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI

from backstride import __version__
from backstride.api.docs import install_docs
from backstride.api.errors import install_error_handlers
from backstride.api.limits import BodyLimit, HeadAsGet
from backstride.api.openapi import (
    STANDARD_RESPONSES,
    check_operation_ids,
    operation_id,
    tidy_openapi,
)
from backstride.api.routes import (
    accounts,
    activities,
    admin,
    booking,
    booking_staff,
    care,
    clinician,
    imports,
    runner,
)
from backstride.api.schemas import Health
from backstride.api.security import SecurityHeaders
from backstride.config import Settings
from backstride.services.imports.jobs import Importer, check_single_file
from backstride.services.imports.queue import make_queue
from backstride.store.db import make_engine, session_factory, wal_checkpointer
from backstride.web.mount import mount_web

API_PREFIX = "/api/v1"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    run_worker: bool = True,
    importer: Importer | None = None,
    upload_precheck: Callable[[Path, Settings], Any] | None = None,
) -> FastAPI:
    """The API on the configured database (migrate it first: ``backstride db upgrade``).

    ``run_worker`` starts the in-process import worker (a thread: the table worker on SQLite,
    a procrastinate worker on PostgreSQL); ``clock`` replaces the wall
    clock (tests); ``importer`` replaces the import service; ``upload_precheck(path,
    settings)`` checks a single uploaded file before it is queued (raises a coded error).
    """
    engine = make_engine(settings.effective_database_url, background_checkpoints=True)
    checkpointer = wal_checkpointer(engine)
    factory = session_factory(engine)
    now = clock or _utc_now
    worker = make_queue(factory, settings=settings, clock=now, importer=importer)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if checkpointer is not None:
            checkpointer.start()
        if run_worker:
            worker.start()
        try:
            yield
        finally:
            worker.stop()
            if checkpointer is not None:
                checkpointer.stop()
            engine.dispose()

    app = FastAPI(
        title="backstride API",
        version=__version__,
        description="Runner low-back-pain prevention and recovery. Decision support, not "
        "diagnosis. Errors are JSON objects with a stable `code` and a `detail`.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        responses=STANDARD_RESPONSES,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.checkpointer = checkpointer
    app.state.session_factory = factory
    app.state.clock = now
    app.state.worker = worker
    app.state.upload_precheck = upload_precheck or check_single_file
    install_error_handlers(app)
    upload_path = f"{API_PREFIX}/me/imports"
    app.add_middleware(
        BodyLimit,
        limit=settings.max_json_bytes,
        exempt=lambda scope: scope.get("path") == upload_path and scope.get("method") == "POST",
    )
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders, hsts=settings.cookie_secure)
    if settings.api_docs:
        install_docs(app, prefix=API_PREFIX, openapi_url=f"{API_PREFIX}/openapi.json")

    api = APIRouter(prefix=API_PREFIX)

    @api.get("/health", response_model=Health, tags=["system"])
    def health() -> Health:
        """Liveness check."""
        return Health(status="ok", version=__version__)

    routers = (
        booking.router,  # first: see below
        accounts.router,
        runner.router,
        runner.clinics_router,
        care.router,
        imports.router,
        activities.router,
        clinician.router,
        clinician.settings_router,
        admin.router,
        booking_staff.router,
        booking_staff.setup_router,
        booking_staff.setup_items,
    )
    check_operation_ids((api, *routers))
    # Each router hangs off the app itself, not off ``api``: FastAPI matches a request
    # against every route of each level it passes through, and again when it hands the
    # request down, so a level less is a pass less over the API's routes per request
    # (docs/decisions/0068). The paths and the OpenAPI document are the same. Routes are
    # tried in order, one pattern at a time (about 0.24 ms to reach the booking routes from
    # the end of the list; 0.04 ms first), so the runner's booking routes, the busiest
    # writes, come first; none of their patterns matches another router's paths (each
    # operation is called at its own path in tests/api/test_authorisation_matrix.py).
    app.include_router(api)
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    mount_web(app)
    tidy_openapi(app)
    return app


__all__ = ["API_PREFIX", "create_app"]
