"""Imported articles whose identity is a guess, and the articles that take them over.

An article's identity (``uid``) within its feed is the one a refresh gives the item: its
guid, else its link, else a hash of its title and date (:mod:`tuinews.formats.feeds`).
An import cannot always know it: newsboat's cache keeps no guid for an item that had
none (it stores one it made up), no media link (``media:player``, ``media:content``),
and for an undated item the time it first saw it as its date. Such an article is
imported with the best uid the cache allows and a non-zero ``guess`` (migration 6):

- :data:`GUESSED`: the uid may not be the one a refresh gives;
- :data:`OWN_DATE`: its date is the item's own (not when the other reader first saw it);
- :data:`NO_TITLE`: the item had no title: its title is made from its text.

A refresh that brings an article whose uid the feed does not have first looks for such
an article (:func:`adopt_in`): one with the same title (the same text, for an item
without a title) and, when both have one, the same date takes the new article's uid and
content and keeps its read and starred marks, instead of a second article being added.
An article the refresh finds under its guessed uid is confirmed (``guess`` cleared). The
others are no longer in the feed, so that refresh settles them too (:func:`settle_in`):
an item that comes later with the same title (a recurring "Daily briefing") is a new
item, not one of them. So only the first refresh after an import compares titles, and
feeds without guessed articles pay one lookup in an empty partial index.

The other way round works too: an import (of the same cache again, or after the feed was
fetched) finds a stored article for a guessed one by the same rule (:func:`stored_match`),
and a read-state file carries a hint (title, date) for guessed ids (:func:`hint_match`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from tuinews.models import Article

GUESSED = 1
OWN_DATE = 2
NO_TITLE = 4


@dataclass
class Guessed:
    """A stored article whose uid is a guess."""

    id: int
    uid: str
    title: str
    text: str
    published: int | None
    guess: int


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def same_item(guessed: Guessed, title: str, text: str, published: int | None) -> bool:
    """Whether an article with this title, text and date (``published``: None when it
    has no date of its own) is the item the ``guessed`` one stands for: the same title
    (the same non-empty text, for an item without a title) and, when the guessed date is
    the item's own and the other has one, the same date."""
    if guessed.guess & NO_TITLE:
        if not guessed.text or text != guessed.text:
            return False
    elif title != guessed.title:
        return False
    if not guessed.guess & OWN_DATE or published is None or guessed.published is None:
        return True
    return published == guessed.published


def guessed_in(db: sqlite3.Connection, feed_id: int) -> list[Guessed]:
    """The feed's articles whose uid is a guess (most feeds: none, from an empty index)."""
    return [
        Guessed(int(row[0]), str(row[1]), str(row[2]), str(row[3]), row[4], int(row[5]))
        for row in db.execute(
            "SELECT id, uid, title, text, published, guess FROM articles "
            "WHERE feed_id = ? AND guess != 0 ORDER BY id",
            (feed_id,),
        )
    ]


def confirm_in(db: sqlite3.Connection, guessed: list[Guessed], uids: set[str]) -> None:
    """Guessed articles found under their uid (``uids``: the refresh's) are confirmed;
    they leave ``guessed``, which keeps only those a new article may take over."""
    confirmed = [g for g in guessed if g.uid in uids]
    for found in confirmed:
        db.execute("UPDATE articles SET guess = 0 WHERE id = ?", (found.id,))
        guessed.remove(found)


def settle_in(db: sqlite3.Connection, guessed: list[Guessed]) -> None:
    """The guessed articles a refresh of their feed did not bring keep their uid for good
    (their items are gone from the feed: nothing is to take them over later)."""
    for start in range(0, len(guessed), 500):
        ids = [g.id for g in guessed[start : start + 500]]
        db.execute(f"UPDATE articles SET guess = 0 WHERE id IN ({','.join('?' * len(ids))})", ids)
    guessed.clear()


def adopt_in(db: sqlite3.Connection, guessed: list[Guessed], article: Article) -> int | None:
    """The id of a guessed article ``article`` (not stored under its uid) is the same item
    as, now given the article's uid (its content is then updated by the caller); None if
    none is. Each guessed article is taken over once."""
    for candidate in guessed:
        if same_item(candidate, article.title, article.text, _timestamp(article.date)):
            guessed.remove(candidate)
            db.execute(
                "UPDATE articles SET uid = ?, guess = 0 WHERE id = ?",
                (article.uid, candidate.id),
            )
            return candidate.id
    return None


def stored_match(
    db: sqlite3.Connection, feed_id: int, article: Article, guess: int, taken: set[int]
) -> tuple[int, bool, bool] | None:
    """(id, read, starred) of a stored article of the feed that is the item an imported
    article with a guessed uid stands for: one whose uid is sure (a refresh gave it its
    own), not one of ``taken`` (this import's); None if there is none."""
    imported = Guessed(0, article.uid, article.title, article.text, _timestamp(article.date), guess)
    column, value = ("text", article.text) if guess & NO_TITLE else ("title", article.title)
    if not value:
        return None
    for article_id, published, read, starred in db.execute(
        f"SELECT id, published, read, starred FROM articles "
        f"WHERE feed_id = ? AND {column} = ? AND guess = 0 ORDER BY id",
        (feed_id, value),
    ):
        if int(article_id) in taken:
            continue
        when = published if isinstance(published, int) else None
        if same_item(imported, imported.title, imported.text, when):
            return int(article_id), bool(read), bool(starred)
    return None


def hint_match(
    db: sqlite3.Connection, feed_id: int, title: str, date: int | None, taken: set[int]
) -> tuple[int, bool, bool] | None:
    """(id, read, starred) of the feed's article a read-state file's hint names (its
    title, and its date when the id was given one), not one of ``taken``."""
    for row in db.execute(
        "SELECT id, published, read, starred FROM articles WHERE feed_id = ? AND title = ? "
        "ORDER BY id",
        (feed_id, title),
    ):
        if int(row[0]) in taken or (date is not None and row[1] != date):
            continue
        return int(row[0]), bool(row[2]), bool(row[3])
    return None


def hints(db: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, int | None]]:
    """(feed URL, uid) -> (title, own date or None) of every read or starred guessed
    article of a fetched feed: what a state file says of ids another machine may not
    have (an item without a title is named by its title only if it has text)."""
    found: dict[tuple[str, str], tuple[str, int | None]] = {}
    for url, uid, title, text, published, guess in db.execute(
        "SELECT f.url, a.uid, a.title, a.text, a.published, a.guess FROM articles a "
        "JOIN feeds f ON f.id = a.feed_id WHERE a.guess != 0 AND f.kind = 'feed' "
        "AND (a.read = 1 OR a.starred = 1)"
    ):
        if int(guess) & NO_TITLE and not str(text):
            continue
        date = published if int(guess) & OWN_DATE and isinstance(published, int) else None
        found[(str(url), str(uid))] = (str(title), date)
    return found
