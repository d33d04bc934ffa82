"""The REST API (FastAPI): ``create_app(settings)``; everything under ``/api/v1``."""

from backstride.api.app import create_app

__all__ = ["create_app"]
