"""Bytes to text: BOM, declared charset, UTF-8, a guess, and a last resort that never fails."""

from __future__ import annotations

import codecs
import re

# Longest BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# UTF-16 without a BOM, recognisable when the document starts with "<?" or "<!".
_UTF16_NO_BOM: tuple[tuple[bytes, str], ...] = (
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00!\x00", "utf-16-le"),
    (b"\x00<\x00!", "utf-16-be"),
)

# File signatures of formats that are certainly not text.
_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",  # ZIP, and docx/epub/jar...
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"\x1f\x8b",  # gzip
    b"\x7fELF",
    b"BZh91AY&SY",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Java class / Mach-O fat
    b"SQLite format 3\x00",
    b"OggS",
    b"fLaC",
    b"\x00asm",  # WebAssembly
    b"wOFF",
    b"wOF2",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE (old Office)
)

# Control bytes that do not occur in text (everything below 0x20 but TAB, LF, FF, CR, ESC).
_BINARY_CONTROLS = bytes(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B})

_SNIFF_BYTES = 4096

_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']?([A-Za-z0-9._:-]+)""")
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)

# Labels browsers decode with a superset (WHATWG Encoding Standard); tried first.
_SUPERSETS = {
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859_9": "cp1254",
    "iso8859_11": "cp874",
    "tis_620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
# Declared charsets that are refused: not ASCII-compatible (a declaration readable as
# ASCII cannot be true), or dangerous (UTF-7 hides markup).
_REFUSED = ("utf_16", "utf_32", "utf_7")


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding named by a byte-order mark and the BOM's length, or None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def looks_binary(data: bytes) -> bool:
    """True for content that is not text: a known file signature, or NUL/control bytes."""
    if bom_encoding(data) is not None and not data.startswith(codecs.BOM_UTF8):
        return False  # UTF-16/32 text has NUL bytes
    if any(data.startswith(prefix) for prefix, _ in _UTF16_NO_BOM):
        return False
    if data.startswith(_MAGIC):
        return True
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return True
    if b"\x00" in data:
        return True
    head = data[:_SNIFF_BYTES]
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _BINARY_CONTROLS))
    return controls * 10 > len(head)  # more than 10 % control bytes


def _codec_name(label: str) -> str | None:
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    name = info.name.replace("-", "_")
    if name.startswith(_REFUSED):
        return None
    return name


def declared_charset(data: bytes) -> str | None:
    """The Python codec for a charset declared in the first ~4 KB, or None."""
    head = data[:_SNIFF_BYTES]
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    return _codec_name(match.group(1).decode("ascii", "replace"))


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def _guess(data: bytes) -> str | None:
    """charset_normalizer's guess; among equally good guesses, Windows-1252 wins."""
    try:
        # (charset_normalizer, ~12 ms: only for bytes neither UTF-8 nor as declared)
        from charset_normalizer import from_bytes

        results = from_bytes(data[:200_000])
        best = results.best()
        if best is None:
            return None
        for result in results:
            if (
                abs(result.chaos - best.chaos) < 1e-6
                and abs(result.coherence - best.coherence) < 1e-6
                and "cp1252" in result.could_be_from_charset
            ):
                return data.decode("cp1252", errors="replace")
        return data.decode(best.encoding, errors="replace")
    except Exception:
        return None


def decode(data: bytes) -> str:
    """Decode document bytes to text. Never raises; the BOM is not part of the result."""
    bom = bom_encoding(data)
    if bom is not None:
        encoding, size = bom
        return data[size:].decode(encoding, errors="replace")
    for prefix, encoding in _UTF16_NO_BOM:
        if data.startswith(prefix):
            return data.decode(encoding, errors="replace")
    utf8 = _try(data, "utf-8")
    declared = declared_charset(data)
    if declared is not None and declared != "utf_8":
        # Valid UTF-8 with non-ASCII bytes is practically never legacy-encoded text:
        # a document that declares a legacy charset but is UTF-8 was re-saved.
        if utf8 is not None and not data.isascii():
            return utf8
        for candidate in (_SUPERSETS.get(declared), declared):
            if candidate:
                text = _try(data, candidate)
                if text is not None:
                    return text
    if utf8 is not None:
        return utf8
    guessed = _guess(data)
    if guessed is not None:
        return guessed
    return data.decode("cp1252", errors="replace")
