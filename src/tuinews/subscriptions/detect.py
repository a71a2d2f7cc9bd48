"""Which subscription list a file is: OPML or a newsboat ``urls`` file, by its content."""

from __future__ import annotations

from tuinews.subscriptions.common import (
    MAX_FILE_BYTES,
    ImportResult,
    SubscriptionFileError,
    label,
    too_large,
)
from tuinews.subscriptions.newsboat import parse_newsboat
from tuinews.subscriptions.opml import read_opml


def _looks_like_xml(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").lstrip("\ufeff \t\r\n").startswith("<")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    # An OPML document after a stray line of text (a truncated download's junk, a copied
    # header) is still read as OPML: its XML is then reported as malformed, and where.
    return head.lstrip(b" \t\r\n").startswith(b"<") or b"<opml" in head.lower()


def read_subscriptions(data: bytes, name: str = "") -> ImportResult:
    """Read a subscription file: OPML (XML whose root is ``<opml>``) or a newsboat ``urls`` file.

    ``name`` (the file's name) is only used in error messages. Raises
    :class:`SubscriptionFileError` when the data is neither, or is XML no feed outline
    can be read from (malformed XML that still holds some is read, with a ``problem``).
    """
    shown = label(name)
    if len(data) > MAX_FILE_BYTES:
        raise too_large(shown)
    if _looks_like_xml(data):
        head = data[:2048].lower()
        if b"<opml" not in head and (b"<!doctype html" in head or b"<html" in head):
            raise SubscriptionFileError(
                f"{shown} is a web page, not a subscription list (OPML or newsboat urls)."
            )
        return read_opml(data, shown)
    if b"\x00" in data:
        raise SubscriptionFileError(
            f"{shown} is a binary file, not a subscription list (OPML or newsboat urls)."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return parse_newsboat(text, shown)
