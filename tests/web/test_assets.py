"""Static files: vendored libraries match their recorded hashes, every file is served from a
content-hashed URL with a year-long immutable cache, and a page ships at most 150 KB of
JavaScript and CSS compressed."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources

from backstride.web.assets import Assets, static_dir
from tests.web.conftest import Browser

BUDGET_BYTES = 150 * 1024


def test_every_vendored_file_matches_its_recorded_sha256_version_and_licence() -> None:
    manifest = json.loads(
        resources.files("backstride.web").joinpath("vendored.json").read_text("utf-8")
    )
    root = static_dir()
    assert {f["package"] for f in manifest["files"]} == {"htmx.org", "uplot"}
    for entry in manifest["files"]:
        body = (root / entry["file"]).read_bytes()
        assert hashlib.sha256(body).hexdigest() == entry["sha256"], entry["file"]
        assert (root / entry["licence_file"]).is_file()
        assert entry["version"] in entry["source"]
    htmx = next(f for f in manifest["files"] if f["package"] == "htmx.org")
    assert htmx["version"].startswith("2.0.")


def test_every_static_file_has_a_hashed_url_that_is_cached_for_a_year(visitor: Browser) -> None:
    assets = Assets()
    for name in assets.names():
        url = assets.url(name)
        assert re.search(r"\.[0-9a-f]{10}(\.|$)", url), url
        response = visitor.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, name
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.content == assets.get(name).body


def test_a_stale_or_unknown_static_url_is_not_found(visitor: Browser) -> None:
    assert visitor.get("/static/app.0000000000.css").status_code == 404
    assert visitor.get("/static/../pyproject.toml").status_code == 404


def test_pages_load_only_their_own_origin_and_no_inline_script_or_style(
    reader: Browser,
) -> None:
    for path in ("/", "/plan", "/activities", "/progress", "/log", "/account"):
        html = reader.get(path).text
        for src in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not src.startswith(("http:", "https:", "//")), src
        assert not re.search(r"<script(?![^>]*(?:src=|type=\"application/json\"))", html), path
        assert "<style" not in html, path
        assert " style=" not in html, path


def test_the_javascript_and_css_of_any_page_stay_under_150_kb_compressed(
    reader: Browser,
) -> None:
    assets = Assets()
    by_url = {assets.url(n): n for n in assets.names()}
    for path in ("/", "/activities", "/plan", "/progress", "/upload"):
        html = reader.get(path).text
        used = [by_url[u] for u in re.findall(r'(?:src|href)="(/static/[^"]+)"', html)]
        shipped = assets.transfer_bytes([n for n in used if n.endswith((".js", ".css"))])
        assert shipped <= BUDGET_BYTES, (path, shipped)
