"""A clock tests move by hand, and a client on an app that reads it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from fastapi.testclient import TestClient

from backstride.api import create_app
from backstride.config import Settings
from tests.api.world import NOW


class Clock:
    """Starts at the world's ``NOW``; ``advance`` moves it."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def client_with_clock(
    settings: Settings, clock: Clock, *, peer: tuple[str, int] = ("testclient", 50000)
) -> Iterator[TestClient]:
    """A test client whose app reads ``clock``, calling from ``peer``."""
    app = create_app(settings, clock=clock, run_worker=False)
    with TestClient(app, base_url="https://testserver", client=peer) as client:
        yield client
