"""Reader mode takes the site's blocks off the end of the article by their shape, in any
language (``extract/trailing.py`` for HTML, ``extract/text_end.py`` for text copies):
tags and share lines, runs of teasers, a heading left with nothing under it, a footer
after the article's container; and keeps what ends a real article (a list of links, a
sentence with links in it, a last short section)."""

from __future__ import annotations

import copy

import lxml.html

from tuinews.extract import extract_html, extract_text, trailing

STORY = [
    f"Paragraph {n} of the story tells, at some length and with care, what the council"
    f" decided about the harbour, the ferries and the new roads in the year {2000 + n}, as told."
    for n in range(8)
]


def _article(*tail: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        "<html><head><title>The harbour story</title></head><body>"
        "<div class='menu'><a href='/1'>Home</a> <a href='/2'>News</a></div>"
        f"<div class='main'><h1>The harbour story</h1>{paragraphs}{''.join(tail)}</div>"
        "</body></html>"
    )


TEASERS = "".join(
    f"<div class='t'><h3><a href='/s/{n}'>Another story number {n}</a></h3>"
    f"<p>A short summary of another story, number {n}, with a few words.</p></div>"
    for n in range(3)
)


def test_tags_and_share_lines_at_the_end_are_dropped() -> None:
    page = _article(
        "<div>Tags: <a href='/t/1'>Harbour</a> <a href='/t/2'>Ferries</a>"
        " <a href='/t/3'>Roads</a></div>",
        "<div>Share this story: <a href='#'>Facebook</a> <a href='#'>X</a></div>",
    )
    markdown = extract_html(page).markdown
    assert STORY[-1] in markdown
    assert "Ferries" not in markdown and "Facebook" not in markdown


def test_a_last_sentence_with_links_in_it_is_kept() -> None:
    page = _article(
        "<p>Read the <a href='/r'>council's report</a> and the <a href='/m'>minutes</a>.</p>"
    )
    markdown = extract_html(page).markdown
    assert "Read the council's report and the minutes" in markdown


def test_a_run_of_teasers_and_its_heading_are_dropped() -> None:
    markdown = extract_html(_article("<h2>Related</h2>", TEASERS)).markdown
    assert STORY[-1] in markdown
    assert "another story" not in markdown.casefold()
    assert "Related" not in markdown


def test_a_last_section_under_a_linked_heading_is_kept() -> None:
    # One block of that shape is not a run of teasers: the article's last section.
    section = (
        "<div><h3><a href='/plan'>The plan</a></h3>"
        "<p>The plan will be shown to residents in May.</p></div>"
    )
    markdown = extract_html(_article(section)).markdown
    assert "shown to residents in May" in markdown


def test_a_heading_whose_comments_were_left_out_is_dropped() -> None:
    comments = "".join(
        f"<div class='comment'><b>Reader {n}</b><p>I think this is a fine idea, {n}.</p></div>"
        for n in range(2)
    )
    markdown = extract_html(_article("<h2>Comments</h2>", comments)).markdown
    assert STORY[-1] in markdown
    assert "Comments" not in markdown


def test_a_heading_over_a_list_of_references_is_kept() -> None:
    # The list goes (readability: too many links); the heading stays, as Readability
    # keeps it (the readability corpus expects it).
    references = "".join(f"<li><a href='/r/{n}'>Reference {n}</a></li>" for n in range(12))
    markdown = extract_html(_article("<h2>External links</h2>", f"<ul>{references}</ul>")).markdown
    assert "External links" in markdown


def test_a_footer_after_the_container_is_dropped_when_readability_takes_the_body() -> None:
    # A short article's container, with a tags line and teasers in it, weighs less in
    # readability's scores than the page's body: it takes the body, footer and all.
    page = (
        "<html><head><title>The harbour story</title></head><body>"
        "<div class='wrap'><h1>The harbour story</h1>"
        + "".join(f"<p>{p}</p>" for p in STORY[:4])
        + "<div>Tags: <a href='/t/1'>Harbour</a> <a href='/t/2'>Ferries</a></div>"
        + TEASERS
        + "</div><div class='bottom'><p>Copyright the Harbour Herald, printed with care"
        " and paper, no copying without leave.</p></div></body></html>"
    )
    markdown = extract_html(page).markdown
    assert STORY[0] in markdown and STORY[3] in markdown
    assert "Copyright" not in markdown


def _trimmed(html: str) -> str:
    """The text left of an article's HTML once its end is trimmed (the HTML is the page)."""
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    for number, element in enumerate(page.iter()):
        element.set(trailing.ID, str(number))
    content = copy.deepcopy(page)
    trailing.trim_end(content, page)
    return str(content.text_content())


def test_a_closing_list_of_short_links_is_kept() -> None:
    # The shape of a tags line, but a list: the article's own links (readability keeps
    # such a list when it is short).
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    links = "".join(
        f"<li><a href='/{n}'>Report {n}</a> <a href='/d{n}'>data</a></li>" for n in range(3)
    )
    text = _trimmed(f"{paragraphs}<ul>{links}</ul>")
    assert "Report 2" in text
    tags = "<p>Tags: <a href='/1'>Report 1</a> <a href='/2'>Report 2</a></p>"
    assert "Report 2" not in _trimmed(f"{paragraphs}{tags}")


# -- text copies

TEXT_STORY = [
    "By Ann Walker Thursday 21 March 2024, 09:15",
    "Work began on Thursday on a new passenger terminal at the old harbour. The building"
    " should be finished in two years and will handle up to a million passengers a year.",
    "The harbour's director said the present terminal no longer met the needs of ferry"
    " companies or travellers. In summer, passengers for the ferries to Germany and Sweden"
    " queue for hours.",
    "The building site of the future terminal",
    "The new building will have waiting halls, cafes, a play area for children and a car"
    " park. Solar panels on the roof will make much of the power the building needs.",
    "The work will cost about forty million euros, part of it paid by European funds. A"
    " local builder that won the tender is doing the work.",
    "## Residents are divided",
    "Residents are divided: some are glad the harbour will grow, others fear even more"
    " lorries in the streets. Will the council manage to rebuild the access roads in time?",
    "The council promises to rebuild the main street to the harbour before the terminal"
    " opens, and to add a new cycle path.",
]


def _text(*tail: str) -> str:
    head = ["Harbour Herald", "  * Home\n  * News\n  * Sport"]
    head.append("# New ferry terminal takes shape at the old harbour")
    return "\n\n".join([*head, *TEXT_STORY, *tail]) + "\n"


def test_a_text_copy_loses_its_tags_teasers_comments_and_notice() -> None:
    text = _text(
        "Tags: Harbour Transport Building",
        "Share: Facebook X",
        "## Related stories",
        "### More visitors on the spit",
        "Almost twice as many guests came to the coast on the first weekend of May as last year.",
        "### Basketball club signs a new coach",
        "The new coach will train the team for the next three seasons.",
        "### A jubilee season at the theatre",
        "The theatre turns a hundred this year and will stage eight premieres.",
        "## Comments",
        "**John** 2024-05-01 18:00",
        "At last! The old terminal was a disgrace to the town.",
        "**Harbour resident** 2024-05-02 18:01",
        "What matters is that they do not forget the streets and lights near the port.",
        "All rights reserved. Copying the Harbour Herald's content without written permission"
        " is forbidden.",
    )
    result = extract_text(text)
    assert result.found
    assert "Work began on Thursday" in result.markdown
    assert "add a new cycle path" in result.markdown
    for gone in ("Tags", "Facebook", "Related", "coach", "Comments", "disgrace", "rights"):
        assert gone not in result.markdown, gone


def test_a_text_copy_keeps_a_last_short_section() -> None:
    # A heading over one short paragraph is the article's last section, not a teaser.
    text = _text("## What comes next", "The council decides on the terminal's cycle path in May.")
    result = extract_text(text)
    assert "What comes next" in result.markdown
    assert "cycle path in May" in result.markdown
