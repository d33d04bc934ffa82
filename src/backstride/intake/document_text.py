"""An intake document from JSON or YAML text, refusing what would silently drop an answer.

A key written twice in one mapping keeps only its last value in ``json.loads`` and
``yaml.safe_load``: one answer would vanish without a word. Such a key is one problem of
``intake.invalid`` at its path, like an unknown field (``extra="forbid"`` in the document
model). Unreadable text is ``intake.unreadable``. Pure: the caller reads the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

import yaml

from backstride.errors import InvalidInput

Format = Literal["json", "yaml"]


def _yaml_duplicates(node: yaml.Node, path: tuple[str, ...]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            where = (*path, key)
            if key in seen:
                found.append(_duplicate(where, f"line {key_node.start_mark.line + 1}"))
            seen.add(key)
            found.extend(_yaml_duplicates(value_node, where))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found.extend(_yaml_duplicates(item, (*path, str(i))))
    return found


def _duplicate(path: tuple[str, ...], where: str) -> dict[str, str]:
    return {
        "path": ".".join(path),
        "msg": f"{path[-1]} is given twice ({where}); keep one answer",
        "type": "duplicate_key",
    }


class _Pairs(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once."""

    repeated: tuple[str, ...] = ()


def _pairs(items: list[tuple[str, Any]]) -> _Pairs:
    out = _Pairs(items)
    keys = [k for k, _ in items]
    out.repeated = tuple(sorted({k for k in keys if keys.count(k) > 1}))
    return out


def _json_duplicates(value: Any, path: tuple[str, ...]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    if isinstance(value, _Pairs):
        found.extend(_duplicate((*path, key), "in the same object") for key in value.repeated)
    if isinstance(value, Mapping):
        for key, item in value.items():
            found.extend(_json_duplicates(item, (*path, str(key))))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_json_duplicates(item, (*path, str(i))))
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def parse_document_text(text: str, *, fmt: Format, name: str = "the intake") -> dict[str, Any]:
    """The raw document (validate it next with ``validate_intake``).

    ``intake.unreadable`` when the text is not JSON/YAML; ``intake.invalid`` when it is not a
    mapping or a key is given twice (each duplicate listed with its path).
    """
    try:
        if fmt == "yaml":
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            duplicates = _yaml_duplicates(node, ()) if node is not None else []
            data = yaml.safe_load(text)
        else:
            parsed = json.loads(text, object_pairs_hook=_pairs)
            duplicates = _json_duplicates(parsed, ())
            data = _plain(parsed)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput(
            f"{name} is not valid {fmt.upper()}",
            code="intake.unreadable",
            problems=[{"path": "", "msg": str(exc), "type": "parse_error"}],
        ) from exc
    if not isinstance(data, dict):
        raise InvalidInput(
            "the intake must be a mapping of sections",
            code="intake.invalid",
            problems=[{"path": "", "msg": "expected an object", "type": "dict_type"}],
        )
    if duplicates:
        raise InvalidInput(
            f"{name} gives {len(duplicates)} answer(s) twice",
            code="intake.invalid",
            problems=duplicates,
        )
    return data


__all__ = ["Format", "parse_document_text"]
