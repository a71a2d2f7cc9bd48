"""A loopback feed server for the refresh benchmark.

    python benchmarks/feedserver.py --out DIR [--feeds 1000] [--items 20] [--hosts 8]
                                    [--port 0] [--latency-ms 0] [--gzip] [--seed 1]

Serves N feeds of 20 items each (2-5 KB of HTML per item: paragraphs, links, a list, an
image), a third each RSS 2.0, Atom 1.0 and JSON Feed 1.1, deterministic (seeded) so every
run and every client gets the same bytes. Every response carries an ETag and a
Last-Modified; a request whose If-None-Match matches (or, without one, whose
If-Modified-Since is not older) gets a 304.

All feeds are on 127.0.0.1, so one host name would put every feed behind one per-host limit
(tuinews's default is 2 at once per host, which would serialise a refresh). Linux answers on
the whole 127.0.0.0/8 without setup, so the feeds are spread over ``--hosts`` addresses
127.0.0.1 .. 127.0.0.N: like real subscriptions, which are spread over many sites. With 8
hosts tuinews's defaults (16 overall, 2 per host) allow 16 requests at once.

newsboat (2.21, and upstream so far) reads no JSON Feed, so each JSON feed also has an RSS
twin with the same items (its path + ``.rss.xml``). Writes ``DIR/feeds.opml`` (for tuinews),
``DIR/urls`` (for newsboat: the twins instead of the JSON feeds, so both readers parse the
same 20 x N items) and ``DIR/urls-same`` (exactly tuinews's URLs), then prints
``READY <port> <feeds>`` on stdout and serves until SIGTERM/SIGINT (or ``--max-seconds``).

Implementation notes (from measuring newsboat against ``http.server``): the status line,
headers and body go out in one write (separate writes hit Nagle + delayed ACK, ~40 ms per
request on a keep-alive connection), and the listen backlog is large (the socketserver
default of 5 drops SYNs under 16 connections at once).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import hashlib
import json
import os
import random
import signal
import sys
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path
from xml.sax.saxutils import quoteattr

TWIN_SUFFIX = ".rss.xml"
BASE_TIME = 1_767_225_600  # 2026-01-01T00:00:00Z: items are dated before it
FORMATS = ("rss", "atom", "json")
EXT = {"rss": "xml", "atom": "atom", "json": "json"}
CONTENT_TYPE = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}

WORDS = (  # noqa: SIM905
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there been one all we their has would when "
    "council minister report city market energy climate research study data network "
    "policy budget election court river station museum festival season league team coach "
    "players results growth prices inflation workers union strike transport railway bridge "
    "airport harbour weather storm forecast rainfall summer winter hospital patients doctors "
    "school teachers students university science telescope satellite mission launch rocket "
    "software security update release developers browser privacy regulators company shares "
    "investors profits quarter analysts housing rents planning village farmers harvest "
    "drought water supply electricity grid solar wind turbines battery vehicles charging "
    "officials announced said confirmed expected reported warned agreed rejected proposed "
    "yesterday today tomorrow morning evening week month year decade century local national "
    "international regional european global northern southern eastern western"
).split()
TOPICS = (  # noqa: SIM905
    "Politics World Business Technology Science Health Sport Culture Climate Local Opinion"
).split()
FIRST = "Anna Ben Chloe David Elena Farid Greta Hugo Ines Jonas Kira Liam Mona Nils".split()  # noqa: SIM905
LAST = "Berg Costa Dubois Eriksen Fischer Garcia Haddad Ivanova Jensen Kowalski Laine".split()  # noqa: SIM905


@dataclass
class Doc:
    path: str
    host: str
    title: str
    fmt: str
    body: bytes
    gz: bytes
    etag: str
    last_modified: str
    modified: float


def _sentence(rng: random.Random, low: int = 8, high: int = 22) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _item_html(rng: random.Random, site: str, target: int) -> str:
    """2-5 KB of article HTML: paragraphs with links and emphasis, a list, an image."""
    parts: list[str] = []
    size = 0
    image_at = rng.randint(1, 3)
    list_at = rng.randint(2, 5)
    while size < target:
        n = len(parts)
        if n == image_at:
            src = f"{site}/images/{rng.randrange(10**8):08d}.jpg"
            alt = escape(_sentence(rng, 4, 8)[:-1])
            part = (
                f'<figure><img src="{src}" alt="{alt}" width="640" height="360">'
                f"<figcaption>{alt}</figcaption></figure>"
            )
        elif n == list_at:
            items = "".join(f"<li>{escape(_sentence(rng, 4, 10))}</li>" for _ in range(4))
            part = f"<ul>{items}</ul>"
        else:
            sentences = [escape(_sentence(rng)) for _ in range(rng.randint(3, 6))]
            k = rng.randrange(len(sentences))
            words = sentences[k].split(" ")
            w = rng.randrange(len(words))
            href = f"{site}/{rng.choice(TOPICS).lower()}/{rng.randrange(10**6)}"
            words[w] = f'<a href="{href}">{words[w]}</a>'
            if len(words) > 3:
                words[1] = f"<strong>{words[1]}</strong>"
            sentences[k] = " ".join(words)
            part = "<p>" + " ".join(sentences) + "</p>"
        parts.append(part)
        size += len(part)
    return "\n".join(parts)


def _http_date(ts: float) -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(ts))


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def make_feed(
    index: int, fmt: str, items: int, seed: int, origin: str, base: float = BASE_TIME
) -> tuple[str, bytes, float]:
    """One feed document: (title, bytes, newest item time); items dated before ``base``."""
    rng = random.Random(seed * 1_000_003 + index)
    site = f"https://site{index}.example.org"
    title = f"{rng.choice(TOPICS)} Daily {index}"
    feed_url = f"{origin}/feeds/{index}.{EXT[fmt]}"
    entries = []
    t = base - rng.randrange(3600 * 24)
    for k in range(items):
        t -= rng.randrange(600, 6 * 3600)
        entries.append(
            {
                "id": f"{site}/story/{index}-{k}",
                "title": _sentence(rng, 5, 12)[:-1],
                "link": f"{site}/{rng.choice(TOPICS).lower()}/{index}-{k}",
                "author": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "time": t,
                "html": _item_html(rng, site, rng.randint(2000, 5000)),
                "tag": rng.choice(TOPICS),
            }
        )
    newest = entries[0]["time"] if entries else base
    if fmt == "rss":
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
            f"<title>{escape(title)}</title>\n<link>{site}/</link>\n"
            f"<description>News from {escape(title)}</description>\n<language>en</language>\n"
            f"<lastBuildDate>{_http_date(newest)}</lastBuildDate>\n"
        ]
        for e in entries:
            html = e["html"].replace("]]>", "]]]]><![CDATA[>")
            out.append(
                f"<item>\n<title>{escape(e['title'])}</title>\n<link>{e['link']}</link>\n"
                f'<guid isPermaLink="true">{e["id"]}</guid>\n'
                f"<pubDate>{_http_date(e['time'])}</pubDate>\n"
                f"<dc:creator>{escape(e['author'])}</dc:creator>\n"
                f"<category>{e['tag']}</category>\n"
                f"<description><![CDATA[{html}]]></description>\n</item>\n"
            )
        out.append("</channel>\n</rss>\n")
        return title, "".join(out).encode(), newest
    if fmt == "atom":
        out = [
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>{escape(title)}</title>\n<id>{site}/</id>\n"
            f'<link rel="alternate" href="{site}/"/>\n'
            f'<link rel="self" href="{escape(feed_url)}"/>\n'
            f"<updated>{_iso(newest)}</updated>\n"
        ]
        for e in entries:
            out.append(
                f"<entry>\n<title>{escape(e['title'])}</title>\n"
                f'<link rel="alternate" href="{e["link"]}"/>\n<id>{e["id"]}</id>\n'
                f"<published>{_iso(e['time'])}</published>\n"
                f"<updated>{_iso(e['time'])}</updated>\n"
                f"<author><name>{escape(e['author'])}</name></author>\n"
                f"<category term={quoteattr(e['tag'])}/>\n"
                f'<content type="html">{escape(e["html"])}</content>\n</entry>\n'
            )
        out.append("</feed>\n")
        return title, "".join(out).encode(), newest
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": f"{site}/",
        "feed_url": feed_url,
        "items": [
            {
                "id": e["id"],
                "url": e["link"],
                "title": e["title"],
                "content_html": e["html"],
                "date_published": _iso(e["time"]),
                "authors": [{"name": e["author"]}],
                "tags": [e["tag"]],
            }
            for e in entries
        ],
    }
    return title, json.dumps(doc, ensure_ascii=False, indent=1).encode(), newest


def _doc(path: str, host: str, title: str, fmt: str, body: bytes, newest: float) -> Doc:
    etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
    gz = gzip.compress(body, 6)
    return Doc(path, host, title, fmt, body, gz, etag, _http_date(newest), newest)


def build(
    feeds: int,
    items: int,
    hosts: int,
    port: int,
    seed: int,
    formats: tuple[str, ...],
    base: float = BASE_TIME,
) -> tuple[dict[tuple[str, str], Doc], dict[tuple[str, str], Doc]]:
    """The feeds, and RSS twins of the JSON feeds (same items) for newsboat, which reads
    no JSON Feed: ``TWIN_SUFFIX`` appended to the JSON feed's path."""
    docs: dict[tuple[str, str], Doc] = {}
    twins: dict[tuple[str, str], Doc] = {}
    for index in range(feeds):
        fmt = formats[index % len(formats)]
        host = f"127.0.0.{1 + index % hosts}"
        origin = f"http://{host}:{port}"
        title, body, newest = make_feed(index, fmt, items, seed, origin, base)
        path = f"/feeds/{index}.{EXT[fmt]}"
        docs[(host, path)] = _doc(path, host, title, fmt, body, newest)
        if fmt == "json":
            _, rss, _ = make_feed(index, "rss", items, seed, origin, base)
            twin = path + TWIN_SUFFIX
            twins[(host, twin)] = _doc(twin, host, title, "rss", rss, newest)
    return docs, twins


def write_lists(docs: dict[tuple[str, str], Doc], port: int, out: Path) -> None:
    """feeds.opml (for tuinews), urls (newsboat: JSON feeds replaced by their RSS twins,
    same items) and urls-same (newsboat, the very same URLs: its JSON feeds fail)."""
    outlines = []
    urls = []
    same = []
    for doc in docs.values():
        url = f"http://{doc.host}:{port}{doc.path}"
        outlines.append(
            f'    <outline type="rss" text={quoteattr(doc.title)} title={quoteattr(doc.title)} '
            f"xmlUrl={quoteattr(url)}/>"
        )
        same.append(f"{url} bench {doc.fmt}")
        urls.append(f"{url}{TWIN_SUFFIX if doc.fmt == 'json' else ''} bench {doc.fmt}")
    (out / "urls-same").write_text("\n".join(same) + "\n", encoding="utf-8")
    opml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
        "  <head><title>tuinews benchmark feeds</title></head>\n  <body>\n"
        + "\n".join(outlines)
        + "\n  </body>\n</opml>\n"
    )
    (out / "feeds.opml").write_text(opml, encoding="utf-8")
    (out / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")


class Server:
    def __init__(self, docs: dict[tuple[str, str], Doc], latency: float, use_gzip: bool) -> None:
        self.docs = docs
        self.latency = latency
        self.use_gzip = use_gzip
        self.stats = {"200": 0, "304": 0, "404": 0, "bytes": 0}
        self.in_flight = 0
        self.peak_in_flight = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        local = writer.get_extra_info("sockname")[0]
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                try:
                    method, target, version = lines[0].split(" ", 2)
                except ValueError:
                    return
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                if length:
                    await reader.readexactly(length)
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
                try:
                    if self.latency:
                        await asyncio.sleep(self.latency)
                    response = self.respond(method, target, headers, local)
                finally:
                    self.in_flight -= 1
                writer.write(response)  # status line, headers and body in one write
                await writer.drain()
                close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
                if close:
                    return
        except (ConnectionError, OSError):
            return
        finally:
            writer.close()

    def respond(self, method: str, target: str, headers: dict[str, str], local: str) -> bytes:
        host = headers.get("host", local).rsplit(":", 1)[0] or local
        doc = self.docs.get((host, target.split("?", 1)[0]))
        if doc is None or method not in ("GET", "HEAD"):
            self.stats["404"] += 1
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        validators = f"ETag: {doc.etag}\r\nLast-Modified: {doc.last_modified}\r\n"
        if self._not_modified(doc, headers):
            self.stats["304"] += 1
            return f"HTTP/1.1 304 Not Modified\r\n{validators}\r\n".encode()
        body, extra = doc.body, ""
        if self.use_gzip and "gzip" in headers.get("accept-encoding", ""):
            body, extra = doc.gz, "Content-Encoding: gzip\r\n"
        self.stats["200"] += 1
        self.stats["bytes"] += len(body)
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {CONTENT_TYPE[doc.fmt]}\r\n{validators}{extra}"
            f"Vary: Accept-Encoding\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        return head + (body if method == "GET" else b"")

    @staticmethod
    def _not_modified(doc: Doc, headers: dict[str, str]) -> bool:
        inm = headers.get("if-none-match")
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            return "*" in tags or doc.etag in tags or f"W/{doc.etag}" in tags
        ims = headers.get("if-modified-since")
        if ims:
            try:
                return parsedate_to_datetime(ims).timestamp() >= int(doc.modified)
            except (TypeError, ValueError):
                return False
        return False


async def serve(args: argparse.Namespace) -> None:
    hosts = [f"127.0.0.{1 + i}" for i in range(args.hosts)]
    started = time.monotonic()
    # Bind first (port 0: the first host picks one, the others reuse it), then build.
    port = args.port
    servers = []
    holder: dict[str, Server] = {}

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await holder["server"].handle(reader, writer)

    for host in hosts:
        server = await asyncio.start_server(handler, host, port, backlog=1024, limit=65536)
        port = server.sockets[0].getsockname()[1]
        servers.append(server)
    formats = tuple(f for f in args.formats.split(",") if f)
    docs, twins = build(
        args.feeds, args.items, args.hosts, port, args.seed, formats, args.base_time or BASE_TIME
    )
    holder["server"] = Server({**docs, **twins}, args.latency_ms / 1000, args.gzip)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_lists(docs, port, out)
    total = sum(len(d.body) for d in docs.values())
    print(
        f"READY {port} {len(docs)} feeds, {total / 2**20:.1f} MiB, "
        f"built in {time.monotonic() - started:.1f} s",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), args.max_seconds)
    for server in servers:
        server.close()
    stats = holder["server"].stats
    print(f"STATS {json.dumps(stats)} peak_in_flight={holder['server'].peak_in_flight}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder for feeds.opml and urls")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--hosts", type=int, default=8, help="loopback addresses (1-254)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--gzip", action="store_true", help="gzip bodies when asked")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default="rss,atom,json", help="cycled over the feeds")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="stop after this")
    parser.add_argument(
        "--base-time", type=float, default=0.0, help="items dated before this (default 2026-01-01)"
    )
    args = parser.parse_args()
    if not 1 <= args.hosts <= 254:
        parser.error("--hosts must be 1..254")
    if os.environ.get("PYTHONASYNCIODEBUG"):
        print("note: asyncio debug mode slows the server", file=sys.stderr)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
