"""Reader-mode extraction against the readability corpus, side by side with
readability-lxml and trafilatura measured in the same run.

    python benchmarks/extract.py [--corpus DIR] [--min-bytes 8000] [--input html|txt|both]
                                 [--extractors ours,readability,readability-title,...]
                                 [--worst N] [--page NAME ...] [--by-language]
                                 [--images alt|skip]

``--by-language``: also the mean precision, recall, F1 and title agreement of each
language (the page's ``lang`` in expected-metadata.json; else the folder name's prefix,
``zh-div``; else the script of its expected text), and of all the pages not in English.
``--corpus tests/fixtures/i18n`` scores the non-English pages built for the tests.
``--images skip``: images (``![alt](src)``) are not counted at all, so the score is the
text's alone (reader mode keeps the article's images, whose alt text is not in
expected.txt); the default counts their alt text, as the corpus README's metric does.

The corpus (``../shared/corpus/readability`` from the repository root) holds one folder
per page: ``source.html``, ``source.txt`` (a plain-text dump of the same page),
``expected.txt`` and ``expected-title.txt``. Every extractor runs in-process on every page
and prints Markdown; the first non-empty line is the title (a leading ``#`` dropped), the
rest is the body.

Metric (the corpus README's): body precision, recall and F1 over a bag of lowercased word
tokens, each CJK, Thai, Lao, Burmese or Khmer character counting as one token; Markdown
links and images count only their text. Title: exact match after NFKC and whitespace
normalisation of both sides (expected-title.txt is NFKC-normalised: "…" is "...",
full-width "？" is "?"), over the pages whose expected title is not empty. The reference
extractors are run as the corpus README measured them (readability-lxml: ``short_title()``
and the text of ``summary()``; showing everything: the whole text as the body), so their
figures reproduce the README's.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "readability"

# Scripts written without spaces: each character is a token.
_NO_SPACE_SCRIPTS = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Burmese
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u31bf"  # Bopomofo
    "\u31f0-\u31ff"
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"
)
_TOKEN = re.compile(rf"[{_NO_SPACE_SCRIPTS}]|[^\W_{_NO_SPACE_SCRIPTS}]+")
_IMAGE = re.compile(r"!\[((?:\\.|[^\]\\])*)\]\([^)]*\)")
_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\([^)]*\)")
_SPACE = re.compile(r"\s+")


COUNT_ALT = [True]  # --images: whether an image's alt text counts as text


def tokens(text: str) -> Counter[str]:
    """The bag of lowercased word tokens of a text (Markdown link targets left out; images
    counted by their alt text, or not at all with ``--images skip``)."""
    text = _IMAGE.sub(r"\1" if COUNT_ALT[0] else "", text)
    for _ in range(3):  # links around images, then the links themselves
        text = _LINK.sub(r"\1", text)
    return Counter(_TOKEN.findall(text.lower()))


def precision_recall(got: Counter[str], expected: Counter[str]) -> tuple[float, float]:
    overlap = sum((got & expected).values())
    precision = overlap / sum(got.values()) if got else float(not expected)
    recall = overlap / sum(expected.values()) if expected else float(not got)
    return precision, recall


def f1(got: Counter[str], expected: Counter[str]) -> float:
    overlap = sum((got & expected).values())
    if not overlap:
        return 1.0 if not got and not expected else 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(expected.values())
    return 2 * precision * recall / (precision + recall)


def split_output(markdown: str) -> tuple[str, str]:
    """The title (first non-empty line, leading ``#`` dropped) and the body after it."""
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            title = _SPACE.sub(" ", line.strip().lstrip("#")).strip()
            return title, "\n".join(lines[index + 1 :])
    return "", ""


def normalise_title(title: str) -> str:
    """Whitespace collapsed after NFKC (as expected-title.txt was made: its full-width
    punctuation and no-break spaces are plain ASCII)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", title)).strip()


# -- extractors: (document bytes, is_text) -> Markdown whose first line is the title


def _lines_as_html(text: str) -> str:
    """A plain-text page as HTML, one paragraph per line (how libraries can read it)."""
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.split("\n") if line)
    return f"<html><body>\n{paragraphs}</body></html>"


def run_ours(data: bytes, is_text: bool) -> str:
    from tuinews.extract import extract_document, render_markdown

    return render_markdown(extract_document(data, name="source.txt" if is_text else ""))


def run_readability(data: bytes, is_text: bool) -> str:
    """readability-lxml as the corpus README measured it: ``short_title()``, then the text
    of ``summary()``."""
    import lxml.html
    from readability import Document

    from tuinews.formats.encoding import decode

    page = decode(data)
    if is_text:
        page = _lines_as_html(page)
    document = Document(page)
    body = lxml.html.fromstring(document.summary()).text_content()
    return f"# {document.short_title()}\n\n{body}"


def run_readability_title(data: bytes, is_text: bool) -> str:
    """readability-lxml with its plain ``title()`` (the page's ``<title>``) instead."""
    from readability import Document

    from tuinews.formats.encoding import decode

    page = decode(data)
    if is_text:
        page = _lines_as_html(page)
    body = run_readability(data, is_text).partition("\n\n")[2]
    return f"# {Document(page).title()}\n\n{body}"


def run_trafilatura(data: bytes, is_text: bool) -> str:
    import trafilatura

    from tuinews.formats.encoding import decode

    page = decode(data)
    if is_text:
        page = _lines_as_html(page)
    result = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False)
    if result is None:
        return ""
    body = trafilatura.extract(page, output_format="markdown", include_comments=False) or ""
    return f"# {result.title or ''}\n\n{body}"


def run_everything(data: bytes, is_text: bool) -> str:
    """Show the whole page (plain text as it is, HTML through markdownify), its first
    line taken as the title."""
    from tuinews.formats.encoding import decode
    from tuinews.formats.html import html_to_markdown

    page = decode(data)
    text = page if is_text else html_to_markdown(page)
    first = next((line for line in text.split("\n") if line.strip()), "")
    return f"{first}\n\n{text}"


EXTRACTORS: dict[str, Callable[[bytes, bool], str]] = {
    "ours": run_ours,
    "readability": run_readability,
    "readability-title": run_readability_title,
    "trafilatura": run_trafilatura,
    "everything": run_everything,
}
LABELS = {
    "ours": "tuinews.extract",
    "readability": "readability-lxml",
    "readability-title": "readability-lxml title()",
    "trafilatura": "trafilatura",
    "everything": "show everything",
}


@dataclass
class Page:
    name: str
    html_size: int
    expected: Counter[str]
    title: str
    language: str = ""


@dataclass
class Result:
    f1: dict[str, float] = field(default_factory=dict)
    precision: dict[str, float] = field(default_factory=dict)
    recall: dict[str, float] = field(default_factory=dict)
    title: dict[str, bool] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


_KANA = re.compile("[\u3040-\u30ff]")
_HAN = re.compile("[\u4e00-\u9fff]")
_SCRIPTS = {"th": "[\u0e00-\u0e7f]", "ar": "[\u0600-\u06ff]", "he": "[\u0590-\u05ff]"}


def page_language(folder: Path, text: str) -> str:
    """The page's language: its metadata's ``lang``, else (a page without metadata) the
    folder's prefix (``zh-div``), else a guess from the script of its text ("und": Latin
    or unknown)."""
    metadata = folder / "expected-metadata.json"
    if metadata.is_file():
        lang = json.loads(metadata.read_text(encoding="utf-8")).get("lang")
        if isinstance(lang, str) and lang:
            return lang.split("-")[0].lower()
    else:  # pages built for the tests: "zh-div"
        prefix = folder.name.split("-")[0]
        if len(prefix) == 2 and prefix.isalpha() and "-" in folder.name:
            return prefix
    letters = sum(1 for char in text if char.isalpha()) or 1
    if len(_KANA.findall(text)) > 0.05 * letters:
        return "ja"
    if len(_HAN.findall(text)) > 0.3 * letters:
        return "zh"
    for language, pattern in _SCRIPTS.items():
        if len(re.findall(pattern, text)) > 0.3 * letters:
            return language
    return "und"


def load_pages(corpus: Path, names: list[str]) -> list[Page]:
    pages = []
    for folder in sorted(corpus.iterdir()):
        if not (folder / "source.html").is_file() or (names and folder.name not in names):
            continue
        expected = (folder / "expected.txt").read_text(encoding="utf-8")
        pages.append(
            Page(
                name=folder.name,
                html_size=(folder / "source.html").stat().st_size,
                expected=tokens(expected),
                title=normalise_title((folder / "expected-title.txt").read_text(encoding="utf-8")),
                language=page_language(folder, expected),
            )
        )
    return pages


def measure(corpus: Path, pages: list[Page], extractor: str, source: str, result: Result) -> None:
    run = EXTRACTORS[extractor]
    if pages:  # imports and first-call set-up are not counted against a page
        run((corpus / pages[0].name / source).read_bytes(), source.endswith(".txt"))
    for page in pages:
        data = (corpus / page.name / source).read_bytes()
        start = time.perf_counter()
        try:
            output = run(data, source.endswith(".txt"))
        except Exception as error:  # a library failing on a page scores 0 there
            output = ""
            result.failed.append(f"{page.name}: {type(error).__name__}")
        result.seconds[page.name] = time.perf_counter() - start
        title, body = split_output(output)
        got = tokens(body)
        result.f1[page.name] = f1(got, page.expected)
        result.precision[page.name], result.recall[page.name] = precision_recall(got, page.expected)
        if page.title:
            result.title[page.name] = normalise_title(title) == page.title


def summary_row(source: str, extractor: str, result: Result, pages: list[Page]) -> str:
    scores = [result.f1[page.name] for page in pages]
    titles = [result.title[page.name] for page in pages if page.name in result.title]
    seconds = [result.seconds[page.name] for page in pages]
    title_rate = sum(titles) / len(titles) if titles else 0.0
    return (
        f"| {source} | {LABELS[extractor]} | {len(pages)} | {statistics.mean(scores):.3f} | "
        f"{statistics.median(scores):.3f} | {title_rate:.2f} | "
        f"{statistics.mean(seconds):.3f} | {max(seconds):.3f} |"
    )


def language_rows(source: str, extractor: str, result: Result, pages: list[Page]) -> list[str]:
    """Mean precision, recall, F1 and title agreement per language, and over the pages
    that are not in English (nor of an unknown language)."""
    groups: dict[str, list[Page]] = {}
    for page in pages:
        groups.setdefault(page.language, []).append(page)
    foreign = [page for page in pages if page.language not in ("en", "und")]
    rows = []
    for language, group in [*sorted(groups.items()), ("not English", foreign)]:
        if not group:
            continue
        titles = [result.title[page.name] for page in group if page.name in result.title]
        rows.append(
            f"| {source} | {LABELS[extractor]} | {language} | {len(group)} | "
            f"{statistics.mean(result.precision[page.name] for page in group):.3f} | "
            f"{statistics.mean(result.recall[page.name] for page in group):.3f} | "
            f"{statistics.mean(result.f1[page.name] for page in group):.3f} | "
            + (f"{sum(titles) / len(titles):.2f} |" if titles else "- |")
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--min-bytes", type=int, default=0, help="also score only pages this large or larger"
    )
    parser.add_argument("--input", choices=("html", "txt", "both"), default="both")
    parser.add_argument("--extractors", default="ours,readability,trafilatura,everything")
    parser.add_argument("--worst", type=int, default=0, help="list each extractor's N worst")
    parser.add_argument("--page", action="append", default=[], help="only these pages")
    parser.add_argument("--by-language", action="store_true", help="also a row per language")
    parser.add_argument(
        "--images",
        choices=("alt", "skip"),
        default="alt",
        help="count an image's alt text as text (the corpus README's metric) or skip images",
    )
    args = parser.parse_args(argv)
    COUNT_ALT[0] = args.images == "alt"
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    pages = load_pages(args.corpus, args.page)
    extractors = [name.strip() for name in args.extractors.split(",") if name.strip()]
    sources = ["source.html", "source.txt"] if args.input == "both" else [f"source.{args.input}"]
    large = [page for page in pages if page.html_size >= args.min_bytes]
    header = (
        "| input | extractor | pages | mean F1 | median F1 | title exact | s/page mean | "
        "s/page max |\n| --- | --- | --- | --- | --- | --- | --- | --- |"
    )
    rows, large_rows, by_language = [], [], []
    for source in sources:
        for extractor in extractors:
            result = Result()
            measure(args.corpus, pages, extractor, source, result)
            rows.append(summary_row(source, extractor, result, pages))
            if args.min_bytes and large:
                large_rows.append(summary_row(source, extractor, result, large))
            print(rows[-1], file=sys.stderr, flush=True)
            if args.by_language:
                by_language += language_rows(source, extractor, result, pages)
            for failure in result.failed:
                print(f"  {LABELS[extractor]} failed on {failure}", file=sys.stderr)
            if args.worst:
                worst = sorted(pages, key=lambda page: result.f1[page.name])[: args.worst]
                for page in worst:
                    title = result.title.get(page.name)
                    print(
                        f"  {result.f1[page.name]:.3f} {page.name}"
                        + ("" if title is None or title else "  (title wrong)"),
                        file=sys.stderr,
                    )
    print(f"\nAll {len(pages)} pages:\n")
    print(header)
    print("\n".join(rows))
    if by_language:
        print("\nBy language:\n")
        print("| input | extractor | language | pages | precision | recall | F1 | title exact |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        print("\n".join(by_language))
    if large_rows:
        print(f"\nThe {len(large)} pages of {args.min_bytes} bytes or more:\n")
        print(header)
        print("\n".join(large_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
