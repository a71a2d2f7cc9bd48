"""HTML pages: metadata order, dropped chrome, safe Markdown conversion."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.unit.formats_helpers import parse_one, render_html
from tuinews.formats import article_markdown, parse_feed
from tuinews.formats.html import DEEP_NESTING_NOTE, html_to_markdown, html_to_text
from tuinews.link_numbers import links_in
from tuinews.render import render_article

HEAD = (
    '<meta property="og:title" content="OG title">'
    "<title>Title element</title>"
    '<meta property="og:site_name" content="The Site">'
    '<meta name="author" content="Jane Doe">'
    '<meta property="article:published_time" content="2022-09-10T12:00:00+03:00">'
    '<link rel="canonical" href="https://example.com/story">'
)


def page(head: str, body: str) -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def test_metadata():
    article = parse_one(page(HEAD, "<h1>H1</h1><p>Text.</p>"), name="a.html", path="/a.html")
    assert article.title == "OG title"
    assert article.source == "The Site"
    assert article.author == "Jane Doe"
    assert article.date == datetime(2022, 9, 10, 9, tzinfo=UTC)
    assert article.link == "https://example.com/story"
    assert article.kind == "html"
    assert article.uid == "/a.html"


def test_title_order():
    assert parse_one(page("<title>T</title>", "<h1>H</h1>"), name="a.html").title == "T"
    assert parse_one(page("", "<h1>H <b>one</b></h1><h1>two</h1>"), name="a.html").title == "H one"
    assert parse_one(page("", "<p>First words</p>"), name="a.html").title == "First words"
    assert parse_one(page("", "<img src=x.png>"), name="a.html").title == "a.html"


def test_defaults_without_metadata():
    when = datetime(2023, 3, 3, tzinfo=UTC)
    article = parse_one(page("<title>T</title>", "<p>x</p>"), name="page.htm", mtime=when)
    assert (article.source, article.author, article.link, article.date) == (
        "page.htm",
        "",
        "",
        when,
    )


def test_time_element_date_and_og_url():
    head = '<meta property="og:url" content="https://ex.org/x"><title>T</title>'
    body = '<p>By A</p><time datetime="2021-01-02T03:04:05Z">Jan 2</time>'
    article = parse_one(page(head, body), name="a.html")
    assert article.date == datetime(2021, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert article.link == "https://ex.org/x"


def test_author_url_is_skipped_and_unsafe_canonical_dropped():
    head = (
        '<meta property="article:author" content="https://facebook.com/someone">'
        '<meta name="dc.creator" content="Real Name">'
        '<link rel="canonical" href="javascript:alert(1)"><title>T</title>'
    )
    article = parse_one(page(head, "<p>x</p>"), name="a.html")
    assert article.author == "Real Name"
    assert article.link == ""


def test_non_content_is_dropped():
    body = (
        "<header><nav>Home | World</nav><h1>Site</h1></header>"
        "<article><header><h1>Story</h1></header>"
        "<p>Keep <b>this</b>.</p>"
        "<script>var secret = 'SCRIPT';</script><style>p{color:red}</style>"
        "<form><input name=q value=FORMVAL><button>BUTTON</button><select><option>OPT</select>"
        "<textarea>TEXTAREA</textarea></form>"
        "<noscript>NOSCRIPT</noscript><iframe src=x>IFRAME</iframe>"
        "<svg><title>SVGTITLE</title><text>SVG</text></svg>"
        "<template>TEMPLATE</template><aside>ASIDE</aside><p>Also keep.</p>"
        "<footer>Article footer</footer></article><footer>COPYRIGHT</footer>"
    )
    article = parse_one(page("<title>T</title><script>HEADSCRIPT</script>", body), name="a.html")
    dropped = "SCRIPT FORMVAL BUTTON OPT TEXTAREA NOSCRIPT IFRAME SVG TEMPLATE ASIDE COPYRIGHT"
    for word in [*dropped.split(), "Home", "color:red", "HEADSCRIPT"]:
        assert word not in article.body, word
        assert word not in article.text, word
    assert article.text == "Story\nKeep this.\nAlso keep.\nArticle footer"
    assert "<p>Keep <b>this</b>.</p>" in article.body
    assert article.title == "T"


def test_unclosed_title_ends_at_the_next_tag():
    article = parse_one("<html><head><title>T<body><p>Visible text</p>", name="a.html")
    assert (article.title, article.text) == ("T", "Visible text")


def test_unclosed_head_ends_at_body_content():
    article = parse_one("<html><head><title>T</title><p>Visible text</p>", name="a.html")
    assert article.text == "Visible text"


def test_html_to_text_keeps_blocks_apart():
    assert (
        html_to_text("<p>a<br>b</p><ul><li>c</li><li>d</li></ul>x &amp; y") == "a\nb\nc\nd\nx & y"
    )


def test_markdown_conversion_is_lazy_and_cached():
    article = parse_one(
        page("<title>T</title>", "<h2>Sub</h2><p>Para <em>x</em></p>"), name="a.html"
    )
    assert article.cached_markdown is None
    assert article_markdown(article) == "## Sub\n\nPara *x*"
    assert article.cached_markdown == "## Sub\n\nPara *x*"


def link_targets(markdown: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)"', render_html(markdown))


def test_unsafe_links_are_dropped_text_kept():
    html = (
        '<p><a href="javascript:alert(1)">js</a> <a href="file:///etc/passwd">file</a> '
        '<a href="data:text/html,x">data</a> <a href="--remote-debugging-port=9222">opt</a> '
        '<a href="/ok">ok</a> <img src="file:///x.png" alt="pic"></p>'
    )
    markdown = html_to_markdown(html, base_url="https://base.example/dir/page")
    assert link_targets(markdown) == ["https://base.example/ok"]
    for word in ("js", "file", "data", "opt", "pic"):
        assert word in markdown
    for bad in ("javascript", "file:", "data:", "--remote"):
        assert bad not in markdown


def test_links_that_are_not_http_stay_links_to_be_listed_not_opened():
    """mailto: and ftp: links stay links (numbered and listed "not opened" in the pane, as
    in a Markdown file); their text was left alone before, with no number."""
    html = (
        '<p>Write <a href="mailto:me@example.org">mail me</a>, get <a href="ftp://f.example/a'
        ' b(1)">the archive</a>, call <a href="tel:+1555">us</a> or <a href="/web">see</a>.</p>'
    )
    markdown = html_to_markdown(html, base_url="https://base.example/dir/page")
    assert markdown == (
        "Write [mail me](mailto:me@example.org), get [the archive](ftp://f.example/a%20b%281%29),"
        " call [us](tel:+1555) or [see](https://base.example/web)."
    )
    # without a base too: the scheme says what the link is
    assert html_to_markdown('<a href="mailto:me@example.org">mail me</a>') == (
        "[mail me](mailto:me@example.org)"
    )


def test_links_in_feed_content_that_are_not_http_are_listed_and_never_opened():
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
        "<link>https://feed.example/</link><item><title>One</title>"
        "<link>https://feed.example/1</link><guid>1</guid><description>"
        '&lt;p&gt;Write &lt;a href="mailto:me@example.org"&gt;mail me&lt;/a&gt; or '
        '&lt;a href="https://feed.example/web"&gt;the web&lt;/a&gt;.&lt;/p&gt;'
        "</description></item></channel></rss>"
    )
    (item,) = parse_feed(feed.encode(), "https://feed.example/rss").articles
    lines = [line for batch in render_article(item, article_markdown(item), 80) for line in batch]
    shown = "\n".join("".join(segment.text for segment in line).rstrip() for line in lines)
    assert "Write mail me[1] or the web[2]." in shown
    assert "[1] mailto:me@example.org  (not opened: not http or https)" in shown
    links = links_in(lines)
    assert [link.openable for link in links.values()] == [None, "https://feed.example/web"]


def test_relative_links_without_base_are_dropped():
    assert html_to_markdown('<a href="/x">x</a>') == "x"


def test_paren_in_href_cannot_make_a_second_link():
    html = '<a href="http://evil/)[x](javascript:alert(1)">t</a>'
    markdown = html_to_markdown(html)
    targets = link_targets(markdown)
    assert len(targets) == 1
    assert targets[0].startswith("http://evil/%29")
    assert "javascript:alert(1)" not in render_html(markdown).replace(targets[0], "")


def test_space_and_brackets_in_urls_are_encoded():
    markdown = html_to_markdown('<a href="https://x.org/a b<c>" title="t &quot;q">l</a>')
    assert link_targets(markdown) == ["https://x.org/a%20b%3Cc%3E"]


def test_image_alt_cannot_break_out():
    markdown = html_to_markdown('<img src="https://x.org/i.png" alt="](javascript:alert(1))">')
    html = render_html(markdown)
    assert html.count("<img") == 1
    assert 'src="https://x.org/i.png"' in html
    assert "<a " not in html


def test_text_that_looks_like_markdown_stays_text():
    markdown = html_to_markdown("<p>[click](javascript:alert(1)) *no* [bold]x[/]</p>")
    html = render_html(markdown)
    assert "<a " not in html and "<em>" not in html
    assert "[click](javascript:alert(1)) *no* [bold]x[/]" in html


def test_deep_nesting_falls_back_to_text():
    html = "<div>" * 2000 + "deep text" + "</div>" * 2000
    markdown = html_to_markdown(html)
    assert markdown == f"{DEEP_NESTING_NOTE}\n\ndeep text"
    article = parse_one(page("<title>T</title>", "<b>" * 2000 + "bold deep"), name="a.html")
    assert article.text == "bold deep"
    assert article_markdown(article).endswith("bold deep")


@pytest.mark.parametrize("tag", ["ul><li", "blockquote", "b"])
def test_deep_unclosed_tags(tag: str):
    markdown = html_to_markdown(f"<{tag}>" * 1000 + "end")
    assert markdown.endswith("end")
