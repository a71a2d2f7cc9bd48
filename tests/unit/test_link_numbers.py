"""An article's links numbered where they appear (tuinews.link_numbers): ``text[3]`` in
the line (no URL in it), the URLs listed at the end, the numbers running on over the
chunks of a long article, relative links resolved against the article's link, and the
rendered lines saying which link is where (for the keys and the mouse)."""

from __future__ import annotations

from tuinews.link_numbers import ArticleLink, LinkNumbers, link_at, links_in
from tuinews.models import Article
from tuinews.render import Line, render_article

ARTICLE = Article(title="T", source="", body="", link="https://site.example/posts/1")


def lines_of(
    markdown: str, width: int = 80, article: Article = ARTICLE, **sizes: int
) -> list[Line]:
    return [line for batch in render_article(article, markdown, width, **sizes) for line in batch]


def text(lines: list[Line]) -> str:
    return "\n".join("".join(s.text for s in line).rstrip() for line in lines)


def test_a_link_is_its_text_and_number_and_its_url_is_listed_at_the_end() -> None:
    lines = lines_of("See [the *docs*](https://docs.example/x) and <https://auto.example/>.")
    shown = text(lines)
    assert "See the docs[1] and https://auto.example/[2]." in shown
    assert "(https://docs.example/x)" not in shown
    assert shown.endswith("Links\n[1] https://docs.example/x\n[2] https://auto.example/")


def test_relative_links_are_resolved_against_the_articles_link() -> None:
    lines = lines_of("[up](../about) [here](#top) [root](/x?a=1)")
    links = links_in(lines)
    assert [link.url for link in links.values()] == [
        "https://site.example/about",
        "https://site.example/posts/1#top",
        "https://site.example/x?a=1",
    ]
    without = Article(title="T", source="", body="", link="")
    assert links_in(lines_of("[up](../about)", article=without))[1].url == "../about"
    assert links_in(lines_of("[up](../about)", article=without))[1].openable is None


def test_links_that_are_not_http_are_listed_but_not_openable() -> None:
    lines = lines_of("[mail](mailto:a@b.example) [ftp](ftp://f.example/x) [web](https://w.example)")
    links = links_in(lines)
    assert [link.openable for link in links.values()] == [None, None, "https://w.example"]
    assert "[1] mailto:a@b.example  (not opened: not http or https)" in text(lines)
    assert links[1].refusal() == "Link 1 is a mailto: link: only http and https links are opened."


def test_links_in_tables_headings_quotes_and_lists_are_numbered_in_order() -> None:
    markdown = (
        "# A [heading](/h)\n\n> a [quote](/q)\n\n- an [item](/i)\n\n"
        "| a |\n|---|\n| [cell](/c) |\n\n[reference][r] text\n\n[r]: /r"
    )
    links = links_in(lines_of(markdown))
    assert [(n, link.text, link.url.rsplit("/", 1)[1]) for n, link in links.items()] == [
        (1, "heading", "h"),
        (2, "quote", "q"),
        (3, "item", "i"),
        (4, "cell", "c"),
        (5, "reference", "r"),
    ]


def test_the_numbers_run_on_over_a_long_articles_chunks() -> None:
    markdown = "\n\n".join(
        f"Paragraph {i} with [link {i}](https://e.example/{i})." for i in range(200)
    )
    chunked = lines_of(markdown, first=200, size=400)
    whole = lines_of(markdown, first=10**9, size=10**9)
    assert chunked == whole
    links = links_in(chunked)
    assert list(links) == list(range(1, 201))
    assert all(link.url == f"https://e.example/{n - 1}" for n, link in links.items())
    assert "link 199[200]" in text(chunked)


def test_a_links_text_is_read_back_whole_when_it_wraps() -> None:
    lines = lines_of(
        "Some words before [a link whose text goes over the line](https://x.example/)", 30
    )
    link = links_in(lines)[1]
    assert link.text == "a link whose text goes over the line"


def test_link_at_finds_the_link_under_a_cell() -> None:
    lines = lines_of("Go [there](https://t.example/) now.")
    row = next(i for i, line in enumerate(lines) if "there[1]" in "".join(s.text for s in line))
    line = lines[row]
    plain = "".join(s.text for s in line)
    start = plain.index("there[1]")
    assert link_at(line, start) == ArticleLink(1, "https://t.example/")
    assert link_at(line, start + len("there[1]") - 1) == ArticleLink(1, "https://t.example/")
    assert link_at(line, start - 2) is None  # "Go "
    assert link_at(line, start + len("there[1]") + 1) is None  # " now."
    assert link_at(line, 10_000) is None


def test_no_links_no_list() -> None:
    assert "Links" not in text(lines_of("Just words."))
    assert links_in(lines_of("Just words.")) == {}


def test_numbering_goes_on_from_the_numbers_given() -> None:
    numbers = LinkNumbers("https://b.example/")
    numbers.add("/a", "first")
    lines = [
        line for batch in render_article(ARTICLE, "[x](/y)", 80, links=numbers) for line in batch
    ]
    assert "x[2]" in text(lines)
    # (resolved against the base they were made with)
    assert [link.url for link in numbers.links] == ["https://b.example/a", "https://b.example/y"]
