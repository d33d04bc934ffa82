"""Fixtures of the ingest tests: which scanner the GPX fast path uses, which loops encode
streams."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backstride.ingest import gpx_fast
from backstride.ingest import streams as stream_codec


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


@pytest.fixture(scope="module", params=["compiled", "numpy"])
def stream_packer(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test of a module that uses this runs twice: with the compiled stream loops
    (``_streampack.c``) and with the numpy path that is used where they were not built."""
    hooks = (stream_codec.DELTA_COLUMN, stream_codec.PACK, stream_codec.HR_TIME)
    if request.param == "compiled" and stream_codec.packer() != "compiled":
        pytest.skip("the compiled stream loops were not built (no C compiler at install)")
    if request.param == "numpy":
        stream_codec.DELTA_COLUMN = stream_codec.PACK = stream_codec.HR_TIME = None
    try:
        yield request.param
    finally:
        stream_codec.DELTA_COLUMN, stream_codec.PACK, stream_codec.HR_TIME = hooks
