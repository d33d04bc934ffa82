"""Error pages for the web: 404, 403, 422, 500 in plain words, never a stack trace.

The API keeps its JSON errors (``api/errors.py``): the handlers installed here answer for
page paths and hand ``/api/`` paths to the JSON handlers already registered. A signed-out
visitor who opens a page is sent to the log-in page and back afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from backstride.errors import BackstrideError, Unauthenticated
from backstride.web.session import ENROLMENT_PAGE, EnrolmentRequired, Visitor, new_form_token

log = logging.getLogger(__name__)
Handler = Callable[[Request, Exception], Awaitable[Response] | Response]

_TITLES = {
    400: "That request could not be read",
    401: "Please log in",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed here",
    409: "That clashes with what is stored",
    413: "Too large",
    422: "That could not be used",
    429: "Too many tries",
    500: "Something went wrong on our side",
}


def is_page_path(path: str) -> bool:
    """Paths answered with HTML (everything but the API)."""
    return not (path == "/api" or path.startswith("/api/"))


def _visitor(request: Request) -> Visitor:
    settings = request.app.state.settings
    return Visitor(None, new_form_token(settings), new_form_token=False)


def error_page(request: Request, status: int, message: str, *, code: str | None) -> Response:
    """A page that says what happened in plain words (and the stable code), nothing more."""
    from backstride.web.templating import render

    return render(
        request,
        "error.html",
        {"status": status, "message": message, "code": code},
        visitor=_visitor(request),
        status=status,
        title=_TITLES.get(status, "Something went wrong"),
    )


def _see_other(request: Request, url: str) -> Response:
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url, "Cache-Control": "no-store"})
    return Response(status_code=303, headers={"Location": url, "Cache-Control": "no-store"})


def _login_redirect(request: Request) -> Response:
    target = request.url.path
    if request.url.query and request.method == "GET":
        target += "?" + request.url.query
    url = "/login" if request.method != "GET" else f"/login?next={quote(target, safe='/')}"
    return _see_other(request, url)


def install_page_errors(app: FastAPI) -> None:
    """HTML error pages for page paths; the JSON handlers keep ``/api/``."""
    api: dict[object, Handler] = dict(app.exception_handlers)

    def for_api(kind: object) -> Handler | None:
        return api.get(kind)

    async def backstride_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BackstrideError)
        if not is_page_path(request.url.path):
            return await _delegate(for_api(BackstrideError), request, exc)
        if isinstance(exc, Unauthenticated) and exc.code == "auth.required":
            return _login_redirect(request)
        if isinstance(exc, EnrolmentRequired):  # staff: the second factor before anything else
            return _see_other(request, ENROLMENT_PAGE)
        if exc.status >= 500:
            log.error("server error %s: %s", exc.code, exc.detail)
            return error_page(request, 500, "Please try again in a moment.", code=None)
        return error_page(request, exc.status, exc.detail, code=exc.code)

    async def validation_error(request: Request, exc: Exception) -> Response:
        if not is_page_path(request.url.path):
            return await _delegate(for_api(RequestValidationError), request, exc)
        return error_page(
            request, 422, "Part of the address or form could not be read.", code="request.invalid"
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not is_page_path(request.url.path):
            return await _delegate(for_api(StarletteHTTPException), request, exc)
        status = exc.status_code
        if status == 404:
            message = "There is no page at this address. The menu above leads everywhere."
            return error_page(request, 404, message, code="route.not_found")
        return error_page(request, status, _TITLES.get(status, "Request failed"), code=None)

    async def unexpected(request: Request, exc: Exception) -> Response:
        if not is_page_path(request.url.path):
            return await _delegate(for_api(Exception), request, exc)
        log.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return error_page(
            request,
            500,
            "Please try again in a moment. Nothing you entered was shown to anyone else.",
            code=None,
        )

    app.add_exception_handler(BackstrideError, backstride_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


async def _delegate(handler: Handler | None, request: Request, exc: Exception) -> Response:
    if handler is None:  # pragma: no cover - the API always installs its handlers first
        raise exc
    result = handler(request, exc)
    if isinstance(result, Response):
        return result
    return await result


__all__ = ["error_page", "install_page_errors", "is_page_path"]
