"""The paths given on the command line: checked before anything is read or parsed (the
command imports this, not :mod:`tuinews.sources.local` and its parsers: ~20 ms)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable

from tuinews.sanitise import clean_line


class PathError(Exception):
    """A path given by the user that does not exist or cannot be read."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot open {shown_path(path)}: {reason}")
        self.path = path
        self.reason = reason


def shown_path(path: str) -> str:
    """A path as it may be shown: sanitised (file names are untrusted too) and quoted."""
    return repr(clean_line(os.fsdecode(path), limit=300))


def reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symlink loop"
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return "no such file or directory"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return error.strerror or "cannot be read"


def check_paths(paths: Iterable[str]) -> None:
    """Raise PathError for the first path that does not exist or cannot be read.

    A symlink loop or a special file is not an error here: it is skipped when loading,
    and the app says so.
    """
    for path in paths:
        try:
            info = os.stat(path)
        except OSError as error:
            if error.errno == errno.ELOOP:
                continue
            raise PathError(path, reason(error)) from None
        if stat.S_ISDIR(info.st_mode):
            if not os.access(path, os.R_OK | os.X_OK):
                raise PathError(path, "permission denied")
        elif stat.S_ISREG(info.st_mode) and not os.access(path, os.R_OK):
            raise PathError(path, "permission denied")
