"""ASGI middleware at the edge: request bodies limited before parsing, HEAD answered like GET.

``BodyLimit`` refuses a body larger than ``settings.max_json_bytes`` with 413
``request.too_large``: at once from ``Content-Length``, or as soon as a chunked body passes the
limit, before any of it is parsed (uploads have their own streaming limit and are exempt).
``HeadAsGet`` answers ``HEAD`` on every ``GET`` route with the GET's status and headers and no
body (RFC 9110 §9.3.2), which FastAPI's routes do not do by themselves.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backstride.errors import InvalidInput


class BodyTooLarge(InvalidInput):
    """The request body is larger than the server accepts for this operation."""

    status = 413
    default_code = "request.too_large"


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps(
        {"code": "request.too_large", "detail": f"the request body is larger than {limit} bytes"}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """413 for a body over ``limit`` bytes, except on paths ``exempt`` says handle their own."""

    def __init__(self, app: ASGIApp, *, limit: int, exempt: Callable[[Scope], bool]) -> None:
        self.app, self.limit, self.exempt = app, limit, exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.exempt(scope):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _refuse(send, self.limit)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(f"the request body is larger than {self.limit} bytes")
            return message

        await self.app(scope, limited, send)


class HeadAsGet:
    """Serve ``HEAD`` as ``GET`` without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


__all__ = ["BodyLimit", "BodyTooLarge", "HeadAsGet"]
