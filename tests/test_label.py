"""The post labeller: PM roles, the PM's own asks, the splitter rules it relies on, files and the CLI."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from trendlab.clean.roles import split_roles
from trendlab.clean.text import company_of
from trendlab.clean.titles import taxonomy as title_taxonomy
from trendlab.label import (
    CUES_FILE,
    LABEL_COLUMNS,
    LabelInputError,
    cues,
    label_file,
    label_posts,
    may_hold_pm,
    pm_mentions,
    read_cues,
    read_posts_csv,
    text_units,
)

MIRROR = os.environ.get("TRENDLAB_MIRROR")
FIX = Path(__file__).parent / "fixtures" / "label"


def fixture(name: str) -> str:
    return (FIX / f"{name}.txt").read_text(encoding="utf-8")


def label(*texts: str) -> pd.DataFrame:
    return label_posts(pd.DataFrame({"id": [str(i) for i in range(len(texts))], "text": list(texts)}))


def one(text: str) -> dict:
    return label(text).iloc[0].to_dict()


def roles_of(text: str) -> pd.DataFrame:
    posts = pd.DataFrame(
        {"source": "t", "posting_id": ["p"], "month": "2016-01", "text": [text], "company": [company_of(text)]}
    )
    return split_roles(posts, fuzzy=False).roles


# --------------------------------------------------------------------------- is_pm_role


def test_pm_in_header_with_own_asks():
    r = one(fixture("single_pm"))
    assert r["is_pm_role"] == 1
    assert r["pm_titles"] == "Senior Product Manager"
    # SQL is asked of the PM; Tableau only as a plus; the stack line is the company's (T4);
    # "jobs.html" is a link, not an HTML ask
    assert r["pm_requires_technical"] == 1 and r["pm_prefers_technical"] == 1
    assert r["technical_terms"] == "SQL;Tableau (preferred)"
    assert r["pm_requires_eng_background"] == 0
    assert r["pm_requirements_stated"] == 1


def test_pm_as_colleague_is_not_a_pm_role():
    r = one(fixture("colleague"))
    assert r["is_pm_role"] == 0
    # the PM columns are empty, not 0, when no PM is hired
    assert all(pd.isna(r[c]) for c in LABEL_COLUMNS[1:])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme | Backend Engineer | NYC\nYou'll report to our VP of Product.", 0),
        ("Acme | Backend Engineer | NYC\nOur tool helps product managers plan roadmaps.", 0),
        ("Acme | Backend Engineer | NYC\nI'm the product manager here; we are hiring engineers.", 0),
        ("Acme | Backend Engineer | NYC\nThere are no product managers: engineers decide.", 0),
        ("Acme | Developer | NYC\nDevelopment is part of the Product Management team.", 0),
        ("Acme | NYC\nWe're hiring a senior engineer, a PM, and other positions.", 0),  # bare PM (R5)
        ("SEEKING WORK | Product Manager | Remote\nI have 8 years of product management.", 0),  # R9
        ("Acme | NYC\nWe're also looking for a product manager to own billing.", 1),
        ("Acme | NYC\nWe have openings in sales and product management.", 1),  # R1
        ("Acme | NYC\nDesigners, product managers and other positions available.", 1),
        ("Acme | Product Owner/Project Manager | Vienna", 1),  # R6
        ("Acme | Product Management Intern | Boston", 1),  # R7
        ("Acme | NYC\nOther positions:\n- DevOps Engineer\n- Product Owners", 1),
    ],
)
def test_is_pm_role_rules(text, expected):
    assert one(text)["is_pm_role"] == expected


def test_bare_pm_is_settled_by_a_product_manager_title_in_the_post():
    r = one(fixture("hybrid_list"))
    assert r["is_pm_role"] == 1
    assert set(r["pm_titles"].split(";")) == {"Dev / Product Manager", "Technical PM"}
    # the list under "... a Dev / Product Manager hybrid:" is that role's own text
    assert r["pm_requires_eng_background"] == 1 and r["pm_requires_technical"] == 1


def test_pm_mentions_keep_hiring_context_and_the_rest_of_a_list_line():
    text = fixture("running_text")
    assert [m.title for m in pm_mentions(text)] == ["product management"]
    m = pm_mentions("Roles:\n- a Product Manager with a technical background\n- a DevOps engineer")
    assert [(x.title, x.rest) for x in m] == [("Product Manager", "with a technical background")]
    assert [x.title for x in pm_mentions("Humbot | Product Management | Full-time | SF")] == ["Product Management"]
    assert pm_mentions("You will collaborate with product managers, designers and QA.") == []
    assert pm_mentions("We're a team of engineers, designers and product managers.") == []


# --------------------------------------------------------------------------- the PM's own asks


def test_other_roles_asks_are_not_the_pms():
    r = one(fixture("multi_role"))
    assert r["is_pm_role"] == 1 and r["pm_titles"] == "Product Manager"
    assert r["pm_requires_technical"] == 0  # Go and Kubernetes are asked of the backend engineer
    assert r["pm_requirements_stated"] == 1  # the PM's own duties


def test_shared_ask_addressed_to_every_hire_counts():
    r = one(fixture("shared_ask"))
    assert r["pm_requires_technical"] == 1 and r["pm_requires_eng_background"] == 1
    assert r["technical_terms"] == "Technical background"  # Rust and Kafka are the engineers'


def test_shared_text_that_addresses_one_role_does_not_count():
    text = (
        "Acme | Data Engineer, Product Manager | NYC\n\n"
        "We are looking for someone with experience in Python and Spark.\n"
    )
    assert one(text)["pm_requires_technical"] == 0


def test_pasted_ads_give_the_header_pm_its_block():
    r = one(fixture("pasted_ads"))
    # T2: knowing what a mobile device can do; the designer's HTML plus is not the PM's
    assert r["pm_requires_technical"] == 1 and r["technical_terms"] == "Technical understanding"
    assert r["pm_prefers_technical"] == 0


@pytest.mark.parametrize(
    ("text", "technical", "preferred", "eng"),
    [
        ("Acme | Product Manager | NYC\nA CS degree is required.", 1, 0, 1),
        ("Acme | Product Manager | NYC\nYou have strong technical skills.", 1, 0, 0),  # E1
        ("Acme | Product Manager | NYC\nYou should be very technical.", 1, 0, 0),
        ("Acme | Product Manager | NYC\nA technical background is strongly preferred.", 0, 1, 0),
        ("Acme | Product Manager | NYC\nSQL is a plus.", 0, 1, 0),
        ("Acme | Product Manager | NYC\nYou have written a web app.", 1, 0, 1),
        ("Acme | Product Manager | NYC\nNo coding required; you will talk to customers.", 0, 0, 0),
        ("Acme | Product Manager | NYC\nWe build AI-powered tools. You will talk to customers.", 0, 0, 0),
        ("Acme | Product Manager | NYC\nOur backend is written in Go. You love customers.", 0, 0, 0),
        ("Acme | Product Manager | NYC\nYou'll gain experience with machine learning.", 0, 0, 0),
        ("Acme | Product Manager | NYC\nAbout us:\nWe use Python and Kafka.\nRequirements:\n- Kafka", 1, 0, 0),
    ],
)
def test_technical_asks(text, technical, preferred, eng):
    r = one(text)
    assert (r["pm_requires_technical"], r["pm_prefers_technical"], r["pm_requires_eng_background"]) == (
        technical, preferred, eng,
    )


@pytest.mark.parametrize(
    ("text", "technical"),
    [
        ("Acme | Technical Product Manager, Payments | NYC", 1),  # T1
        ("Acme | Data Product Manager | NYC", 1),
        ("Acme | Product Manager, Growth | NYC", 0),  # a product area is not technical
        ("Acme | NYC | Product Managers for 1) the Platform, 2) Growth | Onsite", 1),
        ("Acme | NYC\nWe're hiring:\n-Product Manager Data/Tools and Analytics\n-Designer", 1),
        ("Acme | NYC\nWe're hiring:\n- Product Manager\nOur Product Manager owns the data platform.", 0),
    ],
)
def test_technical_titles(text, technical):
    r = one(text)
    assert r["is_pm_role"] == 1 and r["pm_requires_technical"] == technical


def test_skill_fields_after_the_pm_title_in_the_header():
    # T3: "Data Science Product Manager | Python, ML" lists the PM's own skills
    r = one("Acme: Growth Product Manager | Python, SQL | Los Angeles")
    assert r["pm_requires_technical"] == 1 and r["technical_terms"] == "Python;SQL"
    r = one("Acme | fintech, machine learning | Growth Product Manager | NYC")
    assert r["pm_requires_technical"] == 0  # tags before the title describe the company


def test_requirements_stated_needs_an_ask_of_its_own():
    assert one("Acme | Product Manager | NYC\nhttps://acme.example/jobs/pm")["pm_requirements_stated"] == 0
    assert one("Acme | Product Manager | NYC\nYou will own our onboarding funnel.")["pm_requirements_stated"] == 1


# --------------------------------------------------------------------------- frames and edge cases


def test_output_keeps_rows_columns_and_types_and_leaves_input_alone():
    posts = pd.DataFrame({"id": [3, 1, 2], "text": ["Acme | Product Manager", None, ""], "extra": ["x", "y", "z"]})
    before = posts.copy()
    out = label_posts(posts)
    pd.testing.assert_frame_equal(posts, before)
    assert out.columns.tolist() == ["id", "text", "extra", *LABEL_COLUMNS]
    assert out["id"].tolist() == [3, 1, 2] and out["extra"].tolist() == ["x", "y", "z"]
    assert out["is_pm_role"].tolist() == [1, 0, 0]
    assert str(out["is_pm_role"].dtype) == "Int8" and str(out["pm_titles"].dtype) == "string"
    assert out.attrs["taxonomy_version"]


@pytest.mark.parametrize(
    "text",
    [
        "We are a bakery. Product managers sometimes buy bread.",  # no header line at all
        "<p>Acme &amp; Co | Product Manager</p><p>You have SQL skills.</p>",  # HTML leftovers
        "Ünïcödé | Prodüct Manager | Zürich\n\u200b\u00a0",
        "|||\n---\n:::",
        "x" * 20000,
    ],
)
def test_posts_of_other_origins_do_not_crash(text):
    r = one(text)
    assert r["is_pm_role"] in (0, 1)


@pytest.mark.parametrize(
    ("posts", "message"),
    [
        (pd.DataFrame({"text": ["a"]}), "lack column"),
        (pd.DataFrame({"id": [None], "text": ["a"]}), "missing id in row"),
        (pd.DataFrame({"id": ["a", "a"], "text": ["x", "y"]}), r"ids repeat in row\(s\) 1, 2"),
        (pd.DataFrame({"id": ["a"], "text": [3.5]}), "expected text"),
    ],
)
def test_bad_frames_are_named(posts, message):
    with pytest.raises(LabelInputError, match=message):
        label_posts(posts)


def test_text_units_sections():
    t = "--Where you fit in--\nYou know SQL. We ship.\nBenefits:\n- Equity\nNice to have:\n- Go"
    got = [(t[u.start : u.end], u.section, u.heading) for u in text_units(t)]
    assert got == [
        ("--Where you fit in--", "", True),
        ("You know SQL.", "", False),
        ("We ship.", "", False),
        ("Benefits:", "other", True),
        ("- Equity", "other", False),
        ("Nice to have:", "pref", True),
        ("- Go", "pref", False),
    ]


def test_screen_passes_every_pm_title_the_classifier_knows():
    # a post the screen rejects is never split: every PM title must pass it
    tx = title_taxonomy()
    exact = [t for t, (fam, _owner) in tx.exact.items() if fam == "product_management"]
    assert exact and all(may_hold_pm(f"Acme | {t} | NYC") for t in exact)
    for t in ("Sr. PM", "CPO", "Head of Products", "VP, Product", "Chief Product Officer", "Group PMs"):
        assert may_hold_pm(t), t
    assert not may_hold_pm("Acme | Backend Engineer | we ship at 5")


# --------------------------------------------------------------------------- cue file


def test_cue_file_is_complete_and_compiles():
    c = read_cues(CUES_FILE)
    assert c.mention.search("senior product manager") and c.not_ask.search("our stack is go")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("nonsense,abc,x", "field 'kind' is 'nonsense'"),
        ("ask,(unclosed,x", "field 'pattern' is not a valid regular expression"),
        ("ask,,x", "field 'pattern' is empty"),
    ],
)
def test_bad_cue_rows_are_named(tmp_path, row, message):
    good = CUES_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "cues.csv"
    bad.write_text(good + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(f"{bad} line ") + r"\d+: " + message):
        read_cues(bad)


def test_cue_file_missing_a_kind(tmp_path):
    lines = CUES_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / "cues.csv"
    bad.write_text("".join(ln for ln in lines if not ln.startswith("title_stop,")), encoding="utf-8")
    with pytest.raises(ValueError, match=r"no pattern of kind\(s\) \['title_stop'\]"):
        read_cues(bad)


# --------------------------------------------------------------------------- splitter rules the labeller relies on


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Acme | NYC\nOther positions:\n-- DevOps Engineer\n-- Product Owners", "Product Owners"),  # plural owner
        ("Acme | SF\nProduct Manager(Growth) https://acme.example/1\nSenior iOS Engineer https://acme.example/2",
         "Product Manager(Growth)"),  # a parenthesis glued to the head noun
        ("Acme | Remote\nSenior Product Manager, SDK & Primitives → https://acme.example/3\nStaff Engineer → x",
         "Senior Product Manager, SDK, Primitives"),  # arrow separator, qualifiers joined by "&"
        ("Acme: Data Science Product Manager | Python | LA", "Data Science Product Manager"),  # "Company: Title"
        ("Acme | NYC\nFULL TIME - Product Manager\n* You love games.", "Product Manager"),  # employment-type lead
        ("Acme | NYC\nWe are always on the lookout for designers and product managers.", "product managers"),
        ("Acme | NYC\nWe're open to taking applications for positions in design and product managers.",
         "product managers"),
    ],
)
def test_splitter_finds_pm_titles(text, title):
    r = roles_of(text)
    assert title in r["role_title"].tolist()
    assert r.set_index("role_title").loc[title, "role_family"] == "product_management"


def test_splitter_dash_list_owns_no_text():
    r = roles_of("Acme | SF\n- Technical Writer - Product Manager - Robotics Engineer\n\n* Ownership: you ship code")
    assert r["role_title"].tolist() == ["Technical Writer", "Product Manager", "Robotics Engineer"]
    assert r["requirements_source"].eq("shared_only").all()


def test_splitter_chain_of_qualifiers_needs_an_ampersand():
    from trendlab.clean.roles import title_items

    assert title_items("Junior Developer, London, UK", strict=True) is None


def test_splitter_w_slash_is_not_a_title_word():
    assert "Chat w/ a Product Manager" not in roles_of("Acme | Engineer | NYC\n5. Chat w/ a Product Manager")[
        "role_title"
    ].tolist()


# --------------------------------------------------------------------------- files and the CLI


def test_read_posts_csv_and_label_file(tmp_path):
    posts = read_posts_csv(FIX / "posts.csv")
    assert posts.columns.tolist() == ["id", "text", "source"] and posts.loc[3, "text"] == ""
    out_path = tmp_path / "sub" / "labels.csv"
    out = label_file(FIX / "posts.csv", out_path)
    written = pd.read_csv(out_path, dtype=str, keep_default_na=False)
    assert written.columns.tolist() == ["id", "source", *LABEL_COLUMNS]
    assert written["id"].tolist() == ["a1", "a2", "a3", "a4"]
    assert written["is_pm_role"].tolist() == ["1", "0", "1", "0"]
    assert written["pm_requires_technical"].tolist() == ["1", "", "1", ""]
    assert written.loc[0, "technical_terms"] == "SQL"
    assert len(out) == 4 and not (tmp_path / "sub" / "labels.csv.tmp").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("latin1", r"line 2 \(byte \d+\) is not UTF-8"),
        ("empty", "the file is empty"),
        ("header_only", "no posts after the header"),
        ("wrong_columns", r"column\(s\) \['id', 'text'\] missing"),
        ("duplicate_ids", r"repeats ids in data row\(s\) 1, 2"),
        ("does_not_exist", "no such file"),
    ],
)
def test_bad_files_are_named(name, message):
    path = FIX / f"{name}.csv"
    with pytest.raises(LabelInputError, match=re.escape(str(path)) + ": .*" + message):
        read_posts_csv(path)


def test_cli_label_postings(tmp_path):
    from trendlab.cli import app

    runner = CliRunner()
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["label-postings", str(FIX / "posts.csv"), str(out), "--keep-text"])
    assert res.exit_code == 0, res.output
    assert "4 posts labelled" in res.output and "2 hire a PM" in res.output
    assert pd.read_csv(out).columns.tolist()[:3] == ["id", "text", "source"]
    bad = runner.invoke(app, ["label-postings", str(FIX / "latin1.csv"), str(tmp_path / "x.csv")])
    assert bad.exit_code == 1 and "not UTF-8" in bad.output
    assert not (tmp_path / "x.csv").exists()


# --------------------------------------------------------------------------- the real corpus


@pytest.mark.mirror
@pytest.mark.skipif(MIRROR is None, reason="TRENDLAB_MIRROR is not set")
def test_screen_loses_no_pm_role_on_the_corpus(tmp_path, monkeypatch):
    import trendlab

    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    posts = trendlab.load("postings")
    sample = posts.sample(4000, random_state=7)
    rejected = sample[[not may_hold_pm(t) for t in sample["text"].fillna("")]]
    roles = split_roles(rejected[["source", "posting_id", "month", "text", "company"]], fuzzy=False).roles
    assert not roles["role_family"].eq("product_management").any()
    assert len(rejected) > 3000  # the screen skips most posts (about nine in ten)
    assert cues() is cues()


# --------------------------------------------------------------------------- rules added while measuring


def test_sentence_role_owns_the_clause_that_qualifies_it():
    r = one("Acme - Berlin\nLooking for Ruby developers and Product Managers with a tech background.")
    assert r["is_pm_role"] == 1 and r["pm_requires_eng_background"] == 1


def test_an_aside_that_names_roles_owns_no_text():
    text = (
        "Acme | VP Engineering | SF\n(Also hiring for PMs, Frontend Engineers)\n\n"
        "The ideal candidate has built backend infrastructure and data pipelines.\n\n"
        "Product Manager: https://acme.example/pm"
    )
    assert roles_of(text).set_index("role_title").loc["PMs", "found_in"] == "sentence"
    r = one(text)
    assert r["is_pm_role"] == 1 and r["pm_requires_technical"] == 0


def test_negation_and_softeners_work_per_clause():
    base = "Acme | Engineers, Product Managers | NYC\n\nWe need individuals with drive. "
    r = one(base + "Finance knowledge is not required, but a strong engineering mindset is a must.")
    assert r["pm_requires_technical"] == 1  # the negation belongs to the other clause
    r = one("Acme | Product Owner | NYC\nSome technical knowledge would help, but it is not required.")
    assert (r["pm_requires_technical"], r["pm_prefers_technical"]) == (0, 1)
    r = one("Acme | Product Manager | NYC\nYou have worked with SQL; machine learning wouldn't hurt.")
    assert r["technical_terms"] == "SQL;Machine learning (preferred)"


def test_other_roles_as_objects_do_not_veto_the_pms_ask():
    r = one("Acme | Sr. Product Manager | NYC\nWe need a highly technical PM who writes specs that engineers want to read.")
    assert r["pm_requires_technical"] == 1
    r = one("Acme | Product Manager | NYC\nWe are looking for engineers who know Kafka. You love customers.")
    assert r["pm_requires_technical"] == 0


def test_a_role_found_in_running_text_does_not_take_the_whole_post():
    text = (
        "Acme\nKeywords for search: C++, Swift, Java, Product Manager, React\n\n"
        "Ops Engineer - Linux, AWS background\n"
    )
    r = one(text)
    assert r["is_pm_role"] == 1 and r["pm_requires_technical"] == 0


def test_pm_title_followed_by_a_modifier_is_no_role():
    assert one("Acme | Product Designer | NYC\nYou have 4+ years of product management experience.")["is_pm_role"] == 0


# --------------------------------------------------------------------------- mechanisms that generalise


def test_a_title_line_heads_its_section_up_to_the_next_role():
    text = (
        "Quillfern | Lisbon | Full time\nHiring a backend engineer and a product manager.\n\n"
        "BACKEND ENGINEER - FULL TIME\nYou write Go every day and run Kafka in production.\n\n"
        "PRODUCT MANAGER - FULL TIME - LISBON\nDuties:\nOwn the roadmap for our ordering app\n"
        "Key things we are looking for:\nDeep understanding of mobile technologies\n\n"
        "Design intern - send your portfolio\nYou know Figma."
    )
    r = one(text)
    assert r["pm_requires_technical"] == 1 and r["technical_terms"] == "Technical understanding"
    assert r["pm_requirements_stated"] == 1  # a bare-verb duty of its own section


def test_a_list_entry_owns_its_line_only():
    text = "Tansy Labs | SF\nHiring:\n- Sr full stack\n- Product manager\n- UX eng\nJavascript, Rails, Node, React"
    r = one(text)
    assert r["is_pm_role"] == 1 and r["pm_requires_technical"] == 0 and r["pm_requirements_stated"] == 0


@pytest.mark.parametrize(
    ("text", "technical"),
    [
        ("Orrery Bio | SLC\nHiring: Data Engineer - Engineering Product Manager - QA Engineer", 1),  # modifier before
        ("Harbor Gull | SF\nMany open roles:\n- Senior Rust Engineer\n- Product Manager, Data + ML\n- Designer", 1),
        ("Bexley | SF\nOpenings:\n* Group Product Manager, Platform (hybrid, $200k): https://bexley.example/1", 1),
        ("Cobalt Wren | NYC\nWe're hiring:\n* A product manager preferably with experience in healthcare", 0),
        ("Cobalt Wren | NYC | Product Managers, Product Designers | Onsite", 0),  # a list of roles, not a title
    ],
)
def test_title_words_around_the_pm_title(text, technical):
    r = one(text)
    assert r["is_pm_role"] == 1 and r["pm_requires_technical"] == technical


def test_another_role_vetoes_a_title_only_as_a_list_item():
    # "Developer" is another role of the post, yet "developer experience" qualifies the PM title
    text = "Tansy Labs | SF | Product Managers for 1) Developer Experience and 2) Sales Tools, Developer | Onsite"
    assert one(text)["pm_requires_technical"] == 1


def test_paragraphs_bound_an_address_to_every_hire():
    # the splitter joins the shared lines; the labeller restores the blank lines between them
    text = (
        "Quillfern | Engineers, Analysts, Product Managers | NYC\n\n"
        "We love curious people and hire them across every team.\n\n"
        "We're mostly a Java shop. If you write clean, tested Java code, we want to talk to you.\n\n"
        "Product Manager: https://quillfern.example/pm"
    )
    r = one(text)
    assert r["is_pm_role"] == 1 and r["pm_requires_technical"] == 0


@pytest.mark.parametrize(
    ("text", "technical"),
    [
        ("Acme | Product Manager | NYC\nYou have an interest in hard science and data science.", 0),  # T6
        ("Acme | Product Manager | NYC\nYou are familiar with the cloud computing industry.", 0),  # market
        ("Acme | Product Manager | NYC\nYou have an interest in games and experience with SQL.", 1),
        ("Acme | NYC\nHiring:\n* Product Managers with monitoring, security, or analytics experience", 1),  # T8
        ("Acme | Product Manager | NYC\nExperience in healthcare or analytics is required.", 0),  # P1
        ("Acme | Product Manager | NYC\nYou have shipped a data product or have strong data chops.", 1),
        ("Acme | Product Manager | NYC\nIt doesn't matter whether your CV says PHP or PhD.", 0),
        ("Acme | Product Manager | NYC\nYou own the roadmap.\nAcme is an equal opportunity employer and "
         "considers qualified applicants in accordance with the Police Code.", 0),  # boilerplate
    ],
)
def test_what_is_not_a_skill_ask(text, technical):
    assert one(text)["pm_requires_technical"] == technical


def test_an_ask_pointing_back_at_the_stack_is_a_shared_preference():
    text = (
        "Acme | Engineers, Product Managers | NYC\n\n"
        "Our technology stack includes Scala and Kafka. Experience with our stack is a bonus, "
        "but not required for all roles."
    )
    r = one(text)
    assert (r["pm_requires_technical"], r["pm_prefers_technical"]) == (0, 1)


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("Acme | Engineers, Product Managers | NYC\n\nIf you are looking for a vibrant start-up, "
         "we could have the perfect opportunity for you.", 0),  # an invitation (S2)
        ("Acme | Engineers, Product Managers | NYC\n\nVisit our careers page for all open reqs.", 0),
        ("Acme | NYC\nProduct Manager\nSF | Full-time | $120-170k + equity", 0),  # fields and pay
        ("Acme | Engineers, Product Managers | NYC\n\nWe are looking for people with an ownership "
         "mentality who work well on their own.", 1),  # S1
    ],
)
def test_what_states_a_requirement(text, stated):
    assert one(text)["pm_requirements_stated"] == stated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme | REMOTE\nBackend Engineer role: https://acme.example/1\nProduct Manager role: https://acme.example/2", 1),
        ("Acme | Engineer | NYC\nInterview process:\n1. Coding challenge\n2. Chat w/ a Product Manager", 0),
    ],
)
def test_pm_roles_in_lists(text, expected):
    assert one(text)["is_pm_role"] == expected


def test_items_of_a_list_a_hiring_line_introduces_are_hired():
    lead = "We're hiring across teams, with roles for:\n"
    item = "2. Experienced technical team leads, operations engineers, product managers, and designers."
    assert [m.title for m in pm_mentions(f"Acme | SF\n{lead}1. Engineers who love Clojure.\n{item}")] == [
        "product managers"
    ]
    assert pm_mentions(f"Acme | SF\nOur teams:\n1. Engineers who love Clojure.\n{item}") == []


# --------------------------------------------------------------------------- one row per PM role


def test_pm_role_asks_one_row_per_role_and_the_post_label_is_their_aggregate():
    from trendlab.label import ROLE_ASK_COLUMNS, pm_role_asks

    posts = pd.DataFrame({"posting_id": ["a", "b", "c"], "text": [
        "Acme | NYC\nHiring:\n\nData Product Manager\nYou know SQL.\n\nProduct Owner\nYou talk to customers. Python a plus.",
        "Bolt | Backend Engineer | Remote\nYou will work with our product managers.",
        fixture("shared_ask"),
    ]})
    asks = pm_role_asks(posts)
    assert asks.columns.tolist() == ROLE_ASK_COLUMNS
    a = asks[asks["posting_id"] == "a"].set_index("role_title")
    assert a.index.tolist() == ["Data Product Manager", "Product Owner"]
    assert a["pm_index"].tolist() == [0, 1]
    assert a.loc["Data Product Manager", ["technical_title", "requires_technical"]].tolist() == [True, True]
    assert a.loc["Data Product Manager", "required_families"] == "data_sql"
    assert a.loc["Product Owner", ["requires_technical", "prefers_technical"]].tolist() == [False, True]
    assert a.loc["Product Owner", "preferred_families"] == "coding"
    assert "b" not in set(asks["posting_id"])  # no PM role, no row
    # the post labels are the roles' answers, any role holding
    labels = label_posts(posts.rename(columns={"posting_id": "id"})).set_index("id")
    agg = asks.groupby("posting_id")[["requires_technical", "prefers_technical", "requires_eng_background",
                                      "requirements_stated"]].any().astype(int)
    for col in agg.columns:
        assert labels.loc[agg.index, f"pm_{col}"].tolist() == agg[col].tolist(), col
    # role_index is the splitter's: the key of the roles table
    split = roles_of(posts.loc[0, "text"]).set_index("role_index")["role_title"]
    assert [split[int(i)] for i in a["role_index"]] == a.index.tolist()


def test_pm_asks_table_keys_and_checks_the_roles_table():
    from trendlab.label import pm_asks_table

    postings = pd.DataFrame({"source": "hn", "posting_id": ["7", "8"], "month": ["2016-03", "2016-02"],
                             "text": ["Acme | Product Manager | NYC\nYou know SQL.", "Bolt | Engineer | SF"]})
    roles = pd.DataFrame({"posting_id": ["7", "8"], "role_index": [0, 0], "role_title": ["Product Manager", "Engineer"]})
    before = postings.copy()
    t = pm_asks_table(postings, roles)
    pd.testing.assert_frame_equal(postings, before)
    assert t[["source", "month", "posting_id", "role_index", "requires_technical"]].values.tolist() == [
        ["hn", "2016-03", "7", 0, True]
    ]
    with pytest.raises(ValueError, match=r"posting '7' role_index 0: 'Product Manager' here, 'Designer' in roles"):
        pm_asks_table(postings, roles.assign(role_title=["Designer", "Engineer"]))
    with pytest.raises(ValueError, match=r"roles lacks column\(s\) \['role_title'\]"):
        pm_asks_table(postings, roles.drop(columns="role_title"))


# --------------------------------------------------------------------------- technical asks in general words


@pytest.mark.parametrize(
    ("text", "technical", "preferred"),
    [
        # T2: understanding of software and technology, asked in plain words
        ("Acme | Product Manager | NYC\nYou need a very good understanding of software applications/tech in general.", 1, 0),
        ("Acme | Product Manager | NYC\nRequirements:\n- A solid grasp of our technical architecture", 1, 0),
        # process and market are not technology
        ("Acme | Product Manager | NYC\nYou understand software development and project management methodologies.", 0, 0),
        ("Acme | Product Manager | NYC\nYou have a deep understanding of the enterprise software market.", 0, 0),
        # technical aptitude in general words, but not of the product's users
        ("Acme | Product Manager | NYC\nYou are technically inclined and love spreadsheets.", 1, 0),
        ("Acme | Product Manager | NYC\nYou will design onboarding for tech-savvy users.", 0, 0),
        # talking with engineers at their level, or at a technical level
        ("Acme | Product Manager | NYC\nRequirements:\n- Communicate with sales, customers and engineers at their own level", 1, 0),
        ("Acme | Product Manager | NYC\nYou can discuss trade-offs at a technical level.", 1, 0),
        ("Acme | Product Manager | NYC\nYou have credibility with engineers.", 1, 0),
        # "the ideal candidate has ..." describes the hire sought; "ideally" and "... is ideal" prefer
        ("Acme | Product Manager | NYC\nThe ideal candidate has experience with AWS and Docker.", 1, 0),
        ("Acme | Product Manager | NYC\nYou have experience with AWS. Ideally you know Docker too.", 1, 1),
        ("Acme | Product Manager | NYC\nYou have shipped B2B products. Experience with AWS is ideal.", 0, 1),
        # a technical domain with a word before it and a kind after it, "working with" it
        ("Acme | Product Manager | NYC\nThe ideal candidate has experience working with public cloud providers "
         "and containers.", 1, 0),
        ("Acme | Product Manager | NYC\nYou have experience working with healthcare or data providers.", 0, 0),  # P1
    ],
)
def test_technical_asks_in_general_words(text, technical, preferred):
    r = one(text)
    assert (r["pm_requires_technical"], r["pm_prefers_technical"]) == (technical, preferred)


@pytest.mark.parametrize(
    ("text", "technical"),
    [
        # a skill in a clause about the product's customers is theirs
        ("Acme | Product Manager | NYC\nYou empathize with customers who are not always data science savvy.", 0),
        ("Acme | Product Manager | NYC\nYou empathize with customers, and you know SQL.", 1),
        # a skill that names another role's kind ("Java developers") is theirs
        ("Acme | Product Manager | NYC\nYou will work with teams of Java and C++ developers.", 0),
        ("Acme | Product Manager | NYC\nYou know Java and work with developers.", 1),
    ],
)
def test_skills_that_belong_to_someone_else(text, technical):
    assert one(text)["pm_requires_technical"] == technical


def test_a_sentence_that_hires_the_pm_alone_gives_it_its_text():
    # the header lists the PM with developers; the body's text for the PM starts where a
    # sentence hires it alone and ends at the paragraph about the engineers
    r = one(fixture("addressed_pm"))
    assert r["is_pm_role"] == 1 and r["pm_requirements_stated"] == 1
    assert r["pm_requires_technical"] == 1 and r["technical_terms"] == "Technical understanding"


def test_a_heading_about_another_role_ends_the_pm_section():
    # the scientists' machine learning and Python are theirs; the customers' data science savvy is theirs
    r = one(fixture("role_heading"))
    assert r["is_pm_role"] == 1 and r["pm_requires_technical"] == 0 and pd.isna(r["technical_terms"])


def test_asking_heading_after_a_determiner():
    units = text_units("Some requirements:\n- Kafka\nOur offer:\n- Equity")
    assert [(u.section, u.heading) for u in units] == [("ask", True), ("ask", False), ("", True), ("", False)]


# --------------------------------------------------------------------------- titles written with a slip


@pytest.mark.parametrize(
    ("text", "is_pm", "titles"),
    [
        ("Tarnfield | Austin, TX | Full-Time | Product Manger\n\nRequirements:\n- A technical background", 1,
         "Product Manger"),
        ("Tarnfield | Austin, TX\nWe're hiring a Prodcut Owner to run our planning app.", 1, "Prodcut Owner"),
        ("Tarnfield | Austin, TX | Backend Engineer\nWe produce management software for farms.", 0, None),
        ("Tarnfield | Austin, TX | Produce Manager\nYou run the fruit aisle.", 0, None),  # a substitution is no slip
        ("Tarnfield | Austin, TX | Backend Engineer\nYou'll work with our Product Manger.", 0, None),  # a colleague
    ],
)
def test_pm_titles_written_with_a_slip(text, is_pm, titles):
    r = one(text)
    assert r["is_pm_role"] == is_pm and (r["pm_titles"] if is_pm else None) == titles
    assert may_hold_pm(text) or not is_pm


def test_a_slipped_header_title_alone_owns_the_post():
    r = one("Tarnfield | Austin, TX | Product Manger\n\nRequirements:\n- A technical background and years of B2B work")
    assert (r["pm_requires_technical"], r["pm_requires_eng_background"], r["pm_requirements_stated"]) == (1, 1, 1)


def test_title_slips_and_the_classifier():
    from trendlab.clean.titles import classify_title, respell_title, title_slips

    assert title_slips("Hiring: Sr. Product Managr, Prodcut Owner; Project Manger; product managers") == [
        (12, 26, "product manager"), (28, 41, "product owner"),
    ]
    assert title_slips("Prodcut Manger") == []  # two slips: nothing written as listed
    assert respell_title("Senior Prodcut Managment") == "senior product management"
    c = classify_title("Senior Product Manger")
    assert (c.role_family, c.seniority, c.matched_reference) == ("product_management", "senior",
                                                                  "exact:product manager+respelled")
    assert classify_title("Project Manger").role_family == "project_program_management"
    assert classify_title("Product Manager").matched_reference == "exact:product manager"


def test_bad_spelling_file_is_named(tmp_path, monkeypatch):
    from trendlab.clean import titles as T

    for f in T.TAXONOMY_DIR.iterdir():
        if f.suffix == ".csv":
            (tmp_path / f.name).write_bytes(f.read_bytes())
    with open(tmp_path / "title_spelling.csv", "a") as fh:
        fh.write("pm,head,\n")
    monkeypatch.setattr(T, "TAXONOMY_DIR", tmp_path)
    T.taxonomy.cache_clear()
    try:
        with pytest.raises(T.TaxonomyError, match=r"title_spelling.csv line \d+: expected a word of at least five"):
            T.taxonomy()
    finally:
        monkeypatch.undo()
        T.taxonomy.cache_clear()


# --------------------------------------------------------------------------- asks read from the blind split's errors

SHARED_LIST = (
    "Larkspur Labs | Boise, ID | ONSITE\n\n"
    "Open roles:\n- Backend Engineer\n- Product Manager\n- Product Designer\n\n"
    "{line}\n"
)


@pytest.mark.parametrize(
    ("line", "technical"),
    [
        # a hiring sentence that lists the PM's kind with the others and qualifies them all
        ("We hire developers, designers and product people with comfort deploying new technologies.", 1),
        ("We're looking for engineers, designers, product managers, and more, who can evaluate emerging "
         "technologies.", 1),
        # the list itself names areas hired, not skills asked of the PM
        ("We are looking for talent in many areas including back end development, product management, "
         "data science, and sales.", 0),
        # a sentence about the engineers alone is theirs (T4)
        ("We hire developers with comfort deploying new technologies.", 0),
    ],
)
def test_a_hiring_sentence_that_lists_the_pm_asks_of_it(line, technical):
    r = one(SHARED_LIST.format(line=line))
    assert r["is_pm_role"] == 1 and r["pm_requires_technical"] == technical


@pytest.mark.parametrize(
    ("ask", "technical"),
    [
        ("In-depth understanding of the technology stack and the release cycle.", 1),  # the stack asked
        ("This position requires strong business and engineering acumen.", 1),  # acumen, and "requires" asks
        ("Work directly with clients to implement technical solutions.", 1),  # T7: a duty that needs the skill
        ("You will work with clients to implement our roadmap.", 0),  # a duty with no technical object
        ("Our technology stack is Elixir and Postgres.", 0),  # the company's stack (T4)
        ("You have a business or computer science background.", 0),  # P1: a business background satisfies it
        ("You have a computer science or engineering background.", 1),  # every option technical
    ],
)
def test_asks_in_the_pm_requirements(ask, technical):
    r = one(f"Quillmere | Product Manager | Remote\n\nRequirements:\n* Five years of product work.\n* {ask}\n")
    assert r["pm_requires_technical"] == technical, r["technical_terms"]


def test_an_either_or_background_with_a_business_option_is_no_background():
    r = one("Quillmere | Product Owner | Remote\n\nPOs usually come from a finance or software engineering background.")
    assert (r["pm_requires_technical"], r["pm_requires_eng_background"]) == (0, 0)


def test_a_technology_and_business_background_is_an_engineering_background():
    r = one("Quillmere | Product Manager Growth | Zurich\n\nYou have a strong technology and business background.")
    assert (r["pm_requires_technical"], r["pm_requires_eng_background"]) == (1, 1)


def test_a_duty_line_read_as_a_title_does_not_end_the_pm_section():
    text = (
        "Fennick\nSenior Product Manager\nNew York, NY\n\n"
        "As a Senior Product Manager you will own our reporting product.\n\n"
        "Job Description:\n\n"
        "Manage a small team of project managers\n"
        "Gather feedback from customers\n"
        "Work directly with clients to implement technical solutions and gather feedback.\n"
    )
    assert one(text)["pm_requires_technical"] == 1


def test_a_preference_of_one_pm_survives_a_requirement_of_another():
    text = (
        "Orrin | Berlin | ONSITE\n"
        "Backend Engineer: Go https://orrin.example/jobs/1\n"
        "Product Manager: Technical background, fintech experience strongly preferred https://orrin.example/jobs/2\n"
        "Director of Product Management: Technical background, 5+ years fintech https://orrin.example/jobs/3\n"
    )
    r = one(text)
    assert (r["pm_requires_technical"], r["pm_prefers_technical"]) == (1, 1)


def test_the_product_function_as_hirer_addresses_its_paragraph():
    text = (
        "Tollgate Maps | Denver, CO\n\n"
        "We're hiring engineers as well as product managers this year. Our Ruby developers work on search.\n\n"
        "Product is looking to bring on people with travel knowledge. You'll be expected to be able to talk "
        "shop with the engineers you work with.\n"
    )
    assert one(text)["pm_requires_technical"] == 1


def test_a_sentence_with_the_pm_as_subject_is_its_text():
    text = (
        "Oslo | Head of Engineering, Product Manager, UX Designer | ONSITE\n\n"
        "The team is looking for a Head of Engineering that has a strong technical background.\n\n"
        "The Product Manager should ideally have a technical background and a few years of product work.\n"
        "The UX Designer will own our design system.\n"
    )
    r = one(text)
    assert (r["pm_requires_technical"], r["pm_prefers_technical"]) == (0, 1)


def test_working_with_people_is_no_address_to_every_hire():
    from trendlab.label import cues

    c = cues()
    assert c.all_roles.search("we need smart people to help us grow")
    assert not c.all_roles.search("if you love working with people we can make it work")


def test_a_pm_named_twice_owns_the_rest_of_each_line_that_names_it():
    text = (
        "Brackwater | Washington, DC | Experienced full-stack developer, product manager | On-site\n\n"
        "We're a small team fixing public services.\n\n"
        "We're looking for:\n"
        "* experienced full-stack engineers\n"
        "* a product manager with a technical background (DC only)\n"
        "* a hyper-resourceful operations person\n"
    )
    r = one(text)
    assert (r["is_pm_role"], r["pm_requires_technical"], r["pm_requires_eng_background"]) == (1, 1, 1)


# --------------------------------------------------------------------------- third revision (blind2 errors)


@pytest.mark.parametrize(
    ("text", "is_pm"),
    [
        # a hard-wrapped paragraph: the hiring phrase ends the line before the title
        ("Tollgate Maps\n\nWe've had a great year, and this winter we are looking to hire\n"
         "engineers as well as product managers to continue the work.\n", 1),
        # a PM title in a line that lists role titles
        ("Jorvik (Boston)\nBackend Developers, Head of Engineering, Web Interns, Associate Product Manager "
         "(Mobile), PR Specialist, etc.\n\nWe build survey tools.\n", 1),
        ("Jorvik (Boston)\nTechnologies: Figma, Notion, User Research, UI Design, Product Management, Jira\n", 0),
        # an aside in parentheses, or other roles' items, between the hiring phrase and the title
        ("Marl | NYC\nHiring across the stack, especially ruby engineers (experience working on shops is a bonus), "
         "a head of data, a lead product designer, and a Product Manager.\n", 1),
        ("Marl | Rotterdam\nWe have many other open positions in R&D, from Software Development Managers, "
         "Product Managers to Scala engineers.\n", 1),
        ("Marl | NYC\nWe're looking for a backend engineer to join a team of developers, QA engineers, "
         "product managers, and designers.\n", 0),
        # a role "now available"; a hiring phrase with an adverb; "looking to fill"
        ("Marl | NYC\nWe build APIs.\n\nSeparately, we have a product manager role now available as well.\n", 1),
        ("Marl | Raleigh\nWe are looking mostly for self-directed software engineers and also for product managers.\n", 1),
        ("Marl | Boston\nWe're also looking to fill a junior role as well as a Product Owner (https://marl.example/po).\n", 1),
        # "wanted" as the verb of a subject; the poster's signature
        ("Marl | Raleigh\nBackend Engineer\n\nMarl was founded by people who built the tool they always wanted as "
         "product managers.\n", 0),
        ("Marl | Seattle | Onsite\nWe are looking for a senior backend engineer.\n\nThanks, Dana VP of Product and Marketing\n", 0),
    ],
)
def test_pm_found_in_running_text(text, is_pm):
    assert one(text)["is_pm_role"] == is_pm


def test_another_role_named_as_what_the_hire_becomes_is_not_the_pm():
    text = (
        "Marl | SF\n\nI'm hiring a product manager to grow our partner integrations (https://marl.example/pm).\n\n"
        "We're always hiring great people to be software engineers in Scala and Ruby.\n"
    )
    assert one(text)["pm_requires_technical"] == 0
    text = (
        "Marl | SF\n\nWe are looking for people that have an understanding of algorithms and software engineering, "
        "to join us as data scientists and backend engineers. Python and C++ are a plus.\n\n"
        "In addition, we're looking for a product manager and a UX designer.\n"
    )
    r = one(text)
    assert (r["is_pm_role"], r["pm_prefers_technical"], r["pm_requires_technical"]) == (1, 0, 0)


def test_a_slash_title_with_an_engineering_half_is_one_technical_role():
    r = one("Ordo | Several roles | Remote\n\nWe're looking to fill several positions:\n\n"
            "- A React developer for our apps.\n- A tech lead/product manager to link the tech team and the company.\n")
    assert (r["is_pm_role"], r["pm_requires_technical"]) == (1, 1)
    r = one("Ordo | QA Developer/Product Owner | Calgary | ONSITE\n\nWe build camera networks.\n\n"
            "- At least 3 years experience with a scripting language (eg Python, BASH)\n- Experience with Git\n")
    assert (r["is_pm_role"], r["pm_requires_technical"]) == (1, 1)
    # a design half is no engineering; a slash list of roles is no hybrid
    assert one("Ordo | UX Designer/Product Manager | Remote\n\nYou will own our onboarding.\n")["pm_requires_technical"] == 0
    r = one("Ordo | Menlo Park | Onsite\n\nSoftware Engineer / Machine Learning Engineer / Product Manager / Data Scientist:\n"
            "https://ordo.example/jobs\n")
    assert r["pm_requires_technical"] == 0


def test_text_the_splitter_gives_every_role_of_a_heading_is_shared():
    text = (
        "Welk | Los Angeles\n\nFull Stack Developers, Product Owner\n\n"
        "Our goal is to build a great engineering culture in our office:\n\n- pair programming\n- open source\n\n"
        "We're using data science to match workers to tasks.\n\n"
        "For the product owner role, experience with marketplaces like oDesk might be relevant.\n"
    )
    r = one(text)
    assert (r["is_pm_role"], r["pm_requires_technical"], r["pm_requirements_stated"]) == (1, 0, 1)


def test_a_sentence_that_names_the_pm_as_its_topic_addresses_it():
    text = (
        "Dredge | Seattle | Multiple Openings\n\n"
        "Dredge is hiring for many roles, but especially for Technical Product Managers and Product Scientists.\n\n"
        "In a Technical Product Manager we are looking for a feature owner with a strong CS background.\n\n"
        "In a Product Scientist, we are looking for a hybrid Data Scientist and Product Manager.\n"
    )
    assert one(text)["pm_requires_eng_background"] == 1


def test_a_preference_heading_without_a_colon():
    text = ("Spoon | Technical Product Manager | Seattle\n\nYou will own the roadmap.\n\nRequired\n+ Bachelor's degree\n\n"
            "Preferred Experience\n+ CS degree or advanced degree in related field\n+ SQL Proficiency\n")
    r = one(text)
    assert (r["pm_prefers_technical"], r["pm_requires_eng_background"]) == (1, 0)


def test_an_either_or_with_product_management_experience_is_no_technical_preference():
    r = one("Travelbug | Product Lead | Austin\n\nYou will own mobile.\n"
            "Previous experience in mobile product management or social API development is a big plus.\n")
    assert r["pm_prefers_technical"] == 0


@pytest.mark.parametrize(
    ("body", "technical"),
    [
        # skills named as the areas of other roles hired
        ("We're looking for a Senior Product Manager to lead a team.\n\n"
         "We're also hiring for a number of front-end, back-end, and SRE roles.\n", 0),
        # a paragraph about another role, named as its topic
        ("We're building data tools.\n\nRegarding the frontend / data viz person: We're looking for folks who are "
         "comfortable with modern javascript and d3.\n\nRegarding the product manager role, see our gist.\n", 0),
        # the company described by what it builds or what it is
        ("Amperos Health is building AI agents to automate billing.\n\n"
         "We're a fast-growing startup with real customers and production AI systems.\n", 0),
        # liking a technology is no skill (T6)
        ("You have five years of product work and enjoy applying machine learning to real problems.\n", 0),
    ],
)
def test_company_descriptions_and_other_roles_asks_are_not_the_pms(body, technical):
    r = one(f"Harwick | Product Manager, Frontend Engineer | Boston\n\n{body}")
    assert r["pm_requires_technical"] == technical, r["technical_terms"]


def test_a_heading_with_a_typographic_apostrophe_is_a_heading():
    r = one("Harwick | Product Manager | Boston\n\nWhat you\u2019ll do:\n- Write SQL queries to answer product questions\n")
    assert r["pm_requires_technical"] == 1


@pytest.mark.parametrize(
    ("text", "is_pm"),
    [
        ("Lumen | SF\n\nWe are hiring everything from product managers, sales execs, growth engineers and more.\n", 1),
        ("Lumen | Palo Alto\n\nWe build robots.\n\nWe're also looking for people to help with sales, BD, and product "
         "management as we expand.\n", 1),
        ("Lumen | SF\n\n* Marketing & User Acquisition - no marketing experience required, this is the product "
         "manager, mobile position\n* Data Analyst\n", 1),
        # a PM the hire works with is still a colleague
        ("Lumen | SF | Backend Engineer\n\nYou will work with the product manager role on the roadmap.\n", 0),
    ],
)
def test_hiring_idioms_with_words_that_otherwise_block(text, is_pm):
    assert one(text)["is_pm_role"] == is_pm


def test_the_hire_asked_to_be_a_developer_has_an_engineering_background():
    r = one("Osk | QA Developer/Product Owner | Calgary\n\nThis person should be a take-charge developer with a "
            "passion for quality.\n")
    assert (r["pm_requires_technical"], r["pm_requires_eng_background"]) == (1, 1)


@pytest.mark.parametrize(
    ("ask", "technical", "background"),
    [
        ("2+ years of experience working as a software developer.", 1, 1),  # the hire's past role, no other role
        ("You have been a backend engineer.", 1, 1),
        ("You must be technical.", 1, 0),
        ("You're comfortable digging into the codebase.", 1, 0),
        ("You understand how software works under the hood.", 1, 0),
        ("Our users are technical people.", 0, 0),  # the users, not the hire
        ("You'll understand how our products work for customers.", 0, 0),
    ],
)
def test_technical_asks_in_plain_words(ask, technical, background):
    r = one(f"Acme | Product Manager | NYC\n\nAbout you:\n- Five years of product management.\n- {ask}\n")
    assert (r["pm_requires_technical"], r["pm_requires_eng_background"]) == (technical, background), r["technical_terms"]


def test_the_rest_of_a_sentence_that_lists_the_roles_stays_each_roles_own():
    text = (
        "Cropwise (San Francisco) | https://cropwise.example/careers\n\n"
        "We're hiring:\n\n"
        "1. Statisticians with a background in remote sensing.\n\n"
        "2. Experienced technical team leads, operations engineers, product managers,\n"
        "and designers to pull all this together into compelling products.\n"
        "The scale of the work drives a lot of cross-collaboration within the company.\n\n"
        "Competitive salary and benefits.\n"
    )
    r = one(text)
    assert (r["is_pm_role"], r["pm_requirements_stated"], r["pm_requires_technical"]) == (1, 1, 0)


def test_the_products_users_named_by_a_role_are_no_other_role():
    text = ("Cirrus | NYC | Full Time\n\nI'm hiring product managers for our developer platform.\n\n"
            "You should be able to set vision and be technical enough to deeply understand our users (developers).\n")
    assert one(text)["pm_requires_technical"] == 1
    # an ask of the engineers is still theirs
    text = ("Cirrus | Product Manager, Backend Engineer | NYC\n\nWe need backend engineers who know Go and Postgres.\n")
    assert one(text)["pm_requires_technical"] == 0


def test_a_pm_title_as_a_markdown_link_is_a_role():
    text = ("Stylo | Developers | Munich\n\nWe are looking for engineers who want to make an impact.\n\n"
            "[Data Engineer](https://stylo.example/job/1)\n\n[Product Owner](https://stylo.example/job/2)\n")
    assert one(text)["is_pm_role"] == 1


# --- fourth revision: general rules read from the blind3 errors


@pytest.mark.parametrize("text", [
    # a list opened by its own words after a qualifier of an earlier item ("with ...")
    "Carvana | Austin | Full Time\n\nCarvana is hiring engineers with a love for Go, Elixir as well as Technical "
    "Product Managers, Data Analysts and Security Engineers.\n",
    "Tutorly | Denver | Onsite\n\nTutorly is hiring across our tech org including backend engineers, data "
    "scientists, Product Management (Sr, PM) and designers.\n",
    # a range of hires: its "to" joins the items
    "Pagewise, Boston\n\nWe hire in any role - from Go/Rust to design to sales to product management to interns.\n",
    # the pressing ones named
    "Pixelry - Toronto\n\nWe have many positions open - the most pressing are Backend Engineer, Office Manager, "
    "and Product Manager.\n",
    # hiring phrases in other words
    "Formly needs a fulltime product manager in Austin to lead our new analytics line.\n",
    "Quanta | Toronto\n\nWe're currently in the market for a Technical Product Manager and a Backend Developer.\n",
    "Helpr | Vancouver\n\n* Backend Developers https://helpr.example/jobs/1\n"
    "* Always looking to chat with great product managers, UI designers and QA. https://helpr.example/jobs/2\n",
    "Ordo | Berlin\n\nWe're looking to grow with positions as a sys admin, data analyst, product manager, and others.\n",
    "Skyway - ONSITE\n\nVarious jobs (developers, designers, product owners, researchers, etc) in Lisbon and Paris.\n",
    # a blocker word inside another item that is a role title ("customer support specialist")
    "Ordo | Berlin\n\nWe're looking to grow with positions as a sys admin, customer support specialist, product "
    "manager, and others.\n",
])
def test_a_pm_listed_with_other_hires_is_found(text):
    assert one(text)["is_pm_role"] == 1


@pytest.mark.parametrize("text", [
    # the blocker still stands when no list opener restarts the list
    "Ferro | NYC\n\nWe're hiring engineers to work with our designers and product managers.\n",
    # "the hiring manager" is a person, not a hiring phrase
    "Vela | DC\n\nVela is looking for a Technical Project Manager. The interview is a call with the hiring manager,"
    " then a meeting with 2 developers as well as the product owner.\n",
    # the areas a recruiter sources for are no roles offered
    "Grain | Sourcer | SF\n\nThe ideal candidate has 2+ years of sourcing for engineering positions (software, data, product management).\n",
    # product management as a duty in a list of duties
    "Slidey | London | Project Manager\n\nWe need a project manager.\n\nResponsibilities:\n\n"
    "- Holding daily stand-ups\n- Product Management, scoping new features\n",
    "Flyr | NYC | Founding Engineer\n\nThe role involves:\n\n* Technical product management\n* Development of the REST API\n",
    # the poster's signature ending the post
    "Movely | Full-stack engineers | SF\n\nWe're hiring full-stack engineers.\n\n-Vinay, Co-founder and Head of Product\n",
])
def test_a_pm_that_is_no_hire_stays_unfound(text):
    assert one(text)["is_pm_role"] == 0


def test_a_title_line_with_a_domain_and_a_link_is_a_role():
    text = ("Glint | SF/NYC | Multiple Openings\n\nBelow are our top positions:\n\n"
            "Sr. Backend Engineer (NYC) - (https://glint.example/1)\nPython, Django\n\n"
            "Sr. Product Manager Analytics (SF) - (https://glint.example/2)\n3+ years of product management.\n")
    r = one(text)
    assert (r["is_pm_role"], r["pm_requires_technical"]) == (1, 1)


@pytest.mark.parametrize("text, technical", [
    ("Cubit | NYC\n\nProduct Managers - shape our platform strategy. We have PMs in Mobile, Growth/Dev Experience, "
     "Server. https://cubit.example/jobs\n", 1),
    ("Cubit | NYC\n\nProduct Managers - shape our strategy. We have PMs in Mobile, Growth and Payments.\n", 0),
    ("Cubit | NYC\n\nWe're looking for 2 product managers - one focusing on retail and a developer experience PM.\n", 1),
    ("Cubit | NYC\n\nProduct Management - senior levels, owning core product areas from onboarding to billing, "
     "SDK, or search | ONSITE\n", 1),
    ("Cubit | NYC\n\nProduct Management - senior levels, owning core product areas from onboarding to billing "
     "or search | ONSITE\n", 0),
])
def test_the_areas_of_the_pms_hired_name_their_domain(text, technical):
    r = one(text)
    assert (r["is_pm_role"], r["pm_requires_technical"]) == (1, technical)


@pytest.mark.parametrize("ask, background, prefers", [
    ("BA/BS or higher in a relevant technical field and preferably experience in geodesy or mapping.", 1, 0),
    ("B.Sc. in Computer Science. M.Sc. or Ph.D. in a relevant domain a plus.", 1, 0),
    ("You have a background in cybersecurity/threat research.", 1, 0),
    ("A degree in business or a technical field.", 0, 0),
])
def test_degrees_and_backgrounds_written_apart(ask, background, prefers):
    text = f"Orbita | Product Manager | Remote\n\nRequirements:\n\n* Five years of product management.\n* {ask}\n"
    r = one(text)
    assert (r["pm_requires_eng_background"], r["pm_prefers_technical"]) == (background, prefers), r["technical_terms"]


def test_a_choice_of_teams_is_no_ask():
    text = ("Mobio - Vancouver\n\nWe're looking to fill a number of roles; most important to us is to get a product "
            "manager for the Platform team.\n\nWe're looking for people who love the mobile web. You can either work "
            "on the Platform team building developer tools in Backbone.js and Django, or on our Services team.\n")
    r = one(text)
    assert (r["is_pm_role"], r["pm_requires_technical"]) == (1, 0), r["technical_terms"]


@pytest.mark.parametrize("text, technical", [
    # a header line a hiring phrase and a colon open, the items cut by periods; the area word
    # written before the title is part of it (T1)
    ("Sharely is HIRING: Site Reliability Engr. DevOps. Front End. Dir. Data Product Manager. - Palo Alto.\n\n"
     "We are a social data startup.\n", 1),
    ("Sharely is HIRING: Front End. Sales. Senior Product Manager. - Palo Alto.\n\nWe are a social startup.\n", 0),
    # a role of the list before the PM is no area of its title
    ("Acme | NYC\n\nWe're hiring: DevOps and Product Managers.\n", 0),
])
def test_a_pm_in_a_hiring_line_cut_by_periods(text, technical):
    r = one(text)
    assert (r["is_pm_role"], r["pm_requires_technical"]) == (1, technical), r["pm_titles"]


def test_a_heading_about_the_interview_process_holds_no_asks():
    text = ("Zuricode | Product Manager | Zurich\n\nWe build web apps for cities.\n\n"
            "People say our interview process is awesome:\n\n1) Phone screen with our CTO\n\n"
            "2) Two sessions of remote pair-programming with our engineers (reasonable coding tasks).\n\n"
            "3) Onsite half a day with us.\n")
    r = one(text)
    assert (r["is_pm_role"], r["pm_requires_technical"]) == (1, 0), r["technical_terms"]


def test_a_degree_or_title_abbreviation_ends_no_sentence():
    text = "* B.Sc. in Computer Science. M.Sc. a plus\n* Sr. Product Manager wanted."
    units = [text[u.start : u.end] for u in text_units(text)]
    assert units == ["* B.Sc. in Computer Science.", "M.Sc. a plus", "* Sr. Product Manager wanted."]
