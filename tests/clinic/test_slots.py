"""Free slots: on the local grid, inside hours, around bookings and buffers, in a fixed order."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from backstride.clinic import Hours, SlotTaken, TimeOff, Window, check_slot, free_slots
from backstride.clinic.slots import window_days
from backstride.errors import BackstrideError, Conflict, InvalidInput, NotFound
from tests.clinic.builders import (
    ASSESS,
    GAIT,
    LONDON,
    MONDAY,
    NOW,
    REVIEW,
    booking,
    clinic,
    local,
    local_hhmm,
)

DAY = window_days(MONDAY, 1, LONDON)


def test_a_free_day_offers_every_quarter_hour_that_fits_before_closing() -> None:
    slots = free_slots(clinic(), [], ASSESS, DAY, now=NOW, clinician_id="c-ann")
    starts = [local_hhmm(s.start_at) for s in slots]
    assert starts[0] == "09:00"
    # 45 min visit + 15 min buffer after: the buffer may run past closing, the visit may not
    assert starts[-1] == "16:15"
    assert len(starts) == (16 * 60 + 15 - 9 * 60) // 15 + 1


def test_slots_come_in_start_then_clinician_order_and_are_repeatable() -> None:
    slots = free_slots(clinic(), [], REVIEW, DAY, now=NOW)
    keys = [(s.start_at, s.clinician_id) for s in slots]
    assert keys == sorted(keys)
    assert slots == free_slots(clinic(), [], REVIEW, DAY, now=NOW)
    assert {s.clinician_id for s in slots[:2]} == {"c-ann", "c-bob"}


def test_a_booking_blocks_its_buffers_for_the_clinician_and_not_for_the_other_one() -> None:
    taken = booking(GAIT, local(MONDAY, "10:00"), room_id="r-gym")  # blocks 09:50-11:10
    slots = free_slots(clinic(), [taken], REVIEW, DAY, now=NOW, clinician_id="c-ann")
    starts = {local_hhmm(s.start_at) for s in slots}
    assert "09:15" in starts  # 09:15-09:45 ends before 09:50
    assert {"09:30", "09:45", "10:00", "10:45", "11:00"}.isdisjoint(starts)
    assert "11:15" in starts
    bob = free_slots(clinic(), [taken], REVIEW, DAY, now=NOW, clinician_id="c-bob")
    at_ten = [s for s in bob if local_hhmm(s.start_at) == "10:00"]
    # Bob is free at 10:00 but the gym is taken: he gets Room 1, which hosts reviews too
    assert [s.room_id for s in at_ten] == ["r-1"]


def test_a_visit_kind_goes_only_to_a_room_that_hosts_it() -> None:
    slots = free_slots(clinic(), [], GAIT, DAY, now=NOW)
    assert {s.room_id for s in slots} == {"r-gym"}
    # the gym is one room: Ann's gait slot at 10:00 takes it from Bob
    gait = booking(GAIT, local(MONDAY, "10:00"), room_id="r-gym")
    bob = free_slots(clinic(), [gait], GAIT, DAY, now=NOW, clinician_id="c-bob")
    assert "10:00" not in {local_hhmm(s.start_at) for s in bob}


def test_minimum_notice_and_horizon_bound_the_slots_but_not_for_staff() -> None:
    now = local(MONDAY, "09:50")
    runner = free_slots(clinic(), [], REVIEW, DAY, now=now, clinician_id="c-ann")
    assert local_hhmm(runner[0].start_at) == "12:00"  # 2 h notice, next quarter hour
    staff = free_slots(clinic(), [], REVIEW, DAY, now=now, clinician_id="c-ann", staff=True)
    assert local_hhmm(staff[0].start_at) == "10:00"
    far = window_days(MONDAY + dt.timedelta(days=70), 1, LONDON)
    assert free_slots(clinic(), [], REVIEW, far, now=NOW) == ()


def test_time_off_of_one_clinician_or_of_the_whole_clinic() -> None:
    ann_off = TimeOff("o1", local(MONDAY, "12:00"), local(MONDAY, "14:00"), clinician_id="c-ann")
    rules = clinic(time_off=(ann_off,))
    ann = {
        local_hhmm(s.start_at)
        for s in free_slots(rules, [], REVIEW, DAY, now=NOW, clinician_id="c-ann")
    }
    assert "11:30" in ann
    assert {"11:45", "12:00", "13:45"}.isdisjoint(ann)
    assert "14:00" in ann
    closed = TimeOff("o2", local(MONDAY, "00:00"), local(MONDAY + dt.timedelta(days=1), "00:00"))
    assert free_slots(clinic(time_off=(closed,)), [], REVIEW, DAY, now=NOW) == ()


def test_a_date_exception_replaces_the_weekly_hours_of_that_date() -> None:
    saturday = MONDAY + dt.timedelta(days=5)
    extra = Hours("x", "c-ann", 10 * 60, 12 * 60, on_date=saturday)
    short = Hours("y", "c-ann", 9 * 60, 10 * 60, on_date=MONDAY)
    rules = clinic(hours=(*clinic().hours, extra, short))
    sat = free_slots(rules, [], REVIEW, window_days(saturday, 1, LONDON), now=NOW)
    assert [local_hhmm(s.start_at) for s in sat] == [
        "10:00",
        "10:15",
        "10:30",
        "10:45",
        "11:00",
        "11:15",
        "11:30",
    ]
    mon = free_slots(rules, [], REVIEW, DAY, now=NOW, clinician_id="c-ann")
    assert [local_hhmm(s.start_at) for s in mon] == ["09:00", "09:15", "09:30"]


def test_the_runner_own_visits_elsewhere_hide_overlapping_slots() -> None:
    mine = booking(
        REVIEW, local(MONDAY, "10:00"), clinician_id="c-other", room_id=None, runner_id="me"
    )
    slots = free_slots(clinic(), [mine], REVIEW, DAY, now=NOW, runner_id="me")
    starts = {local_hhmm(s.start_at) for s in slots}
    assert {"09:45", "10:00", "10:15"}.isdisjoint(starts)
    assert {"09:30", "10:30"} <= starts


def test_a_window_pinned_to_a_room_books_that_room() -> None:
    pinned = tuple(replace(h, room_id="r-gym") for h in clinic().hours if h.clinician_id == "c-bob")
    rules = clinic(hours=tuple(h for h in clinic().hours if h.clinician_id == "c-ann") + pinned)
    bob = free_slots(rules, [], REVIEW, DAY, now=NOW, clinician_id="c-bob")
    assert {s.room_id for s in bob} == {"r-gym"}
    assert free_slots(rules, [], ASSESS, DAY, now=NOW, clinician_id="c-bob") == ()


@pytest.mark.parametrize(
    ("start", "code", "family"),
    [
        (dt.datetime(2026, 6, 1, 9, 0), "booking.naive_datetime", InvalidInput),
        (local(MONDAY, "09:05"), "booking.off_grid", InvalidInput),
        (NOW - dt.timedelta(hours=1), "booking.in_past", InvalidInput),
        (NOW + dt.timedelta(minutes=60), "booking.inside_notice", InvalidInput),
        (local(MONDAY + dt.timedelta(days=70), "09:00"), "booking.beyond_horizon", InvalidInput),
        (local(MONDAY, "07:00"), "booking.outside_availability", InvalidInput),
        (local(MONDAY, "16:45"), "booking.outside_availability", InvalidInput),
    ],
)
def test_a_bad_start_is_refused_with_its_code(
    start: dt.datetime, code: str, family: type[BackstrideError]
) -> None:
    with pytest.raises(family) as err:
        check_slot(clinic(), [], REVIEW, clinician_id="c-ann", start_at=start, now=NOW)
    assert err.value.code == code


def test_unknown_clinician_or_room_is_not_found() -> None:
    with pytest.raises(NotFound) as err:
        check_slot(
            clinic(), [], REVIEW, clinician_id="c-zed", start_at=local(MONDAY, "10:00"), now=NOW
        )
    assert err.value.code == "clinician.not_found"
    with pytest.raises(NotFound) as err:
        check_slot(
            clinic(),
            [],
            REVIEW,
            clinician_id="c-ann",
            room_id="r-x",
            start_at=local(MONDAY, "10:00"),
            now=NOW,
        )
    assert err.value.code == "room.not_found"


def test_overlap_is_slot_taken_or_runner_busy_and_never_overridden() -> None:
    taken = booking(ASSESS, local(MONDAY, "10:00"))  # 10:00-11:00 with its buffer
    for override in (False, True):
        with pytest.raises(SlotTaken):
            check_slot(
                clinic(),
                [taken],
                REVIEW,
                clinician_id="c-ann",
                start_at=local(MONDAY, "10:30"),
                now=NOW,
                override_availability=override,
                staff=True,
            )
    mine = booking(ASSESS, local(MONDAY, "10:00"), clinician_id="c-bob", runner_id="me")
    with pytest.raises(Conflict) as err:
        check_slot(
            clinic(),
            [mine],
            REVIEW,
            clinician_id="c-ann",
            start_at=local(MONDAY, "10:30"),
            now=NOW,
            runner_id="me",
        )
    assert err.value.code == "booking.runner_busy"


def test_a_clinician_override_books_outside_hours_but_not_in_the_past() -> None:
    evening = local(MONDAY, "18:00")
    slot = check_slot(
        clinic(),
        [],
        REVIEW,
        clinician_id="c-ann",
        start_at=evening,
        now=NOW,
        staff=True,
        override_availability=True,
    )
    assert slot.start_at == evening
    assert slot.room_id == "r-gym"  # rooms are chosen by name: "Gym" before "Room 1"
    with pytest.raises(InvalidInput):
        check_slot(
            clinic(),
            [],
            REVIEW,
            clinician_id="c-ann",
            start_at=NOW - dt.timedelta(days=1),
            now=NOW,
            staff=True,
            override_availability=True,
        )


def test_rescheduling_ignores_the_booking_being_moved() -> None:
    own = booking(REVIEW, local(MONDAY, "10:00"), runner_id="me", id="mine")
    moved = check_slot(
        clinic(),
        [own],
        REVIEW,
        clinician_id="c-ann",
        start_at=local(MONDAY, "10:15"),
        now=NOW,
        runner_id="me",
        ignore_booking_id="mine",
    )
    assert moved.start_at == local(MONDAY, "10:15")


def test_an_unknown_time_zone_is_a_coded_error() -> None:
    from backstride.clinic import Policy

    with pytest.raises(InvalidInput) as err:
        free_slots(clinic(policy=Policy(timezone="Mars/Olympus")), [], REVIEW, DAY, now=NOW)
    assert err.value.code == "booking.invalid_timezone"


def test_an_empty_window_has_no_slots() -> None:
    assert (
        free_slots(
            clinic(), [], REVIEW, Window(local(MONDAY, "12:00"), local(MONDAY, "12:00")), now=NOW
        )
        == ()
    )
