"""backstride: runner low-back-pain prevention and recovery, as a library, CLI and web service.

The curated public API is listed in ``__all__`` (pinned by a test). Decision support only:
backstride never diagnoses; emergencies go to emergency services.
"""

from __future__ import annotations

from backstride.config import Settings, load_settings
from backstride.errors import (
    BackstrideError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
)

__version__ = "0.1.0"

__all__ = [
    "BackstrideError",
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "Settings",
    "Unauthenticated",
    "__version__",
    "load_settings",
]
