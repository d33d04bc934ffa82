"""Licensed item wording: a clinic's YAML files replace the shipped own-words summaries.

A clinic that holds a licence (ODI via Mapi Research Trust, STarT Back via Keele) puts one file
per instrument in ``settings.instrument_wording_dir``: ``<instrument id>.yaml`` with
``instrument: odi``, optional ``title`` and ``items: {"<key>": "text"}`` or
``items: {"<key>": {text: ..., options: [...]}}``. Unknown instruments or item keys raise one
``InvalidInput(code="wording.invalid")`` listing every problem. Pure: the folder is passed in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from backstride.errors import InvalidInput
from backstride.intake.catalog import InstrumentDef, ItemDef, shipped_instruments


def _apply(
    base: InstrumentDef, raw: Any, *, filename: str, problems: list[dict[str, str]]
) -> InstrumentDef:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("items"), Mapping):
        problems.append({"path": f"{filename}.items", "msg": "expected a mapping of item texts"})
        return base
    known = set(base.item_keys)
    for key in raw["items"]:
        if str(key) not in known:
            problems.append(
                {"path": f"{filename}.items.{key}", "msg": f"unknown item of {base.id}"}
            )
    items: list[ItemDef] = []
    for item in base.items:
        entry = raw["items"].get(item.key, raw["items"].get(_maybe_int(item.key)))
        if entry is None:
            items.append(item)
            continue
        if isinstance(entry, str):
            items.append(dataclasses.replace(item, text=entry, licensed=True))
        elif isinstance(entry, Mapping) and isinstance(entry.get("text"), str):
            options = tuple(str(o) for o in entry.get("options") or ())
            items.append(
                dataclasses.replace(item, text=entry["text"], options=options, licensed=True)
            )
        else:
            problems.append(
                {"path": f"{filename}.items.{item.key}", "msg": "expected text or {text, options}"}
            )
            items.append(item)
    title = raw.get("title")
    return dataclasses.replace(
        base, items=tuple(items), title=title if isinstance(title, str) else base.title
    )


def _maybe_int(key: str) -> int | str:
    return int(key) if key.isdigit() else key


def load_instruments(wording_dir: Path | None = None) -> Mapping[str, InstrumentDef]:
    """The instruments, with licensed wording from ``wording_dir`` (``None`` = shipped only)."""
    base = shipped_instruments()
    if wording_dir is None:
        return base
    if not wording_dir.is_dir():
        raise InvalidInput(
            f"instrument wording folder {wording_dir} does not exist", code="wording.invalid"
        )
    out = dict(base)
    problems: list[dict[str, str]] = []
    for path in sorted(wording_dir.glob("*.y*ml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append({"path": path.name, "msg": f"not valid YAML: {exc}"})
            continue
        ident = raw.get("instrument", path.stem) if isinstance(raw, Mapping) else path.stem
        if ident not in base:
            problems.append({"path": path.name, "msg": f"unknown instrument {ident!r}"})
            continue
        out[ident] = _apply(base[ident], raw, filename=path.name, problems=problems)
    if problems:
        raise InvalidInput(
            f"licensed wording in {wording_dir} has {len(problems)} problem(s)",
            code="wording.invalid",
            problems=problems,
        )
    return out


__all__ = ["load_instruments"]
