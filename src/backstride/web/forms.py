"""Forms: the API's pydantic models validate them, and their problems are shown per field.

One validation path: a page builds the same input model the API takes (``LoginIn``,
``RegisterIn``, ``SessionLogIn``...) from the posted fields; a ``ValidationError`` or a coded
``InvalidInput`` from a service becomes a :class:`FormState` whose messages sit beside their
fields and in the summary at the top, while the values typed so far are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from backstride.errors import BackstrideError

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


def validate(
    model: type[BaseModel],
    values: Mapping[str, str],
    *,
    labels: Mapping[str, str],
    extra: Mapping[str, Any] | None = None,
) -> tuple[Any, FormState]:
    """``(model instance or None, state)``: the form's values checked by the API's model."""
    state = FormState(values=dict(values))
    data = {**model_input(values), **(extra or {})}
    try:
        return model.model_validate(data), state
    except ValidationError as exc:
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ())]
            name = loc[0] if loc else ""
            state.add(name, _message(err, labels.get(name, "a value").lower()))
        return None, state


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
        state.general.append(exc.detail[:1].upper() + exc.detail[1:])
    return state


__all__ = ["FormState", "add_error", "model_input", "raw_values", "validate"]
