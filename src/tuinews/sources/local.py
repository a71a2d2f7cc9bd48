"""Open local files and folders safely.

Every file is opened non-blocking and checked with ``fstat`` before reading, so a FIFO,
a device or ``/proc`` file never blocks or fills memory; at most ``MAX_FILE_BYTES + 1``
bytes are read whatever the file claims its size is.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from tuinews.formats import FormatError, parse_document
from tuinews.models import Article, Library, Skipped
from tuinews.sanitise import clean_line

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FILES = 20_000


class PathError(Exception):
    """A path given by the user that does not exist or cannot be read."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot open {shown_path(path)}: {reason}")
        self.path = path
        self.reason = reason


class SkipFile(Exception):
    """A file that is not opened, with a short reason."""


@dataclass(frozen=True)
class FileData:
    data: bytes
    mtime: datetime


def shown_path(path: str) -> str:
    """A path as it may be shown: sanitised (file names are untrusted too) and quoted."""
    return repr(clean_line(os.fsdecode(path), limit=300))


def _skipped(path: str | bytes, reason: str) -> Skipped:
    """A skipped file, its name sanitised: file names are untrusted text too."""
    return Skipped(clean_line(os.fsdecode(path), limit=300), clean_line(reason))


def _reason(error: OSError) -> str:
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
            raise PathError(path, _reason(error)) from None
        if stat.S_ISDIR(info.st_mode):
            if not os.access(path, os.R_OK | os.X_OK):
                raise PathError(path, "permission denied")
        elif stat.S_ISREG(info.st_mode) and not os.access(path, os.R_OK):
            raise PathError(path, "permission denied")


def read_file(path: str, limit: int = MAX_FILE_BYTES) -> FileData:
    """Read a regular file of at most ``limit`` bytes, or raise SkipFile saying why."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise SkipFile(_reason(error)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise SkipFile("a directory")
        if not stat.S_ISREG(info.st_mode):
            raise SkipFile("not a regular file")
        if info.st_size > limit:
            raise SkipFile(f"over {limit // (1024 * 1024)} MB")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            except BlockingIOError:
                raise SkipFile("not ready to read") from None
            except OSError as error:
                raise SkipFile(_reason(error)) from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise SkipFile(f"over {limit // (1024 * 1024)} MB")
        return FileData(b"".join(chunks), datetime.fromtimestamp(info.st_mtime, tz=UTC))
    finally:
        os.close(fd)


def iter_files(path: str, skipped: list[Skipped]) -> Iterator[str]:
    """The files under ``path`` (itself if it is a file), sorted, hidden ones left out."""
    try:
        is_dir = stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        is_dir = False
    if not is_dir:
        yield path
        return

    def on_error(error: OSError) -> None:
        skipped.append(_skipped(error.filename or path, _reason(error)))

    for root, dirs, files in os.walk(path, onerror=on_error, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)


def load_file(path: str) -> list[Article]:
    """Parse one file into articles; raises SkipFile."""
    file = read_file(path)
    name = os.path.basename(os.fsdecode(path))
    try:
        full = os.path.abspath(os.fsdecode(path))  # the article's identity in the store
        return parse_document(file.data, name=name, path=full, mtime=file.mtime, reader=True)
    except FormatError as error:
        raise SkipFile(str(error)) from None


def load_paths(paths: Iterable[str], should_stop: Callable[[], bool] | None = None) -> Library:
    """Load every file under the given paths. Never raises for a bad file: it is skipped.
    ``should_stop`` is asked between files (the app quitting): then what was read so far
    is returned."""
    library = Library()
    count = 0
    for top in paths:
        for path in iter_files(top, library.skipped):
            count += 1
            if count > MAX_FILES:
                library.skipped.append(_skipped(path, f"more than {MAX_FILES} files"))
                return library
            try:
                library.articles.extend(load_file(path))
            except SkipFile as skip:
                library.skipped.append(_skipped(path, str(skip)))
            except Exception as error:  # a parser bug must not stop the other files
                library.skipped.append(_skipped(path, f"unreadable ({type(error).__name__})"))
            if should_stop is not None and should_stop():
                return library
    return library


def load_welcome() -> Library:
    """The welcome library shipped inside the package."""
    from tuinews.resources import welcome_files

    library = Library()
    for name, data in welcome_files():
        for article in parse_document(data, name=name, path=f"welcome:{name}"):
            article.source = "tuinews"
            library.articles.append(article)
    return library
