"""ASGI entry for multi-process serving (``uvicorn backstride.api.asgi:app``): env settings."""

from __future__ import annotations

from backstride.api.app import create_app
from backstride.config import load_settings

app = create_app(load_settings())
