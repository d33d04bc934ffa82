"""The shared corpus's reference values (``reference.json``), for parametrised tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SHARED_ACTIVITIES = Path(__file__).resolve().parents[3] / "shared" / "data" / "activities"


def _load() -> dict[str, Any]:
    path = SHARED_ACTIVITIES / "reference.json"
    if not path.exists():
        return {}
    files: dict[str, Any] = json.loads(path.read_text())["files"]
    return files


REFERENCE = _load()


def files_of(fmt: str, category: str) -> list[str]:
    """Corpus-relative names of one format and category, sorted."""
    return sorted(
        k for k, v in REFERENCE.items() if v["format"] == fmt and v["category"] == category
    )


def broken_files() -> list[str]:
    """Every file under broken/ (from the folder, so new ones are not missed)."""
    folder = SHARED_ACTIVITIES / "broken"
    return sorted(f"broken/{p.name}" for p in folder.iterdir()) if folder.is_dir() else []
