"""``tuinews account list``: when each account was synced, or that its last sync failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tuinews.store import Store

API = "https://rss.example/api/greader.php"


def account_list(db: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tuinews", "account", "list", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_failed_sync_is_not_said_to_be_a_sync(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store(db) as store:
        account, _ = store.add_account(API, "alice", server="freshrss")
    assert "(never synced)" in account_list(db)
    with Store(db) as store:
        store.record_sync(account.id, error="HTTP 401: login refused")
    listed = account_list(db)
    assert "(the last sync failed just now)" in listed and "synced just now" not in listed
    assert "failed: HTTP 401: login refused" in listed
    with Store(db) as store:
        store.record_sync(account.id, newest_usec=None)
    assert "(synced just now)" in account_list(db)


def test_another_user_s_account_at_the_address_is_named(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store(db) as store:
        store.add_account(API, "alice", server="freshrss")
    argv = ["account", "remove", API, "--user", "bob", "--keep-articles", "--db", str(db)]
    done = subprocess.run(
        [sys.executable, "-m", "tuinews", *argv], capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "no account of bob at" in done.stderr and "(there: alice)" in done.stderr
