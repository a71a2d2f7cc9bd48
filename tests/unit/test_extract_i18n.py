"""Reader mode beyond English: pages in right-to-left, CJK, Southeast Asian and Baltic
scripts (tests/fixtures/i18n, written for these tests: ``build.py`` makes them).

Each page's article must be kept whole (every sentence: recall), its title must be the
one the page's metadata gives (as readability's corpora expect), and the plain-text copy
of every page must be found to hold an article.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tuinews.extract import extract_document, extract_html, extract_text, heading_text
from tuinews.extract.lines import looks_like_dateline
from tuinews.extract.paragraphs import _cohesion_tokens, unit_value
from tuinews.formats.text import ends_with_punctuation
from tuinews.sanitise import clean_line

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "i18n"
PAGES = sorted(folder.name for folder in FIXTURES.iterdir() if (folder / "source.html").is_file())
# Each character of a script written without spaces is a token (the corpus README's metric).
_TOKEN = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]"
    r"|[^\W_\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+"
)


def _tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(re.sub(r"\]\([^)]*\)", "]", text).lower()))


def _recall(got: str, expected: str) -> float:
    want = _tokens(expected)
    return sum((_tokens(got) & want).values()) / sum(want.values())


def test_every_language_is_there() -> None:
    languages = {name.split("-")[0] for name in PAGES}
    assert {"ar", "he", "fa", "zh", "ja", "th", "lt", "lv", "en"} <= languages


@pytest.mark.parametrize("page", PAGES)
def test_html_pages_keep_the_article_and_the_page_title(page: str) -> None:
    folder = FIXTURES / page
    result = extract_document((folder / "source.html").read_bytes(), name="source.html")
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    assert result.found
    assert _recall(result.markdown, expected) >= 0.99
    assert result.title == (folder / "expected-title.txt").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("page", [name for name in PAGES if name.endswith("-div")])
def test_text_copies_hold_an_article(page: str) -> None:
    folder = FIXTURES / page
    result = extract_document((folder / "source.txt").read_bytes(), name="source.txt")
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    assert result.found
    assert _recall(result.markdown, expected) >= 0.95


# -- Thai and Lao: a space ends a sentence, no mark does

THAI = (
    "เทศบาลเปิดใช้เส้นทางจักรยานรอบคูเมืองอย่างเป็นทางการเมื่อเช้าวันนี้ "
    "โดยมีประชาชนและนักท่องเที่ยวหลายร้อยคนร่วมปั่นจักรยานในพิธีเปิด"
)


def test_a_thai_paragraph_is_prose_and_a_thai_menu_is_not() -> None:
    assert unit_value(THAI) > 0
    assert unit_value("หน้าแรก การเมือง เศรษฐกิจ กีฬา บันเทิง ต่างประเทศ ข่าวด่วน วิดีโอ") < 0


def test_a_thai_article_in_plain_text_is_found() -> None:
    paragraphs = [THAI + f" ครั้งที่ {n}" for n in range(5)]
    menu = "\n".join(f"* เมนู{n}" for n in range(6))
    text = "\n\n".join(["ข่าววันนี้", menu, "# เชียงใหม่เปิดเส้นทางจักรยานใหม่", *paragraphs])
    result = extract_text(text)
    assert result.found
    assert result.title == "เชียงใหม่เปิดเส้นทางจักรยานใหม่"
    assert "เมนู" not in result.markdown


def test_burmese_and_khmer_sentence_marks_end_a_sentence() -> None:
    assert ends_with_punctuation("မြို့တော်တွင် မိုးရွာသည်။")
    assert ends_with_punctuation("ភ្លៀងធ្លាក់នៅទីក្រុង។")


def test_vowel_and_tone_marks_do_not_cut_words() -> None:
    # "เส้นทาง" (a route) holds a vowel mark and a tone mark: one word, not three pieces.
    assert "ส้" in _cohesion_tokens("เส้นทางจักรยาน")


# -- titles


def _page(title: str, h1: str, body: str = "Text of the article. " * 30) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><h1>{h1}</h1><p>{body}</p></body></html>"
    )


def test_an_em_dash_separates_the_site_name() -> None:
    result = extract_html(_page("Seimas priėmė naują biudžetą kitiems metams — Žinios", "x"))
    assert result.title == "Seimas priėmė naują biudžetą kitiems metams"


@pytest.mark.parametrize(
    "title",
    [
        "江城地铁三号线正式开通运营 沿线居民出行更加便利 | 江城日报",
        "港町の商店街に新しい図書カフェ、空き店舗を活用 - みなと新聞",
        "เชียงใหม่เปิดเส้นทางจักรยานรอบคูเมือง | ข่าวเชียงใหม่",
    ],
)
def test_a_title_in_a_script_without_spaces_keeps_the_site_name(title: str) -> None:
    # Its words cannot be counted by spaces, so the cut is not trusted (as readability).
    assert extract_html(_page(title, "x")).title == title


def test_a_persian_title_keeps_its_zero_width_non_joiners() -> None:
    title = "دانشجویان می\u200cخواهند کتابخانه مرکزی شبانه\u200cروزی شود"
    assert extract_html(_page(f"{title} | خبرگزاری", "x")).title == title


def test_joiners_go_from_one_line_fields_where_they_could_disguise_a_name() -> None:
    assert clean_line("pay\u200cpal \u200dbank\u200d") == "paypal bank"
    assert clean_line("Сб\u200cер б\u200dанк") == "Сбер банк"  # Cyrillic: no joiners
    assert clean_line("می\u200c\u200cخواهند") == "می\u200cخواهند"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_line(f"{family} news") == f"{family} news"


@pytest.mark.parametrize(
    ("title", "line"),
    [
        ("宇航员在太空中喝酒会怎么样?后果很严重 _探索者 _光明网", None),
        ("标题_频道_网站", None),
        ("a _word_ here", "a \\_word\\_ here"),
        ("snake_case and _emphasis_", "snake\\_case and \\_emphasis\\_"),
    ],
)
def test_underscores_are_escaped_only_where_they_would_emphasise(
    title: str, line: str | None
) -> None:
    assert heading_text(title) == (title if line is None else line)


def test_a_long_thai_headline_is_the_title_of_a_plain_text_page() -> None:
    # 88 characters, 17 words: counted two characters a word it was a paragraph's 44.
    headline = "กรมอุตุนิยมวิทยาเตือนประชาชนในภาคเหนือเตรียมรับมือฝนตกหนักและน้ำป่าไหลหลากตลอดสัปดาห์นี้"
    paragraphs = [THAI + f" ครั้งที่ {n}" for n in range(5)]
    text = "\n\n".join(["ข่าววันนี้", "* หน้าแรก\n* กีฬา", f"# {headline}", "ข่าวเด่น", *paragraphs])
    result = extract_text(text)
    assert result.found
    assert result.title == headline


@pytest.mark.parametrize(
    ("line", "dated"),
    [
        ("โดย สมชาย ใจดี 15 มกราคม 2567 เวลา 11:20 น.", True),  # the Buddhist Era's 2024
        ("15 ม.ค. 2567", True),
        ("۱۴۰۳/۰۲/۱۵ - 14:20", True),  # Persian digits
        ("2567 people came on 3 May", False),  # 2567 is a year only in Thai
    ],
)
def test_thai_and_persian_datelines(line: str, dated: bool) -> None:
    assert looks_like_dateline(line) is dated


def test_commas_of_other_scripts_count_in_the_paragraph_scores() -> None:
    # Readability's paragraph score counts commas; readability-lxml counted only ",", so
    # a Chinese article of long, comma-rich sentences lost to a thread of short comments.
    article = "".join(
        f"<p>第{n}段，地铁三号线今天开通，全长二十八公里，共设二十一座车站，连接大学城和新区。</p>"
        for n in range(4)
    )
    comments = "".join(
        f"<p>网友{n}号说这条线路开通以后上班方便多了希望以后票价不要太贵也希望多加几班车。</p>"
        for n in range(6)
    )
    html = (
        "<html><head><title>地铁三号线开通</title></head><body>"
        f"<div><div class='c1'>{article}</div></div>"
        f"<div><div class='c2'>{comments}</div></div></body></html>"
    )
    result = extract_html(html)
    assert "地铁三号线今天开通" in result.markdown
    assert "网友" not in result.markdown


def test_a_marked_byline_is_taken_out_of_the_body_and_kept_as_the_byline() -> None:
    body = "".join(
        f"<p>Paragraph {n} of the article, long enough to be read as text.</p>" * 3
        for n in range(4)
    )
    html = (
        "<html><head><title>A story</title></head><body><article>"
        f"<p class='story-byline'>By Ann Walker</p>{body}</article></body></html>"
    )
    result = extract_html(html)
    assert "Ann Walker" not in result.markdown
    assert result.byline == "By Ann Walker"
    assert "Paragraph 3" in result.markdown
