"""HN comment HTML to text, the company of a posting's lead line, and the add_text verb."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from trendlab.clean.text import add_text, company_of, html_to_text
from trendlab.schemas import POSTINGS
from trendlab.sources import hn_thread_pages

FIX = Path(__file__).parent / "fixtures" / "hn"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # HN's own encoding of "/" and quotes, and the usual named references
        ("a&#x2F;b &#x27;q&#x27; &quot;d&quot; &amp; &lt;b&gt;", "a/b 'q' \"d\" & <b>"),
        ("caf&eacute; &euro;5&nbsp;&nbsp;k", "café €5 k"),
        # paragraphs become one blank line, however many <p> in a row
        ("Acme | SWE<p>One.<p><p>Two.</p><p></p>", "Acme | SWE\n\nOne.\n\nTwo."),
        # a line break the poster typed is kept, spaces around it are not
        ("Acme | SWE  \n  We build   boats", "Acme | SWE\nWe build boats"),
        ("one<br>two<br/>three", "one\ntwo\nthree"),
        # nested inline tags vanish, their text stays, word spacing intact
        ("<p><i>Acme <b>Corp</b></i>, <u>Inc</u>.</p>", "Acme Corp, Inc."),
        ('<font color="#000000">Acme</font>', "Acme"),
        ("", ""),
        (None, ""),
        ("plain text, no tags", "plain text, no tags"),
        ("x\x10y", "xy"),  # a stray control byte found in one saved page
        # CR LF and a lone CR are line breaks, as an HTML parser reads them (not spaces)
        ("Acme | SWE\rWe build boats\r\nin Oslo", "Acme | SWE\nWe build boats\nin Oslo"),
        ("<pre>a\rb\r\nc</pre>", "a\nb\nc"),
        ("2 < 3 and 5 > 4", "2 < 3 and 5 > 4"),
    ],
)
def test_html_to_text_awkward_inputs(html, text):
    assert html_to_text(html) == text


def test_truncated_link_text_is_replaced_by_the_full_href():
    html = ('Apply: <a href="https:&#x2F;&#x2F;jobs.acme.example&#x2F;openings&#x2F;backend-engineer-42?src=hn" '
            'rel="nofollow">https:&#x2F;&#x2F;jobs.acme.example&#x2F;openings&#x2F;backend-engi...</a> now')
    assert html_to_text(html) == "Apply: https://jobs.acme.example/openings/backend-engineer-42?src=hn now"


def test_truncated_link_matches_a_host_the_browser_lower_cased():
    html = ('<a href="https://acme.applytojob.example/apply/x1/Data-Engineer.html">'
            "https://Acme.applytojob.example/apply/x1/Data-Engin...</a>")
    assert html_to_text(html) == "https://acme.applytojob.example/apply/x1/Data-Engineer.html"


def test_link_text_that_is_not_a_shortened_href_is_kept():
    assert html_to_text('<a href="https://acme.example/jobs">our jobs page</a>') == "our jobs page"
    # "..." that does not abbreviate the href: the visible text stays
    assert html_to_text('<a href="https://acme.example/x">see more...</a>') == "see more..."
    assert html_to_text('<a href="https://a.example/full">https://a.example/full</a>') == "https://a.example/full"


def test_pre_code_keeps_spacing_and_its_markup_as_text():
    html = "Stack:<p></p><pre><code>  - Python &amp; Rust\n      (async)\n  &lt;div&gt; templates\n</code></pre>\nWrite to us"
    assert html_to_text(html) == "Stack:\n\n  - Python & Rust\n      (async)\n  <div> templates\nWrite to us"


def test_reply_block_scripts_and_comments_are_dropped():
    html = ('Acme | SWE<span>\n   </span><div class="reply"><p><font size="1"><u>'
            '<a href="reply?id=1">reply</a></u></font></p></div><script>var a = "<p>x</p>";</script>'
            "<!-- saved from url=(0044)https://news.ycombinator.com/item?id=1 -->")
    assert html_to_text(html) == "Acme | SWE"


def test_text_of_a_saved_page_posting():
    posting = hn_thread_pages.parse_file(FIX / "March2015.html").postings["html"].iloc[0]
    assert html_to_text(posting) == (
        "Quillfeather Robotics | Backend Engineer | Boston, MA | ONSITE\n\n"
        "We build warehouse robots & the software that plans their routes.\n\n"
        "Apply: https://jobs.quillfeather.example/openings/backend-engineer-boston"
    )


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("Quillfeather Robotics | Backend Engineer | Boston, MA", "Quillfeather Robotics"),
        ("Ohm Labs - Berlin - Product Manager", "Ohm Labs"),
        ("Ohm Labs – Berlin", "Ohm Labs"),
        ("Vexa Health: Product Manager, REMOTE", "Vexa Health"),
        ("Clever (YC S12) | San Francisco", "Clever"),
        ("https://tidewater.example/ | Lisbon", "tidewater.example"),
        ("Company: Juniper Ledger | Austin", "Juniper Ledger"),
        ("Boston, MA - Quillfeather Robotics - ONSITE", "Quillfeather Robotics"),
        ("London | Large Hedge Fund | ONSITE", "Large Hedge Fund"),
        ("Main Street Bakery // Austin, TX - ONSITE", "Main Street Bakery"),
        ("Aha! | Remote", "Aha!"),
        ("Meeting at 10:30 | Acme", "Meeting at 10:30"),  # a time's colon does not split
        # not a company: keyword, place, job title, sentence, question, no separator, too long
        ("REMOTE | Acme", None),
        ("San Francisco, CA | Full time", None),
        ("Senior Software Engineer | Acme", None),
        ("We are hiring engineers in Boston - apply now", None),
        ("Anyone hiring in Oslo? | thanks", None),
        ("Acme Corp is hiring in Berlin", None),
        ("An unusually long lead segment that goes on and on about the company | SWE", None),
        ("", None),
        (None, None),
        ("Acme | SWE\nsecond line | ignored", "Acme"),
        # invisible characters and white space at a name's edges are not the name
        ("\ufeffEnergyWise | Seattle", "EnergyWise"),
        ("\u200bLendwell, Inc | Charlotte", "Lendwell, Inc"),
        ('"\xa0Acme" | Berlin', "Acme"),
        ("Acme / | Berlin", "Acme"),
        ("Company | Company | Berlin", None),  # a label is not a name
    ],
)
def test_company_of(text, company):
    assert company_of(text) == company


def _raw() -> pd.DataFrame:
    return hn_thread_pages.parse_file(FIX / "March2015.html").postings


def test_add_text_gives_the_postings_columns_and_leaves_input_alone():
    raw = _raw()
    before = raw.copy()
    out = add_text(raw)
    pd.testing.assert_frame_equal(raw, before)
    assert list(out.columns) == list(POSTINGS.columns)
    POSTINGS.validate(out)
    assert out["company"].tolist() == ["Quillfeather Robotics", "Ohm Labs"]
    assert out["text"].iloc[1] == (
        "Ohm Labs - Berlin - Product Manager, Data Engineer\n\nOur stack:\n\n"
        "  - Python & Rust\n  - Postgres\nWrite to jobs@ohm.example"
    )
    assert str(out["text"].dtype) == "string" and str(out["company"].dtype) == "string"


def test_add_text_needs_html():
    with pytest.raises(KeyError, match="needs an 'html' column"):
        add_text(pd.DataFrame({"text": ["x"]}))
