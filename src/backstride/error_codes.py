"""Every stable error code backstride shows, with its family, HTTP status and meaning.

A code is part of the public contract (``backstride.errors``): API, web pages and CLI show the
same one, and it never changes meaning once shipped. ``tests/test_error_codes.py`` scans the
source and fails on a code raised anywhere that is not listed here, and on an entry nothing
raises (unless it is marked ``reserved`` or says where it is ``built`` at run time).
``docs/readme/errors.md`` is generated from this list (``scripts/errors_md.py``).

Raise sites still spell their codes as string literals; moving them to constants here is a
later step (decision 0058).

The families ``upload``, ``ingest``, ``import`` and ``import_job`` overlap in name only; each
answers a different question (see ``IMPORT_FAMILIES``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """One stable code: ``status`` is what the API answers with it (the CLI exits 2)."""

    code: str
    status: int
    meaning: str
    reserved: bool = False
    """Kept in the contract though nothing raises it today (a class's default code)."""
    built: str = ""
    """Where the code is put together at run time (an f-string or a variable), so the source
    scan cannot see the literal."""

    @property
    def family(self) -> str:
        """The part before the first dot (``booking`` for ``booking.slot_taken``)."""
        return self.code.split(".", 1)[0]


def _c(
    code: str, status: int, meaning: str, *, reserved: bool = False, built: str = ""
) -> ErrorCode:
    return ErrorCode(code, status, meaning, reserved=reserved, built=built)


CATALOGUE: tuple[ErrorCode, ...] = (
    # account: accounts, sign-up and credentials
    _c("account.duplicate", 409, "An account with this e-mail address exists."),
    _c("account.invalid", 422, "A sign-up form has several problems (every one listed)."),
    _c("account.invalid_email", 422, "The e-mail address is not valid."),
    _c("account.invalid_name", 422, "The display name is empty or too long (1-120)."),
    _c("account.invalid_role", 422, "A staff account must be a clinician or an admin."),
    _c("account.not_found", 404, "No such account (or it is not visible to the caller)."),
    _c("account.same_email", 422, "The new e-mail address is the current one."),
    _c("account.weak_password", 422, "The password breaks the password rules (listed)."),
    # activity
    _c("activity.ambiguous_id", 422, "An id prefix matches several activities: give more of it."),
    _c("activity.invalid_id", 422, "An activity id longer than any id can be."),
    _c("activity.not_found", 404, "No such activity of this runner."),
    # appointment and appointment_type: clinic booking resources
    _c("appointment.not_found", 404, "No such appointment visible to the caller."),
    _c("appointment_type.invalid", 422, "An appointment type's fields are not valid."),
    _c("appointment_type.not_found", 404, "No such appointment type, or it is not offered."),
    _c(
        "appointment_type.duplicate",
        409,
        "An appointment type with this name exists at the clinic.",
        built="services/booking/setup.py _unique_name: f'{what}.duplicate'",
    ),
    # assessment
    _c("assessment.invalid", 422, "A stored assessment document cannot be read."),
    _c("assessment.not_found", 404, "No intake has been submitted yet."),
    # audit
    _c("audit.invalid_action", 422, "An audit search names an unknown action."),
    _c("audit.invalid_range", 422, "An audit search's time range is not valid."),
    # auth: who the caller is and whether they may act
    _c("auth.challenge_invalid", 401, "The log-in's second-factor step expired or is unknown."),
    _c("auth.csrf_failed", 403, "A cookie-authenticated change came without its CSRF token."),
    _c("auth.forbidden", 403, "The caller is known but not allowed to do this."),
    _c("auth.invalid_credentials", 401, "Wrong e-mail or password."),
    _c("auth.invalid_kind", 422, "A log-in asked for a session kind other than session/bearer."),
    _c("auth.rate_limited", 429, "Too many log-in attempts; wait Retry-After seconds."),
    _c("auth.reauth_failed", 403, "The password or code given to confirm identity is wrong."),
    _c("auth.reauth_required", 403, "This change needs the password (and code) confirmed first."),
    _c("auth.required", 401, "Not signed in."),
    _c("auth.session_expired", 401, "The session ended (idle or absolute limit)."),
    _c("auth.totp_enrolment_required", 403, "Clinicians and admins must set up TOTP first."),
    _c("auth.totp_invalid", 401, "The second-factor code is wrong."),
    # backup
    _c("backup.corrupt", 422, "The backup file is damaged or not a backstride backup."),
    _c("backup.incompatible", 422, "The backup is for another database backend or version."),
    _c("backup.tool_failed", 500, "pg_dump/pg_restore failed."),
    _c("backup.tool_missing", 500, "pg_dump/pg_restore is not installed."),
    _c("backup.unsupported", 422, "This store cannot be backed up (an in-memory SQLite)."),
    # blob: stored originals
    _c("blob.key_missing", 500, "Encrypted originals exist but BACKSTRIDE_BLOB_KEY is not set."),
    _c("blob.unreadable", 500, "A stored original cannot be read or decrypted."),
    # booking: clinic appointments
    _c("booking.beyond_horizon", 422, "The start is further ahead than the clinic books."),
    _c("booking.beyond_triage_window", 422, "The visit is later than the assessment allows."),
    _c("booking.consent_required", 403, "The runner has not shared their record with the clinic."),
    _c("booking.duration_mismatch", 422, "The end does not match the appointment type's length."),
    _c("booking.end_before_start", 422, "An end time is not after its start."),
    _c("booking.in_past", 422, "The start is in the past."),
    _c("booking.inside_notice", 422, "The start is inside the clinic's minimum notice."),
    _c("booking.invalid_hours", 422, "Opening hours are not valid (time, weekday or date)."),
    _c("booking.invalid_policy", 422, "A booking policy field is out of range."),
    _c("booking.invalid_reason", 422, "A reason is too long."),
    _c("booking.invalid_status", 422, "Attendance must be attended or no_show."),
    _c("booking.invalid_time_off", 422, "Time off is too long or its reason too long."),
    _c("booking.invalid_timezone", 422, "Not an IANA time zone."),
    _c("booking.invalid_visit_kind", 422, "Not a known kind of visit."),
    _c("booking.naive_datetime", 422, "A time without a UTC offset."),
    _c("booking.no_room", 422, "No room at the clinic hosts this kind of visit."),
    _c("booking.not_booked", 409, "The appointment is no longer booked (cancelled, attended)."),
    _c("booking.not_started", 409, "Attendance cannot be recorded before the visit starts."),
    _c("booking.off_grid", 422, "The start is not on the clinic's slot grid."),
    _c("booking.outside_availability", 422, "The clinician does not offer this time."),
    _c("booking.override_forbidden", 403, "Only staff may book outside the clinician's hours."),
    _c("booking.override_reason_required", 422, "Booking outside hours needs a reason."),
    _c("booking.rate_limited", 429, "Too many booking requests; wait Retry-After seconds."),
    _c("booking.refused", 403, "Online booking is refused (default of BookingRefused)."),
    _c("booking.refused_emergency", 403, "The triage says emergency care, not a booking."),
    _c("booking.refused_urgent", 403, "The triage says a doctor within 24 hours."),
    _c("booking.room_unsuitable", 422, "The chosen room does not host this kind of visit."),
    _c("booking.runner_busy", 409, "The runner has another appointment at this time."),
    _c("booking.runner_required", 422, "Staff must say which runner to book for."),
    _c("booking.slot_taken", 409, "The time is taken; the next free slots are listed."),
    _c("booking.stale_version", 409, "The appointment changed meanwhile; reload it."),
    _c("booking.too_late_to_cancel", 409, "Too close to the visit to cancel online."),
    _c("booking.too_late_to_change", 409, "Too close to the visit to move it online."),
    _c("booking.type_not_allowed", 403, "This appointment type cannot be booked online by you."),
    _c("booking.window_too_long", 422, "A free-slot search spans more than 31 days."),
    # calendar and catalogue
    _c("calendar.not_found", 404, "No such calendar feed (unknown or revoked link)."),
    _c("catalogue.invalid", 422, "The exercise library file is not valid."),
    # cli: command-line arguments (exit code 2; never over HTTP)
    _c("cli.invalid_date", 422, "A date option is not valid."),
    _c("cli.invalid_days", 422, "--days does not list weekdays."),
    _c("cli.invalid_race_distance", 422, "--race-km is not a distance in km."),
    _c("cli.invalid_time", 422, "A time option is not valid."),
    _c("cli.missing_option", 422, "An option needs another one (--save needs --runner)."),
    _c("cli.missing_runner", 422, "--runner is required."),
    # clinic and clinic settings
    _c("clinic.archived", 409, "The clinic is closed."),
    _c("clinic.duplicate", 409, "A clinic with this slug exists."),
    _c("clinic.has_active_consents", 409, "A clinic with active consents cannot be deleted."),
    _c("clinic.invalid", 422, "A clinic's fields are not valid."),
    _c("clinic.not_found", 404, "No such clinic."),
    _c("clinic.not_member", 403, "The clinician does not work at this clinic."),
    _c("clinic_setting.not_found", 404, "No clinic threshold with this name."),
    _c("clinic_setting.out_of_range", 422, "A clinic threshold outside its allowed range."),
    _c("clinician.not_found", 404, "No such clinician at this clinic."),
    # config and consent
    _c("config.invalid", 500, "Settings are missing or contradictory."),
    _c("consent.not_found", 404, "No active consent to this clinic."),
    # email_change, password_reset, registration: e-mailed links
    _c(
        "email_change.invalid_token",
        422,
        "The e-mail change link is unknown, used or expired.",
        built="services/credentials.py _redeem: f'{purpose}.invalid_token'",
    ),
    _c(
        "password_reset.invalid_token",
        422,
        "The password reset link is unknown, used or expired.",
        built="services/credentials.py _redeem: f'{purpose}.invalid_token'",
    ),
    _c("registration.invalid_token", 422, "The sign-up link is unknown, used or expired."),
    # hours, idempotency
    _c("hours.not_found", 404, "No such opening hours."),
    _c("hours.overlap", 409, "The hours overlap hours already set for that day."),
    _c("idempotency.invalid_key", 422, "The Idempotency-Key header is not valid."),
    _c("idempotency.key_reused", 422, "The Idempotency-Key was used for another request."),
    # import, import_job, ingest, upload: see IMPORT_FAMILIES
    _c("import.failed", 500, "The import job failed unexpectedly (job report)."),
    _c("import.queue_unavailable", 503, "The import queue cannot take the job; try again."),
    _c("import.stalled", 500, "The import stopped its worker on every attempt (job report)."),
    _c("import_job.invalid_id", 422, "Not a valid import job id."),
    _c("import_job.not_found", 404, "No such import job of this runner."),
    _c("ingest.corrupt_file", 422, "The file's content cannot be read."),
    _c("ingest.empty_activity", 422, "The file holds no activity data."),
    _c("ingest.left_out", 422, "A file in a folder that was not read (hidden, broken link, loop)."),
    _c("ingest.no_date", 422, "The watch recorded time since power-up, not the date."),
    _c(
        "ingest.not_an_activity",
        422,
        "The file is another kind (course, settings), not an activity.",
    ),
    _c("ingest.too_large", 422, "One file is larger than the per-file limit."),
    _c("ingest.unsafe_archive", 422, "An archive member is unsafe (path, ratio, size, count)."),
    _c("ingest.unsafe_xml", 422, "The XML uses entities or a DTD (refused, never expanded)."),
    _c("ingest.unsupported_format", 422, "The content is not FIT, GPX or TCX."),
    _c("upload.corrupt_archive", 422, "The uploaded .zip cannot be opened."),
    _c("upload.empty", 422, "The upload has no bytes."),
    _c("upload.form_too_large", 422, "The form carries too much besides its files."),
    _c("upload.malformed_form", 422, "The multipart form cannot be parsed."),
    _c("upload.no_file", 422, "The form has no file field."),
    _c("upload.no_filename", 422, "A raw upload without ?filename=."),
    _c("upload.not_a_form", 422, "The page's upload was not sent as its form."),
    _c("upload.too_large", 413, "The upload is larger than the limit."),
    _c("upload.too_many_files", 422, "More files than one form may carry (send a .zip)."),
    _c("upload.unsafe_archive", 422, "The uploaded .zip is unsafe (checked before queueing)."),
    _c("upload.unsupported_format", 422, "The file name is not .fit/.gpx/.tcx(.gz) or .zip."),
    # intake
    _c("intake.draft_invalid", 422, "A saved intake draft file cannot be read."),
    _c("intake.draft_not_found", 404, "No intake draft at this path."),
    _c("intake.file_not_found", 404, "No intake answers file at this path."),
    _c("intake.invalid", 422, "The intake answers are not valid (every problem listed)."),
    _c("intake.step_not_found", 404, "No such step in the intake wizard (or it does not apply)."),
    _c("intake.unknown_instrument", 422, "No questionnaire instrument with this name."),
    _c("intake.unreadable", 422, "The intake file is not valid JSON/YAML."),
    # input: the generic family default
    _c("input.invalid", 422, "Invalid input (default of InvalidInput)."),
    # internal
    _c("internal.error", 500, "Something went wrong on the server's side."),
    # load, log
    _c("load.invalid_date", 422, "A load report date is not valid."),
    _c("load.invalid_range", 422, "A load report's from-date is after its to-date."),
    _c("log.future_date", 422, "A session cannot be logged for a future day."),
    _c("log.invalid", 422, "A session log's fields are not valid."),
    _c("log.not_found", 404, "No such session log."),
    # pain_entry, plan, profile
    _c("pain_entry.empty", 422, "A pain entry needs at least one value."),
    _c("pain_entry.future_date", 422, "A pain entry cannot be for a future day."),
    _c("plan.invalid_clearance", 422, "A clearance date cannot be in the future."),
    _c("plan.invalid_document", 422, "A stored plan document cannot be read."),
    _c("plan.invalid_endurance", 422, "Endurance hold times must be positive seconds."),
    _c("plan.invalid_weeks", 422, "A plan is 1-52 weeks long."),
    _c("plan.no_assessment", 404, "No assessment yet: complete the intake first."),
    _c("plan.not_found", 404, "No plan yet."),
    _c("plan.reason_required", 422, "A clinician's plan change needs a reason."),
    _c("profile.invalid", 422, "Unknown or invalid profile fields."),
    # report
    _c("report.bad_suffix", 422, "A report file must end in .html or .pdf."),
    # request, route, service: the HTTP layer
    _c("request.bad", 400, "The body is not JSON or not the declared type."),
    _c(
        "request.failed",
        500,
        "An HTTP error without a more precise code.",
        built="api/errors.py _http_error",
    ),
    _c("request.invalid", 422, "The request does not match the schema (every problem listed)."),
    _c("request.too_large", 413, "The JSON body is larger than BACKSTRIDE_MAX_JSON_BYTES."),
    _c("request.unsupported_media_type", 415, "The body's content type is not accepted."),
    _c("resource.conflict", 409, "Conflict with stored state (default of Conflict)."),
    _c("resource.not_found", 404, "Not found (default of NotFound)."),
    _c("review.invalid", 422, "A clinician's review is incomplete."),
    _c("room.invalid", 422, "A room's fields are not valid."),
    _c("room.not_found", 404, "No such room at this clinic."),
    _c(
        "room.duplicate",
        409,
        "A room with this name exists at the clinic.",
        built="services/booking/setup.py _unique_name: f'{what}.duplicate'",
    ),
    _c("route.method_not_allowed", 405, "The path does not answer this method (see Allow)."),
    _c("route.not_found", 404, "No such path."),
    _c("runner.invalid_handle", 422, "A runner handle is not valid."),
    _c("runner.not_found", 404, "No runner profile."),
    _c("service.busy", 503, "The database is busy; try again after Retry-After."),
    _c("session.not_found", 404, "No such session of this account."),
    _c("time_off.not_found", 404, "No such time off."),
    # totp
    _c("totp.already_enabled", 409, "A second factor is already set up."),
    _c("totp.invalid_code", 422, "The code does not match (check the phone's clock)."),
    _c("totp.not_enabled", 409, "No second factor is set up."),
    _c("totp.not_started", 409, "Start the second-factor set-up first."),
    _c("totp.required_for_role", 403, "Clinicians and admins must keep a second factor."),
    # wording
    _c("wording.invalid", 422, "The questionnaire wording files are missing or not valid."),
)

BY_CODE: dict[str, ErrorCode] = {entry.code: entry for entry in CATALOGUE}

IMPORT_FAMILIES = """\
Four families touch importing, and each answers a different question:

- `upload.*`: is the **request** acceptable? Decided from the HTTP request alone (its form,
  size, number of files, file names, a zip's directory) before anything is queued; the API
  answers it at once (`POST /me/imports`), or lists it per file under `refused` when other
  files of the same form were good.
- `ingest.*`: can this **file's content** be read? Decided by the readers (FIT, GPX, TCX,
  archives); a single uploaded file is read at once and refused with its code, every file of
  an archive gets its code in the job's report. `upload.unsafe_archive` and
  `ingest.unsafe_archive` differ the same way: the first is the zip's directory checked
  before queueing, the second a member found unsafe while it is read.
- `import.*`: did the **background job** run? The job as a whole failed (`import.stalled`,
  `import.failed`) or could not be queued (`import.queue_unavailable`, 503).
- `import_job.*`: the **job resource** itself (`import_job.not_found`,
  `import_job.invalid_id`), like `plan.not_found` for plans.

They are kept apart, not merged: codes are a public contract, and merging `import_job.*`
into `import.*` would rename codes clients already match on for no gain in meaning.
"""


def render_markdown() -> str:
    """``docs/readme/errors.md``: the catalogue as a table per family."""
    lines = [
        "# Error codes",
        "",
        "<!-- generated by scripts/errors_md.py from src/backstride/error_codes.py; "
        "do not edit -->",
        "",
        'Every error leaves the API as a JSON object `{"code", "detail"}` (with '
        "`problems` when there are several), the web pages show the same code, the CLI prints it "
        "and exits 2. A code never changes meaning once shipped. *Reserved*: kept in the "
        "contract, not raised today. *Built*: put together at run time at the place named.",
        "",
        "## The import families",
        "",
        IMPORT_FAMILIES.rstrip(),
        "",
    ]
    family = ""
    for entry in sorted(CATALOGUE, key=lambda e: e.code):
        if entry.family != family:
            family = entry.family
            lines += ["", f"## {family}", "", "| Code | HTTP | Meaning |", "|---|---|---|"]
        note = " *Reserved.*" if entry.reserved else ""
        note += f" *Built in* `{entry.built}`." if entry.built else ""
        lines.append(f"| `{entry.code}` | {entry.status} | {entry.meaning}{note} |")
    return "\n".join(lines) + "\n"


__all__ = ["BY_CODE", "CATALOGUE", "IMPORT_FAMILIES", "ErrorCode", "render_markdown"]
