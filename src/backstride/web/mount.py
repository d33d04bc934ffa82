"""``mount_web(app)``: the page routers, the static files and the HTML error pages."""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from backstride.web.assets import STATIC_PREFIX, Assets
from backstride.web.errors import install_page_errors
from backstride.web.templating import make_environment


def mount_web(app: FastAPI) -> None:
    """Serve the web pages from ``app`` (call after the API's routers and error handlers)."""
    from backstride.web.routes import ROUTERS  # the routes import the API's dependencies

    assets = Assets()
    app.state.web_assets = assets
    app.state.web_env = make_environment(assets)

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
