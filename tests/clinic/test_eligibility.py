"""Triage decides what a runner may book online (clinical reference §1.3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from backstride.clinic import (
    Audience,
    BookingRefused,
    ClinicRules,
    eligibility,
    require_by,
    require_type,
)
from backstride.errors import Forbidden, InvalidInput
from tests.clinic.builders import ASSESS, GAIT, NOW, REVIEW, clinic

RETURNING_REVIEW = replace(REVIEW, audience=Audience.RETURNING)
NEW_ASSESS = replace(ASSESS, audience=Audience.NEW)
STAFF_ONLY = replace(GAIT, online=False)


def rules() -> ClinicRules:
    return clinic(types=(NEW_ASSESS, RETURNING_REVIEW, STAFF_ONLY))


@pytest.mark.parametrize("disposition", ["emergency", "urgent"])
def test_emergency_and_urgent_close_online_booking_with_the_action_to_take(
    disposition: str,
) -> None:
    found = eligibility(rules(), disposition=disposition, returning=False, now=NOW)
    assert found.type_ids == ()
    with pytest.raises(BookingRefused) as err:
        require_type(found, NEW_ASSESS)
    assert err.value.code == f"booking.refused_{disposition}"
    body = err.value.to_dict()
    assert body["disposition"] == disposition
    assert ("emergency department" in body["action"]) == (disposition == "emergency")
    assert ("within 24 hours" in body["action"]) == (disposition == "urgent")


def test_clinician_disposition_books_an_assessment_within_the_triage_window() -> None:
    found = eligibility(rules(), disposition="clinician", returning=False, now=NOW)
    assert found.type_ids == (NEW_ASSESS.id,)
    assert found.book_by == NOW + dt.timedelta(days=14)
    require_type(found, NEW_ASSESS)
    with pytest.raises(Forbidden) as err:
        require_type(found, RETURNING_REVIEW)
    assert err.value.code == "booking.type_not_allowed"
    require_by(found, NOW + dt.timedelta(days=13))
    with pytest.raises(InvalidInput) as late:
        require_by(found, NOW + dt.timedelta(days=15))
    assert late.value.code == "booking.beyond_triage_window"


def test_self_management_books_any_online_type_for_its_audience_and_never_staff_only() -> None:
    new = eligibility(rules(), disposition="self_management", returning=False, now=NOW)
    back = eligibility(rules(), disposition="self_management", returning=True, now=NOW)
    assert new.type_ids == (NEW_ASSESS.id,)
    assert back.type_ids == (RETURNING_REVIEW.id,)
    assert new.book_by is None
    assert STAFF_ONLY.id not in new.type_ids + back.type_ids


def test_without_an_intake_only_an_assessment_is_offered() -> None:
    found = eligibility(clinic(), disposition=None, returning=False, now=NOW)
    assert found.type_ids == (ASSESS.id,)
    assert found.refusal is None
