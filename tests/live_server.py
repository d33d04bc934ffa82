"""A real ``backstride serve`` in a child process on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import auth
from backstride.store.models import Account


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """A running server: its base URL, process and log file."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60.0, **kwargs)  # type: ignore[arg-type]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def server_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a child ``backstride`` on these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKSTRIDE_")}
    env["BACKSTRIDE_DATA_DIR"] = str(settings.data_dir)
    env["BACKSTRIDE_COOKIE_SECURE"] = "false"
    if settings.database_url:
        env["BACKSTRIDE_DATABASE_URL"] = settings.database_url
    env.update(extra)
    return env


def start_server(settings: Settings, *, log: Path, **extra: str) -> LiveServer:
    """Start ``backstride serve`` and wait until ``/health`` answers (60 s at most)."""
    port = free_port()
    out = log.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "backstride.cli.main", "serve", "--port", str(port)],
        env=server_env(settings, **extra),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out.close()
    server = LiveServer(f"http://127.0.0.1:{port}/api/v1", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {server.log_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                return server
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"the server did not start: {server.log_text()[-3000:]}")


def stop_server(server: LiveServer, *, timeout_s: float = 30.0) -> int:
    """SIGTERM and wait; SIGKILL the whole group if it does not stop. The exit code."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            return server.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(10)
            raise
    return int(server.process.returncode)


@contextlib.contextmanager
def live_server(settings: Settings, *, log: Path, **extra: str) -> Iterator[LiveServer]:
    """A server for the duration of the block, stopped (and its group killed) afterwards."""
    server = start_server(settings, log=log, **extra)
    try:
        yield server
    finally:
        try:
            stop_server(server)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)


def bearer(session: Session, account_id: str) -> dict[str, str]:
    """A fresh bearer token (issued at the real time) for an account, as headers."""
    account = session.get(Account, account_id)
    assert account is not None
    now = dt.datetime.now(dt.UTC)
    issued = auth.issue_token(session, account=account, kind="bearer", now=now)
    session.commit()
    return {"Authorization": f"Bearer {issued.token}"}


__all__ = [
    "LiveServer",
    "bearer",
    "free_port",
    "live_server",
    "server_env",
    "start_server",
    "stop_server",
]
