"""A token bucket per caller for the booking writes: 429 with Retry-After when hammered.

Per process (each API process has its own buckets): it stops one client from flooding the
booking endpoints; the database, not this, guarantees no double booking. The clock is
passed in, so tests are deterministic.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from dataclasses import dataclass

from backstride.clinic.errors import TooManyRequests


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """``burst`` requests at once, then ``per_minute`` a minute, per key."""

    def __init__(self, *, per_minute: int, burst: int) -> None:
        self.rate_per_s = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str, *, now: dt.datetime) -> None:
        """Spend one token for ``key`` or raise ``booking.rate_limited`` (with retry_after_s)."""
        t = now.timestamp()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(self.burst, t)
            bucket.tokens = min(
                self.burst, bucket.tokens + max(0.0, t - bucket.at) * self.rate_per_s
            )
            bucket.at = t
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return
            wait = (1.0 - bucket.tokens) / self.rate_per_s if self.rate_per_s else 60.0
            if len(self._buckets) > 100_000:  # forget idle callers (memory bound)
                self._buckets = {k: b for k, b in self._buckets.items() if t - b.at < 3600}
        raise TooManyRequests(
            "too many booking requests; wait a moment and try again",
            code="booking.rate_limited",
            retry_after_s=math.ceil(wait),
        )


__all__ = ["RateLimiter"]
