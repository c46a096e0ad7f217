"""Settings from SHUAN_* variables: names in any case, arguments over variables, one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shuan.config import Settings, get_settings
from shuan.errors import ConfigError


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("SHUAN_BATCH_ROWS", "5000", "batch_rows", 5000),
        ("shuan_scheme", "gbt43697-2024", "scheme", "gbt43697-2024"),
        ("Shuan_Sample_Rows", "42", "sample_rows", 42),
        ("SHUAN_CONSOLE_ALLOW_HTTP", "true", "console_allow_http", True),
        ("SHUAN_CONSOLE_ALLOW_HTTP", "0", "console_allow_http", False),
        ("SHUAN_HOME", "/srv/shuan", "home", Path("/srv/shuan")),
        ("SHUAN_DATABASE_URL", "postgresql://db/x", "database_url", "postgresql://db/x"),
    ],
)
def test_variables_fill_fields(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str,
                               expected: object) -> None:
    monkeypatch.setenv(variable, value)
    assert getattr(Settings(), field) == expected


def test_defaults_without_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SHUAN_BATCH_ROWS", "SHUAN_SCHEME", "SHUAN_ROOT_KEY", "SHUAN_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.batch_rows, settings.scheme, settings.root_key, settings.database_url) == (
        100_000, "jining-2020", None, None)
    assert settings.store_url().startswith("sqlite:///")


def test_arguments_win_over_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUAN_BATCH_ROWS", "5000")
    monkeypatch.setenv("SHUAN_SCHEME", "gbt43697-2024")
    settings = Settings(batch_rows=7)
    assert (settings.batch_rows, settings.scheme) == (7, "gbt43697-2024")


def test_unrelated_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUAN_NO_SUCH_SETTING", "x")
    monkeypatch.setenv("BATCH_ROWS", "x")
    assert Settings().batch_rows > 0


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SHUAN_SAMPLE_ROWS", "abc"), ("SHUAN_SAMPLE_ROWS", "0"), ("SHUAN_BATCH_ROWS", "-1"),
     ("SHUAN_AUDIT_RETENTION_DAYS", "30"), ("SHUAN_CONSOLE_ALLOW_HTTP", "maybe")],
)
def test_bad_value_is_a_one_line_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str,
                                                           value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as exc:
        get_settings()
    message = exc.value.user_message
    assert variable in message
    assert "\n" not in message
