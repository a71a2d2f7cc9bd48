"""Articles rendered in chunks (tuinews.render): the same lines as one whole render, the
beginning first, and never a cut inside a block that spans blank lines."""

from __future__ import annotations

import pytest
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markdown import Markdown
from rich.text import Text

from tuinews import render
from tuinews.link_numbers import LinkNumbers, inline_tags, link_list, number_links
from tuinews.models import Article
from tuinews.render import (
    MAX_MARKDOWN_CHARS,
    cut,
    flatten_quotes,
    header,
    markdown_chunks,
    render_article,
    render_lines,
)

WORDS = "Words of a paragraph, with [a link](https://example.com/x) and **bold** text. "


def paragraphs(count: int, size: int = 10) -> str:
    return "\n\n".join(f"Paragraph {i}. " + WORDS * size for i in range(count))


DOCUMENTS = {
    "paragraphs": paragraphs(60),
    "long": paragraphs(150, 10),
    "mixed": "\n\n".join(
        f"## Section {i}\n\n{WORDS * 8}\n\n> A quote {i}. {WORDS * 3}\n\n"
        f"- item one\n- item two\n\n1. first\n2. second\n\n| a | b |\n|---|---|\n| {i} | x |"
        for i in range(40)
    ),
    "fence": f"{WORDS * 60}\n\n```\ncode\n\n\nmore code\n\n```\n\n" + paragraphs(30),
    "loose list": WORDS * 60
    + "\n\n1. one\n\n2. two\n\n   more of two\n\n3. three\n\n"
    + paragraphs(30)
    + "\n\n- a\n\n- b",
    "references": WORDS * 60
    + "\n\n"
    + "See [the site][site] and [Other].\n\n" * 200
    + "[site]: https://example.com/a\n[other]: https://example.com/b",
    "raw html": WORDS * 60
    + "\n\n<!-- a comment\n\nwith blank lines\n\n-->\n\n"
    + paragraphs(20)
    + "\n\n<pre>\n\nkept\n\n</pre>\n\nTail.",
    "rules": WORDS * 60 + "\n\n---\n\n" + (paragraphs(5) + "\n\n***\n\n") * 6 + "*note*",
    "indented code": WORDS * 60 + "\n\n    code\n\n    more code\n\nafter\n\n" + paragraphs(20),
    "setext headings": "\n\n".join(f"Heading {i}\n-------\n\n{WORDS * 10}" for i in range(40)),
    "deep quotes": "> " * 40 + "Deep.\n\n" + ("> quoted " * 80 + "\n>\n> more\n\n") * 20,
    "empty": " \n\n ",
}

ARTICLE = Article(
    title="A [bold]title[/bold]",
    source="Source",
    body="",
    author="Author",
    link="https://example.com/a",
)


class NumberedMarkdown(Markdown):
    """Rich's Markdown with the links numbered (tuinews.link_numbers), in one go."""

    def __init__(self, markup: str, links: LinkNumbers) -> None:
        super().__init__(markup, hyperlinks=False)
        self.theme = number_links(self.parsed, links)
        self.inlines = inline_tags(self.inlines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.theme is None:
            yield from super().__rich_console__(console, options)
            return
        with console.use_theme(self.theme):
            yield from super().__rich_console__(console, options)


def whole(article: Article, markdown: str) -> RenderableType:
    """The article in one renderable: what the chunks must add up to (its links
    numbered in one go, and listed at the end)."""
    markdown, note = cut(markdown)
    markdown = flatten_quotes(markdown)
    links = LinkNumbers(article.link)
    body = NumberedMarkdown(markdown, links) if markdown.strip() else Text("(no text)")
    parts: list[RenderableType] = [*header(article), body]
    parts += link_list(links.links)  # (numbered as the Markdown was parsed)
    if note:
        parts.append(Text(note, style="italic"))
    return Group(*parts)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@pytest.mark.parametrize("width", [30, 99])
def test_the_chunks_add_up_to_the_whole_render(name: str, width: int) -> None:
    markdown = DOCUMENTS[name]
    chunked = [line for batch in render_article(ARTICLE, markdown, width) for line in batch]
    assert chunked == render_lines(whole(ARTICLE, markdown), width)


def test_a_long_article_comes_in_many_batches_the_first_a_screenful() -> None:
    batches = render_article(ARTICLE, DOCUMENTS["long"], 99)
    first = next(batches)
    assert 10 < len(first) < 100
    text = "\n".join("".join(s.text for s in line) for line in first)
    assert "A [bold]title[/bold]" in text  # the header, as text (no markup)
    assert "Paragraph 0." in text and "Paragraph 149." not in text
    assert len(list(batches)) > 5


def test_a_long_article_is_cut_with_a_note_at_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_MARKDOWN_CHARS == 400_000
    monkeypatch.setattr(render, "MAX_MARKDOWN_CHARS", 20_000)
    markdown = paragraphs(100)
    lines = [line for batch in render_article(ARTICLE, markdown, 99) for line in batch]
    assert lines == render_lines(whole(ARTICLE, markdown), 99)
    assert "cut here at 20 KB" in "".join(s.text for s in lines[-1])
    text = "\n".join("".join(s.text for s in line) for line in lines)
    assert "Paragraph 10." in text and "Paragraph 99." not in text


def test_chunks_are_cut_between_blocks_only() -> None:
    markdown = DOCUMENTS["fence"] + "\n\n" + DOCUMENTS["raw html"] + "\n\n" + DOCUMENTS["mixed"]
    chunks = list(markdown_chunks(markdown, first=500, size=1000))
    assert len(chunks) > 10
    assert "\n\n".join(chunks) == markdown.strip()
    for chunk in chunks:
        assert chunk.count("```") % 2 == 0
        assert chunk.count("<!--") == chunk.count("-->")
        assert chunk.count("<pre>") == chunk.count("</pre>")
        assert not chunk.startswith((" ", "-", "1.", "2."))


def test_chunks_grow_up_to_the_size_given() -> None:
    chunks = list(markdown_chunks(paragraphs(400), first=1000, size=8000))
    sizes = [len(chunk) for chunk in chunks[:-1]]
    assert sizes[0] < 2000 and sizes[1] < sizes[2] < sizes[3]
    assert max(sizes) < 9000
