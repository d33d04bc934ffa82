"""Training-load analytics: load models, spikes, ratios, fitness/fatigue, gait, shoes (pure)."""

from backstride.analytics.engine import ClinicAnalysis, analyse
from backstride.analytics.flags import Flag
from backstride.analytics.inputs import (
    ActivityRow,
    ActivityTable,
    AnalyticsOptions,
    RunnerProfile,
    table_from_rows,
)
from backstride.analytics.summary import (
    DayRow,
    LeftOut,
    LoadSummary,
    PainPoint,
    WeekRow,
    summarise,
)

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
