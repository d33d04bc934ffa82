"""The API docs page: Swagger UI served from the package (no CDN, no inline script or style).

``settings.api_docs`` turns the page off (the OpenAPI document stays available); the page and its
assets are served under ``default-src 'self'`` (``api.security``).
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).with_name("static") / "swagger-ui"


def install_docs(app: FastAPI, *, prefix: str, openapi_url: str) -> None:
    """``{prefix}/docs`` (the page) and ``{prefix}/docs/static/`` (Swagger UI's files)."""
    static = f"{prefix}/docs/static"
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(app.title)} - docs</title>
<link rel="stylesheet" href="{static}/swagger-ui.css">
<link rel="icon" type="image/png" href="{static}/favicon-32x32.png">
</head>
<body data-openapi-url="{html.escape(openapi_url)}">
<div id="swagger-ui"></div>
<script src="{static}/swagger-ui-bundle.js"></script>
<script src="{static}/init.js"></script>
</body>
</html>
"""

    @app.get(f"{prefix}/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    app.mount(static, StaticFiles(directory=STATIC_DIR), name="docs-static")


__all__ = ["STATIC_DIR", "install_docs"]
