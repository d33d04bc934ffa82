"""Fixtures for the FIT tests: the local corpus's reference values, a file loader, and which
pass decodes the record columns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from backstride.ingest.fit import columns
from tests.corpus import LOCAL


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
    """Every test of a module that uses this runs twice: with the compiled record pass
    (``_fitrecords.c``) and with the numpy path that is used where it was not built."""
    compiled = columns.COLUMNS
    if request.param == "compiled" and compiled is None:
        pytest.skip("the compiled FIT record pass was not built (no C compiler at install)")
    if request.param == "numpy":
        columns.COLUMNS = None
    try:
        yield request.param
    finally:
        columns.COLUMNS = compiled
