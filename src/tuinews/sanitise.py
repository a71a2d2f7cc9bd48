"""The one sanitiser every string from a file, feed or page goes through.

Textual writes widget text to the terminal as it is (only BEL, BS, VT, FF and CR are
stripped), so escape sequences in a title would reach the user's terminal. These
functions remove everything that could act as terminal control, and the invisible
characters that can disguise text. They are applied after HTML entity decoding and
after HTML-to-Markdown conversion, because both can turn ``&#27;`` into a real ESC.

Markup safety is the other half: the UI never hands these strings to anything that
parses Textual or Rich markup (it builds ``Text``/``Content`` objects from them).
"""

from __future__ import annotations

import re

# C0 controls except TAB and LF, DEL, and the whole C1 range.
_CONTROL_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_CONTROLS = re.compile(f"[{_CONTROL_CHARS}]")
# Bidi embeddings, overrides and isolates (Trojan Source), lone surrogates; and the
# invisible characters that only disguise text: zero-width space, word joiner, invisible
# operators, byte order mark, soft hyphen, direction marks. Removed from every text. The
# zero-width joiner and non-joiner stay in multi-line text (emoji sequences and the
# spelling of Persian and Indic words need them).
_HIDDEN_CHARS = (
    "\u202a-\u202e\u2066-\u2069\ud800-\udfff\u00ad\u200b\u200e\u200f\u2060-\u2064\u061c\ufeff"
)
_BIDI_AND_HIDDEN = re.compile(f"[{_HIDDEN_CHARS}]")
# Zero-width and invisible formatting characters: removed from one-line fields; the
# joiners too, except between two letters of the scripts whose spelling needs them
# (Arabic, Persian, Indic, Sinhala, Tibetan, Burmese, Khmer, Mongolian) or in an emoji
# sequence: between Latin or Cyrillic letters they would only disguise a name.
_JOINED = (
    "\u0600-\u08ff\u0900-\u0dff\u0f00-\u0fff\u1000-\u109f\u1780-\u18af"
    "\ufb50-\ufdff\ufe70-\ufefe\u2600-\u27bf\ufe0f\U0001f000-\U0001faff"
)
_INVISIBLE = re.compile(
    "[\u00ad\u200b\u200e\u200f\u2028\u2029\u2060-\u2064\u061c\ufeff]"
    f"|(?<![{_JOINED}\u200c\u200d])[\u200c\u200d]|[\u200c\u200d](?![{_JOINED}])"
)
# Runs of combining marks longer than this are cut ("Zalgo" text).
MAX_COMBINING = 4
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_COMBINING_RUN = re.compile(f"([{_MARKS}]{{{MAX_COMBINING}}})[{_MARKS}]+")
_SPACES = re.compile(r"\s+")
# Every character clean_text's steps remove or change (controls, bidi and hidden ones,
# line and paragraph separators, combining marks): a text with none is returned as it is.
_SUSPECT = re.compile(f"[{_CONTROL_CHARS}{_HIDDEN_CHARS}\u2028\u2029{_MARKS}]")

MAX_LINE_CHARS = 2000


# The ASCII controls clean_text removes, as bytes (CR is turned into LF first).
_ASCII_CONTROLS = bytes(c for c in range(0x20) if c not in (0x09, 0x0A)) + b"\x7f"


def clean_text(text: str) -> str:
    """Sanitise a multi-line body: keep tabs and newlines, drop every other control,
    bidi overrides and the invisible characters that disguise text."""
    if not text:
        return ""
    if "\r" in text:  # (one quick scan: the two replacements scanned twice, slowly)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():  # O(1); then only ASCII controls can be there
        # Much faster than the regular expression over long texts, which rarely have any.
        data = text.encode("ascii")
        kept = data.translate(None, _ASCII_CONTROLS)
        return text if len(kept) == len(data) else kept.decode("ascii")
    if _SUSPECT.search(text) is None:  # one scan: none of what the steps below act on
        return text
    text = _CONTROLS.sub("", text)
    text = _BIDI_AND_HIDDEN.sub("", text)
    if "\u2028" in text or "\u2029" in text:  # line and paragraph separators: line breaks
        text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return _COMBINING_RUN.sub(r"\1", text)


def clean_line(text: str, limit: int = MAX_LINE_CHARS) -> str:
    """Sanitise a one-line field (title, source, author): also no newlines, no invisibles."""
    if not text:
        return ""
    if text.isascii() and text.isprintable():  # the usual case: only spaces to tidy
        text = text.strip() if "  " not in text else _SPACES.sub(" ", text).strip()
    else:
        text = _INVISIBLE.sub("", clean_text(text))
        text = _SPACES.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def clean_url(url: str) -> str:
    """Sanitise a URL for storing and showing: one line, no spaces or invisibles."""
    return clean_line(url, limit=8000).replace(" ", "%20")
