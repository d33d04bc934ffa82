"""Domain results (frozen dataclasses, enums, dates, numpy numbers) to plain JSON data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter
from starlette.responses import Response


def to_jsonable(value: Any) -> Any:
    """Recursively convert ``value`` to JSON-ready data (NaN becomes None)."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            return to_jsonable(to_dict())
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays
    if callable(tolist):
        return to_jsonable(tolist())
    return str(value)


def json_response(adapter: TypeAdapter[Any], value: Any) -> Response:
    """``value`` validated against the response schema and serialised once, in Rust.

    Returning a ``Response`` skips FastAPI's own response handling (``dataclasses.asdict``
    copy, validation, ``jsonable_encoder``, ``json.dumps``) on hot read views; the route keeps
    its ``response_model`` for the OpenAPI document, and the output is the same schema.
    """
    body = adapter.dump_json(adapter.validate_python(value, from_attributes=True))
    return Response(content=body, media_type="application/json")


__all__ = ["json_response", "to_jsonable"]
