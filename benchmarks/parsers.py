"""feedparser against fastfeedparser: speed, and robustness on a corpus of odd feeds.

    python benchmarks/parsers.py CORPUS_DIR [CORPUS_DIR ...] [--feed FILE ...] [--show 5]

CORPUS_DIR: any folder of feed files, read recursively (``.xml``, ``.rdf``, ``.rss``,
``.atom``). feedparser's own test corpus (tests/wellformed, tests/illformed,
tests/encoding, tests/entities) is in its sdist:

    pip download --no-binary :all: --no-deps feedparser==6.0.11 -d /tmp/fp
    tar xzf /tmp/fp/feedparser-6.0.11.tar.gz -C /tmp/fp

Two levels are compared on every file:

- the libraries: ``feedparser.parse(BytesIO)`` and ``fastfeedparser.parse(bytes)``: crashes
  (exceptions), files where each finds items, item counts, and for files where both find
  the same number of items, agreement item by item on title, link, id and date (the same
  instant);
- tuinews: ``read_xml_feed`` as it is (fastfeedparser first, feedparser as the fallback)
  against feedparser alone through the same article rules: FormatErrors, article counts,
  and agreement on title, link, uid, date, author and text.

``--feed`` files (for example the benchmark server's feeds) are timed with both libraries.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

SUFFIXES = {".xml", ".rdf", ".rss", ".atom"}


def files(roots: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        path = Path(root)
        if path.is_file():
            found.append(path)
        else:
            found.extend(p for p in sorted(path.rglob("*")) if p.suffix.lower() in SUFFIXES)
    return found


def _fp_date(entry: Any) -> datetime | None:
    from tuinews.formats.dates import from_struct

    return (
        from_struct(entry.get("published_parsed"))
        or from_struct(entry.get("updated_parsed"))
        or from_struct(entry.get("created_parsed"))
    )


def _ffp_date(entry: Any) -> datetime | None:
    from tuinews.formats.dates import parse_date

    for key in ("published", "updated"):
        value = entry.get(key)
        if isinstance(value, str):
            parsed = parse_date(value)
            if parsed is not None:
                return parsed
    return None


def _norm(value: object) -> str:
    return " ".join(str(value or "").split())


def compare_libraries(paths: list[Path], show: int) -> None:
    import fastfeedparser
    import feedparser

    stats: Counter[str] = Counter()
    fields: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    fp_time = ffp_time = 0.0
    for path in paths:
        data = path.read_bytes()
        stats["files"] += 1
        started = time.perf_counter()
        try:
            fp = feedparser.parse(io.BytesIO(data))
            fp_entries = list(fp.get("entries", []))
        except Exception:
            stats["feedparser crashed"] += 1
            fp_entries = []
        fp_time += time.perf_counter() - started
        started = time.perf_counter()
        try:
            ffp_entries = list(fastfeedparser.parse(data).get("entries", []))
        except Exception as error:
            stats["fastfeedparser raised"] += 1
            ffp_entries = []
            if fp_entries:
                stats["fastfeedparser raised, feedparser found items"] += 1
                examples.setdefault("raised", []).append(f"{path}: {str(error)[:80]}")
        ffp_time += time.perf_counter() - started
        stats["feedparser found items"] += bool(fp_entries)
        stats["fastfeedparser found items"] += bool(ffp_entries)
        stats["items feedparser"] += len(fp_entries)
        stats["items fastfeedparser"] += len(ffp_entries)
        if fp_entries and not ffp_entries:
            stats["only feedparser found items"] += 1
        if ffp_entries and not fp_entries:
            stats["only fastfeedparser found items"] += 1
        if len(fp_entries) != len(ffp_entries):
            stats["item counts differ"] += 1
            examples.setdefault("counts", []).append(
                f"{path}: feedparser {len(fp_entries)}, fastfeedparser {len(ffp_entries)}"
            )
            continue
        for a, b in zip(fp_entries, ffp_entries, strict=True):
            fields["items compared"] += 1
            pairs = {
                "title": (_norm(a.get("title")), _norm(b.get("title"))),
                "link": (_norm(a.get("link")), _norm(b.get("link"))),
                "id": (_norm(a.get("id")), _norm(b.get("id"))),
                "date": (_fp_date(a), _ffp_date(b)),
            }
            for name, (x, y) in pairs.items():
                if x == y:
                    fields[f"{name} same"] += 1
                else:
                    examples.setdefault(name, []).append(f"{path}: {x!r} / {y!r}")
    print("## The libraries, file by file")
    for key, value in stats.items():
        print(f"- {key}: {value}")
    compared = fields["items compared"]
    print(f"- items compared (same count in both): {compared}")
    for name in ("title", "link", "id", "date"):
        same = fields[f"{name} same"]
        print(f"  - {name} agrees: {same} ({100 * same / max(1, compared):.1f}%)")
    print(f"- time over the corpus: feedparser {fp_time:.2f} s, fastfeedparser {ffp_time:.2f} s")
    for name, lines in examples.items():
        print(f"  examples of {name} differences ({len(lines)}):")
        for line in lines[:show]:
            print(f"    {line[:200]}")


def compare_tuinews(paths: list[Path], show: int) -> None:
    from tuinews.formats import FormatError
    from tuinews.formats.feeds import _build_feed, _read_with_feedparser, read_xml_feed

    stats: Counter[str] = Counter()
    fields: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    new_time = old_time = 0.0
    for path in paths:
        data = path.read_bytes()
        started = time.perf_counter()
        try:
            old = _build_feed(_read_with_feedparser(data), name="x", path="", mtime=None).articles
        except FormatError:
            old = None
        except Exception as error:
            old = None
            stats[f"feedparser path raised {type(error).__name__}"] += 1
        old_time += time.perf_counter() - started
        started = time.perf_counter()
        try:
            new = read_xml_feed(data, name="x").articles
        except FormatError:
            new = None
        except Exception as error:
            new = None
            stats[f"new path raised {type(error).__name__} (a bug)"] += 1
        new_time += time.perf_counter() - started
        stats["not a feed: feedparser only"] += old is None
        stats["not a feed: new"] += new is None
        if old is None or new is None:
            if (old is None) != (new is None):
                stats["feed or not: disagree"] += 1
                examples.setdefault("feed or not", []).append(
                    f"{path}: old {'-' if old is None else len(old)}, "
                    f"new {'-' if new is None else len(new)}"
                )
            continue
        stats["articles: feedparser only"] += len(old)
        stats["articles: new"] += len(new)
        if len(old) != len(new):
            stats["article counts differ"] += 1
            examples.setdefault("count", []).append(f"{path}: {len(old)} / {len(new)}")
            continue
        for a, b in zip(old, new, strict=True):
            fields["compared"] += 1
            for name in ("title", "link", "uid", "date", "author", "text"):
                x, y = getattr(a, name), getattr(b, name)
                if name == "text":
                    x, y = _norm(x), _norm(y)
                if x == y:
                    fields[name] += 1
                else:
                    examples.setdefault(name, []).append(f"{path}: {x!r:.90} / {y!r:.90}")
    print("\n## tuinews: fastfeedparser first (new) against feedparser alone")
    for key, value in stats.items():
        print(f"- {key}: {value}")
    compared = fields["compared"]
    print(f"- articles compared: {compared}")
    for name in ("title", "link", "uid", "date", "author", "text"):
        print(f"  - {name} agrees: {fields[name]} ({100 * fields[name] / max(1, compared):.1f}%)")
    print(f"- time: feedparser path {old_time:.2f} s, new {new_time:.2f} s")
    for name, lines in examples.items():
        print(f"  examples of {name} differences ({len(lines)}):")
        for line in lines[:show]:
            print(f"    {line[:220]}")


def time_feeds(paths: list[Path]) -> None:
    import fastfeedparser
    import feedparser

    print("\n## Speed on whole feeds (one thread)")
    print("| feed | items | feedparser | fastfeedparser | tuinews read_xml_feed |")
    print("|---|---|---|---|---|")
    from tuinews.formats.feeds import read_xml_feed

    for path in paths:
        data = path.read_bytes()
        items = len(fastfeedparser.parse(data)["entries"])
        row = [path.name, str(items)]
        for parse in (
            lambda data=data: feedparser.parse(io.BytesIO(data)),
            lambda data=data: fastfeedparser.parse(data),
            lambda data=data: read_xml_feed(data, name="x"),
        ):
            parse()
            runs = 10
            started = time.perf_counter()
            for _ in range(runs):
                parse()
            seconds = (time.perf_counter() - started) / runs
            row.append(f"{seconds * 1000:.2f} ms ({items / seconds:,.0f} items/s)")
        print("| " + " | ".join(row) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="*")
    parser.add_argument("--feed", action="append", default=[])
    parser.add_argument("--show", type=int, default=5, help="examples per difference")
    args = parser.parse_args()
    paths = files(args.corpus)
    if paths:
        print(f"{len(paths)} files")
        compare_libraries(paths, args.show)
        compare_tuinews(paths, args.show)
    if args.feed:
        time_feeds([Path(f) for f in args.feed])
    return 0


if __name__ == "__main__":
    sys.exit(main())
