"""Client processes for the booking race: each sends its share of requests at one moment."""

from __future__ import annotations

import threading
from typing import Any

import httpx


def client_process(
    barrier: Any, ports: list[int], jobs: list[tuple[int, str, dict[str, Any]]]
) -> list[tuple[int, int, str]]:
    """Send ``jobs`` (index, bearer token, JSON body) from one thread each, all released
    together once every process is ready; (index, status, code) per request."""
    results: list[tuple[int, int, str]] = []
    lock = threading.Lock()
    go = threading.Barrier(len(jobs))

    def one(index: int, token: str, body: dict[str, Any]) -> None:
        port = ports[index % len(ports)]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            client.get("/api/v1/health")  # connect before the start line
            go.wait()
            res = client.post(
                "/api/v1/me/appointments", json=body, headers={"Authorization": f"Bearer {token}"}
            )
        code = res.json().get("code", "") if res.status_code != 201 else ""
        with lock:
            results.append((index, res.status_code, code))

    threads = [threading.Thread(target=one, args=job) for job in jobs]
    barrier.wait()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
