"""Booking service fixtures: fast password hashing (the same code path, tiny costs)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from backstride.services import passwords


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
