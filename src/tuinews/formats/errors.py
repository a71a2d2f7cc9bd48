"""The one exception the format parsers raise."""

from __future__ import annotations


class FormatError(ValueError):
    """The bytes are not a readable document; the message is a short human reason."""
