"""Options and helpers shared by commands."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from shuan.config import get_settings
from shuan.discovery.registry import Registry


def registry_from(files: Sequence[Path]) -> Registry:
    settings = get_settings()
    extra = list(files)
    if settings.recognizers is not None and settings.recognizers not in extra:
        extra.insert(0, settings.recognizers)
    return Registry.default(extra)
