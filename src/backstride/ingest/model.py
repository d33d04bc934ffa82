"""The canonical activity: one model for every format (FIT, GPX, TCX, export summaries).

Fields a file lacks are ``None`` (or an absent stream), never zero. Streams are kept at the
file's native rate as numpy float64 arrays of equal length; a missing sample inside a present
channel is ``NaN``. ``time_s`` (seconds since ``start_at``) is always present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

FloatArray = npt.NDArray[np.float64]

# Stream channel names (units in the name). Readers use only these keys.
TIME_S = "time_s"
LAT_DEG = "lat_deg"
LON_DEG = "lon_deg"
ALTITUDE_M = "altitude_m"
DISTANCE_M = "distance_m"
SPEED_M_S = "speed_m_s"
HR_BPM = "hr_bpm"
CADENCE_SPM = "cadence_spm"
POWER_W = "power_w"
TEMPERATURE_C = "temperature_c"
VERTICAL_OSCILLATION_MM = "vertical_oscillation_mm"
STANCE_TIME_MS = "stance_time_ms"
STANCE_TIME_PERCENT = "stance_time_percent"
STANCE_TIME_BALANCE_LEFT_PCT = "stance_time_balance_left_pct"
STEP_LENGTH_MM = "step_length_mm"
VERTICAL_RATIO_PCT = "vertical_ratio_pct"

STREAM_CHANNELS: tuple[str, ...] = (
    TIME_S,
    LAT_DEG,
    LON_DEG,
    ALTITUDE_M,
    DISTANCE_M,
    SPEED_M_S,
    HR_BPM,
    CADENCE_SPM,
    POWER_W,
    TEMPERATURE_C,
    VERTICAL_OSCILLATION_MM,
    STANCE_TIME_MS,
    STANCE_TIME_PERCENT,
    STANCE_TIME_BALANCE_LEFT_PCT,
    STEP_LENGTH_MM,
    VERTICAL_RATIO_PCT,
)
RUNNING_DYNAMICS_CHANNELS: tuple[str, ...] = (
    VERTICAL_OSCILLATION_MM,
    STANCE_TIME_MS,
    STANCE_TIME_PERCENT,
    STANCE_TIME_BALANCE_LEFT_PCT,
    STEP_LENGTH_MM,
    VERTICAL_RATIO_PCT,
)

Format = Literal["fit", "gpx", "tcx", "summary"]
"""``summary``: no recording, only an export's summary (Strava manual activity, Garmin JSON)."""
CadenceBasis = Literal["fit_strides", "steps", "strides_inferred", "steps_inferred"]
"""How cadence was turned into steps/min: FIT strides x 2 (+ fraction), given as steps, or
inferred from the value range (GPX/TCX: mostly 60-110 -> strides, 120-220 -> steps)."""


@dataclass(frozen=True, slots=True)
class Streams:
    """Equal-length sample arrays keyed by channel name (see ``STREAM_CHANNELS``)."""

    channels: Mapping[str, FloatArray]

    def __post_init__(self) -> None:
        if TIME_S not in self.channels:
            raise ValueError("streams need a time_s channel")
        n = len(self.channels[TIME_S])
        for name, values in self.channels.items():
            if name not in STREAM_CHANNELS:
                raise ValueError(f"unknown stream channel {name!r}")
            if len(values) != n:
                raise ValueError(f"channel {name} has {len(values)} samples, time_s has {n}")
        object.__setattr__(self, "channels", MappingProxyType(dict(self.channels)))

    def __len__(self) -> int:
        return len(self.channels[TIME_S])

    def __reduce__(self) -> tuple[type[Streams], tuple[dict[str, FloatArray]]]:
        """Picklable (the read-only mapping proxy is not), for process-pool parsing."""
        return (Streams, (dict(self.channels),))

    def get(self, name: str) -> FloatArray | None:
        """The channel's samples, or None when the file has no such channel."""
        return self.channels.get(name)

    @property
    def has_running_dynamics(self) -> bool:
        """True when any running-dynamics channel holds at least one real value."""
        for name in RUNNING_DYNAMICS_CHANNELS:
            values = self.channels.get(name)
            if values is not None and bool(np.isfinite(values).any()):
                return True
        return False


WarningEffect = Literal["none", "load", "hr", "cadence"]
"""What a data warning leaves out: nothing (the data was cleaned or is only noted), the whole
activity from the load, its heart rate from the load, or its cadence from the gait trends."""


class DataWarningDict(TypedDict):
    """A data warning's JSON form (``DataWarning.to_dict``), as stored and as the API sends it."""

    code: str
    detail: str
    effect: WarningEffect


@dataclass(frozen=True, slots=True)
class DataWarning:
    """Something a reader cleaned, salvaged or doubts about an activity, with a stable ``code``
    (``data.*``, see ``ingest.quality``), a plain ``detail`` and what it leaves out."""

    code: str
    detail: str
    effect: WarningEffect = "none"

    def to_dict(self) -> DataWarningDict:
        """JSON-ready form (stored in ``activities.extra["data_warnings"]``)."""
        return {"code": self.code, "detail": self.detail, "effect": self.effect}


@dataclass(frozen=True, slots=True)
class Lap:
    """One lap as recorded (device laps for FIT/TCX; GPX has none)."""

    index: int
    start_at: dt.datetime
    elapsed_s: float | None = None
    timer_s: float | None = None
    distance_m: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    avg_cadence_spm: float | None = None
    intensity: str | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity in canonical form, whatever file or export it came from.

    ``sport`` uses FIT's vocabulary in lower case (``running``, ``cycling``, ``walking``,
    ``hiking``, ``swimming``, ``training``, ``generic`` ...); ``sub_sport`` likewise
    (``trail``, ``treadmill``, ``track`` ...). ``start_at`` is aware UTC; ``local_offset_s``
    is the local time offset when the file says it (FIT ``activity.local_timestamp``).
    """

    format: Format
    sport: str
    start_at: dt.datetime
    elapsed_s: float
    streams: Streams
    sub_sport: str | None = None
    local_offset_s: int | None = None
    timer_s: float | None = None
    distance_m: float | None = None
    ascent_m: float | None = None
    descent_m: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    avg_cadence_spm: float | None = None
    cadence_basis: CadenceBasis | None = None
    avg_power_w: float | None = None
    laps: tuple[Lap, ...] = ()
    device: str | None = None
    creator: str | None = None
    gear: str | None = None
    rpe: float | None = None
    feel: float | None = None
    name: str | None = None
    description: str | None = None
    source_name: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict)
    warnings: tuple[DataWarning, ...] = ()
    """Coded data warnings (``ingest.quality``): what was cleaned, salvaged or is implausible."""

    def __post_init__(self) -> None:
        if self.start_at.tzinfo is None or self.start_at.utcoffset() != dt.timedelta(0):
            raise ValueError("Activity.start_at must be aware UTC")

    @property
    def n_samples(self) -> int:
        """Number of stream samples."""
        return len(self.streams)

    @property
    def undated(self) -> bool:
        """True when the file holds device time since power-up, not a date (old Garmin FIT
        files such as the Forerunner 70's ANT-FS dumps): it cannot go on a calendar."""
        return bool(self.extra.get("relative_time"))

    @property
    def has_running_dynamics(self) -> bool:
        """True when the file carries FIT running dynamics (GPX/TCX never do)."""
        return self.streams.has_running_dynamics


__all__ = [
    "ALTITUDE_M",
    "CADENCE_SPM",
    "DISTANCE_M",
    "HR_BPM",
    "LAT_DEG",
    "LON_DEG",
    "POWER_W",
    "RUNNING_DYNAMICS_CHANNELS",
    "SPEED_M_S",
    "STANCE_TIME_BALANCE_LEFT_PCT",
    "STANCE_TIME_MS",
    "STANCE_TIME_PERCENT",
    "STEP_LENGTH_MM",
    "STREAM_CHANNELS",
    "TEMPERATURE_C",
    "TIME_S",
    "VERTICAL_OSCILLATION_MM",
    "VERTICAL_RATIO_PCT",
    "Activity",
    "CadenceBasis",
    "DataWarning",
    "FloatArray",
    "Format",
    "Lap",
    "Streams",
    "WarningEffect",
]
