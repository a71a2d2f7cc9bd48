"""The exceptions the format parsers raise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class FormatError(ValueError):
    """The bytes are not a readable document; the message is a short human reason."""


class NeedsWorker(Exception):
    """Raised by ``parse_document(..., fast_only=True)`` (and ``read_document``): this
    document needs a parser whose time is not bounded by its size (feedparser, HTML
    conversion), so it is to be parsed in a worker process under a time limit instead."""


@contextmanager
def as_format_error() -> Iterator[None]:
    """Any failure of a parser inside as a FormatError (NeedsWorker passes through): a
    document too deep or too large for it, or one that trips a parser bug, is a document
    that cannot be read, never a crash."""
    try:
        yield
    except (FormatError, NeedsWorker):
        raise
    except RecursionError:
        raise FormatError("document nested too deeply") from None
    except MemoryError:
        raise FormatError("document too large") from None
    except Exception as error:  # any parser failure is a format problem
        raise FormatError(f"could not parse ({type(error).__name__})") from error
