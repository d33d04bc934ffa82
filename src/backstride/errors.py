"""The one error root of backstride, with stable dotted codes shown alike by API, web and CLI.

Tree (each family maps to one HTTP status in ``api/`` and to exit code 2 in the CLI)::

    BackstrideError            code "error"                 500
    ├── InvalidInput           code "*.invalid*"/"*.bad*"   422 (400 for malformed files)
    │   ├── (ingest) corrupt_file, unsupported_format, empty_activity, too_large, unsafe_archive
    │   └── (intake) intake.invalid — lists every problem with its path
    ├── NotFound               "*.not_found"                404
    ├── Conflict               "*.conflict", "*.duplicate"  409
    ├── Forbidden              "auth.forbidden"             403
    ├── Unauthenticated        "auth.required"              401
    └── TooManyRequests        "auth.rate_limited"          429 (+ Retry-After seconds)

A code is part of the public contract: once shipped it never changes meaning. Codes are
lower-case dotted words (``area.problem``); ``problems`` carries structured detail (for
example one entry per invalid field, each with a ``path``) so that a caller can show every
problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class BackstrideError(Exception):
    """Root of every error backstride raises on purpose.

    ``code`` is a stable dotted string; ``detail`` is a human sentence; ``problems`` is an
    optional list of structured items (each a mapping, typically with ``path`` and ``msg``).
    """

    status: ClassVar[int] = 500
    default_code: ClassVar[str] = "internal.error"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        problems: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(detail)
        self.code = code or self.default_code
        if not _CODE.match(self.code):
            raise ValueError(f"error code must be dotted lower-case words, got {self.code!r}")
        self.detail = detail
        self.problems: tuple[Mapping[str, Any], ...] = tuple(problems)

    def to_dict(self) -> dict[str, Any]:
        """The wire form: ``{"code", "detail"}`` plus ``problems`` when there are any."""
        out: dict[str, Any] = {"code": self.code, "detail": self.detail}
        if self.problems:
            out["problems"] = [dict(p) for p in self.problems]
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, detail={self.detail!r})"


class InvalidInput(BackstrideError):
    """The caller sent something we cannot accept (bad value, bad file, bad archive)."""

    status = 422
    default_code = "input.invalid"


class NotFound(BackstrideError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    status = 404
    default_code = "resource.not_found"


class Conflict(BackstrideError):
    """The request clashes with stored state (duplicate, double booking, stale version)."""

    status = 409
    default_code = "resource.conflict"


class Forbidden(BackstrideError):
    """The caller is known but not allowed to do this."""

    status = 403
    default_code = "auth.forbidden"


class Unauthenticated(BackstrideError):
    """The caller must log in first."""

    status = 401
    default_code = "auth.required"


class TooManyRequests(BackstrideError):
    """Too many attempts from this caller; ``retry_after_s`` says when to try again."""

    status = 429
    default_code = "auth.rate_limited"

    def __init__(
        self,
        detail: str,
        *,
        retry_after_s: int,
        code: str | None = None,
        problems: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(detail, code=code, problems=problems)
        self.retry_after_s = max(1, int(retry_after_s))


class ConfigError(BackstrideError):
    """Settings are missing or contradictory."""

    status = 500
    default_code = "config.invalid"


__all__ = [
    "BackstrideError",
    "ConfigError",
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "TooManyRequests",
    "Unauthenticated",
]
