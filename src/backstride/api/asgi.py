"""ASGI entry for multi-process serving (``uvicorn backstride.api.asgi:app``): env settings;
``BACKSTRIDE_SERVE_WORKER=false`` leaves imports and e-mail to ``backstride worker``."""

from __future__ import annotations

from backstride.api.app import create_app
from backstride.config import load_settings

_settings = load_settings()
app = create_app(_settings, run_worker=_settings.serve_worker)
