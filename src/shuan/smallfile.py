"""Reading the small files an operator names (masking rules, key files, release policies, the root key
file): only a regular file, and only so many bytes. ``--key-file /dev/zero`` or a FIFO must give a
one-line error, not read without end (or block) until the process is killed."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from shuan.messages import msg

#: a rules file or policy larger than this is not a configuration file
CONFIG_LIMIT = 8 * 1024 * 1024


def read_small(path: Path, limit: int = CONFIG_LIMIT) -> bytes:
    """The bytes of the regular file `path` (at most `limit`). Raises OSError whose ``strerror`` says what
    is wrong: missing or unreadable, not a regular file (a directory, device, FIFO or socket), too large."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, msg("file.not_regular"), str(path))
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, msg("file.too_large", limit=f"{limit:,}"), str(path))
    return data
