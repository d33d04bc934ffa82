"""Forms: the API's pydantic models validate them, and their problems are shown per field.

One validation path: a page builds the same input model the API takes (``LoginIn``,
``RegisterIn``, ``SessionLogIn``...) from the posted fields; a ``ValidationError`` or a coded
``InvalidInput`` from a service becomes a :class:`FormState` whose messages sit beside their
fields and in the summary at the top, while the values typed so far are kept.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from backstride.errors import BackstrideError, TooManyRequests

_MESSAGES = {
    "missing": "Enter {label}",
    "string_too_short": "Enter {label}",
    "string_too_long": "Use at most {max_length} characters",
    "less_than_equal": "Must be {le} or less",
    "greater_than_equal": "Must be {ge} or more",
    "less_than": "Must be less than {lt}",
    "greater_than": "Must be more than {gt}",
    "int_parsing": "Enter a whole number",
    "int_from_float": "Enter a whole number",
    "float_parsing": "Enter a number",
    "date_parsing": "Enter a date like 2026-12-07",
    "date_from_datetime_parsing": "Enter a date like 2026-12-07",
    "literal_error": "Choose one of the options",
    "bool_parsing": "Choose yes or no",
    "too_long": "Too many entries",
}


@dataclass
class FormState:
    """What a form shows: the values as typed and a message per field (in form order)."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @property
    def invalid(self) -> bool:
        """Any problem to show."""
        return bool(self.errors or self.general)

    def value(self, name: str, default: str = "") -> str:
        """The value to put back into a field."""
        return self.values.get(name, default)

    def add(self, name: str, message: str) -> None:
        """One problem of one field (the first message per field wins)."""
        if name:
            self.errors.setdefault(name, message)
        else:
            self.general.append(message)


def raw_values(form: FormData, names: Iterable[str]) -> dict[str, str]:
    """The posted text of each named field (files and unknown fields ignored)."""
    out: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str):
            out[name] = value
    return out


def model_input(values: Mapping[str, str]) -> dict[str, Any]:
    """Field values for a model: blank fields left out (so the model's defaults apply)."""
    return {k: v.strip() for k, v in values.items() if v.strip() != ""}


def _message(err: Mapping[str, Any], label: str) -> str:
    template = _MESSAGES.get(str(err.get("type")))
    ctx = {str(k): v for k, v in dict(err.get("ctx") or {}).items()}
    if template is None:
        return str(err.get("msg", "Check this value"))
    try:
        return template.format(label=label, **ctx)
    except (KeyError, IndexError):
        return str(err.get("msg", "Check this value"))


_INT = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_TRUE = {"on", "true", "yes", "1"}
_FALSE = {"off", "false", "no", "0"}


def _kinds(annotation: Any) -> set[Any]:
    if get_origin(annotation) is not None and get_origin(annotation) is not type:
        args = get_args(annotation)
        if args and not isinstance(args[0], str):
            return set().union(*(_kinds(a) for a in args if a is not type(None)))
    return {annotation}


def _typed(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """Form text turned into the JSON types the model's field expects.

    The API's models are strict (a JSON ``"3"`` is not a number), while a form posts only
    text: a number field's text becomes a number when it reads as one (else it stays text and
    the model says "Enter a number"), a yes/no field's ``on``/``off`` a boolean.
    """
    out = dict(data)
    for name, info in model.model_fields.items():
        value = out.get(name)
        if not isinstance(value, str):
            continue
        kinds = _kinds(info.annotation)
        text = value.strip().replace(",", ".") if kinds & {int, float} else value
        if int in kinds and _INT.match(text):
            out[name] = int(text)
        elif float in kinds and _NUMBER.match(text) and math.isfinite(float(text)):
            out[name] = float(text)
        elif int in kinds and _NUMBER.match(text):
            out[name] = float(text)  # the model says "Enter a whole number"
        elif bool in kinds and value.lower() in _TRUE | _FALSE:
            out[name] = value.lower() in _TRUE
    return out


def validate(
    model: type[BaseModel],
    values: Mapping[str, str],
    *,
    labels: Mapping[str, str],
    extra: Mapping[str, Any] | None = None,
) -> tuple[Any, FormState]:
    """``(model instance or None, state)``: the form's values checked by the API's model."""
    state = FormState(values=dict(values))
    known = model.model_fields.keys()  # page-only fields (``next``...) are not the model's
    posted = {k: v for k, v in model_input(values).items() if k in known}
    data = _typed(model, {**posted, **(extra or {})})
    try:  # JSON mode: the model reads exactly what the API would read from a JSON body
        return model.model_validate_json(json.dumps(data, default=str)), state
    except ValidationError as exc:
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ())]
            name = loc[0] if loc else ""
            state.add(name, _message(err, labels.get(name, "a value").lower()))
        return None, state


def page_number(value: str | None) -> int:
    """``?page=`` as a page number: 1 unless it is a number of at most 6 digits (a longer one
    would overflow the database's offset)."""
    return int(value) if value and value.isdigit() and len(value) < 7 and int(value) > 0 else 1


def sentence(text: str) -> str:
    """A service's message as a sentence: capital first, full stop last."""
    text = text.strip()
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def wait_words(exc: TooManyRequests) -> str:
    """``Too many tries. Wait about 3 minutes, then try again.`` (no status codes)."""
    minutes = math.ceil(exc.retry_after_s / 60)
    if minutes <= 1:
        wait = "a minute"
    elif minutes < 55:
        wait = f"about {minutes} minutes"
    else:
        hours = round(minutes / 60)
        wait = "about an hour" if hours <= 1 else f"about {hours} hours"
    return f"Too many tries. Wait {wait}, then try again."


def plain_error(exc: BackstrideError) -> str:
    """A coded error in plain words for a page: how long to wait, or the message."""
    return wait_words(exc) if isinstance(exc, TooManyRequests) else sentence(exc.detail)


def add_error(state: FormState, exc: BackstrideError, *, fields: Iterable[str]) -> FormState:
    """A service's coded error shown at its fields (``problems[].path``) or at the top."""
    known = set(fields)
    placed = False
    for problem in exc.problems:
        path = str(problem.get("path", "")).split(".")[-1]
        if path in known:
            state.add(path, str(problem.get("msg", exc.detail)).capitalize())
            placed = True
    if not placed:
        state.general.append(sentence(exc.detail))
    return state


__all__ = ["FormState", "add_error", "model_input", "page_number", "raw_values", "validate"]
