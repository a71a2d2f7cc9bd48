"""Markdown files: front matter, the first heading as title, the rest as the body."""

from __future__ import annotations

import re
from datetime import datetime

from tuinews.formats.dates import parse_date
from tuinews.links import safe_link
from tuinews.models import Article
from tuinews.sanitise import clean_line, clean_text, clean_url

# Titles are cut to this before the inline regexes run (bounded time on hostile lines).
MAX_TITLE_SOURCE = 1000

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FM_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*[:=][ \t]*(.*)$")

# Inline Markdown to plain text, for titles.
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]*)>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~)(?=\S)(.+?)(?<=\S)\1")
_CODE = re.compile(r"`+([^`]*)`+")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def looks_like_markdown(text: str) -> bool:
    """Front matter, or an ATX heading line, outside code fences."""
    if split_front_matter(text)[0]:
        return True
    in_fence = False
    for line in text.split("\n")[:400]:
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            atx = _ATX.match(line)
            if atx and atx.group(2):
                return True
    return False


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML-style (``---``) or TOML-style (``+++``) front matter as simple key/values."""
    lines = text.split("\n")
    if not lines or lines[0].strip() not in ("---", "+++"):
        return {}, text
    fence = lines[0].strip()
    closers = ("---", "...") if fence == "---" else ("+++",)
    for end in range(1, min(len(lines), 300)):
        if lines[end].strip() in closers:
            break
    else:
        return {}, text
    values: dict[str, str] = {}
    for line in lines[1:end]:
        match = _FM_KEY.match(line)
        if match:
            values[match.group(1).lower()] = _unquote(match.group(2))
    if not values and end > 1:
        return {}, text  # "---" rule followed by text and another rule: not front matter
    return values, "\n".join(lines[end + 1 :])


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        if value[0] == "'":
            return inner.replace("''", "'")
        return re.sub(r'\\(["\\])', r"\1", inner)
    if value.startswith(("[", "{", "|", ">")):
        return ""  # lists, maps and block scalars are not simple values
    return re.sub(r"\s+#.*$", "", value)


def plain_inline(text: str) -> str:
    """Inline Markdown (emphasis, links, code, escapes) to plain text (for titles)."""
    text = text[:MAX_TITLE_SOURCE]
    text = _IMAGE_OR_LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _TAG.sub("", text)
    for _ in range(3):
        text = _EMPHASIS.sub(r"\2", text)
    return _ESCAPED.sub(r"\1", text)


def _find_heading(lines: list[str]) -> tuple[str, int, int] | None:
    """The first heading outside code fences: (text, first line, number of lines)."""
    in_fence = False
    previous_blank = True
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            previous_blank = False
            continue
        if in_fence:
            continue
        atx = _ATX.match(line)
        if atx and atx.group(2):
            return atx.group(2), index, 1
        if (
            previous_blank
            and line.strip()
            and index + 1 < len(lines)
            and _SETEXT.match(lines[index + 1])
            and not line.startswith(("    ", "\t"))
            and not re.match(r"^\s*([-*+]|\d+[.)])\s", line)
        ):
            return line.strip(), index, 2
        previous_blank = not line.strip()
    return None


def parse_markdown(
    text: str, *, name: str, path: str = "", mtime: datetime | None = None
) -> Article:
    """A Markdown document as one article; the body stays Markdown."""
    text = clean_text(text)
    meta, body = split_front_matter(text)
    lines = body.split("\n")
    heading = _find_heading(lines)
    title = plain_inline(meta.get("title", ""))
    if heading is not None:
        heading_text, start, count = heading
        heading_title = plain_inline(heading_text)
        if not title or clean_line(heading_title) == clean_line(title):
            title = title or heading_title
            end = start + count
            if (
                end < len(lines)
                and not lines[end].strip()
                and (start == 0 or not lines[start - 1].strip())
            ):
                end += 1  # and the blank line after it
            del lines[start:end]
            body = "\n".join(lines)
    if not clean_line(title):
        stripped = (plain_inline(line.strip().lstrip("#>-*+=_ ").strip()) for line in lines)
        title = next((line for line in stripped if line), "")[:120]
    link = safe_link(meta.get("link") or meta.get("url") or "") or ""
    date = parse_date(meta.get("date", "")) or mtime
    source = meta.get("source") or meta.get("site") or name
    return Article(
        title=clean_line(title) or clean_line(name),
        source=clean_line(source) or clean_line(name),
        body=clean_text(body.strip("\n")),
        kind="markdown",
        text=clean_text(body.strip()),
        author=clean_line(meta.get("author", "")),
        date=date,
        link=clean_url(link),
        path=path,
        uid=path,
    )
