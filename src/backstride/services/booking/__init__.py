"""Clinic booking use cases: set-up, free slots, book, move, cancel, mark, list, reminders.

Every function takes the session first and the rest by keyword, returns a typed view and
commits once; errors are coded (``booking.*``, ``appointment.*``, ``idempotency.*``). The web
pages and the API call the same functions. ``principal=None`` is the local front desk (CLI).
"""

from backstride.services.booking import reminders  # noqa: F401  (hooks the outbox in)
from backstride.services.booking.appointments import (
    book,
    cancel,
    clinic_schedule,
    get_appointment,
    list_my_appointments,
    list_runner_appointments,
    mark_attendance,
    reschedule,
)
from backstride.services.booking.setup import (
    add_hours,
    add_time_off,
    create_room,
    create_type,
    delete_hours,
    delete_time_off,
    get_policy,
    list_hours,
    list_rooms,
    list_time_off,
    list_types,
    set_policy,
    update_room,
    update_type,
)
from backstride.services.booking.slots import (
    booking_options,
    list_booking_clinicians,
    list_free_slots,
)
from backstride.services.booking.views import (
    AppointmentTypeView,
    AppointmentView,
    BookingOptions,
    BookingResult,
    ClinicianOption,
    FreeSlots,
    HoursView,
    PolicyView,
    RoomView,
    SlotView,
    SuggestedVisit,
    TimeOffView,
)

__all__ = [
    "AppointmentTypeView",
    "AppointmentView",
    "BookingOptions",
    "BookingResult",
    "ClinicianOption",
    "FreeSlots",
    "HoursView",
    "PolicyView",
    "RoomView",
    "SlotView",
    "SuggestedVisit",
    "TimeOffView",
    "add_hours",
    "add_time_off",
    "book",
    "booking_options",
    "cancel",
    "clinic_schedule",
    "create_room",
    "create_type",
    "delete_hours",
    "delete_time_off",
    "get_appointment",
    "get_policy",
    "list_booking_clinicians",
    "list_free_slots",
    "list_hours",
    "list_my_appointments",
    "list_rooms",
    "list_runner_appointments",
    "list_time_off",
    "list_types",
    "mark_attendance",
    "reschedule",
    "set_policy",
    "update_room",
    "update_type",
]
