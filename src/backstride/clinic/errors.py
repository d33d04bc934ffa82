"""Coded booking errors that carry more than a sentence: the next free slots, the action to
take, when to retry.

::

    Conflict  ── SlotTaken           booking.slot_taken (409) + next_slots
    Forbidden ── BookingRefused      booking.refused_* (403) + action + disposition
    errors.TooManyRequests ── TooManyRequests  booking.rate_limited (429) + retry_after_s
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar

from backstride import errors
from backstride.clinic.model import Slot
from backstride.errors import Conflict, Forbidden


def slot_to_dict(slot: Slot) -> dict[str, Any]:
    """A slot as JSON-ready data (ISO 8601 UTC instants)."""
    return {
        "start_at": slot.start_at.isoformat(),
        "end_at": slot.end_at.isoformat(),
        "clinician_id": slot.clinician_id,
        "room_id": slot.room_id,
    }


class SlotTaken(Conflict):
    """Someone else holds the time (a lost race, or a stale page): here are the next free slots."""

    default_code: ClassVar[str] = "booking.slot_taken"

    def __init__(
        self, detail: str, *, code: str | None = None, next_slots: Sequence[Slot] = ()
    ) -> None:
        super().__init__(detail, code=code)
        self.next_slots: tuple[Slot, ...] = tuple(next_slots)

    def with_next(self, next_slots: Sequence[Slot]) -> SlotTaken:
        """The same error carrying ``next_slots``."""
        return SlotTaken(self.detail, code=self.code, next_slots=next_slots)

    def to_dict(self) -> dict[str, Any]:
        """The wire form plus ``next_slots``."""
        out = super().to_dict()
        out["next_slots"] = [slot_to_dict(s) for s in self.next_slots]
        return out


class BookingRefused(Forbidden):
    """The runner may not book this online; ``action`` says what to do instead."""

    default_code: ClassVar[str] = "booking.refused"

    def __init__(
        self, detail: str, *, code: str | None = None, action: str, disposition: str | None
    ) -> None:
        super().__init__(detail, code=code)
        self.action = action
        self.disposition = disposition

    def to_dict(self) -> dict[str, Any]:
        """The wire form plus ``action`` and ``disposition``."""
        out = super().to_dict()
        out["action"] = self.action
        out["disposition"] = self.disposition
        return out


class TooManyRequests(errors.TooManyRequests):
    """The client books faster than the clinic allows; retry after ``retry_after_s`` seconds
    (the API sends it as ``Retry-After`` too)."""

    default_code: ClassVar[str] = "booking.rate_limited"

    def __init__(self, detail: str, *, code: str | None = None, retry_after_s: int) -> None:
        super().__init__(detail, code=code, retry_after_s=retry_after_s)

    def to_dict(self) -> dict[str, Any]:
        """The wire form plus ``retry_after_s`` (also sent as the Retry-After header)."""
        out = super().to_dict()
        out["retry_after_s"] = self.retry_after_s
        return out


def utc_iso(value: dt.datetime) -> str:
    """An aware instant as ISO 8601 in UTC."""
    return value.astimezone(dt.UTC).isoformat()


__all__ = ["BookingRefused", "SlotTaken", "TooManyRequests", "slot_to_dict", "utc_iso"]
