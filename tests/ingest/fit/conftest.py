"""Fixtures for the FIT tests: the local corpus's reference values and a file loader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.corpus import LOCAL


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    """``reference.json`` of the local corpus: per-file peer-library values."""
    return LOCAL.reference


@pytest.fixture(scope="session")
def fit_bytes() -> Callable[[str], bytes]:
    """Bytes of a local corpus file by its key (``fit/<name>``), gunzipped if ``.gz``."""
    return LOCAL.read
