"""newsboat's filter language, translated to our query text where an equivalent exists.

newsboat uses one filter language for its query feeds (``"query:Name:unread = \\"yes\\""``
lines in the urls file) and its killfile (``ignore-article "*" "title =~ \\"Gentoo\\""``
in the config). An expression compares attributes with values (``title =~ "linux"``,
``age between 0:10``, ``tags # "news"``) and joins comparisons with ``and``, ``or`` and
brackets; ``and`` and ``or`` have the same precedence and group to the right
(``a and b or c`` is ``a and (b or c)``).

What translates (everything else is reported, construct by construct, and then the whole
expression is not translated: half a killfile rule would hide more than it should):

    title, author =~ "text"       title:text, author:"two words*" (a regular expression
                                  that is plain text, ``^text``, ``a|b``, ``^(a|b) c``)
    content =~ "text"             the words anywhere (title, author or text)
    title # "word"                title:"word" (the whole word)
    feedtitle, rssurl =~ / =      feed:NAME (feeds whose title or URL contains it)
    tags # "t", tags !# "t"       tag:t, -tag:t
    unread = "yes" / "no"         is:unread / is:read
    flags # "s" (any letter)      is:starred (the import stars articles with any flag)
    age < N, > N, between A:B ... age:<Nd, age:>Nd (newsboat counts whole days)
    !=, !~, !#                    the negation (-term)

Where ours differs slightly, the translation says so in its ``notes``: a regular
expression is case-insensitive and matches anywhere inside words, ours matches where a
word starts with the text; ``feed:`` matches a part of the name, newsboat's ``=`` the
whole of it.

``translate_filter`` takes an expression, ``split_query_feed`` a urls file's ``query:``
line (after its quotes are undone) and ``translate_ignore_article`` the two arguments of
an ``ignore-article`` line. Pure: no store, no files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tuinews.query import (
    MAX_TERMS,
    Age,
    All,
    HasState,
    InFeed,
    Not,
    Tagged,
    Term,
    Words,
    format_query,
    parse_query,
)
from tuinews.query.terms import all_of, any_of, negate

MAX_EXPRESSION_CHARS = 4000
MAX_NESTING = 32

_ATTRIBUTE = re.compile(r"[A-Za-z0-9_.-]+")
_OPERATORS = ("=~", "==", "=", "!~", "!=", "<=", ">=", "<", ">", "between", "#", "!#")
_NUMBER = re.compile(r"-?\d+")
_RANGE = re.compile(r"(-?\d+):(-?\d+)")
_WORD = re.compile(r"\w+")
_REGEX_SPECIAL = set(".[](){}*+?|^$\\")

_NOT_STORED = {
    "link": "article links are not searchable",
    "guid": "article ids are not searchable",
    "date": "use age (dates as text cannot be compared)",
    "enclosure_url": "enclosure URLs are not searchable (has:enclosure finds articles with one)",
    "enclosure_type": "enclosure types are not searchable (has:enclosure finds articles with one)",
    "articleindex": "positions in a list are not searchable",
    "feedindex": "positions in a list are not searchable",
    "description": "feed descriptions are not stored",
    "feedlink": "feeds' site links are not searchable",
    "feeddate": "feeds' dates are not searchable",
    "unread_count": "counts are about feeds (a feed-list filter), not articles",
    "total_count": "counts are about feeds (a feed-list filter), not articles",
    "latest_article_age": "this is about feeds (a feed-list filter), not articles",
}
_NEGATIONS = {"!=": "=", "!~": "=~", "!#": "#"}
_STRINGS = ("title", "author", "content", "feedtitle", "rssurl", "tags", "unread", "flags")


@dataclass(frozen=True)
class Translation:
    """``text``: our query, when the whole expression translates; else ``problems`` say
    why, one per construct. ``notes``: where the translation differs slightly."""

    text: str | None
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Comparison:
    attribute: str
    operator: str
    value: str  # as written between the quotes (backslash escapes kept), or the number
    kind: Literal["string", "number", "range"]
    source: str  # the comparison as written, for messages


@dataclass(frozen=True)
class _Join:
    operator: Literal["and", "or"]
    left: _Node
    right: _Node


_Node = _Comparison | _Join


class _SyntaxError(Exception):
    pass


class _Parser:
    """newsboat's grammar: ``expression := (group | comparison) [(and|or) expression]``,
    ``group := ( expression )``, ``comparison := attribute operator value``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def fail(self, expected: str) -> _SyntaxError:
        found = self.text[self.at : self.at + 20] or "the end"
        return _SyntaxError(f"column {self.at + 1}: expected {expected}, found {found!r}")

    def spaces(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def parse(self) -> _Node:
        self.spaces()
        node = self.expression(0)
        self.spaces()
        if self.at < len(self.text):
            raise self.fail("and, or or the end")
        return node

    def expression(self, depth: int) -> _Node:
        if depth > MAX_NESTING:
            raise self.fail(f"at most {MAX_NESTING} nested brackets")
        operands = [self.operand(depth)]
        operators: list[Literal["and", "or"]] = []
        while True:
            self.spaces()
            word = re.match(r"(and|or)(?=\s|\()", self.text[self.at :])
            if word is None:
                break
            operators.append("and" if word[1] == "and" else "or")
            self.at += word.end()
            self.spaces()
            operands.append(self.operand(depth))
        node = operands.pop()
        while operators:  # newsboat groups to the right, with no precedence
            node = _Join(operators.pop(), operands.pop(), node)
        return node

    def operand(self, depth: int) -> _Node:
        if self.text.startswith("(", self.at):
            self.at += 1
            self.spaces()
            node = self.expression(depth + 1)
            self.spaces()
            if not self.text.startswith(")", self.at):
                raise self.fail(")")
            self.at += 1
            return node
        return self.comparison()

    def comparison(self) -> _Comparison:
        start = self.at
        attribute = _ATTRIBUTE.match(self.text, self.at)
        if attribute is None:
            raise self.fail("an attribute name")
        self.at = attribute.end()
        self.spaces()
        operator = next((op for op in _OPERATORS if self.text.startswith(op, self.at)), None)
        if operator is None:
            raise self.fail("one of " + ", ".join(_OPERATORS))
        self.at += len(operator)
        self.spaces()
        value, kind = self.value()
        source = self.text[start : self.at]
        return _Comparison(attribute[0], operator, value, kind, source)

    def value(self) -> tuple[str, Literal["string", "number", "range"]]:
        if self.text.startswith('"', self.at):
            end = self.at + 1
            while end < len(self.text) and self.text[end] != '"':
                end += 2 if self.text[end] == "\\" else 1
            if end >= len(self.text):
                raise self.fail('a closing "')
            value, self.at = self.text[self.at + 1 : end], end + 1
            return value, "string"
        if number := _RANGE.match(self.text, self.at):
            self.at = number.end()
            return number[0], "range"
        if number := _NUMBER.match(self.text, self.at):
            self.at = number.end()
            return number[0], "number"
        raise self.fail("a quoted string, a number or a range (0:10)")


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


_ONE_GROUP = re.compile(r"((?:[^()|\\]|\\.)*)\(([^()\\]*)\)((?:[^()|\\]|\\.)*)")


def _plain(pattern: str) -> str:
    """The text a regular expression without special characters matches; raises
    ValueError saying why when it has some."""
    text: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            if char.isalnum():
                raise ValueError(f"\\{char} is not plain text")
            text.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ".":
            text.append(char)  # "youtube.com": a dot most likely means a dot
        elif char == "$":
            raise ValueError("the end of a field ($) cannot be searched for")
        elif char in _REGEX_SPECIAL:
            raise ValueError(f"{char} makes it more than plain text")
        else:
            text.append(char)
    if escaped:
        raise ValueError("it ends with a lone \\")
    return "".join(text)


def _regex_choices(pattern: str) -> list[tuple[bool, str]] | str:
    """A regular expression that is plain text, ``^text``, ``a|b`` or one group of
    choices (``^(ask|show) hn``), as (anchored, text) choices; otherwise why it is not."""
    anchored = pattern.startswith("^")
    group = _ONE_GROUP.fullmatch(pattern[1:] if anchored else pattern)
    if group:
        raw = [(anchored, group[1] + choice + group[3]) for choice in group[2].split("|")]
    else:
        raw = []
        for choice in re.split(r"(?<!\\)\|", pattern):  # "^a|b" is "(^a)|b"
            start = choice.startswith("^")
            raw.append((start, choice[1:] if start else choice))
    try:
        return [(start, _plain(choice)) for start, choice in raw]
    except ValueError as error:
        return str(error)


class _Translator:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.notes: list[str] = []

    def problem(self, comparison: _Comparison, reason: str) -> None:
        self.problems.append(f"{comparison.source}: {reason}")

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def node(self, node: _Node) -> Term | None:
        if isinstance(node, _Join):
            left, right = self.node(node.left), self.node(node.right)
            if left is None or right is None:
                return None
            return (all_of if node.operator == "and" else any_of)([left, right])
        return self.comparison(node)

    def comparison(self, c: _Comparison) -> Term | None:
        attribute = c.attribute
        if attribute in _NOT_STORED:
            self.problem(c, _NOT_STORED[attribute])
            return None
        operator = "=" if c.operator == "==" else _NEGATIONS.get(c.operator, c.operator)
        term: Term | None
        if attribute == "age":
            return self.age(c)
        if attribute not in _STRINGS:
            self.problem(c, f"{attribute} is not a newsboat attribute")
            return None
        if c.kind != "string":
            self.problem(c, f"{attribute} is compared with a number")
            return None
        if attribute in ("title", "author", "content"):
            term = self.text(c, operator)
        elif attribute in ("feedtitle", "rssurl"):
            term = self.feed(c, operator)
        elif attribute == "tags":
            term = self.tags(c, operator)
        else:
            term = self.state(c, operator)
        if term is None:
            return None
        return negate(term) if c.operator in _NEGATIONS else term

    def text(self, c: _Comparison, operator: str) -> Term | None:
        field_name: Literal["title", "author"] | None = (
            "title" if c.attribute == "title" else "author" if c.attribute == "author" else None
        )
        if operator == "#":
            value = _unescape(c.value)
            words = _WORD.findall(value)
            if not words or " " in value.strip():
                self.problem(c, "# compares single words (this never matches)")
                return None
            return Words(tuple(words), field_name, prefix=False)
        if operator != "=~":
            self.problem(c, f"{c.operator} on {c.attribute} (whole-text comparison) has no equal")
            return None
        choices = _regex_choices(c.value)
        if isinstance(choices, str):
            self.problem(c, f"the regular expression is not plain text: {choices}")
            return None
        terms: list[Term] = []
        for start, text in choices:
            words = _WORD.findall(text)
            if not words:
                self.problem(c, "the regular expression has no letters or digits")
                return None
            if start and field_name is None:
                self.problem(c, "^ (at the start of the content) cannot be searched for")
                return None
            # The last word is a prefix only if the text ends inside it: C\+\+ and
            # \[Sponsor\] end their word (the word C alone, not every word starting c).
            prefix = text[-1].isalnum() or text[-1] == "_"
            terms.append(Words(tuple(words), field_name, prefix=prefix, start=start))
        self.note(
            "a regular expression matches anywhere inside words; "
            "the translation matches where words start with its text"
        )
        if c.attribute == "content":
            self.note("content: the translation searches the title and author too")
        return any_of(terms)

    def feed(self, c: _Comparison, operator: str) -> Term | None:
        if operator == "=~":
            choices = _regex_choices(c.value)
            if isinstance(choices, str):
                self.problem(c, f"the regular expression is not plain text: {choices}")
                return None
            if any(start for start, _ in choices):
                self.problem(c, "^ (at the start of a feed's name or URL) cannot be searched for")
                return None
            names = [text for _, text in choices]
        elif operator in ("=", "#"):
            names = [_unescape(c.value)]
        else:
            self.problem(c, f"{c.operator} on {c.attribute} has no equal")
            return None
        if not all(name.strip() for name in names):
            self.problem(c, "an empty name matches every feed")
            return None
        self.note("feed: matches a part of the feed's title, your title for it, or its URL")
        return any_of([InFeed(name.casefold()) for name in names])

    def tags(self, c: _Comparison, operator: str) -> Term | None:
        tag = _unescape(c.value)
        if operator != "#":
            self.problem(c, f'{c.operator} on tags has no equal (use tags # "{tag}")')
            return None
        if not tag or any(ch.isspace() for ch in tag):
            self.problem(c, "# compares single tags (this never matches)")
            return None
        return Tagged(tag.casefold())

    def state(self, c: _Comparison, operator: str) -> Term | None:
        value = _unescape(c.value)
        if c.attribute == "unread":
            if operator == "=" and value in ("yes", "no"):
                return HasState("unread" if value == "yes" else "read")
            self.problem(c, 'unread is "yes" or "no"')
            return None
        # Flags: the import stars an article that has any of newsboat's flags.
        if operator == "=" and value == "":
            return Not(HasState("starred"))
        if operator in ("#", "=~") and re.fullmatch("[A-Za-z]", value):
            self.note("flags: every newsboat flag was imported as starred")
            return HasState("starred")
        self.problem(c, "only one flag letter, or no flags, can be translated (as is:starred)")
        return None

    def age(self, c: _Comparison) -> Term | None:
        def older(days: int) -> Age:
            return Age(days, "d", older=True)

        def newer(days: int) -> Age:
            return Age(days, "d", older=False)

        if c.kind == "range" and c.operator == "between":
            low, high = sorted(int(n) for n in c.value.split(":"))
            if high < 0:
                self.problem(c, "an age is never negative (this never matches)")
                return None
            return all_of(([older(low)] if low > 0 else []) + [newer(high + 1)])
        if c.kind != "number":
            self.problem(c, "age is compared with a number of days")
            return None
        days = int(c.value)
        choices: dict[str, Term | None] = {
            "<": newer(days) if days > 0 else None,
            "<=": newer(days + 1) if days >= 0 else None,
            ">": older(days + 1) if days >= 0 else None,
            ">=": older(days) if days > 0 else None,
            "=": all_of(([older(days)] if days > 0 else []) + [newer(days + 1)])
            if days >= 0
            else None,
            "!=": any_of(([newer(days)] if days > 0 else []) + [older(days + 1)])
            if days >= 0
            else None,
        }
        if c.operator not in choices:
            self.problem(c, f"{c.operator} does not compare numbers")
            return None
        term = choices[c.operator]
        if term is None:
            self.problem(c, "this holds for every article or none: not a useful query")
        return term


def _translate(expression: str) -> tuple[Term | None, _Translator]:
    translator = _Translator()
    if len(expression) > MAX_EXPRESSION_CHARS:
        translator.problems.append(f"longer than {MAX_EXPRESSION_CHARS} characters")
        return None, translator
    try:
        node = _Parser(expression).parse()
    except _SyntaxError as error:
        translator.problems.append(f"not a newsboat filter expression: {error}")
        return None, translator
    return translator.node(node), translator


def _finish(term: Term | None, translator: _Translator) -> Translation:
    """The translation of a term: its canonical text, if that parses back to it."""
    if term is None:
        return Translation(None, tuple(translator.problems))
    text = format_query(term)
    again = parse_query(text)
    if again.hints or again.terms != (list(term.terms) if isinstance(term, All) else [term]):
        return Translation(None, (f"too long for a query (at most {MAX_TERMS} terms)",))
    return Translation(text, notes=tuple(translator.notes))


def translate_filter(expression: str) -> Translation:
    """Our query text for a newsboat filter expression, or why it cannot be."""
    return _finish(*_translate(expression))


def split_query_feed(url: str) -> tuple[str, str] | None:
    """The name and the filter expression of a urls file's ``query:NAME:EXPRESSION``."""
    if not url.lower().startswith("query:"):
        return None
    name, colon, expression = url[len("query:") :].partition(":")
    if not colon or not name.strip() or not expression.strip():
        return None
    return name.strip(), expression.strip()


def translate_ignore_article(feed: str, expression: str) -> Translation:
    """An ``ignore-article FEED EXPRESSION`` line as our query: FEED is ``*`` (every
    feed), a feed's URL, or ``regex:`` and a pattern for URLs."""
    term, translator = _translate(expression)
    if term is None or feed == "*":
        return _finish(term, translator)
    url = feed
    if feed.startswith("regex:"):
        choices = _regex_choices(feed[len("regex:") :])
        if isinstance(choices, str) or len(choices) != 1 or choices[0][0]:
            return Translation(None, (f"{feed}: only a plain-text pattern can be translated",))
        url = choices[0][1]
    if not url.strip() or any(ch.isspace() for ch in url):
        return Translation(None, (f"{feed!r} is not a feed's URL",))
    translator.note("feed: matches every feed whose title or URL contains the URL")
    return _finish(all_of([InFeed(url.casefold()), term]), translator)
