"""Static files with content-hashed URLs, served from the app's own origin.

At start-up every file under ``web/static`` is read once: its URL becomes
``/static/<name>.<first 10 hex of SHA-256>.<ext>`` and its gzip form is kept beside it, so a
response is one dictionary look-up. A hashed URL never changes meaning, so it is cached for a
year (``immutable``); a new file content gets a new URL. No third-party origin is ever used.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

STATIC_PREFIX = "/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
_COMPRESSIBLE = (".css", ".js", ".svg", ".json", ".txt", ".map")


@dataclass(frozen=True, slots=True)
class Asset:
    """One static file: its hashed URL name, bytes, gzip bytes and media type."""

    name: str
    hashed: str
    body: bytes
    gzipped: bytes | None
    media_type: str
    sha256: str


def static_dir() -> Path:
    """The packaged ``web/static`` folder."""
    return Path(str(resources.files("backstride.web").joinpath("static")))


def _hashed_name(name: str, digest: str) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return f"{name}.{digest[:10]}"
    return f"{stem}.{digest[:10]}.{ext}"


class Assets:
    """The manifest of static files; ``url(name)`` for templates, ``response`` for the route."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or static_dir()
        self._by_name: dict[str, Asset] = {}
        self._by_hashed: dict[str, Asset] = {}
        for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
            name = path.relative_to(self.root).as_posix()
            if name.startswith(".") or "/." in name:
                continue
            body = path.read_bytes()
            digest = hashlib.sha256(body).hexdigest()
            media = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if media.startswith("text/") or media.endswith(("javascript", "json", "svg+xml")):
                media += "; charset=utf-8"
            zipped = gzip.compress(body, 9, mtime=0) if name.endswith(_COMPRESSIBLE) else None
            asset = Asset(name, _hashed_name(name, digest), body, zipped, media, digest)
            self._by_name[name] = asset
            self._by_hashed[asset.hashed] = asset

    def url(self, name: str) -> str:
        """The hashed URL of a static file (``KeyError`` for an unknown name: a template bug)."""
        return STATIC_PREFIX + self._by_name[name].hashed

    def get(self, name: str) -> Asset:
        """The asset by its plain name."""
        return self._by_name[name]

    def names(self) -> list[str]:
        """Every plain name, sorted."""
        return sorted(self._by_name)

    def response(self, request: Request, hashed: str) -> Response | None:
        """The file for a hashed URL (gzip when the client takes it), or None when unknown."""
        asset = self._by_hashed.get(hashed)
        if asset is None:
            return None
        headers = {"Cache-Control": IMMUTABLE, "ETag": f'"{asset.sha256[:32]}"', "Vary": ""}
        accepts = request.headers.get("accept-encoding", "")
        if asset.gzipped is not None:
            headers["Vary"] = "Accept-Encoding"
            if "gzip" in accepts:
                headers["Content-Encoding"] = "gzip"
                return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
        if not headers["Vary"]:
            del headers["Vary"]
        return Response(asset.body, media_type=asset.media_type, headers=headers)

    def transfer_bytes(self, names: list[str]) -> int:
        """Bytes sent for ``names`` to a gzip-accepting browser (the page-weight budget)."""
        total = 0
        for name in names:
            asset = self._by_name[name]
            total += len(asset.gzipped if asset.gzipped is not None else asset.body)
        return total


__all__ = ["IMMUTABLE", "STATIC_PREFIX", "Asset", "Assets", "static_dir"]
