"""backstride: runner low-back-pain prevention and recovery, as a library, CLI and web service.

The curated public API is listed in ``__all__`` (pinned by a test)::

    from backstride import assess, read_activity
    assessment = assess(intake_document, today=date.today())   # triage with reasons
    activities = read_activity(Path("run.fit.gz"))              # FIT/GPX/TCX, .gz aware

Use cases that store data live in ``backstride.services`` (``submit_intake``,
``import_paths``, ``load_summary``, ``create_plan``, ``adapt_plan``...). Decision support only:
backstride never diagnoses; emergencies go to emergency services.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backstride.config import Settings, load_settings
    from backstride.errors import (
        BackstrideError,
        Conflict,
        Forbidden,
        InvalidInput,
        NotFound,
        Unauthenticated,
    )
    from backstride.ingest.model import Activity
    from backstride.ingest.registry import read_activity
    from backstride.intake import Assessment, Disposition, assess

_LAZY: dict[str, str] = {
    "Activity": "backstride.ingest.model",
    "Assessment": "backstride.intake",
    "BackstrideError": "backstride.errors",
    "Conflict": "backstride.errors",
    "Disposition": "backstride.intake",
    "Forbidden": "backstride.errors",
    "InvalidInput": "backstride.errors",
    "NotFound": "backstride.errors",
    "Settings": "backstride.config",
    "Unauthenticated": "backstride.errors",
    "assess": "backstride.intake",
    "load_settings": "backstride.config",
    "read_activity": "backstride.ingest.registry",
}
"""Public names and their modules, imported on first use (PEP 562) so that importing
``backstride`` (e.g. by the CLI's ``backstride version``) costs nothing."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'backstride' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__version__ = "0.1.0"

__all__ = [
    "Activity",
    "Assessment",
    "BackstrideError",
    "Conflict",
    "Disposition",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "Settings",
    "Unauthenticated",
    "__version__",
    "assess",
    "load_settings",
    "read_activity",
]
