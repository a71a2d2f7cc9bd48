"""Reader mode keeps the article's own images (issue 16, "Images"): as Markdown
``![alt](url)`` with one safe http(s) source resolved against the page's URL, so the
article pane draws them or shows their alt text; tracking pixels, icons, the site's
logos and adverts, and every image of a page without an article are dropped."""

from __future__ import annotations

import re

from tuinews.extract import extract_document, extract_html, render_markdown
from tuinews.extract.pictures import srcset_choice

PROSE = (
    "paragraph of the article about gradients, which goes on for a while so that it "
    "reads as prose, with commas, clauses and enough words in it for the scorer."
)
URL = "https://site.example/posts/page.html"


def page(article: str) -> str:
    return (
        "<html><head><title>Gradients</title></head><body>"
        '<header><img src="/logo.png" alt="Site logo" width="200" height="60">'
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav></header>'
        f"<article><h1>Gradients</h1>{article}</article>"
        '<footer><p>Sponsored</p><img src="/ad.png" alt="Advert banner"></footer>'
        "</body></html>"
    )


def images(markdown: str) -> list[tuple[str, str]]:
    return re.findall(r"!\[((?:\\.|[^\]\\])*)\]\(([^)]*)\)", markdown)


def test_an_articles_images_are_kept_as_markdown_images_in_place() -> None:
    html = page(
        f"<p>One {PROSE}</p>"
        '<img src="http://127.0.0.1:8000/pic.png" alt="gradient alt text">'
        f"<p>Two {PROSE}</p>"
        '<figure><img src="fig.png" alt="figure alt"><figcaption>A caption</figcaption></figure>'
        f"<p>Three {PROSE}</p>"
    )
    result = extract_html(html, URL)
    assert result.found
    assert images(result.markdown) == [
        ("gradient alt text", "http://127.0.0.1:8000/pic.png"),
        ("figure alt", "https://site.example/posts/fig.png"),  # resolved against the page
    ]
    markdown = result.markdown
    assert markdown.index("One ") < markdown.index("![gradient") < markdown.index("Two ")
    assert markdown.index("![figure alt]") < markdown.index("A caption") < markdown.index("Three")
    # the site around the article: its logo and its advert stay out
    assert "Site logo" not in markdown and "Advert" not in markdown and "logo.png" not in markdown


def test_tracking_pixels_icons_and_images_without_an_http_source_are_dropped() -> None:
    html = page(
        f"<p>One {PROSE}"
        '<img src="https://track.example/p.gif" width="1" height="1" alt="">'
        '<img src="https://cdn.example/icon.png" style="width:16px;height:16px" alt="icon">'
        '<img src="javascript:alert(1)" alt="script">'
        '<img src="data:image/png;base64,iVBO=" alt="inline data">'
        '<img src="file:///etc/passwd" alt="a file">'
        f" and the text after them.</p><p>Two {PROSE}</p>"
    )
    result = extract_html(html, URL)
    assert images(result.markdown) == []
    for word in ("track.example", "icon", "script", "inline data", "a file", "passwd"):
        assert word not in result.markdown
    assert "and the text after them." in result.markdown


def test_a_relative_image_without_the_pages_url_is_dropped() -> None:
    html = page(f'<p>One {PROSE}</p><img src="fig.png" alt="relative"><p>Two {PROSE}</p>')
    result = extract_document(html.encode(), name="page.html")
    assert "relative" not in result.markdown and images(result.markdown) == []
    assert images(extract_html(html, URL).markdown) == [
        ("relative", "https://site.example/posts/fig.png")
    ]


def test_picture_srcset_and_lazy_loading_give_one_http_source() -> None:
    html = page(
        f"<p>One {PROSE}</p>"
        "<picture>"
        '<source type="image/avif" srcset="/a.avif 800w, /b.avif 1600w">'
        '<source srcset="/small.webp 480w, /mid.webp 1200w, /big.webp 2400w">'
        '<img alt="in a picture">'
        "</picture>"
        f"<p>Two {PROSE}</p>"
        '<img src="data:image/gif;base64,R0lGOD=" data-src="/lazy.jpg" alt="lazy">'
        f"<p>Three {PROSE}</p>"
        '<img src="/fallback.jpg" srcset="/x1.jpg 1x, /x2.jpg 2x" alt="plain src">'
        f"<p>Four {PROSE}</p>"
    )
    result = extract_html(html, URL)
    assert images(result.markdown) == [
        ("in a picture", "https://site.example/mid.webp"),
        ("lazy", "https://site.example/lazy.jpg"),
        ("plain src", "https://site.example/fallback.jpg"),
    ]
    assert "avif" not in result.markdown and "<source" not in result.markdown


def test_srcset_choice() -> None:
    assert srcset_choice("a.jpg 480w, b.jpg 1200w, c.jpg 2400w") == "b.jpg"
    assert srcset_choice("a.jpg 300w, b.jpg 600w") == "b.jpg"  # none wide enough: the widest
    assert srcset_choice("a.jpg 2x, b.jpg 1x, c.jpg 3x") == "b.jpg"
    assert srcset_choice("only.jpg") == "only.jpg"
    assert srcset_choice("") == ""


def test_a_linked_image_stays_and_an_image_in_a_heading_goes_after_it() -> None:
    html = page(
        f"<p>One {PROSE}</p>"
        '<a href="/big.jpg"><img src="/small.jpg" alt="linked picture"></a>'
        f'<h2>A subheading <img src="/in-heading.jpg" alt="heading picture"> here</h2>'
        f"<p>Two {PROSE}</p>"
        f'<table><tr><td><img src="/cell.jpg" alt="cell picture"> cell</td></tr></table>'
        f"<p>Three {PROSE}</p>"
    )
    markdown = extract_html(html, URL).markdown
    assert ("linked picture", "https://site.example/small.jpg") in images(markdown)
    assert "## A subheading here\n\n![heading picture](https://site.example/in-heading.jpg)" in (
        markdown
    )
    assert "cell picture" not in markdown and "cell.jpg" not in markdown  # no image in a table


def test_a_page_without_an_article_shows_no_images() -> None:
    html = (
        '<html><body><img src="https://site.example/logo.png" alt="Logo">'
        '<ul><li><a href="/a">A</a></li><li><a href="/b">B</a></li></ul></body></html>'
    )
    result = extract_html(html, URL)
    assert not result.found
    assert "Logo" not in result.markdown and images(result.markdown) == []


def test_the_images_alt_text_goes_through_the_sanitiser() -> None:
    html = page(
        f"<p>One {PROSE}</p>"
        '<img src="https://cdn.example/p.png" alt="bad \x1b[31m alt\u202e ] (x)">'
        f"<p>Two {PROSE}</p>"
    )
    output = render_markdown(extract_html(html, URL))
    assert "\x1b" not in output and "\u202e" not in output
    assert images(output) == [(r"bad \[31m alt \] (x)", "https://cdn.example/p.png")]
