"""The headline of a plain-text page, on small made-up pages (no corpus needed): the
signals the picker reads are the line's place and shape, never its words."""

from __future__ import annotations

import pytest

from tuinews.extract import extract_document, extract_text
from tuinews.extract.lines import looks_like_dateline, words

PROSE = [
    "The harbour board met on Tuesday to decide what to do about the old sea wall, which "
    "has been crumbling since the storms of the last two winters.",
    "Engineers told the board that a repair would cost less than a new wall, but that it "
    "would last only ten years before the same work was needed again.",
    "Residents who live along the wall asked the board to decide quickly, since every "
    "storm now sends water into the streets behind it and into their cellars.",
    "The board will vote on the two plans next month, after the engineers have costed a "
    "third one that raises the road behind the wall instead of the wall itself.",
    "Until then the council will keep the sandbags in place and close the lower road "
    "whenever a storm warning is issued for the coast, as it did twice last month.",
]


def page(*parts: str) -> str:
    return "\n\n".join(parts) + "\n"


def test_a_headline_with_a_dateline_beats_a_section_heading_nearer_the_text() -> None:
    text = page(
        "Sign in",
        "# Harbour board weighs repair or rebuild of the old sea wall",
        "Jane Example",
        "Follow",
        "Oct 18, 2019 · 8 min read",
        "# Why does the wall matter?",
        *PROSE[:3],
        "# What comes next",
        *PROSE[3:],
    )
    result = extract_text(text)
    assert result.title == "Harbour board weighs repair or rebuild of the old sea wall"
    assert PROSE[0] in result.markdown  # the paragraphs under the section heading too
    assert "Why does the wall matter?" in result.markdown


def test_a_marked_headline_with_a_byline_far_above_the_text() -> None:
    player = [f"Setting {n}" for n in range(70)]  # a video player's many small lines
    text = page(
        "# Coastal News",
        "# Harbour board weighs repair or rebuild of the old sea wall",
        "By JANE EXAMPLE March 11, 2015 3:46 PM Coastal News",
        *player,
        "Video: the sea wall at high tide",
        *PROSE,
    )
    assert extract_text(text).title == (
        "Harbour board weighs repair or rebuild of the old sea wall"
    )


def test_a_blog_date_over_the_post_title() -> None:
    text = page(
        "# Harbour Notes",
        "## Sunday, May 8, 2016",
        "### Repair or rebuild: the old sea wall",
        *PROSE[:2],
        "## So what does it cost?",
        *PROSE[2:],
    )
    result = extract_text(text)
    assert result.title == "Repair or rebuild: the old sea wall"
    assert PROSE[0] in result.markdown


def test_a_title_centred_on_a_fixed_width_page() -> None:
    text = page(
        "Versions: 00 01 02 03 04",
        "    INTERNET DRAFT                                      J. Example",
        "                                 seawall",
        "    Abstract",
        *PROSE,
    )
    assert extract_text(text).title == "seawall"


def test_an_unfinished_heading_and_the_parts_of_a_headline_lose_to_the_whole() -> None:
    text = page(
        "Next story",
        "#### The Sea Wall Project: Repair or Rebuild",
        "* Share on Twitter\n* Share by email",
        "## Sea Wall Project:",
        "#### Repair or Rebuild",
        *PROSE,
    )
    assert extract_text(text).title == "The Sea Wall Project: Repair or Rebuild"


def test_a_sentence_ending_in_a_full_stop_of_any_script_is_not_a_headline() -> None:
    text = page(
        "海外留学生看两会：出国前后关注点大不同",
        "发稿时间：2017-03-10 08:42:00",
        "图为一位留学生在悉尼游玩时的近影。",
        *PROSE,
    )
    assert extract_text(text).title == "海外留学生看两会：出国前后关注点大不同"


def test_a_text_copy_with_a_stray_tag_is_read_as_text() -> None:
    text = page(
        '<img src="https://example.com/pixel.gif" alt="beacon" width="1" height="1" />',
        "* Home\n* News\n* Sport",
        "# Harbour board weighs repair or rebuild of the old sea wall",
        *PROSE,
        *PROSE,
    )
    result = extract_document(text.encode(), name="page.txt")
    assert result.found
    assert result.title == "Harbour board weighs repair or rebuild of the old sea wall"
    assert "<img" not in result.markdown and "pixel.gif" not in result.markdown
    assert PROSE[-1] in result.markdown


@pytest.mark.parametrize("signed_after", [False, True])
def test_a_comment_thread_after_the_article_is_left_out(signed_after: bool) -> None:
    comments = []
    for n in range(6):
        comment = (
            f"I have lived by the sea wall for {n + 20} years and I think the board should "
            "stop talking and start building, because every winter it gets worse for us."
        )
        if signed_after:  # name, comment, then "reply" and the date
            comments += [f"#### Reader {n}", comment, f"* reply\n* March {10 + n}, 2017"]
        else:  # name and date, comment, then "Reply"
            comments += [f"Reader {n} · March {10 + n}, 2017 at 1:26 AM", comment, "* Reply"]
    text = page(
        "# Harbour board weighs repair or rebuild of the old sea wall",
        "Jane Example March 9, 2017",
        *PROSE,
        "### Share this:",
        "* Share on Twitter\n* Share by email",
        "### There are 6 comments",
        *comments,
    )
    result = extract_text(text)
    assert PROSE[-1] in result.markdown
    assert "Reader 3" not in result.markdown and "stop talking" not in result.markdown


@pytest.mark.parametrize(
    ("line", "dateline"),
    [
        ("Oct 18, 2019 · 8 min read", True),
        ("By JANE EXAMPLE March 11, 2015 3:46 PM Coastal News", True),
        ("## Sunday, May 8, 2016", True),
        ("Rarst · March 10, 2017 at 1:26 AM", True),
        ("发稿时间：2017-03-10 08:42:00", True),
        ("3 surprising findings from our survey", False),
        ("Friday Facts #282 - 0.17 in sight", False),
        ("Versions: 00 01 02 03 04", False),
        (" ".join(["word"] * 20) + " May 8, 2016", False),  # a sentence, not a dateline
    ],
)
def test_datelines(line: str, dateline: bool) -> None:
    assert looks_like_dateline(line) is dateline


def test_long_words_of_spaced_scripts_count_once() -> None:
    assert words("HoróscopoPronósticoLoteríasFeriadosFúnebres") == 1
    assert words("Présidentielle") == 1
    assert words("人工智能迈上新台阶") == 4  # a run of characters: several words
