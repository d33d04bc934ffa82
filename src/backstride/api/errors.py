"""Error mapping: every error leaves the API as ``{"code", "detail"[, "problems"]}`` JSON."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from backstride.errors import BackstrideError, TooManyRequests

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "request.bad",
    401: "auth.required",
    403: "auth.forbidden",
    404: "route.not_found",
    405: "route.method_not_allowed",
    413: "upload.too_large",
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


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "request.failed")
    return JSONResponse(
        {"code": code, "detail": str(exc.detail)},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


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
    app.add_exception_handler(Exception, _unexpected)


__all__ = ["install_error_handlers"]
