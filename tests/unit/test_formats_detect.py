"""Detection by content, binary and empty input, and decoding."""

from __future__ import annotations

import codecs
import random

import pytest

from tests.unit.formats_helpers import parse_one
from tuinews.formats import FormatError, detect_format, parse_document
from tuinews.formats.encoding import decode, looks_binary

MAGIC = {
    "png": b"\x89PNG\r\n\x1a\n" + b"IHDR" * 10,
    "jpeg": b"\xff\xd8\xff\xe0JFIF",
    "gif": b"GIF89a" + b"abc" * 10,
    "pdf": b"%PDF-1.7\n%text-like header\n",
    "zip": b"PK\x03\x04" + b"a" * 30,
    "gzip": b"\x1f\x8b\x08" + b"a" * 30,
    "elf": b"\x7fELF" + b"a" * 30,
}


@pytest.mark.parametrize("kind", sorted(MAGIC))
def test_known_magic_numbers_are_binary(kind: str):
    with pytest.raises(FormatError, match=r"^binary file$"):
        parse_document(MAGIC[kind], name=f"file.{kind}")


def test_nul_bytes_are_binary_unless_utf16():
    with pytest.raises(FormatError, match=r"^binary file$"):
        parse_document(b"Looks like text\x00but is not", name="a.txt")
    assert not looks_binary(codecs.BOM_UTF16_LE + "Hello".encode("utf-16-le"))
    assert not looks_binary(b"plain\ttext\r\nwith \x1b escapes")


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", codecs.BOM_UTF8 + b"\n ", b"\x1b\x1b\n"])
def test_empty_files(data: bytes):
    with pytest.raises(FormatError, match=r"^empty file$"):
        parse_document(data, name="x.txt")


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ('{"version": "https://jsonfeed.org/version/1", "items": [{}]}', "x.txt", "jsonfeed"),
        ('{"items": [{"id": "1"}]}', "x", "jsonfeed"),
        ('<?xml version="1.0"?>\n<!-- c -->\n<rss version="2.0">', "x.html", "feed"),
        ("<rdf:RDF xmlns:rdf='x'>", "x", "feed"),
        ('<!DOCTYPE feed [<!ENTITY a "b">]><feed xmlns="x">', "x", "feed"),
        ("<!doctype html><title>x</title>", "feed.xml", "html"),
        ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">', "x", "html"),
        ("<div><p>hi</p></div>", "x", "html"),
        ("Junk before\n<html><body>x</body></html>", "x.txt", "html"),
        ("Plain text only.\n\nAnother paragraph.", "page.html", "text"),
        ("A <p>tag</p> in a sentence", "page.html", "html"),
        ("[Updated] plain text", "x.txt", "text"),
        ("<3 is a heart", "x.txt", "text"),
    ],
)
def test_detection(text: str, name: str, expected: str):
    assert detect_format(text, name) == expected


def test_html_file_with_plain_text_is_read_as_text():
    article = parse_one("A Headline With Five Words\n\nSome text.", name="page.html")
    assert article.kind == "markdown"
    assert article.title == "A Headline With Five Words"


def test_utf8_bom():
    article = parse_one(codecs.BOM_UTF8 + "Über Café Headline Here\n\nText.".encode(), name="a.txt")
    assert article.title == "Über Café Headline Here"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_bom(encoding: str):
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }[encoding]
    data = bom + "Заголовок статьи здесь сейчас\n\nТекст.".encode(encoding)
    article = parse_one(data, name="a.txt")
    assert article.title == "Заголовок статьи здесь сейчас"
    assert "\ufeff" not in article.body


def test_utf16_feed_with_bom():
    xml = '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Ñews</title>'
    xml += "<item><title>Ítem</title><guid>1</guid></item></channel></rss>"
    (item,) = parse_document(codecs.BOM_UTF16_LE + xml.encode("utf-16-le"), name="f.xml")
    assert (item.source, item.title) == ("Ñews", "Ítem")


def test_xml_declared_iso_8859_1():
    xml = '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Caf\xe9'
    xml += (
        "</title><item><title>Gr\xfc\xdfe aus K\xf6ln</title><guid>1</guid></item></channel></rss>"
    )
    (item,) = parse_document(xml.encode("latin-1"), name="f.xml")
    assert (item.source, item.title) == ("Café", "Grüße aus Köln")


def test_meta_charset_windows_1251():
    html = '<html><head><meta charset="windows-1251"><title>Новости дня</title></head>'
    html += "<body><p>Привет, мир</p></body></html>"
    article = parse_one(html.encode("cp1251"), name="a.html")
    assert (article.title, article.text) == ("Новости дня", "Привет, мир")


def test_meta_http_equiv_charset():
    html = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Привет</p>'
    assert decode(html.encode("koi8-r")).endswith("<p>Привет</p>")


def test_declared_charset_that_lies_about_utf8():
    text = '<?xml version="1.0" encoding="iso-8859-1"?><a>Grüße “quoted”</a>'
    assert decode(text.encode("utf-8")) == text


def test_bogus_declared_charsets_are_ignored():
    for label in ("x-no-such", "utf-16", "utf-7", "rot13", "zlib"):
        data = f'<?xml version="1.0" encoding="{label}"?><a>caf\u00e9</a>'.encode()
        assert decode(data).endswith("<a>café</a>"), label


def test_undeclared_latin1():
    text = "Le président a déclaré que la réforme était nécessaire. Les élèves étudient à l'école."
    assert decode(text.encode("latin-1")) == text
    article = parse_one(("A Headline With Five Words\n\n" + text).encode("latin-1"))
    assert article.body == text


def test_undeclared_cp1251_guessed():
    text = "Президент заявил, что реформа необходима. Ученики учатся в школе каждый день."
    assert decode(text.encode("cp1251")) == text


def test_garbage_bytes_never_crash():
    rng = random.Random(1234)
    for size in (1, 2, 3, 7, 64, 500, 3000):
        for _ in range(8):
            data = bytes(rng.randrange(256) for _ in range(size))
            for name in ("x.txt", "x.html", "x.xml", "x.json", "x.md"):
                for prefix in (b"", b"<rss>", b"{", b"<html>", b"# "):
                    try:
                        articles = parse_document(prefix + data, name=name)
                    except FormatError as error:
                        assert str(error)
                    else:
                        assert all(isinstance(a.title, str) for a in articles)
                    assert isinstance(decode(prefix + data), str)


def test_printable_garbage_never_crashes():
    rng = random.Random(99)
    alphabet = bytes(range(0x20, 0x100)) + b"<>&;#\n\n\n{}[]\"'"
    for _ in range(60):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randrange(1, 1500)))
        for prefix in (b"", b"<rss version='2.0'><channel><item><title>", b"<html><p>", b"{"):
            try:
                parse_document(prefix + data, name="x")
            except FormatError as error:
                assert str(error)


def test_xml_declaration_alone_is_not_a_feed():
    with pytest.raises(FormatError, match=r"^XML, but not a feed$"):
        parse_document(b"<?xml version='1.0'?>", name="x.xml")


@pytest.mark.parametrize("body", [b"/dev/zero", b"/etc/passwd"])
def test_body_that_names_a_file_is_just_text(body: bytes):
    (article,) = parse_document(body, name="feed.xml")
    assert article.kind == "markdown"
    assert article.title == body.decode()
