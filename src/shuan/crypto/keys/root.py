"""Where the root key comes from: an environment variable, a file, or a pluggable KMS.

The root key never leaves this process unwrapped and is never logged. There is no default:
without one of SHUAN_ROOT_KEY, SHUAN_ROOT_KEY_FILE or SHUAN_KMS the security core refuses to start
(demo mode creates a key file of its own, with mode 0600, and says so).
"""

from __future__ import annotations

import base64
import binascii
import importlib
import os
import secrets
import stat
from pathlib import Path
from typing import Protocol

from shuan.config import Settings
from shuan.errors import ConfigError
from shuan.smallfile import read_small

ROOT_KEY_BYTES = 16  # SM4 key size
ROOT_FILE_LIMIT = 4096  # a key file is a line of hex or base64, not a stream


class RootKeyProvider(Protocol):
    """A KMS plugin: `SHUAN_KMS=package.module:factory`, where factory(settings) returns one of these."""

    name: str

    def root_key(self) -> bytes: ...


def parse_key(text: str, *, source: str) -> bytes:
    """32 hex digits or base64 of 16 bytes; anything else is a one-line ConfigError naming the source."""
    value = text.strip()
    try:
        raw = bytes.fromhex(value) if len(value) == 2 * ROOT_KEY_BYTES else base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        raise ConfigError("key.root_format", source=source) from None
    if len(raw) != ROOT_KEY_BYTES:
        raise ConfigError("key.root_format", source=source)
    if raw == bytes(ROOT_KEY_BYTES):
        raise ConfigError("key.root_weak", source=source)
    return raw


class EnvRootKey:
    name = "env:SHUAN_ROOT_KEY"

    def __init__(self, value: str) -> None:
        self._value = value

    def root_key(self) -> bytes:
        return parse_key(self._value, source="SHUAN_ROOT_KEY")


class FileRootKey:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"file:{path}"

    def root_key(self) -> bytes:
        try:
            text = read_small(self.path, ROOT_FILE_LIMIT).decode("ascii")  # never /dev/zero or a FIFO
            mode = self.path.stat().st_mode
        except OSError as exc:
            raise ConfigError("key.root_file", path=str(self.path), reason=exc.strerror or type(exc).__name__) from None
        except UnicodeDecodeError as exc:
            raise ConfigError("key.root_file", path=str(self.path), reason=type(exc).__name__) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError("key.root_file_mode", path=str(self.path), mode=oct(mode & 0o777))
        return parse_key(text, source=str(self.path))


def provider_from_settings(settings: Settings) -> RootKeyProvider:
    chosen = [n for n, v in (("SHUAN_ROOT_KEY", settings.root_key), ("SHUAN_ROOT_KEY_FILE", settings.root_key_file),
                             ("SHUAN_KMS", settings.kms)) if v]
    if len(chosen) > 1:
        raise ConfigError("key.root_ambiguous", sources="、".join(chosen))
    if settings.root_key:
        return EnvRootKey(settings.root_key)
    if settings.root_key_file:
        return FileRootKey(settings.root_key_file)
    if settings.kms:
        return _load_kms(settings.kms, settings)
    raise ConfigError("key.root_missing")


def _load_kms(spec: str, settings: Settings) -> RootKeyProvider:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ConfigError("key.kms_spec", spec=spec)
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError("key.kms_load", spec=spec, reason=type(exc).__name__) from None
    provider: RootKeyProvider = factory(settings)
    return provider


def create_key_file(path: Path) -> Path:
    """Write a new random root key readable only by its owner (demo mode and `shuan init --new-root-key`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_bytes(ROOT_KEY_BYTES).hex() + "\n")
    return path
