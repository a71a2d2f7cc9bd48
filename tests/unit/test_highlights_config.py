"""The settings of issue 15's last part: the orders the lists start in, ``[[highlight]]``
tables (a bad one reported by name and skipped), newsboat's ``highlight-article`` lines
imported as tables to paste into the config, and the state file shared by the parts of
the app that remember things (pane widths, folded folders)."""

from __future__ import annotations

from pathlib import Path

from tuinews.import_triage import import_newsboat_config
from tuinews.remembered import load_state, save_state, update_state
from tuinews.settings import load_settings
from tuinews.store import Store
from tuinews.subscriptions.newsboat_config import newsboat_style, parse_newsboat_config


def test_the_orders_come_from_the_config_and_a_wrong_one_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('sort_headlines = "title"\nsort_feeds = "unread"\n')
    settings, problems = load_settings(path)
    assert (settings.sort_headlines, settings.sort_feeds, problems) == ("title", "unread", [])
    path.write_text('sort_headlines = "sideways"\nsort_feeds = 3\n')
    settings, problems = load_settings(path)
    assert (settings.sort_headlines, settings.sort_feeds) == ("newest", "name")
    assert '\'sort_headlines\' must be one of "newest", "oldest"' in problems[0]
    assert '\'sort_feeds\' must be one of "name", "unread", "updated", "added"' in problems[1]


def test_highlights_are_read_and_a_bad_one_is_named_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[highlight]]\nmatch = "title:rust"\nstyle = "bold red"\n'
        '[[highlight]]\nname = "loud"\nmatch = "urgent"\nstyle = "bold reddish"\n'
        '[[highlight]]\nmatch = "(("\nstyle = "red"\n'
        '[[highlight]]\nmatch = "x"\n'
        '[[highlight]]\nmatch = "y"\nstyle = "red"\ncolour = "no"\n'
        '[[highlight]]\nmatch = "is:starred"\nstyle = "italic #ff8800 on grey15"\n'
    )
    settings, problems = load_settings(path)
    assert [(h.match, h.style) for h in settings.highlight] == [
        ("title:rust", "bold red"),
        ("is:starred", "italic #ff8800 on grey15"),
    ]
    assert len(problems) == 4
    assert "highlight 2 ('loud'): style 'bold reddish' is not a Rich style" in problems[0]
    assert "highlight 3: the query does not parse: unclosed (" in problems[1]
    assert 'highlight 4: needs style = "STYLE"' in problems[2]
    assert "highlight 5: unknown key 'colour'" in problems[3]
    assert all("skipped (the others are used)" in problem for problem in problems)
    path.write_text('highlight = "red"\n')
    assert "must be an array of tables ([[highlight]])" in load_settings(path)[1][0]


def test_newsboat_colours_and_attributes_become_a_rich_style() -> None:
    assert newsboat_style(["red", "default"]) == ("red", "")
    assert newsboat_style(["color208", "black", "bold", "standout"]) == (
        "bold reverse color(208) on black",
        "",
    )
    assert newsboat_style(["default", "blue", "protect"]) == ("on blue", "")
    assert newsboat_style(["purple", "default"]) == (None, "'purple' is not a newsboat colour")
    assert newsboat_style(["red", "default", "shiny"])[0] is None
    assert newsboat_style(["default", "default"])[0] is None


def test_highlight_article_lines_are_printed_as_tables_the_config_reads(
    store: Store, tmp_path: Path
) -> None:
    config = parse_newsboat_config(
        'highlight-article "title =~ \\"urgent\\"" red default bold\n'
        'highlight-article "author =~ \\"Krennmair\\" and unread = \\"yes\\"" color208 black\n'
        'highlight-article "link =~ \\"youtube\\"" yellow default\n'
        'highlight-article "title =~ \\"x\\"" purple default\n'
        'highlight-article "title =~ \\"y\\""\n'
    )
    said: list[str] = []
    import_newsboat_config(store, "config", config, said.append)
    out = "\n".join(said)
    assert "2 highlight-article lines from config become highlights; 2 not:" in out
    assert "line 3: highlight-article not translated: link =~" in out
    assert "line 4: highlight-article not translated: 'purple' is not a newsboat colour" in out
    assert "line 5: highlight-article takes an expression, a colour and a background" in out
    tables = "\n".join(line[4:] for line in said if line.startswith("    "))
    pasted = tmp_path / "config.toml"
    pasted.write_text(tables)
    settings, problems = load_settings(pasted)
    assert problems == []
    assert [(h.match, h.style) for h in settings.highlight] == [
        ("title:urgent", "bold red"),
        ("author:Krennmair is:unread", "color(208) on black"),
    ]
    assert store.stored_rules() == []  # (nothing stored)


def test_each_part_of_the_app_changes_only_its_own_names(tmp_path: Path) -> None:
    path = tmp_path / "state"
    save_state(path, {"feeds_width": 30, "fold_6161": 1, "fold_6262": 1})
    assert update_state(path, {"fold_6363": 1}, prefix="fold_")
    assert load_state(path) == {"feeds_width": 30, "fold_6363": 1}
    assert update_state(path, {"feeds_width": None, "headlines_share": 0.4})
    assert load_state(path) == {"fold_6363": 1, "headlines_share": 0.4}


def test_a_config_syncing_with_a_server_says_to_add_the_account(store: Store) -> None:
    """newsboat's `urls-source "freshrss"` (its feeds on a server) was one of the "other
    settings left out": the import says to add the server as an account, with the URL
    and login newsboat had; a service tuinews cannot sync with is named."""
    config = parse_newsboat_config(
        'urls-source "freshrss"\n'
        'freshrss-url "https://rss.example.org/api/greader.php"\n'
        'freshrss-login "alice"\n'
    )
    said: list[str] = []
    import_newsboat_config(store, "config", config, said.append)
    out = "\n".join(said)
    assert (
        "line 1: urls-source freshrss: your feeds are on FreshRSS: add it as an account "
        "(tuinews account add https://rss.example.org/api/greader.php --user alice;"
    ) in out
    said.clear()
    import_newsboat_config(
        store, "config", parse_newsboat_config('urls-source "ttrss"\n'), said.append
    )
    assert (
        "urls-source ttrss: your feeds are on ttrss, whose API tuinews does not speak"
        in "\n".join(said)
    )
    said.clear()
    import_newsboat_config(
        store, "config", parse_newsboat_config('urls-source "local"\n'), said.append
    )
    assert "urls-source" not in "\n".join(said)
