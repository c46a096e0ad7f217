"""Settings: one pydantic object, read from SHUAN_* environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shuan.errors import ConfigError
from shuan.messages import validation_reason


def default_home() -> Path:
    return Path.home() / ".shuan"


ENV_PREFIX = "SHUAN_"


class Settings(BaseModel):
    """Every field is read from ``SHUAN_<FIELD>`` (any case) unless given as an argument; values are
    validated as pydantic validates strings (``SHUAN_BATCH_ROWS=5000``, ``SHUAN_CONSOLE_ALLOW_HTTP=true``).
    (pydantic-settings did the same, and cost a scan's start-up a tenth of a second of imports.)"""

    model_config = ConfigDict(extra="ignore", validate_default=True)

    home: Path = Field(default_factory=default_home, description="data directory for the embedded store")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the inventory store; default: SQLite under SHUAN_HOME"
    )
    scheme: str = Field(default="jining-2020", description="default grading scheme")
    sample_rows: int = Field(default=10_000, gt=0, le=100_000_000, description="rows sampled per table by default")
    batch_rows: int = Field(default=100_000, gt=0, le=10_000_000, description="rows per batch when scanning in full")
    recognizers: Path | None = Field(default=None, description="YAML file with custom recognizers")

    # security core (issue 3); secrets have no defaults: a missing root key is an error, never a fallback
    root_key: str | None = Field(default=None, description="root key, 32 hex digits or base64 of 16 bytes (secret)")
    root_key_file: Path | None = Field(default=None, description="file holding the root key (mode 0600)")
    kms: str | None = Field(default=None, description="KMS plugin 'module:factory' supplying the root key")
    session_idle_minutes: int = Field(default=15, gt=0, le=24 * 60, description="idle session timeout")
    session_absolute_hours: int = Field(default=8, gt=0, le=7 * 24, description="absolute session lifetime")
    auth_attempts_per_minute: int = Field(default=30, gt=0, le=10_000,
                                          description="login/TOTP attempts per client address per minute")
    lockout_threshold: int = Field(default=5, gt=0, le=100, description="failed logins before lockout")
    lockout_base_seconds: int = Field(default=60, gt=0, le=86_400, description="first lockout; doubles each time")
    password_min_length: int = Field(default=12, ge=8, le=256, description="minimum password length")
    password_max_age_days: int = Field(default=90, gt=0, le=3650, description="password expiry")
    password_history: int = Field(default=5, ge=0, le=50, description="previous passwords that cannot be reused")
    audit_retention_days: int = Field(default=183, ge=183, le=36_500, description="online audit retention (>= 6 months)")
    audit_checkpoint_every: int = Field(default=1000, gt=0, le=10_000, description="events per signed checkpoint")
    console_allow_http: bool = Field(
        default=False,
        description="web console: send the session cookie without Secure to http://localhost (development only; "
                    "any other host always gets a Secure cookie)",
    )

    @model_validator(mode="before")
    @classmethod
    def _environment(cls, data: Any) -> Any:
        """Fill the fields not given from the environment (arguments win over variables)."""
        if not isinstance(data, dict):
            return data
        found = {
            name.lower()[len(ENV_PREFIX):]: value
            for name, value in os.environ.items()
            if name.upper().startswith(ENV_PREFIX)
        }
        return {name: found[name] for name in cls.model_fields if name in found} | data

    def store_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'shuan.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings from SHUAN_* variables; a bad value is a one-line ConfigError naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        field = "SHUAN_" + "_".join(str(p) for p in err["loc"]).upper()
        raise ConfigError("config.invalid", field=field, reason=validation_reason(err)) from None
