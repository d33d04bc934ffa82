"""``mount_web(app)``: the page routers, the static files and the HTML error pages."""

from __future__ import annotations

from functools import cache

from fastapi import FastAPI, Request
from jinja2 import Environment
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from backstride.web.assets import STATIC_PREFIX, Assets
from backstride.web.errors import install_page_errors
from backstride.web.templating import make_environment


@cache
def _shared() -> tuple[Assets, Environment]:
    """The static files and compiled templates are the same for every app in a process."""
    assets = Assets()
    return assets, make_environment(assets)


def mount_web(app: FastAPI) -> None:
    """Serve the web pages from ``app`` (call after the API's routers and error handlers)."""
    from backstride.web.routes import ROUTERS  # the routes import the API's dependencies

    assets, env = _shared()
    app.state.web_assets = assets
    app.state.web_env = env

    @app.get(STATIC_PREFIX + "{hashed:path}", include_in_schema=False)
    async def static(hashed: str, request: Request) -> Response:
        found = assets.response(request, hashed)
        if found is None:
            raise StarletteHTTPException(404)
        return found

    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    install_page_errors(app)


__all__ = ["mount_web"]
