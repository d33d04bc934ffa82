"""Fixtures of the ingest tests: which scanner the GPX fast path uses, which loops encode
streams."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

from backstride.ingest import gpx_fast
from backstride.ingest import streams as stream_codec


def compiled_or_numpy(
    request: pytest.FixtureRequest, module: ModuleType, names: tuple[str, ...], what: str
) -> Iterator[str]:
    """The body of a fixture that runs every test of a module twice: with the compiled loop
    (``module``'s hooks ``names`` as installed) and with the numpy path used where it was not
    built (the hooks set to None). Module-scoped and restored by hand, so that Hypothesis tests
    may use it; the compiled run is skipped where there was no C compiler at install."""
    hooks = tuple(getattr(module, name) for name in names)
    if request.param == "compiled" and any(h is None for h in hooks):
        pytest.skip(f"{what} was not built (no C compiler at install)")
    if request.param == "numpy":
        for name in names:
            setattr(module, name, None)
    try:
        yield request.param
    finally:
        for name, hook in zip(names, hooks, strict=True):
            setattr(module, name, hook)


@pytest.fixture(scope="module", params=["compiled", "numpy"])
def gpx_scanner(request: pytest.FixtureRequest) -> Iterator[str]:
    """The GPX fast path through the compiled scanner (``_gpxscan.c``), then through numpy."""
    yield from compiled_or_numpy(request, gpx_fast, ("_SCAN",), "the compiled GPX scanner")


@pytest.fixture(scope="module", params=["compiled", "numpy"])
def stream_packer(request: pytest.FixtureRequest) -> Iterator[str]:
    """Stream encoding with the compiled loops (``_streampack.c``), then with numpy."""
    yield from compiled_or_numpy(
        request,
        stream_codec,
        ("DELTA_COLUMN", "PACK", "HR_TIME"),
        "the compiled stream loops",
    )
