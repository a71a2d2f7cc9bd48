"""What no string that tuinews stores or shows may hold, whatever a feed or file sent."""

from __future__ import annotations

import re

# What must never be stored: C0 controls but tab and newline, DEL, C1, bidi embeddings,
# overrides and isolates, lone surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# ...and in one-line fields (titles, sources, authors, links) no invisible characters; a
# zero-width joiner or non-joiner only between letters of the scripts whose spelling needs
# it (Arabic, Persian, Indic, Tibetan, Burmese, Khmer, Mongolian) or in an emoji sequence.
_JOINED = (
    "\u0600-\u08ff\u0900-\u0dff\u0f00-\u0fff\u1000-\u109f\u1780-\u18af"
    "\ufb50-\ufdff\ufe70-\ufefe\u2600-\u27bf\ufe0f\U0001f000-\U0001faff"
)
INVISIBLE = re.compile(
    "[\u00ad\u200b\u200e\u200f\u2060-\u2064\u061c\ufeff\n\r\t]"
    f"|(?<![{_JOINED}\u200c\u200d])[\u200c\u200d]|[\u200c\u200d](?![{_JOINED}])"
)
ONE_LINE = ("title", "source", "author", "link")
