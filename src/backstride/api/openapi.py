"""The OpenAPI document says every status an operation can answer, and nothing it cannot.

Every operation may answer 401/403/404 (auth, consent), 422 (invalid input, every problem
listed) and 503 (database busy, ``Retry-After``); one with a body also 400 (a body that is not
JSON or not the declared type) and 413 (``request.too_large`` / ``upload.too_large``); a change
(POST/PUT/PATCH/DELETE) also 409 (conflict with stored state); a rate-limited operation declares
its 429 itself (``RATE_LIMITED``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from backstride.api.schemas import ErrorOut

_ERR = {"model": ErrorOut}
STANDARD_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {**_ERR, "description": "Malformed request"},
    401: {**_ERR, "description": "Not signed in"},
    403: {**_ERR, "description": "Not allowed"},
    404: {**_ERR, "description": "Not found"},
    409: {**_ERR, "description": "Conflicts with stored state"},
    413: {**_ERR, "description": "Request body too large"},
    422: {**_ERR, "description": "Invalid input; every problem listed"},
    503: {
        **_ERR,
        "description": "Busy (database locked or unavailable); try again",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    },
}
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        **_ERR,
        "description": "Too many attempts (`auth.rate_limited`, `booking.rate_limited`); wait "
        "`Retry-After` seconds",
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    }
}
"""Declared by each operation that is rate limited (the standard set has no 429)."""
_CHANGES = {"post", "put", "patch", "delete"}


def _keep(path: str, method: str, operation: dict[str, Any], status: str) -> bool:
    del path
    if status in ("400", "413"):
        return "requestBody" in operation or method in _CHANGES
    if status == "409":
        return method in _CHANGES
    return True


def tidy_openapi(app: FastAPI) -> None:
    """Install an ``app.openapi`` that keeps only the standard responses each operation has."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            for path, item in schema.get("paths", {}).items():
                for method, operation in item.items():
                    responses = operation.get("responses", {})
                    for status in list(responses):
                        if not _keep(path, method, operation, status):
                            del responses[status]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


__all__ = ["RATE_LIMITED", "STANDARD_RESPONSES", "tidy_openapi"]
