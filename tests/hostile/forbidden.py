"""What no string that tuinews stores or shows may hold, whatever a feed or file sent."""

from __future__ import annotations

import re

# What must never be stored: C0 controls but tab and newline, DEL, C1, bidi embeddings,
# overrides and isolates, lone surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# ...and in one-line fields (titles, sources, authors, links) no invisible characters.
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\u061c\ufeff\n\r\t]")
ONE_LINE = ("title", "source", "author", "link")
