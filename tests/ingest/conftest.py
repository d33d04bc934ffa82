"""Fixtures of the ingest tests: which scanner the GPX fast path uses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backstride.ingest import gpx_fast


@pytest.fixture(scope="module", params=["compiled", "numpy"])
def gpx_scanner(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test of a module that uses this runs twice: through the compiled scanner
    (``_gpxscan.c``) and through the numpy path that is used where it was not built.
    Module-scoped (set and restored by hand) so that Hypothesis tests may use it."""
    compiled = gpx_fast._SCAN
    if request.param == "compiled" and compiled is None:
        pytest.skip("the compiled GPX scanner was not built (no C compiler at install)")
    if request.param == "numpy":
        gpx_fast._SCAN = None
    try:
        yield request.param
    finally:
        gpx_fast._SCAN = compiled
