"""Fixtures for the FIT tests: the corpus reference values and a file loader."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def reference(activities_dir: Path) -> dict[str, Any]:
    """``reference.json`` of the shared corpus: per-file peer-library values."""
    return json.loads((activities_dir / "reference.json").read_text())["files"]


@pytest.fixture(scope="session")
def fit_bytes(activities_dir: Path) -> Callable[[str], bytes]:
    """Bytes of a corpus file by its reference key (``fit/<name>``), gunzipped if ``.gz``."""

    def load(key: str) -> bytes:
        raw = (activities_dir / key).read_bytes()
        return gzip.decompress(raw) if key.endswith(".gz") else raw

    return load
