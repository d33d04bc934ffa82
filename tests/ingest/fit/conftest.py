"""Fixtures for the FIT tests: the local corpus's reference values, a file loader, and which
pass decodes the record columns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from backstride.ingest.fit import columns
from tests.corpus import LOCAL
from tests.ingest.conftest import compiled_or_numpy


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    """``reference.json`` of the local corpus: per-file peer-library values."""
    return LOCAL.reference


@pytest.fixture(scope="session")
def fit_bytes() -> Callable[[str], bytes]:
    """Bytes of a local corpus file by its key (``fit/<name>``), gunzipped if ``.gz``."""
    return LOCAL.read


@pytest.fixture(scope="module", params=["compiled", "numpy"])
def fit_records(request: pytest.FixtureRequest) -> Iterator[str]:
    """The FIT record columns by the compiled pass (``_fitrecords.c``), then by numpy."""
    yield from compiled_or_numpy(request, columns, ("COLUMNS",), "the compiled FIT record pass")
