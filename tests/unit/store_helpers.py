"""Shared helpers for the store tests: checks made on the SQLite file itself."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def index_is_consistent(path: Path, against_articles: bool = True) -> None:
    """FTS5's own check of the index; and that it holds exactly the articles table (not
    true while articles wait to be indexed)."""
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', ?)",
            (int(against_articles),),
        )
