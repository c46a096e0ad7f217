"""Settings: one pydantic-settings object, read from SHUAN_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from shuan.errors import ConfigError
from shuan.messages import validation_reason


def default_home() -> Path:
    return Path.home() / ".shuan"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHUAN_", extra="ignore")

    home: Path = Field(default_factory=default_home, description="data directory for the embedded store")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the inventory store; default: SQLite under SHUAN_HOME"
    )
    scheme: str = Field(default="jining-2020", description="default grading scheme")
    sample_rows: int = Field(default=10_000, gt=0, le=100_000_000, description="rows sampled per table by default")
    batch_rows: int = Field(default=100_000, gt=0, le=10_000_000, description="rows per batch when scanning in full")
    recognizers: Path | None = Field(default=None, description="YAML file with custom recognizers")

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
