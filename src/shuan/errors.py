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


class InvalidInput(UsageError):  # noqa: N818 - reads as the HTTP status it maps to (400)
    """A request field failed validation (format, length, forbidden characters); the message names the field."""

    @property
    def field(self) -> str:
        return str(self.params.get("field", ""))

    @property
    def reason_key(self) -> str:
        return str(self.params.get("reason_key", ""))


class CryptoError(ShuanError):
    """A cryptographic operation failed: bad key, tampered ciphertext, bad signature encoding."""


class AuthError(ShuanError):
    """Authentication failed (wrong credentials, expired session or token, TOTP reuse, locked account)."""

    exit_code = 5


class PermissionDenied(ShuanError):  # noqa: N818 - reads as the HTTP status it maps to
    """The actor is not allowed to do this; the message says which rule denied it."""

    exit_code = 6


class NotFound(ShuanError):  # noqa: N818
    """A named thing (user, department, grant, key, event) does not exist."""

    exit_code = 7


class Conflict(ShuanError):  # noqa: N818
    """The request contradicts the current state (duplicate name, exclusive roles, already bootstrapped)."""

    exit_code = 8


class AuditError(ShuanError):
    """The audit log cannot be written or does not verify; the action it guarded did not happen."""

    exit_code = 9
