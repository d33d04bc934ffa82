"""The client address: X-Forwarded-For only from configured proxies."""

from __future__ import annotations

import pytest

from backstride.api.client import resolve_client

PROXIES = ("10.0.0.0/8", "127.0.0.1")


@pytest.mark.parametrize(
    ("peer", "header", "proxies", "client"),
    [
        ("127.0.0.1", "6.6.6.6", (), "127.0.0.1"),  # nothing trusted by default
        ("203.0.113.5", "6.6.6.6", PROXIES, "203.0.113.5"),  # not a proxy of ours
        ("127.0.0.1", "198.51.100.1", PROXIES, "198.51.100.1"),
        ("10.1.2.3", "6.6.6.6, 198.51.100.1, 10.0.0.9", PROXIES, "198.51.100.1"),  # spoof on left
        ("10.1.2.3", "10.0.0.7", PROXIES, "10.0.0.7"),  # only our proxies: the farthest
        ("10.1.2.3", "junk, 198.51.100.1", PROXIES, "198.51.100.1"),
        ("10.1.2.3", "198.51.100.1, junk", PROXIES, "10.1.2.3"),  # garbage next to us
        ("127.0.0.1", None, PROXIES, "127.0.0.1"),
        (None, "198.51.100.1", PROXIES, None),
    ],
)
def test_the_nearest_address_that_is_not_our_proxy_is_the_client(
    peer: str | None, header: str | None, proxies: tuple[str, ...], client: str | None
) -> None:
    assert resolve_client(peer, header, proxies) == client
