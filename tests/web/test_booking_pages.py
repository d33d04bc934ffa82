"""Booking pages: smoke."""

from __future__ import annotations

from tests.web.conftest import Browser


def test_smoke(browser: Browser) -> None:
    for path in ("/", "/plan", "/book", "/appointments", "/menu"):
        r = browser.page(path, follow_redirects=True)
        assert r.status_code == 200, (path, r.text[:3000])
    r = browser.page("/book", follow_redirects=True)
    print(r.url)
