"""An enclosure's download, once done, is named in the article header ("downloaded:
PATH", plain text however the path looks); a failed or queued one is not; and the
article read back with it is no different to a refresh (its digest is unchanged)."""

from __future__ import annotations

from dataclasses import replace

from tests.builders import article
from tuinews.models import Enclosure
from tuinews.render import header
from tuinews.store import Store
from tuinews.store.articles import digest

EPISODE = Enclosure("https://cdn.example/1.mp3", "audio/mpeg", 1234, 60)
VIDEO = Enclosure("https://cdn.example/1.mp4", "video/mp4")


def test_a_done_download_is_read_with_the_article_and_changes_nothing_else(
    store: Store,
) -> None:
    feed = store.add_feed("https://pod.example/feed")
    stored = article("1", enclosures=(EPISODE, VIDEO))
    store.upsert_articles(feed.id, [stored])
    (one,) = store.ids_for_uids(feed.id, ["1"])
    done = store.queue_download(EPISODE.url, one, "Episode", "/home/me/Podcasts/1.mp3")
    store.finish_download(done.id, "done", 1234)
    failed = store.queue_download(VIDEO.url, one, "Video", "/home/me/Podcasts/1.mp4")
    store.finish_download(failed.id, "failed", 0, "refused")

    shown = store.get_article(one)
    assert shown is not None
    assert [e.downloaded for e in shown.enclosures] == ["/home/me/Podcasts/1.mp3", ""]
    assert shown.enclosures == (EPISODE, VIDEO)
    assert digest(shown) == digest(stored)
    counts = store.upsert_articles(feed.id, [article("1", enclosures=(EPISODE, VIDEO))])
    assert counts.updated == 0


def test_the_header_says_where_it_was_downloaded_as_plain_text() -> None:
    path = "/home/me/[bold red]Pods[/]\x1b[31m\u202e/ep.mp3"
    shown = article("1", enclosures=(replace(EPISODE, downloaded=path), VIDEO))
    lines = header(shown)
    plain = [line.plain for line in lines]
    assert "Enclosure 1: audio/mpeg · 1.21 KB · 1:00 · downloaded: " in plain[-5]
    assert plain[-5].endswith("/home/me/[bold red]Pods[/][31m/ep.mp3")
    assert not lines[-5].spans  # (only the line's own style: nothing read as markup)
    assert plain[-3] == "Enclosure 2: video/mp4"
