"""Item ids in the Google Reader API's two forms: long (``tag:google.com,2005:reader/item/``
and 16 hex digits) and short (the same 64 bits as a signed decimal, so possibly negative)."""

from __future__ import annotations

import random

import pytest

from tuinews.fetch.greader_data import (
    ItemRef,
    id_number,
    label_name,
    label_stream,
    long_id,
    short_id,
)

PREFIX = "tag:google.com,2005:reader/item/"

# (long, short): the API notes' own example, zero padding, the edges of the signed range.
KNOWN = [
    (PREFIX + "fb115bd6d34a8e9f", "-355401917359550817"),
    (PREFIX + "000661da6e275524", "1796440639100196"),  # FreshRSS: microseconds
    (PREFIX + "0000000000000000", "0"),
    (PREFIX + "0000000000000001", "1"),
    (PREFIX + "7fffffffffffffff", "9223372036854775807"),
    (PREFIX + "8000000000000000", "-9223372036854775808"),
    (PREFIX + "ffffffffffffffff", "-1"),
]


@pytest.mark.parametrize(("long", "short"), KNOWN)
def test_known_pairs_both_ways(long: str, short: str) -> None:
    assert short_id(long) == short
    assert long_id(short) == long
    assert id_number(long) == id_number(short)
    assert long_id(long) == long and short_id(short) == short


def test_round_trips_over_the_whole_64_bit_range() -> None:
    rng = random.Random(14)
    numbers = [rng.getrandbits(64) for _ in range(2000)] + [0, 1, 2**63 - 1, 2**63, 2**64 - 1]
    for number in numbers:
        long, short = long_id(number), short_id(number)
        assert len(long) == len(PREFIX) + 16
        assert id_number(long) == id_number(short) == number
        assert long_id(short) == long and short_id(long) == short
        assert short.startswith("-") == (number >= 2**63)


def test_other_spellings_that_servers_send() -> None:
    assert id_number(PREFIX + "FB115BD6D34A8E9F") == 0xFB115BD6D34A8E9F  # upper case
    assert long_id(PREFIX + "ff") == PREFIX + "00000000000000ff"  # unpadded
    assert id_number(" 12 ") == 12
    assert short_id("18446744073709551615") == "-1"  # the unsigned decimal of -1


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "abc",
        "1.5",
        "0x10",
        "--1",
        PREFIX,
        PREFIX + "g0",
        PREFIX + "1" * 17,
        "18446744073709551616",  # 2**64
        "-9223372036854775809",  # below the signed range
        "1" * 30,
        "tag:google.com,2005:reader/feed/ff",
    ],
)
def test_not_ids(bad: str) -> None:
    with pytest.raises(ValueError):
        id_number(bad)


def test_an_item_ref_keeps_the_id_as_given() -> None:
    ref = ItemRef.of("-355401917359550817")
    assert ref.id == "-355401917359550817" and ref.number == 0xFB115BD6D34A8E9F
    assert ItemRef.of(PREFIX + "fb115bd6d34a8e9f").number == ref.number


def test_labels() -> None:
    assert label_stream("News") == "user/-/label/News"
    assert label_name("user/-/label/News") == "News"
    assert label_name("user/1005921515/label/Tech") == "Tech"  # Inoreader's user ids
    assert label_name("user/-/state/com.google/starred") is None
    assert label_name("user/-/label/\x1b[31mRed") == "[31mRed"
    with pytest.raises(ValueError):
        label_stream(" \x1b ")
