"""Code blocks are never wrapped mid-line (Rich's Markdown wraps them like paragraphs):
each line of code stays one line, as wide as it is; a code block that fits is drawn
exactly as Rich's Markdown draws it."""

from __future__ import annotations

import pytest
from rich.markdown import Markdown

from tuinews import code_blocks
from tuinews.models import Article
from tuinews.render import console_for, line_width, render_article

WIDE = "tuinews import subscriptions.opml      # or a newsboat urls file, with a long comment"
DOCUMENT = f"""Intro paragraph that is long enough to wrap at a narrow width, as paragraphs do.

    {WIDE}
    tuinews add https://example.com/

- a list item

  ```python
  def double(x): return x * 2  # {"a comment that goes on " * 3}
  ```

> quoted
>
> ```
> {WIDE}
> ```

End."""
FITTING = """Intro.

    tuinews ~/Docs
    tuinews x

- a list item

  ```python
  def f(x): return x
  ```
- another

> quoted
>
> ```
> code in a quote
> ```

1. one
   ```
   nested
   ```

End."""


def texts(lines: list[list[object]]) -> list[str]:
    return ["".join(segment.text for segment in line) for line in lines]  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [30, 60, 99])
def test_a_wide_code_line_stays_one_line(width: int) -> None:
    article = Article(title="T", source="S", body=DOCUMENT, text=DOCUMENT)
    lines = [line for batch in render_article(article, DOCUMENT, width) for line in batch]
    shown = texts(lines)
    assert sum(WIDE in line for line in shown) == 2  # at the top and in the quote, whole
    assert any("def double(x): return x * 2  # a comment" in line for line in shown)
    assert any(line.startswith("▌") and WIDE in line for line in shown)  # the quote's bar
    prose = [line for line in lines if "Intro" in texts([line])[0]]
    assert prose and all(line_width(line) <= width for line in prose)  # prose still wraps
    assert max(map(line_width, lines)) > width


@pytest.mark.parametrize("width", [30, 40, 80])
def test_code_that_fits_is_drawn_as_richs_markdown_draws_it(width: int) -> None:
    console = console_for(width)
    rich = console.render_lines(Markdown(FITTING, hyperlinks=False), console.options, pad=False)
    assert code_blocks.render(FITTING, console, console.options) == rich


def test_a_mark_in_an_article_is_text_like_any_other() -> None:
    """The marks put where code blocks go are control characters: an article has none
    (the sanitiser removes them), and one that came anyway is left alone."""
    console = console_for(40)
    markup = f"x {code_blocks.MARK}7{code_blocks.MARK} y"
    assert texts(code_blocks.render(markup, console, console.options))[0].startswith("x ")
