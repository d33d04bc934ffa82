"""The client's address for throttling and the session list: the peer, or — only when the peer
is a configured reverse proxy (``settings.trusted_proxies``) — the nearest address in
``X-Forwarded-For`` that is not one of ours.

Nothing is trusted by default: a request from 127.0.0.1 with a made-up ``X-Forwarded-For``
counts as 127.0.0.1 (issue 18: a spoofed header got past the per-address limit). ``backstride
serve`` also turns uvicorn's own proxy-header handling off, which otherwise believes the
header from 127.0.0.1. docs/decisions/0021-throttling-and-client-address.md.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Sequence

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def resolve_client(
    peer: str | None, forwarded_for: str | None, proxies: Sequence[str]
) -> str | None:
    """The client address given the peer, the header and the trusted proxies (pure)."""
    if peer is None:
        return None
    networks = _networks(tuple(proxies))
    if not networks or not forwarded_for or not _trusted(peer, networks):
        return peer[:64]
    client = peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage: keep the last hop we could believe
        client = hop
        if not _trusted(hop, networks):
            break
    return client[:64]


def client_address(request: Request) -> str | None:
    """The calling client's address (see the module docstring)."""
    settings = request.app.state.settings
    peer = request.client.host if request.client else None
    return resolve_client(
        peer, request.headers.get("x-forwarded-for"), tuple(settings.trusted_proxies)
    )


def user_agent(request: Request) -> str | None:
    """The User-Agent header, cut to what the session list shows."""
    value = request.headers.get("user-agent")
    return value[:200] if value else None


__all__ = ["client_address", "resolve_client", "user_agent"]
