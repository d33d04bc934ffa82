"""Error mapping: every error leaves the API as ``{"code", "detail"[, "problems"]}`` JSON."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from backstride.errors import BackstrideError, TooManyRequests
from backstride.store.db import is_transient

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "request.bad",
    401: "auth.required",
    403: "auth.forbidden",
    404: "route.not_found",
    405: "route.method_not_allowed",
    413: "request.too_large",
    415: "request.unsupported_media_type",
}


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc)


async def _backstride_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BackstrideError)
    if exc.status >= 500:
        log.error("server error %s: %s", exc.code, exc.detail)
    headers = None
    if isinstance(exc, TooManyRequests):
        headers = {"Retry-After": str(exc.retry_after_s)}
    return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"path": _loc(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": err.get("type")}
        for err in exc.errors()
    ]
    body = {
        "code": "request.invalid",
        "detail": f"the request has {len(problems)} problem(s)",
        "problems": problems,
    }
    return JSONResponse(body, status_code=422)


def _method_table(app: Any) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """(path pattern, methods) of every documented operation, plus the schema and docs pages."""
    table: list[tuple[re.Pattern[str], frozenset[str]]] | None = getattr(
        app.state, "allow_table", None
    )
    if table is None:
        paths: dict[str, set[str]] = {}
        for path, item in app.openapi().get("paths", {}).items():
            paths.setdefault(path, set()).update(m.upper() for m in item)
        if app.openapi_url:
            paths.setdefault(app.openapi_url, set()).add("GET")
            paths.setdefault(app.openapi_url.rsplit("/", 1)[0] + "/docs", set()).add("GET")
        table = []
        for path, methods in paths.items():
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))
            table.append((re.compile(f"^{pattern}$"), frozenset(methods)))
        app.state.allow_table = table
    return table


def allowed_methods(request: Request) -> list[str]:
    """Every method the API answers at this request's path (HEAD wherever GET is)."""
    path = request.url.path
    methods: set[str] = set()
    for pattern, found in _method_table(request.app):
        if pattern.match(path):
            methods |= found
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.__cause__, BackstrideError):  # FastAPI wraps errors raised reading a body
        return await _backstride_error(request, exc.__cause__)
    code = _HTTP_CODES.get(exc.status_code, "request.failed")
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return JSONResponse(
        {"code": code, "detail": str(exc.detail)},
        status_code=exc.status_code,
        headers=headers or None,
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """A lock held too long, a serialisation failure or a lost connection: 503, try again."""
    if is_transient(exc):
        log.warning("transient database error on %s: %s", request.url.path, exc)
        return JSONResponse(
            {"code": "service.busy", "detail": "the database is busy; please try again"},
            status_code=503,
            headers={"Retry-After": "2"},
        )
    return await _unexpected(request, exc)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return JSONResponse(
        {"code": "internal.error", "detail": "something went wrong on our side"}, status_code=500
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map backstride errors, validation errors, HTTP errors and crashes to coded JSON."""
    app.add_exception_handler(BackstrideError, _backstride_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(Exception, _unexpected)


__all__ = ["install_error_handlers"]
