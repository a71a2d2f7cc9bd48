"""The query object: plain terms (frozen dataclasses, so a query can be kept and
reused) and the few questions the parser and the store ask about them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

State = Literal["unread", "read", "starred", "hidden", "downloaded", "local"]
STATES: tuple[State, ...] = ("unread", "read", "starred", "hidden", "downloaded", "local")
Unit = Literal["h", "d", "w", "m", "y"]
UNIT_SECONDS: dict[Unit, int] = {
    "h": 3600,
    "d": 86400,
    "w": 7 * 86400,
    "m": 30 * 86400,
    "y": 365 * 86400,
}
OPERATORS = ("OR", "AND", "NOT")


@dataclass(frozen=True)
class Words:
    """Words to find in the text: in this order, in one field (``title``, ``author``) or
    any, the last one as a prefix or not, anywhere or at the ``start`` of the field.
    ``words`` are letters and digits only."""

    words: tuple[str, ...]
    field: Literal["title", "author"] | None = None
    prefix: bool = True
    start: bool = False


@dataclass(frozen=True)
class HasState:
    """Unread, read, starred, hidden (or in a hidden feed), or with an enclosure
    downloaded."""

    state: State


@dataclass(frozen=True)
class Has:
    """Has something attached: ``has:enclosure``."""

    what: Literal["enclosure"] = "enclosure"


@dataclass(frozen=True)
class Published:
    """Published before (or on or after) a moment, in Unix seconds."""

    when: int
    before: bool


@dataclass(frozen=True)
class Age:
    """Published less (or, if ``older``, more) than ``amount`` units ago, counted from
    when the query runs: a kept query stays relative."""

    amount: int
    unit: Unit
    older: bool

    @property
    def seconds(self) -> int:
        return self.amount * UNIT_SECONDS[self.unit]


@dataclass(frozen=True)
class InFeed:
    """In a feed whose title, own title or URL contains ``name`` (casefolded)."""

    name: str


@dataclass(frozen=True)
class InAccount:
    """In a feed of an account whose user or API URL contains ``name`` (casefolded):
    with ``feed:``, it tells an account's feed from a local one of the same URL
    (``is:local`` is the local one)."""

    name: str


@dataclass(frozen=True)
class Tagged:
    tag: str  # casefolded


@dataclass(frozen=True)
class Not:
    term: Term


@dataclass(frozen=True)
class All:
    """Every term holds (a group: the query's own terms are a list)."""

    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Any:
    """At least one term holds."""

    terms: tuple[Term, ...]


Term = Words | HasState | Has | Published | Age | InFeed | InAccount | Tagged | Not | All | Any


@dataclass
class Query:
    """What to find: every term must hold. ``words`` are what to highlight, ``hints`` what
    was ignored and why, ``short`` the prefixes too short to search while typing."""

    terms: list[Term] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    short: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def has_text(self) -> bool:
        """Whether some words must be found (not only filters or exclusions)."""
        return any(must_find_words(term) for term in self.terms)


def must_find_words(term: Term) -> bool:
    """Whether every article the term finds has some words of it: a term of words, a group
    with one, or a choice between such terms."""
    if isinstance(term, Words):
        return True
    if isinstance(term, All):
        return any(must_find_words(t) for t in term.terms)
    if isinstance(term, Any):
        return all(must_find_words(t) for t in term.terms)
    return False


def words_only(term: Term) -> bool:
    """Whether the term is made of words alone (the full-text index answers it alone)."""
    if isinstance(term, Words):
        return True
    if isinstance(term, All | Any):
        return all(words_only(t) for t in term.terms)
    return False


def leaves(term: Term) -> Iterator[Term]:
    """The terms inside ``term`` that are not groups (``Not``, ``All``, ``Any`` walked
    through), in order."""
    if isinstance(term, Not):
        yield from leaves(term.term)
    elif isinstance(term, All | Any):
        for inner in term.terms:
            yield from leaves(inner)
    else:
        yield term


def mentions_hidden(term: Term) -> bool:
    """Whether ``is:hidden`` is somewhere in the term (it then decides about hidden feeds)."""
    if isinstance(term, HasState):
        return term.state == "hidden"
    if isinstance(term, Not):
        return mentions_hidden(term.term)
    if isinstance(term, All | Any):
        return any(mentions_hidden(t) for t in term.terms)
    return False


def negate(term: Term) -> Term:
    return term.term if isinstance(term, Not) else Not(term)


def all_of(terms: Sequence[Term]) -> Term | None:
    """The terms as one (flattened) group, the term itself if alone, None if none."""
    flat: list[Term] = []
    for term in terms:
        flat.extend(term.terms if isinstance(term, All) else (term,))
    return None if not flat else flat[0] if len(flat) == 1 else All(tuple(flat))


def any_of(terms: Sequence[Term]) -> Term | None:
    flat: list[Term] = []
    for term in terms:
        flat.extend(term.terms if isinstance(term, Any) else (term,))
    return None if not flat else flat[0] if len(flat) == 1 else Any(tuple(flat))
