"""One exception hierarchy. Each error carries a user message (Chinese first, from the catalogue)."""

from __future__ import annotations

from shuan.messages import msg


class ShuanError(Exception):
    """Base of every error the platform reports to a user."""

    exit_code = 1

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(msg(key, **params))

    @property
    def user_message(self) -> str:
        return str(self)


class ConfigError(ShuanError):
    """Bad settings or a bad configuration file (e.g. a custom recognizer)."""

    exit_code = 2


class SourceError(ShuanError):
    """A data source cannot be opened (missing file, unreachable database, bad credentials)."""

    exit_code = 3


class TableError(ShuanError):
    """One table of a source cannot be read; a multi-table scan continues with the others."""


class StoreError(ShuanError):
    """The inventory store cannot be opened or written."""

    exit_code = 4


class UsageError(ShuanError):
    """The command line was wrong in a way click cannot tell."""

    exit_code = 2
