"""ORM rows for every stored entity (SQLAlchemy 2.0 typed mappings).

Rows are the store's representation only: services convert them to domain dataclasses and
the API converts those to schemas. Deleting a runner cascades to all of their data
(``ON DELETE CASCADE``), which is how "delete my account and data" stays complete.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backstride.store.base import Base, Id, JSONType, UTCDateTime

ROLES = ("runner", "clinician", "admin")


class Account(Base):
    """A login: runner, clinician or admin. Passwords are argon2id hashes, never plain."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("role IN ('runner', 'clinician', 'admin')", name="role"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(120))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    """Base32 TOTP secret: pending while ``totp_enabled_at`` is NULL, in force after."""
    totp_enabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    """The last accepted TOTP time step: a code is accepted once (RFC 6238 §5.2)."""


class AuthToken(Base):
    """A browser session or a bearer token; only the SHA-256 of the secret is stored.

    ``scope`` is ``full`` or ``totp_enrolment`` (a clinician or admin who must enrol a second
    factor first); ``reauth_at`` is when this session last proved the password (and TOTP);
    ``idle_timeout_s`` ends it after that long without a request (``last_seen_at``).
    """

    __tablename__ = "auth_tokens"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "session" | "bearer"
    csrf_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    scope: Mapped[str] = mapped_column(String(16), default="full", server_default="full")
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    idle_timeout_s: Mapped[int | None] = mapped_column(Integer)
    reauth_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    user_agent: Mapped[str | None] = mapped_column(String(200))
    client: Mapped[str | None] = mapped_column(String(64))


class AccountToken(Base):
    """A one-time secret e-mailed or handed to an account holder (SHA-256 stored only).

    ``purpose``: ``password_reset`` (the e-mailed link), ``email_change`` (sent to the new
    address; ``detail.email``), ``login_challenge`` (password right, TOTP code still due;
    ``detail.kind``). Used once (``used_at``) and only until ``expires_at``.
    """

    __tablename__ = "account_tokens"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(24))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class PendingRegistration(Base):
    """A sign-up waiting for its e-mail link; the account exists only once it is followed."""

    __tablename__ = "pending_registrations"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RecoveryCode(Base):
    """A single-use TOTP recovery code (argon2id hash: the codes carry about 60 bits)."""

    __tablename__ = "recovery_codes"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class RateEvent(Base):
    """One counted request for a rate limit (sign-ups, reset requests) by a hashed key."""

    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_bucket_key_at", "bucket", "key_hash", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bucket: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LoginAttempt(Base):
    """Failed and successful logins, for rate limiting across processes."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254))
    client: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    success: Mapped[bool] = mapped_column(Boolean)


class Clinic(Base):
    """A clinic (chiropractic, physiotherapy) whose clinicians treat consenting runners."""

    __tablename__ = "clinics"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """An archived clinic keeps its consent history; it takes no new consents."""
    rules_version: Mapped[int] = mapped_column(Integer, server_default=text("0"), default=0)
    """Bumped by database triggers with every change to the clinic's booking set-up (policy,
    types, rooms, hours, time off, members; migration 0013_clinic_rules_version): booking
    processes reuse their cached rules while it is unchanged (docs/decisions/0061)."""


class ClinicMember(Base):
    """A clinician account working at a clinic."""

    __tablename__ = "clinic_members"
    __table_args__ = (UniqueConstraint("clinic_id", "account_id"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Runner(Base):
    """A runner's profile. ``handle`` names the runner in the CLI (``--runner NAME``)."""

    __tablename__ = "runners"
    __table_args__ = (
        CheckConstraint("sex IS NULL OR sex IN ('female', 'male', 'other')", name="sex"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    display_name: Mapped[str] = mapped_column(String(120))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(8))
    hr_rest_bpm: Mapped[int | None] = mapped_column(Integer)
    hr_max_bpm: Mapped[int | None] = mapped_column(Integer)
    threshold_pace_s_per_km: Mapped[float | None] = mapped_column(Float)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    preferences: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """Set when the runner deleted their account: the row is then an anonymous tombstone that
    only the consent history and the audit log point to (docs/decisions/0024)."""


class Consent(Base):
    """A runner's consent for one clinic to see their record (active while not revoked)."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_clinic_runner", "clinic_id", "runner_id"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Intake(Base):
    """One submitted intake document (validated JSON) and when it was submitted."""

    __tablename__ = "intakes"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    schema_version: Mapped[str] = mapped_column(String(16))
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)


class Assessment(Base):
    """The triage result of an intake: disposition plus the full result document."""

    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_runner_created", "runner_id", "created_at"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"))
    intake_id: Mapped[str | None] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    disposition: Mapped[str] = mapped_column(String(24))
    rules_version: Mapped[str] = mapped_column(String(16))
    result: Mapped[dict[str, Any]] = mapped_column(JSONType)
    downgraded_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    downgrade_reason: Mapped[str | None] = mapped_column(Text)


class QuestionnaireResponse(Base):
    """One answered instrument (NPRS, ODI, RMDQ, STarT, PSFS, Triad) with its score."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        Index("ix_qr_runner_instrument_at", "runner_id", "instrument", "answered_at"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"))
    intake_id: Mapped[str | None] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"))
    instrument: Mapped[str] = mapped_column(String(32))
    instrument_version: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType)
    score: Mapped[dict[str, Any]] = mapped_column(JSONType)


class Blob(Base):
    """An original file one runner uploaded, kept content-addressed (SHA-256) for re-analysis.

    One row per (runner, digest): two runners who upload the same bytes each have their own
    row, name and file (``services.blobstore``), so nothing about one leaks to the other and
    deleting a runner deletes their rows (cascade) and their folder.
    """

    __tablename__ = "blobs"

    runner_id: Mapped[str] = mapped_column(
        ForeignKey("runners.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Gear(Base):
    """A pair of shoes (or a bike) a runner uses; distance is summed from activities."""

    __tablename__ = "gear"
    __table_args__ = (UniqueConstraint("runner_id", "name"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="shoe")
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    retire_km: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Activity(Base):
    """One canonical activity's summary; streams live in ``streams`` (compact columnar blob).

    Absent values are NULL, never 0. ``dedup_key`` identifies the same run from two sources
    (start second + sport + rounded distance) so that a re-import stores nothing new.
    """

    __tablename__ = "activities"
    __table_args__ = (
        UniqueConstraint("runner_id", "dedup_key"),
        Index("ix_activities_runner_start", "runner_id", "start_at"),
        # the original belongs to the same runner as the activity (never another's blob)
        ForeignKeyConstraint(["runner_id", "blob_sha256"], ["blobs.runner_id", "blobs.sha256"]),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"))
    dedup_key: Mapped[str] = mapped_column(String(96))
    source: Mapped[str] = mapped_column(String(16))  # file | strava | garmin | manual
    format: Mapped[str | None] = mapped_column(String(8))  # fit | gpx | tcx
    blob_sha256: Mapped[str | None] = mapped_column(String(64))
    sport: Mapped[str] = mapped_column(String(32))
    sub_sport: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    local_offset_s: Mapped[int | None] = mapped_column(Integer)
    local_date: Mapped[dt.date] = mapped_column(Date)
    elapsed_s: Mapped[float] = mapped_column(Float)
    timer_s: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    ascent_m: Mapped[float | None] = mapped_column(Float)
    descent_m: Mapped[float | None] = mapped_column(Float)
    downhill_m: Mapped[float | None] = mapped_column(Float)
    avg_hr_bpm: Mapped[float | None] = mapped_column(Float)
    max_hr_bpm: Mapped[float | None] = mapped_column(Float)
    avg_cadence_spm: Mapped[float | None] = mapped_column(Float)
    cadence_unit_inferred: Mapped[str | None] = mapped_column(String(16))
    avg_power_w: Mapped[float | None] = mapped_column(Float)
    avg_stance_time_ms: Mapped[float | None] = mapped_column(Float)
    avg_stance_balance_left_pct: Mapped[float | None] = mapped_column(Float)
    avg_vertical_oscillation_mm: Mapped[float | None] = mapped_column(Float)
    avg_step_length_mm: Mapped[float | None] = mapped_column(Float)
    avg_vertical_ratio_pct: Mapped[float | None] = mapped_column(Float)
    has_running_dynamics: Mapped[bool] = mapped_column(Boolean, default=False)
    rpe: Mapped[float | None] = mapped_column(Float)
    feel: Mapped[float | None] = mapped_column(Float)
    trimp: Mapped[float | None] = mapped_column(Float)
    n_samples: Mapped[int] = mapped_column(Integer, default=0)
    device: Mapped[str | None] = mapped_column(String(120))
    creator: Mapped[str | None] = mapped_column(String(200))
    gear_id: Mapped[str | None] = mapped_column(ForeignKey("gear.id", ondelete="SET NULL"))
    streams: Mapped[bytes | None] = mapped_column(LargeBinary)
    hr_time: Mapped[bytes | None] = mapped_column(LargeBinary)
    """Seconds at each heart rate (``ingest.streams.encode_pairs`` of ``analytics.load_models.
    hr_time``; empty bytes: no heart rate; NULL: not computed): stream TRIMP without decoding."""
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    laps: Mapped[list[Lap]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="Lap.index"
    )


class Lap(Base):
    """A lap (split) of an activity as the device recorded it."""

    __tablename__ = "laps"
    __table_args__ = (UniqueConstraint("activity_id", "index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    elapsed_s: Mapped[float | None] = mapped_column(Float)
    timer_s: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    avg_hr_bpm: Mapped[float | None] = mapped_column(Float)
    max_hr_bpm: Mapped[float | None] = mapped_column(Float)
    avg_cadence_spm: Mapped[float | None] = mapped_column(Float)
    intensity: Mapped[str | None] = mapped_column(String(16))

    activity: Mapped[Activity] = relationship(back_populates="laps")


class ImportJob(Base):
    """A background import of uploaded files or an export archive, with pollable progress."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_status_created", "status", "created_at"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # queued | running | done | failed
    upload_path: Mapped[str | None] = mapped_column(Text)
    files_total: Mapped[int] = mapped_column(Integer, default=0)
    files_done: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The lease of a running job: its worker refreshes heartbeat_at; a job whose heartbeat is
    # older than settings.import_stall_s is taken again (its process died), at most
    # settings.import_max_attempts times in all.
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Plan(Base):
    """A runner's plan; its content lives in versions (each adaptation is a new version)."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # active | blocked | archived
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    contact_clinic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The current version asks the runner to contact the clinic now (its ``escalations``):
    written with every version, so the clinician's list sorts by it without reading plan
    documents (migration 0015)."""


class PlanVersion(Base):
    """One immutable version of a plan (the full document), with why it changed."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)


class SessionLog(Base):
    """What the runner did with a planned (or unplanned) session and how the back responded."""

    __tablename__ = "session_logs"
    __table_args__ = (
        Index("ix_session_logs_runner_date", "runner_id", "session_date"),
        CheckConstraint("status IN ('done', 'skipped', 'partial')", name="status"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"))
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    session_key: Mapped[str | None] = mapped_column(String(96))
    session_date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16))
    pain_during: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    pain_next_morning: Mapped[int | None] = mapped_column(Integer)
    stiffness_next_morning: Mapped[int | None] = mapped_column(Integer)
    rpe: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float | None] = mapped_column(Float)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    notes: Mapped[str | None] = mapped_column(Text)
    logged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PainEntry(Base):
    """A pain-diary entry (NPRS now, morning stiffness) independent of sessions."""

    __tablename__ = "pain_entries"
    __table_args__ = (Index("ix_pain_entries_runner_date", "runner_id", "entry_date"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"))
    entry_date: Mapped[dt.date] = mapped_column(Date)
    nprs_now: Mapped[int | None] = mapped_column(Integer)
    morning_pain: Mapped[int | None] = mapped_column(Integer)
    morning_stiffness_min: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    logged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ClinicSetting(Base):
    """A threshold a clinic changed from the evidence-based default (current value)."""

    __tablename__ = "clinic_settings"
    __table_args__ = (UniqueConstraint("clinic_id", "key"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(96))
    value: Mapped[Any] = mapped_column(JSONType)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class ClinicSettingChange(Base):
    """Every change of a clinic setting, kept forever (who, when, old, new, why)."""

    __tablename__ = "clinic_setting_changes"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(96))
    old_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Who read or changed whose data, what and when. Runners can list events about them.

    Append-only: database triggers refuse UPDATE and DELETE (migration 0009), and no
    code path changes a row. ``runner_id`` is not a foreign key, so a deleted runner's trail
    stays, keyed by a random id that no longer maps to anyone; ``detail`` carries ids and codes
    only, never names, e-mails or free text (docs/decisions/0017-audit-append-only.md).
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_runner_at", "runner_id", "at"),
        Index("ix_audit_events_actor_at", "actor_account_id", "at"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor_account_id: Mapped[str | None] = mapped_column(String(32))
    actor_role: Mapped[str] = mapped_column(String(16))
    runner_id: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))  # read|create|update|delete|export|refused
    resource: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class OutboxMessage(Base):
    """An e-mail written in the same transaction as the change it reports (transactional outbox).

    A worker sends it once ``send_after`` has passed. ``dedup_key`` makes enqueueing idempotent
    (a reminder is enqueued once per appointment version). ``guard_kind``/``guard_ref``/
    ``guard_version`` name a check run just before sending (e.g. "the appointment is still
    booked at this version"); a message whose guard fails becomes ``void``. Delivery is at most
    once: a message is marked ``sending`` before the SMTP conversation, and one left there by a
    dead process is never retried (``unknown``). Bodies are erased once sent or voided.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("dedup_key"),
        Index("ix_outbox_messages_due", "status", "send_after"),
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'void', 'failed', 'unknown')",
            name="status",
        ),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(48))
    dedup_key: Mapped[str] = mapped_column(String(160))
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    ics_method: Mapped[str | None] = mapped_column(String(16))
    guard_kind: Mapped[str | None] = mapped_column(String(48))
    guard_ref: Mapped[str | None] = mapped_column(String(64))
    guard_version: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    send_after: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class CalendarFeed(Base):
    """A private calendar subscription link to a runner's plan; only the secret's SHA-256 is
    stored, and revoking it (or making a new one) ends the old link at once."""

    __tablename__ = "calendar_feeds"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class IntakeDraft(Base):
    """A runner's unfinished intake (``intake.form.Draft.to_dict()``), one per runner.

    Saved after every step of the web wizard and removed when the intake is submitted;
    deleting the runner deletes it (cascade). Health data: only its runner reads it.
    """

    __tablename__ = "intake_drafts"

    runner_id: Mapped[str] = mapped_column(
        ForeignKey("runners.id", ondelete="CASCADE"), primary_key=True
    )
    draft: Mapped[dict[str, Any]] = mapped_column(JSONType)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


__all__ = [
    "ROLES",
    "Account",
    "AccountToken",
    "Activity",
    "Assessment",
    "AuditEvent",
    "AuthToken",
    "Blob",
    "CalendarFeed",
    "Clinic",
    "ClinicMember",
    "ClinicSetting",
    "ClinicSettingChange",
    "Consent",
    "Gear",
    "ImportJob",
    "Intake",
    "IntakeDraft",
    "Lap",
    "LoginAttempt",
    "OutboxMessage",
    "PainEntry",
    "PendingRegistration",
    "Plan",
    "PlanVersion",
    "QuestionnaireResponse",
    "RateEvent",
    "RecoveryCode",
    "Runner",
    "SessionLog",
]

# The clinic booking tables live in their own module; importing it here registers them.
import backstride.store.clinic_models  # noqa: E402, F401
