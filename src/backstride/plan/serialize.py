"""Plan <-> JSON-ready dict (the stored PlanVersion document and the ``--json`` output).

Uses pydantic's ``TypeAdapter`` over the frozen dataclasses, so the wire shape is the field
names: ``weeks[].days[].sessions[]`` with ``kind``, ``date``, ``distance_m``, ``duration_s``,
``exercises[]`` (``id``, ``sets``, ``reps`` or ``hold_s``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from backstride.errors import InvalidInput
from backstride.plan.diff import DiffEntry
from backstride.plan.model import Plan


@cache
def _plan_adapter() -> TypeAdapter[Plan]:
    return TypeAdapter(Plan)


@cache
def _diff_adapter() -> TypeAdapter[tuple[DiffEntry, ...]]:
    return TypeAdapter(tuple[DiffEntry, ...])


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON types."""
    out: dict[str, Any] = _plan_adapter().dump_python(plan, mode="json")
    return out


def plan_from_dict(document: dict[str, Any]) -> Plan:
    """Parse a stored plan document (``plan.invalid_document`` on a bad one)."""
    try:
        return _plan_adapter().validate_python(document)
    except ValidationError as exc:
        raise InvalidInput(
            "stored plan document is not valid",
            code="plan.invalid_document",
            problems=[
                {"path": ".".join(map(str, e["loc"])), "msg": e["msg"]} for e in exc.errors()
            ],
        ) from exc


def diff_to_list(diff: tuple[DiffEntry, ...]) -> list[dict[str, Any]]:
    """The diff as plain JSON types, each entry with its readable ``text``."""
    rows: list[dict[str, Any]] = _diff_adapter().dump_python(diff, mode="json")
    for row, entry in zip(rows, diff, strict=True):
        row["text"] = entry.text()
    return rows


__all__ = ["diff_to_list", "plan_from_dict", "plan_to_dict"]
