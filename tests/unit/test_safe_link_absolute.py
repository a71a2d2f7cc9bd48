"""safe_link does not join an absolute http(s) URL with the base when joining would give
it back as it is (most links in feeds: a sixth of the parsing of their entries); the
URLs that joining changes (an empty query or fragment, a ";", upper case in the scheme, no
host...) are still joined, so the result is urljoin's in every case."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from tuinews.links import listed_link, safe_link

BASES = ["https://site.example/dir/page.html", "http://site.example/", "https://a.example/b?c#d"]
URLS = [
    "https://h.example/p",
    "https://h.example",
    "http://h.example/a/b.html?x=1&y=2#top",
    "https://h.example/p?",  # joining drops the empty query
    "https://h.example/p#",  # and the empty fragment
    "https://h.example/p?#f",
    "https://h.example/p;",  # and an empty ";" parameter
    "https://h.example/p;x",
    "HTTPS://h.example/p",  # joining writes the scheme in lower case
    "https:///p",  # no host: joined with the base's
    "https://h.example//x",
    "https://h.example/a/../b",
    "https://u:pw@h.example:8080/x",
    "https://@/",
    "https://u@/p",  # a user and no host (not split, the host is still looked for)
    "https://:8080/p",
    "https://u:pw@:1/x",
    "https://h.example:notaport/p",
    "https://%25zone/",
    "https://h.example/é?q=ü",
    "//h.example/p",
    "/p",
    "p?q",
]


def joined(url: str, base: str) -> str | None:
    """What safe_link gave before: urljoin's result, if it is http(s) with a host."""
    result = urljoin(base, url)
    parts = urlsplit(result)
    return result if parts.scheme.lower() in ("http", "https") and parts.hostname else None


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("url", URLS)
def test_the_result_is_urljoins(url: str, base: str) -> None:
    assert safe_link(url, base) == joined(url, base)
    assert listed_link(url, base) == joined(url, base)


def test_a_base_that_cannot_be_split_still_fails_every_link() -> None:
    """(as before, when the feed's reader turned the ValueError into no link)"""
    assert safe_link("https://h.example/p", "https://[oops/") is None


@pytest.mark.parametrize("url", ["http://[oops", "https://[::1/x", "http://h]/"])
def test_a_url_urllib_cannot_split_is_refused_not_raised(url: str) -> None:
    assert safe_link(url) is None
    assert safe_link(url, "https://site.example/") is None
    assert safe_link("/a", url) is None


def test_a_local_html_file_with_a_broken_canonical_link_is_read() -> None:
    from tuinews.formats.html import parse_html

    page = '<html><head><link rel="canonical" href="http://[oops"><title>T</title></head>'
    article = parse_html(page + "<body><p>Words.</p></body></html>", name="page.html")
    assert (article.title, article.link) == ("T", "")


def test_a_host_that_urlsplit_refuses_is_still_refused() -> None:
    """A host that is not ASCII with a character that NFKC makes "#" (or "/", "?", "@",
    ":"): urlsplit raises, so safe_link refuses it, with or without a base, as before."""
    for base in ("", *BASES):
        assert safe_link("https://h\uff03x.example/p", base) is None
    assert safe_link("https://b\u00fccher.example/p") == "https://b\u00fccher.example/p"
