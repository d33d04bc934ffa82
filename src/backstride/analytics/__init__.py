"""Training-load analytics: load models, spikes, ratios, fitness/fatigue, gait, shoes (pure).

The names below load on first use (PEP 562), so that importing one module of the package (the
importer needs ``load_models.hr_time``) does not import the engine and scipy with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backstride.analytics.engine import ClinicAnalysis, analyse
    from backstride.analytics.flags import Flag
    from backstride.analytics.inputs import (
        ActivityRow,
        ActivityTable,
        AnalyticsOptions,
        RunnerProfile,
        table_from_rows,
    )
    from backstride.analytics.load_summary import (
        DayRow,
        LeftOut,
        LoadSummary,
        PainPoint,
        WeekRow,
        summarise,
    )

_LAZY: dict[str, str] = {
    "ActivityRow": "backstride.analytics.inputs",
    "ActivityTable": "backstride.analytics.inputs",
    "AnalyticsOptions": "backstride.analytics.inputs",
    "ClinicAnalysis": "backstride.analytics.engine",
    "DayRow": "backstride.analytics.load_summary",
    "Flag": "backstride.analytics.flags",
    "LeftOut": "backstride.analytics.load_summary",
    "LoadSummary": "backstride.analytics.load_summary",
    "PainPoint": "backstride.analytics.load_summary",
    "RunnerProfile": "backstride.analytics.inputs",
    "WeekRow": "backstride.analytics.load_summary",
    "analyse": "backstride.analytics.engine",
    "summarise": "backstride.analytics.load_summary",
    "table_from_rows": "backstride.analytics.inputs",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'backstride.analytics' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "ActivityRow",
    "ActivityTable",
    "AnalyticsOptions",
    "ClinicAnalysis",
    "DayRow",
    "Flag",
    "LeftOut",
    "LoadSummary",
    "PainPoint",
    "RunnerProfile",
    "WeekRow",
    "analyse",
    "summarise",
    "table_from_rows",
]
