"""The exceptions the format parsers raise."""

from __future__ import annotations


class FormatError(ValueError):
    """The bytes are not a readable document; the message is a short human reason."""


class NeedsWorker(Exception):
    """Raised by ``parse_document(..., fast_only=True)``: this document needs a parser whose
    time is not bounded by its size (feedparser, HTML conversion), so it is to be parsed
    in a worker process under a time limit instead."""
