"""Open local files and folders safely.

Every file is opened non-blocking and checked with ``fstat`` before reading, so a FIFO,
a device or ``/proc`` file never blocks or fills memory; at most ``MAX_FILE_BYTES + 1``
bytes are read whatever the file claims its size is. Files are parsed in worker
processes, each under a time limit (:mod:`tuinews.pool`): a crafted file cannot
hang the app or hold its GIL. Only the welcome library, shipped inside the package, is
parsed in this process.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tuinews.extract.document import read_document
from tuinews.formats import FormatError, NeedsWorker, parse_document
from tuinews.models import Article, LoadedFiles, Skipped
from tuinews.pool import Pool, TimedOut, WorkerCrashed
from tuinews.resources import welcome_files
from tuinews.sanitise import clean_line
from tuinews.sources.paths import PathError as PathError  # (the command imports .paths)
from tuinews.sources.paths import check_paths as check_paths
from tuinews.sources.paths import reason
from tuinews.sources.paths import shown_path as shown_path

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FILES = 20_000
PARSE_TIMEOUT = 10.0  # seconds for one file's parse, in a worker process
# Files up to this size whose parsers' time grows with the size alone (plain text,
# Markdown, JSON Feed, feeds that fastfeedparser reads) are parsed here: at most a few
# tenths of a second even for pathological ones, and a worker process would cost more
# than that to start (see tests/hostile/test_local_limits.py and benchmarks/startup.py).
INLINE_MAX_BYTES = 32 * 1024
HTML_EXTENSIONS = (".html", ".htm", ".xhtml", ".shtml")
# What reading a web page imports (about 0.2 s): workers import it while they boot, beside
# the UI's own start-up, when web pages may be coming.
PAGE_MODULES = (
    "tuinews.extract",
    "tuinews.extract.main_content",
    "tuinews.extract.metadata",
    "tuinews.formats.html",
    "lxml.html",
    "bs4",
    "readability",
    "trafilatura",
    "markdownify",
)


class SkipFile(Exception):
    """A file that is not opened, with a short reason."""


@dataclass(frozen=True)
class FileData:
    data: bytes
    mtime: datetime


def _skipped(path: str | bytes, reason: str) -> Skipped:
    """A skipped file, its name sanitised: file names are untrusted text too."""
    return Skipped(clean_line(os.fsdecode(path), limit=300), clean_line(reason))


def read_file(path: str, limit: int = MAX_FILE_BYTES) -> FileData:
    """Read a regular file of at most ``limit`` bytes, or raise SkipFile saying why."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise SkipFile(reason(error)) from None
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
                raise SkipFile(reason(error)) from None
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
        skipped.append(_skipped(error.filename or path, reason(error)))

    for root, dirs, files in os.walk(path, onerror=on_error, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)


def load_file(path: str) -> list[Article]:
    """Parse one file into articles in this process (no time limit); raises SkipFile."""
    file = read_file(path)
    try:
        return parse_file(file.data, *_names(path), file.mtime)
    except FormatError as error:
        raise SkipFile(str(error)) from None


def _names(path: str) -> tuple[str, str]:
    """A file's name (its extension is a hint) and its absolute path (its identity)."""
    return os.path.basename(os.fsdecode(path)), os.path.abspath(os.fsdecode(path))


def parse_file(data: bytes, name: str, path: str, mtime: datetime) -> list[Article]:
    """One file's bytes to articles (in a worker process when loading). Raises only
    FormatError."""
    return read_document(data, name=name, path=path, mtime=mtime)


def _parse_inline(file: FileData, path: str) -> list[Article] | None:
    """A small file parsed here if its parser is a fast one (else None); SkipFile."""
    if len(file.data) > INLINE_MAX_BYTES:
        return None
    name, full = _names(path)
    try:
        return read_document(file.data, name=name, path=full, mtime=file.mtime, fast_only=True)
    except NeedsWorker:
        return None
    except FormatError as error:
        raise SkipFile(str(error)) from None


def needs_workers(paths: Sequence[str]) -> bool:
    """Whether loading these paths will likely need worker processes: anything but a few
    small files (a folder, a big file) does, so they may start booting early."""
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_size > INLINE_MAX_BYTES:
            return True
        if os.path.splitext(path)[1].lower() in HTML_EXTENSIONS:
            return True
    return False


def _may_hold_pages(paths: Sequence[str]) -> bool:
    for path in paths:
        if os.path.splitext(path)[1].lower() in HTML_EXTENSIONS:
            return True
        with contextlib.suppress(OSError):
            if stat.S_ISDIR(os.stat(path).st_mode):
                return True
    return False


def parse_pool(paths: Sequence[str]) -> Pool:
    """Worker processes for loading these paths, each file's parse under PARSE_TIMEOUT:
    one worker for one file, else one per core (at most four)."""
    size = max(1, min(4, os.cpu_count() or 1))
    if len(paths) == 1:
        with contextlib.suppress(OSError):
            if not stat.S_ISDIR(os.stat(paths[0]).st_mode):
                size = 1
    preload = (__name__, *PAGE_MODULES) if _may_hold_pages(paths) else (__name__,)
    return Pool(size=size, timeout=PARSE_TIMEOUT, preload=preload)


def _skip_reason(outcome: BaseException) -> str:
    if isinstance(outcome, TimedOut):
        return "parse timeout"
    if isinstance(outcome, WorkerCrashed):
        return "parse failed (the parser crashed)"
    if isinstance(outcome, FormatError):
        return str(outcome)
    return f"unreadable ({type(outcome).__name__})"  # a parser bug: the others go on


def load_paths(
    paths: Sequence[str],
    should_stop: Callable[[], bool] | None = None,
    pool: Pool | None = None,
) -> LoadedFiles:
    """Load every file under the given paths. Never raises for a bad file: it is skipped.

    Files are read here (never blocking, size-capped). Small ones that a fast parser
    reads are parsed here too; the rest in worker processes (``pool``, or one made for
    the call; closed when done), each under a time limit: a file whose parse runs past it
    is skipped as "parse timeout". ``should_stop`` is asked between files (the app
    quitting): then what was read so far is returned."""
    found: list[tuple[int, Article | Skipped]] = []
    read_skips: list[Skipped] = []
    count = 0

    def inputs() -> Iterator[tuple[tuple[int, str], tuple[bytes, str, str, datetime]]]:
        nonlocal count
        for top in paths:
            for path in iter_files(top, read_skips):
                found.extend((count, skip) for skip in read_skips)
                read_skips.clear()
                count += 1
                if count > MAX_FILES:
                    found.append((count, _skipped(path, f"more than {MAX_FILES} files")))
                    return
                if should_stop is not None and should_stop():
                    return
                try:
                    file = read_file(path)
                    articles = _parse_inline(file, path)
                except SkipFile as skip:
                    found.append((count, _skipped(path, str(skip))))
                    continue
                except Exception as error:  # a parser bug must not stop the other files
                    found.append((count, _skipped(path, _skip_reason(error))))
                    continue
                if articles is not None:
                    found.extend((count, article) for article in articles)
                    continue
                yield (count, path), (file.data, *_names(path), file.mtime)
        found.extend((count, skip) for skip in read_skips)

    with pool if pool is not None else parse_pool(paths) as workers:
        for (index, path), outcome in workers.map(parse_file, inputs(), should_stop):
            if isinstance(outcome, BaseException):
                found.append((index, _skipped(path, _skip_reason(outcome))))
            else:
                found.extend((index, article) for article in outcome)
    found.sort(key=lambda item: item[0])  # stable: a file's articles keep their order
    library = LoadedFiles()
    for _, item in found:
        if isinstance(item, Skipped):
            library.skipped.append(item)
        else:
            library.articles.append(item)
    return library


def load_welcome() -> LoadedFiles:
    """The welcome library shipped inside the package."""
    library = LoadedFiles()
    for name, data in welcome_files():
        for article in parse_document(data, name=name, path=f"welcome:{name}"):
            article.source = "tuinews"
            library.articles.append(article)
    return library
