# The compiled loops of the stream blob and heart-rate distribution (_streampack.c,
# docs/decisions/0071). None: the numpy path decides.
import numpy as np
import numpy.typing as npt

def delta_column(
    values: npt.NDArray[np.float64], scale: float, /
) -> tuple[bytes, bytes | None] | None: ...
def hr_time(
    time_s: npt.NDArray[np.float64], hr_bpm: npt.NDArray[np.float64], /
) -> bytes | None: ...
def pack(
    channels: list[npt.NDArray[np.float64]], scales: list[float], /
) -> tuple[bytearray, list[bool]] | None: ...
