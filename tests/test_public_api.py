"""The curated public API is pinned: changing it is a deliberate act."""

from __future__ import annotations

import backstride


def test_all_is_sorted_and_every_name_exists() -> None:
    assert list(backstride.__all__) == sorted(backstride.__all__)
    for name in backstride.__all__:
        assert hasattr(backstride, name), name


def test_the_public_api_is_pinned() -> None:
    assert backstride.__all__ == [
        "Activity",
        "Assessment",
        "BackstrideError",
        "Conflict",
        "Disposition",
        "Forbidden",
        "InvalidInput",
        "NotFound",
        "Settings",
        "Unauthenticated",
        "__version__",
        "assess",
        "load_settings",
        "read_activity",
    ]
