"""Settings: the only reader of ``os.environ`` (prefix ``BACKSTRIDE_``); built once, passed in.

Nothing is read at import time: call :func:`load_settings` (or build :class:`Settings`
directly in tests) and hand the object to whatever needs it (``create_app(settings)``,
services, the CLI).
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("backstride", appauthor=False))


class Settings(BaseSettings):
    """Every knob of backstride. Environment variables are ``BACKSTRIDE_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="BACKSTRIDE_",
        env_file=None,
        extra="ignore",
        frozen=True,
    )

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Folder for the embedded database, original activity files and reports.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: SQLite file 'backstride.db' in data_dir. "
        "Use postgresql+psycopg://... for the scale-out store.",
    )
    instrument_wording_dir: Path | None = Field(
        default=None,
        description="Folder of licensed questionnaire wording (YAML per instrument) that "
        "replaces the shipped own-words summaries in every interface.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr("dev-insecure-change-me"),
        description="Signs session cookies and CSRF tokens. Set it in production.",
    )
    cookie_secure: bool = Field(default=True, description="Send cookies over HTTPS only.")
    max_upload_bytes: int = Field(default=512 * 1024 * 1024, ge=1024)
    max_file_bytes: int = Field(
        default=64 * 1024 * 1024, ge=1024, description="Largest single activity file."
    )
    max_archive_uncompressed_bytes: int = Field(default=4 * 1024 * 1024 * 1024, ge=1024)
    max_archive_ratio: float = Field(default=200.0, gt=1)
    max_archive_entries: int = Field(default=100_000, ge=1)
    max_json_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body other than an upload; a larger one is refused with "
        "413 request.too_large before it is read.",
    )
    api_docs: bool = Field(
        default=True,
        description="Serve the interactive API docs (Swagger UI, from the package) at "
        "/api/v1/docs; the OpenAPI document stays at /api/v1/openapi.json either way.",
    )
    serve_worker: bool = Field(
        default=True,
        description="Run the background worker (imports, e-mail) inside each server process. "
        "Set false when `backstride worker` runs as a process of its own: a busy clinic's "
        "requests then never wait for an import or an e-mail (docs/decisions/0068).",
    )
    import_stall_s: float = Field(
        default=600.0,
        ge=5,
        description="A running import whose worker has not sent a heartbeat for this long "
        "(the process died) is taken again by the next worker.",
    )
    import_max_attempts: int = Field(
        default=3,
        ge=1,
        description="An import taken this many times without finishing fails with "
        "import.stalled instead of being taken again.",
    )
    booking_rate_per_minute: int = Field(
        default=30,
        ge=1,
        description="Booking writes (book, move, cancel) one caller may make a minute, per "
        "API process, after a burst of booking_rate_burst; more answer 429 with Retry-After.",
    )
    booking_rate_burst: int = Field(default=20, ge=1)
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The address people open the app at; links in e-mails start with it.",
    )
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server for outgoing e-mail. Unset: each message is written as an "
        ".eml file to data_dir/mail and its path logged (development and demos).",
    )
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        default="starttls",
        description="starttls: upgrade a plain connection; tls: TLS from the first byte "
        "(port 465); none: plain (a local relay or a test sink only).",
    )
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_sender: str = Field(
        default="backstride <no-reply@localhost>",
        description="The From address of every message.",
    )
    smtp_timeout_s: float = Field(default=15.0, gt=0)
    outbox_max_attempts: int = Field(
        default=6,
        ge=1,
        description="A message whose SMTP delivery failed this many times is given up "
        "(status failed); tries are spaced 1, 2, 4, 8 ... minutes apart.",
    )
    blob_key: SecretStr | None = Field(
        default=None,
        description="Encrypts stored original files at rest (AES-256-GCM): 32 random bytes in "
        "base64, e.g. from `backstride db new-key`. Unset: files are kept as uploaded. Keep it "
        "safe and apart from backups: without it encrypted originals cannot be read.",
    )
    shoe_retire_km: float = Field(default=700.0, gt=0, description="Shoe check alert distance.")
    log_level: str = Field(default="INFO")
    # --- accounts and sessions (docs/decisions/0020-0024) ---
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For is "
        "believed; empty: the peer address is the client, whatever the header says.",
    )
    runner_idle_timeout_min: int = Field(
        default=7 * 24 * 60,
        ge=5,
        description="A runner's session ends after this long without a request.",
    )
    staff_idle_timeout_min: int = Field(
        default=30,
        ge=5,
        description="Idle timeout of admins, and of clinicians whose clinics set none "
        "(clinic setting session.idle_timeout_min).",
    )
    staff_totp_required: bool = Field(
        default=True,
        description="Clinicians and admins must enrol a TOTP second factor at their first "
        "log-in before they can do anything else.",
    )
    reauth_window_min: int = Field(
        default=10,
        ge=1,
        le=60,
        description="Deleting the account or changing e-mail, password or second factor needs "
        "a password (and TOTP) check this recent.",
    )
    password_reset_ttl_min: int = Field(
        default=30,
        ge=5,
        le=60,
        description="A password-reset link works once, for this long.",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)  # ValueError names the bad entry
        return value

    @field_validator("data_dir", mode="before")
    @classmethod
    def _expand(cls, value: object) -> object:
        if isinstance(value, str):
            return Path(value).expanduser()
        return value

    @property
    def effective_database_url(self) -> str:
        """The database URL in force (SQLite in ``data_dir`` unless one was given)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'backstride.db'}"

    @property
    def blob_dir(self) -> Path:
        """Where original files are kept, content-addressed by SHA-256."""
        return self.data_dir / "blobs"

    @property
    def mail_dir(self) -> Path:
        """Where messages go as .eml files when no SMTP server is configured."""
        return self.data_dir / "mail"


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]


__all__ = ["Settings", "load_settings"]
