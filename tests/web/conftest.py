"""Web fixtures: a seeded runner world (built once per test process, copied per test) and a
browser-like client that logs in through the pages and sends the forms' CSRF token."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.api.app import create_app
from backstride.config import Settings
from backstride.services import passwords
from backstride.store.db import make_engine, session_factory
from backstride.store.models import Account
from tests.web.seed import NOW, PASSWORD, RUNNER_EMAIL, SeedWorld, seed

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with tiny costs: the same code path, a fraction of the time."""
    monkeypatch.setattr(passwords, "HASHER", FAST)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SeedWorld]:
    """The seeded data folder (database and original files), made once per process."""
    saved = passwords.HASHER
    passwords.HASHER = FAST
    try:
        data_dir = tmp_path_factory.mktemp("web-seed") / "data"
        world = seed(Settings(data_dir=data_dir))
    finally:
        passwords.HASHER = saved
    return data_dir, world


@pytest.fixture
def world(seeded: tuple[Path, SeedWorld]) -> SeedWorld:
    """What the seed made."""
    return seeded[1]


@pytest.fixture
def web_settings(seeded: tuple[Path, SeedWorld], tmp_path: Path) -> Settings:
    """Settings on a private copy of the seeded data folder."""
    data_dir = tmp_path / "data"
    shutil.copytree(seeded[0], data_dir)
    return Settings(data_dir=data_dir, cookie_secure=False)


@pytest.fixture
def app(web_settings: Settings) -> FastAPI:
    """The app on the seeded copy, its clock at ``NOW``, no background worker."""
    return create_app(web_settings, clock=lambda: NOW, run_worker=False)


class Browser(TestClient):
    """A test client that behaves like a browser on the pages: it keeps cookies, reads the
    CSRF token a page hands out and sends it back with every form."""

    last_token: str = ""

    def page(self, url: str, **kwargs: Any) -> Any:
        """GET a page and remember the form token it carries."""
        response = self.get(url, **kwargs)
        found = _TOKEN.search(response.text)
        if found:
            self.last_token = found.group(1)
        return response

    def submit(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST a form with the token of the last page (or of the session cookie)."""
        token = self.cookies.get("backstride_csrf") or self.last_token
        body = {"csrf_token": token, **(data or {})}
        kwargs.setdefault("follow_redirects", False)
        return self.post(url, data=body, **kwargs)

    def log_in(self, email: str = RUNNER_EMAIL, password: str = PASSWORD) -> Any:
        """Log in through the log-in form."""
        self.page("/login")
        response = self.submit("/login", {"email": email, "password": password})
        assert response.status_code == 303, response.text[:500]
        return response


@pytest.fixture(scope="module")
def shared_app(seeded: tuple[Path, SeedWorld], tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """One app per test module, for tests that only read (GET) and so may share it."""
    data_dir = tmp_path_factory.mktemp("web-shared") / "data"
    shutil.copytree(seeded[0], data_dir)
    settings = Settings(data_dir=data_dir, cookie_secure=False)
    return create_app(settings, clock=lambda: NOW, run_worker=False)


@pytest.fixture(scope="module")
def reader(shared_app: FastAPI) -> Iterator[Browser]:
    """A browser signed in as Ana on the module's shared app (read-only tests)."""
    with Browser(shared_app, base_url="http://testserver") as client:
        client.log_in()
        yield client


@pytest.fixture(scope="module")
def visitor(shared_app: FastAPI) -> Iterator[Browser]:
    """A browser that is not signed in, on the module's shared app (read-only tests)."""
    with Browser(shared_app, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def anon(app: FastAPI) -> Iterator[Browser]:
    """A browser that is not signed in."""
    with Browser(app, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def browser(app: FastAPI) -> Iterator[Browser]:
    """A browser signed in as Ana, the seeded runner."""
    with Browser(app, base_url="http://testserver") as client:
        client.log_in()
        yield client


@pytest.fixture
def db(web_settings: Settings) -> Iterator[Session]:
    """A session on the test's own copy of the seeded database."""
    engine = make_engine(web_settings.effective_database_url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


STAFF_SECRET = pyotp.random_base32()


def staff_client(app: FastAPI, db: Session, email: str) -> Browser:
    """Staff with the second factor set up, logged in with password and code."""
    account = db.scalar(select(Account).where(Account.email == email))
    assert account is not None
    account.totp_secret = STAFF_SECRET
    account.totp_enabled_at = NOW - dt.timedelta(days=30)
    db.commit()
    client = Browser(app, base_url="http://testserver")
    client.page("/login")
    step = client.submit("/login", {"email": email, "password": PASSWORD})
    challenge = re.search(r'name="challenge" value="([^"]+)"', step.text)
    assert challenge is not None, step.text[:500]
    done = client.submit(
        "/login/code", {"challenge": challenge.group(1), "code": pyotp.TOTP(STAFF_SECRET).at(NOW)}
    )
    assert done.status_code == 303, done.text[:500]
    return client
