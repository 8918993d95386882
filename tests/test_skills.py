"""The skill matcher: hard cases, statuses, the tables, and agreement with a per-term regex baseline."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trendlab.clean.skills import (
    _NEAR,
    DROP_REASONS,
    RIGHT_BOUNDARY,
    SKILL_HITS_COLUMNS,
    Hit,
    SkillMatcher,
    skill_flags,
    tag_skills,
)
from trendlab.taxonomy import TaxonomyError, expand_forms, skill_taxonomy


@pytest.fixture(scope="module")
def m() -> SkillMatcher:
    return SkillMatcher.from_taxonomy()


def ids(m: SkillMatcher, text: str, company: str | None = None) -> list[str]:
    return [h.taxonomy_id for h in m.find(text, company=company)]


def status(m: SkillMatcher, text: str) -> dict[str, str]:
    return {h.taxonomy_id: h.status for h in m.find(text)}


# --------------------------------------------------------------------------- hard cases


def test_cpp_csharp_dotnet_nodejs(m):
    assert ids(m, "C++, C#, .NET and Node.js") == ["coding.cpp", "coding.csharp", "coding.dotnet", "coding.nodejs"]
    assert ids(m, "Modern C++17 and C#10") == ["coding.cpp", "coding.csharp"]
    assert ids(m, "ASP.NET Core, nodejs") == ["coding.dotnet", "coding.nodejs"]
    # the letter C is not found inside C++ or C#, nor .NET inside a word
    assert "coding.c" not in ids(m, "C++ and C#") and ids(m, "planet.network") == []


def test_c_language_needs_a_list_or_a_programming_context(m):
    assert ids(m, "C/C++") == ["coding.c", "coding.cpp"]
    assert "coding.c" in ids(m, "Firmware written in C.")
    assert ids(m, "We raised our Series C. Talk to our C-level team.") == []
    assert ids(m, "Grade C students, plan C.") == []


def test_r_language_versus_the_letter_and_r_and_d(m):
    assert ids(m, "SQL, R or Python") == ["data_sql.sql", "coding.r", "coding.python"]
    assert ids(m, "Experience with R for statistics") == ["coding.r"]
    assert ids(m, "R packages and the tidyverse") == ["coding.r", "coding.r"]
    assert ids(m, "Our R&D team; R&amp;D budget; Section R. Smith") == []
    assert ids(m, "Reports to Jane R.") == []


def test_go_language_versus_the_word(m):
    assert ids(m, "Go, Rust and Python") == ["coding.go", "coding.rust", "coding.python"]
    assert ids(m, "Our services are written in Go.") == ["coding.go"]
    assert ids(m, "Golang microservices") == ["coding.go", "systems_architecture.microservices"]
    assert ids(m, "Own the go-to-market plan. Go to our site. Let's go!") == []
    assert ids(m, "Go-to-market strategy with Python") == ["coding.python"]
    assert ids(m, "Go live in May, go team") == []
    # lower case "go" is never the language
    assert ids(m, "python, go and Rust") == ["coding.python", "coding.rust"]


def test_java_is_not_javascript(m):
    assert ids(m, "Java") == ["coding.java"]
    assert ids(m, "JavaScript") == ["coding.javascript"]
    assert ids(m, "Java/JavaScript, Javanese") == ["coding.java", "coding.javascript"]


def test_plurals_and_hyphenation(m):
    for text in ("A/B tests", "a-b testing", "AB test", "A/B testing", "split tests"):
        assert ids(m, text) == ["experimentation.ab_testing"], text
    assert ids(m, "APIs") == ["apis.api"]
    for text in ("micro-services", "microservices", "micro services", "Microservice"):
        assert ids(m, text) == ["systems_architecture.microservices"], text
    assert ids(m, "machine-learning and machine learning") == ["ai_ml.machine_learning"] * 2


def test_case_and_case_sensitive_forms(m):
    assert ids(m, "PYTHON python Python") == ["coding.python"] * 3
    assert ids(m, "REST APIs") == ["apis.rest"]
    assert ids(m, "the rest of the team takes a rest") == []
    assert ids(m, "Snowflake") == ["data_sql.snowflake"] and ids(m, "a unique snowflake") == []


def test_html_leftovers_are_decoded_and_offsets_point_into_the_input(m):
    text = "<p>Strong <b>Python</b> &amp; SQL</p><li>C&#x2B;&#x2B; and R&amp;D"
    hits = m.find(text)
    assert [h.taxonomy_id for h in hits] == ["coding.python", "data_sql.sql", "coding.cpp"]
    py, sql, cpp = hits
    assert text[py.start : py.end] == "Python" and text[sql.start : sql.end] == "SQL"
    assert cpp.surface == "C++" and text[cpp.start : cpp.end] == "C&#x2B;&#x2B;"
    assert m.normalize("a<br>b&nbsp;c") == "a\nb\xa0c"
    # stray "<" and "&" that are not markup are left alone
    assert m.normalize("x < 5 & y > 3") == "x < 5 & y > 3"


def test_spreadsheets_alone_are_not_a_data_skill(m):
    assert ids(m, "Advanced Excel, Google Sheets and spreadsheets") == []
    assert ids(m, "Excel and SQL") == ["data_sql.sql"]


def test_longest_match_wins(m):
    assert ids(m, "no-code tools") == ["low_code.no_code"]  # not the coding term "code"
    assert ids(m, "Ruby on Rails") == ["coding.rails"]
    assert ids(m, "vibe coding") == ["low_code.ai_app_builders"]
    assert ids(m, "years of software engineering experience") == [
        "eng_background.swe_experience", "eng_background.swe_experience",
    ]


def test_engineering_background(m):
    cases = {
        "BS in CS or equivalent": "eng_background.cs_degree",
        "a CS degree": "eng_background.cs_degree",
        "5+ years as a software engineer": "eng_background.swe_experience",
        "engineering experience": "eng_background.swe_experience",
        "former engineer preferred": "eng_background.former_engineer",
        "a technical background": "eng_background.technical_background",
        "you can read code": "eng_background.reads_code",
    }
    for text, tid in cases.items():
        assert tid in ids(m, text), text


def test_low_code_and_product_families(m):
    assert {h.family for h in m.find("Zapier, Airtable, Retool, Webflow, Power Apps and Bubble")} == {"low_code"}
    fams = {h.family for h in m.find("Run user interviews, own the roadmap, A/B testing, KPIs, write PRDs")}
    assert fams == {"discovery_research", "roadmapping_prioritisation", "experimentation", "metrics", "specs_prds"}


def test_technical_skills_are_no_engineering_background(m):
    # LABELLING.md rule E1: a background is a degree or prior engineering work
    for text in ("Strong technical skills", "technical depth", "technically minded", "data structures and algorithms"):
        fams = {h.family for h in m.find(text)}
        assert fams == {"technical_aptitude"}, text
    assert {h.family for h in m.find("a technical background, a CS degree")} == {"eng_background"}


# --------------------------------------------------------------------------- names, descriptions, guards


def test_mentions_in_links_and_email_addresses_are_names(m):
    text = ("Apply: https://acme.example/jobs/python-developer.html or jobs@zapier.com; see github.com/acme. "
            "You know Python and Zapier.")
    assert ids(m, text) == ["coding.python", "low_code.zapier"]
    # a form that is a domain counts when it stands alone, and dotted names are no links
    assert ids(m, "bubble.io, ASP.NET/C# and Node.js") == ["low_code.bubble", "coding.dotnet", "coding.csharp",
                                                          "coding.nodejs"]
    assert ids(m, "see https://bubble.io/jobs") == []


def test_the_employer_is_not_a_skill(m):
    text = "Airtable | Software Engineer | SF\nAirtable's mission is to help people. You know React and Airtable."
    assert ids(m, text) == ["coding.react"]
    # the company can be given; only its occurrences hide terms ("Code" of "Code Kingdoms")
    assert ids(m, "Over 1000 schools use Code Kingdoms. You write code.", company="Code Kingdoms") == ["coding.code"]
    found = m.find("Persona verifies identities. Build user personas.", company="Persona")
    assert [h.surface for h in found] == ["user personas"]
    # a language or a skill list in the first field is no employer
    assert ids(m, "JavaScript - Front End Engineer\nReact") == ["coding.javascript", "coding.react"]
    assert ids(m, "Python, Django | Remote\nYou write Python.") == ["coding.python", "coding.django", "coding.python"]
    assert ids(m, "Backend Engineer with a love of Python: DENVER") == ["coding.python"]
    assert ids(m, "Tray.io | London\nExtend the tray.io platform with Python.") == ["coding.python"]
    # a multi-word name hides the term only inside the name
    assert ids(m, "Swift Navigation | Palo Alto\nSwift Navigation builds GPS. We write Swift.") == ["coding.swift"]


def test_company_descriptions_are_not_asks_for_product_skills(m):
    text = ("Misix | Milwaukee\nMisix is a data-driven marketing firm. We have an ambitious roadmap and "
            "obsess over retention. You will own the product roadmap. We use Python.")
    hits = m.find(text)
    assert [(h.taxonomy_id, text[h.start - 8 : h.start].strip()) for h in hits] == [
        ("roadmapping_prioritisation.roadmap", "own the"), ("coding.python", "We use"),
    ]
    assert ids(m, "There's a big roadmap ahead. With an aggressive roadmap, we plan to grow.") == []
    # a sentence about the company that addresses the hire is an ask
    assert ids(m, "We are looking for someone who is data-driven.") == ["metrics.product_metrics"]


def test_guarded_forms(m):
    assert ids(m, "Full job spec here; the CSS3 Grid spec; spec-driven development; high spec laptops") == ["coding.css"]
    assert ids(m, "Job Specs: https://acme.example/jobs") == []
    assert ids(m, "You write specs and PRDs.") == ["specs_prds.specs", "specs_prds.prd"]
    assert ids(m, "a data-driven marketing firm") == []
    assert ids(m, "so that we can prioritize your application") == []
    assert ids(m, "You prioritize the backlog.") == ["roadmapping_prioritisation.prioritisation"] * 2
    for text in ("You are data-driven.", "a data-driven mindset", "make data-driven decisions"):
        assert ids(m, text) == ["metrics.product_metrics"], text


def test_guards_for_generic_product_words(m):
    # bare "experimentation" needs product, test or metric words next to it
    assert ids(m, "We love rapid experimentation and data-driven analysis and experimentation in Scala.") == [
        "coding.scala",
    ]
    assert ids(m, "A/B testing and experimentation; our experimentation platform; product experimentation") == [
        "experimentation.ab_testing", "experimentation.experiments", "experimentation.experiments",
        "experimentation.experiments",
    ]
    # retention and churn as a product name, learning or a verb
    assert ids(m, "Our Retention Automation Platform promotes long-term retention; churn out code") == ["coding.code"]
    assert ids(m, "Own retention and churn.") == ["metrics.growth_metrics"] * 2
    # customer needs are discovery when the hire finds them out; team names and labs are not asks
    assert ids(m, "Meet changing customer needs. Our Customer Insights & Data group has a usability testing lab.") == []
    assert ids(m, "Understand customer needs and run usability testing.") == [
        "discovery_research.customer_insights", "discovery_research.usability_testing",
    ]
    # a product described by its technology, test specs and ad specs
    assert ids(m, "We build AI-powered tools at an AI startup. Write specs and functional tests; spec ads.") == []
    assert ids(m, "Experience with AI, and you write specs.") == ["ai_ml.ai", "specs_prds.specs"]


def test_computer_science_knowledge_and_departments_are_no_degree(m):
    assert ids(m, "A solid foundation in computer science") == ["technical_aptitude.cs_fundamentals"]
    assert ids(m, "We work with the Computer Science Department.") == []
    assert ids(m, "BS in Computer Science") == ["eng_background.cs_degree"]


def test_exclusions_hide_every_term_they_overlap(m):
    assert ids(m, "Drug discovery process automation and capacity planning") == []
    assert ids(m, "Lead product discovery.") == ["discovery_research.product_discovery"]
    assert ids(m, "A take-home coding challenge, code samples, then code review process. Learn to code.") == []
    assert ids(m, "You write code and join code reviews.") == ["coding.code", "coding.code"]


def test_tag_skills_counts_the_mentions_it_drops(m):
    roles = pd.DataFrame({
        "posting_id": ["1", "2"], "role_index": [0, 0],
        "requirements_text": ["No-code tools; see github.com/acme", "Zapier connects apps. You know Python."],
        "company": [None, "Zapier"],
    })
    hits = tag_skills(roles, matcher=m, company_col="company")
    assert hits[["posting_id", "taxonomy_id"]].values.tolist() == [["1", "low_code.no_code"], ["2", "coding.python"]]
    dropped = hits.attrs["mentions_dropped"]
    assert set(dropped) == set(DROP_REASONS)
    assert dropped["inside a longer term or an excluded phrase"] == 1  # "code" in "No-code"
    assert dropped["in a link or e-mail address"] == 1 and dropped["employer name"] == 1
    with pytest.raises(KeyError, match="nope"):
        tag_skills(roles, matcher=m, company_col="nope")


# --------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    "text",
    [
        "No coding required.",
        "You don't need to code.",
        "You do not need to write code for this role.",
        "This is not a technical role.",
        "This is a non-technical role.",
        "No programming experience needed.",
        "Coding is not required.",
    ],
)
def test_negation(m, text):
    hits = m.find(text)
    assert hits and all(h.status == "negated" for h in hits), [(h.term, h.status) for h in hits]


@pytest.mark.parametrize(
    "text",
    [
        "SQL is nice to have.",
        "SQL is a plus.",
        "Bonus: SQL.",
        "Bonus points for SQL.",
        "Ideally you know SQL.",
        "SQL preferred.",
        "Experience with SQL would be great.",
        "Experience with SQL wouldn't hurt.",
        "SQL (a plus)",
        "SQL (bonus)",
    ],
)
def test_optional(m, text):
    assert status(m, text) == {"data_sql.sql": "preferred"}


def test_plain_mentions_and_pay_bonuses_are_required(m):
    assert status(m, "Strong SQL.") == {"data_sql.sql": "required"}
    assert status(m, "Quarterly bonus. We use SQL daily.") == {"data_sql.sql": "required"}
    assert status(m, "Salary plus bonus; SQL.") == {"data_sql.sql": "required"}


def test_clauses_and_mixed_cues(m):
    assert status(m, "No coding required, but SQL is a plus") == {"coding.code": "negated", "data_sql.sql": "preferred"}
    assert status(m, "SQL is not required but a plus") == {"data_sql.sql": "preferred"}
    assert status(m, "Python required, Go a plus") == {"coding.python": "required", "coding.go": "preferred"}
    assert status(m, "Python (required) and Go (nice to have)") == {
        "coding.python": "required", "coding.go": "preferred",
    }
    assert status(m, "Must have Python, SQL, and ideally Rust") == {
        "coding.python": "required", "data_sql.sql": "required", "coding.rust": "preferred",
    }
    # a cue in another sentence or clause does not reach the mention
    assert status(m, "Python. Nice to have a dog.") == {"coding.python": "required"}
    assert status(m, "Python; bonus if you surf") == {"coding.python": "required"}
    # an abbreviation does not end the sentence, unless it can and a capital follows
    assert status(m, "Databases, e.g. Postgres are a plus") == {
        "data_sql.databases": "preferred", "data_sql.postgresql": "preferred",
    }
    assert status(m, "Python, Go etc. This is not a code monkey job.") == {
        "coding.python": "required", "coding.go": "required", "coding.code": "negated",
    }
    assert status(m, "Python, Go etc. are not required") == {"coding.python": "negated", "coding.go": "negated"}


def test_negation_misfires(m):
    # a condition ends the negation's reach
    assert status(m, "Backbone.js, although it is not a required skill if you are a strong Javascript candidate") == {
        "coding.javascript": "required",
    }
    assert status(m, "Golang is not required unless you know Rust") == {"coding.go": "negated", "coding.rust": "required"}
    # a subject that is not the hire, and verbs that are no skill, make no negation
    assert status(m, "Our customers don't need to worry about scalability.") == {
        "systems_architecture.scalability": "required",
    }
    assert status(m, "We don't have to wait for review and reuse javascript libraries.") == {
        "coding.javascript": "required",
    }
    assert status(m, "You don't need to know Rust.") == {"coding.rust": "negated"}
    # "not a ... role" negates only what it names
    assert status(m, "This is a systems architecture role, not a feature dev role.") == {
        "systems_architecture.system_design": "required",
    }
    assert status(m, "This is not an entry-level DevOps position.") == {"cloud_devops.devops": "required"}


def test_not_required_beside_an_optional_cue_is_a_preference(m):
    assert status(m, "Java/C/C++ is a huge plus (not required).") == dict.fromkeys(
        ["coding.java", "coding.c", "coding.cpp"], "preferred"
    )
    assert status(m, "Nice to haves (not required):\n- Docker\n- Kubernetes") == {
        "cloud_devops.docker": "preferred", "cloud_devops.kubernetes": "preferred",
    }
    assert status(m, "Bonus Points (but not required):\n- C++") == {"coding.cpp": "preferred"}
    assert status(m, "Kubernetes is not required.") == {"cloud_devops.kubernetes": "negated"}


def test_header_sets_the_status_of_its_list(m):
    text = (
        "Requirements:\n- Python\n- SQL\n\nNice to have:\n\n- Airtable\n\n- Zapier (required)\n- Kafka\n\n"
        "We are a small team that ships every day and cares about craft, kindness and the details.\n"
        "You will write TypeScript."
    )
    assert status(m, text) == {
        "coding.python": "required", "data_sql.sql": "required", "low_code.airtable": "preferred",
        "low_code.zapier": "required", "systems_architecture.kafka": "preferred", "coding.typescript": "required",
    }


def test_hit_fields(m):
    (h,) = m.find("Kubernetes is a plus")
    assert isinstance(h, Hit)
    assert (h.term, h.family, h.taxonomy_id, h.start, h.end, h.status, h.surface) == (
        "Kubernetes", "cloud_devops", "cloud_devops.kubernetes", 0, 10, "preferred", "Kubernetes",
    )
    assert m.find(None) == [] and m.find(pd.NA) == [] and m.find("") == []
    with pytest.raises(TypeError, match="needs a str"):
        m.find(42)


def test_statuses_by_term_keeps_the_strongest(m):
    assert m.statuses_by_term("SQL is a plus. We use SQL. No coding required.") == {
        "data_sql.sql": "required", "coding.code": "negated",
    }


def test_matcher_version_pin():
    with pytest.raises(TaxonomyError, match="version '0.0' requested"):
        SkillMatcher.from_taxonomy(version="0.0")


def test_clashing_forms_are_refused():
    tax = skill_taxonomy()
    sk = tax.skills.copy()
    sk.loc[sk.taxonomy_id == "coding.ruby", "forms"] = "ruby|python"
    with pytest.raises(TaxonomyError, match="'python' is also a form of coding.python|'ruby|python"):
        SkillMatcher(type(tax)(**{**tax.__dict__, "skills": sk}))


# --------------------------------------------------------------------------- the baseline


def _naive(tax, text: str) -> set[str]:
    """One boundary regex per term, as the benchmark's baseline."""
    out = set()
    for r in tax.skills.itertuples():
        alts = [f"(?i:{_lit(s)})" for s in expand_forms(r.forms)] + [_lit(s) for s in expand_forms(r.cs_forms)]
        if re.search(r"(?<!\w)(?:" + "|".join(alts) + ")" + RIGHT_BOUNDARY, text):
            out.add(r.taxonomy_id)
    return out


def _lit(s: str) -> str:
    return "".join(r"\s" if c == " " else re.escape(c) for c in s)


def test_occurrences_equal_the_per_term_baseline_on_a_dense_text(m):
    text = (
        "Python3/Go, C++17, C#; .NET & Node.js. A/B-tests? micro services!\nSQL-Server, no-code, "
        "vibe-coding, R&D, Series C, go-to-market, REST-ful, rest, CI/CD, k8s, GA4, ſql, PYTHON_x, "
        "pythonic, ReactJS, react, Spark, spark; Julia, AI/ML, ML, Kotlin(ish), Rust\u00e9, \u00e9Rust"
    )
    tax = m.taxonomy
    assert {o.taxonomy_id for o in m.occurrences(text)} == _naive(tax, text)
    # and each occurrence is a place where that term's regex matches, with the same end
    for o in m.occurrences(text):
        r = tax.skills.set_index("taxonomy_id").loc[o.taxonomy_id]
        alts = [f"(?i:{_lit(s)})" for s in expand_forms(r.forms)] + [_lit(s) for s in expand_forms(r.cs_forms)]
        ends = {mm.end() for a in alts for mm in [re.compile(r"(?<!\w)" + a + RIGHT_BOUNDARY).match(text, o.start)] if mm}
        assert o.end in ends, o


def test_both_engines_find_the_same_mentions(m, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ahocorasick_rs", None)  # the import fails: pyahocorasick
    slow = SkillMatcher(m.taxonomy)
    assert slow.engine == "pyahocorasick"
    text = (
        "Python3/Go, C++17, C#; .NET & Node.js. A/B-tests? micro services!\nSQL-Server, no-code, "
        "vibe-coding, R&D, Series C, go-to-market, REST-ful, rest, CI/CD, k8s, GA4, ſql, PYTHON_x, "
        "Nice to have: Rust\u00e9, \u00e9Rust, #python, +Kotlin; not required but a plus: Kafka"
    )
    assert slow.find(text) == m.find(text)
    assert slow.occurrences(text) == m.occurrences(text)


_VOCAB = [
    "python", "Go", "go", "R", "C", "C++", "c#", ".NET", "node.js", "Java", "JavaScript", "SQL", "sql server",
    "no-code", "code", "A/B", "test", "tests", "micro", "services", "REST", "rest", "AI", "ml", "data",
    "warehouse", "excel", "series", "r&d", "to", "market", "ci/cd", "rust", "ſql", "K8s", "ruby on rails",
    "machine", "learning", "é", "x", "1", "17",
]
_SEPS = [" ", "  ", "\n", "-", "/", ",", ".", "+", "#", "_", "(", ")", "é", "", "\t", "&", "\xa0", "\u2003"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_VOCAB), st.sampled_from(_SEPS)), min_size=1, max_size=14))
def test_occurrences_equal_the_baseline_on_generated_text(m, parts):
    text = "".join(w + s for w, s in parts)
    assert {o.taxonomy_id for o in m.occurrences(text)} == _naive(m.taxonomy, text), text


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from([*_VOCAB, "not", "a plus", "but", "\u017f"]), st.sampled_from(_SEPS)),
                         max_size=8), min_size=1, max_size=6))
def test_many_texts_read_at_once_as_one_by_one(m, texts):
    # one automaton pass over joined texts: nothing found across a text's edges, every check as in one text
    texts = ["".join(w + s for w, s in parts) for parts in texts]
    for t, got in zip(texts, m._scan_many(texts), strict=True):
        ms, anchors, contrasts, flags = m._scan(t)
        kept, nested = m._longest(ms)
        assert (got[1], got[2], got[3] & ~_NEAR, got[4]) == (anchors, contrasts, flags, nested), t
        assert got[3] & _NEAR or not any(x.near for x in got[0]), t  # a mention that may sit in a link is read
        # the same mentions; "may sit in a link" is read more narrowly from the bytes, never missed
        assert [x[:4] for x in got[0]] == [x[:4] for x in kept], t
        assert all(a.near or not b.near or not m._in_link(t, b.start, b.end) for a, b in zip(got[0], kept, strict=True)), t
        assert m._by_term(t, None, None, got) == m._by_term(t, None, None), t


def test_many_texts_with_the_fallback_engine(m, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ahocorasick_rs", None)
    slow = SkillMatcher(m.taxonomy)
    texts = ["Python, Go", "", ".NET", "C++ and \u00e9Rust", "ſql; Rust\u00e9; not required but a plus: Kafka", "R"]
    assert slow._scan_many(texts) == m._scan_many(texts)
    assert [x[0] for x in slow._scan_many(texts)] == [m._longest(m._scan(t)[0])[0] for t in texts]


# --------------------------------------------------------------------------- tables


def _roles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "posting_id": ["p1", "p1", "p2", "p3", "p4"],
            "role_index": [0, 1, 0, 0, 0],
            "requirements_text": [
                "Python and SQL. Python is a plus.",
                "Own the roadmap. Airtable is a plus.",
                "No coding required. Not a technical role.",
                None,
                "Great communicator.",
            ],
        }
    )


def test_tag_skills_table(m):
    roles = _roles()
    before = roles.copy()
    hits = tag_skills(roles, matcher=m)
    pd.testing.assert_frame_equal(roles, before)  # the input is not modified
    assert list(hits.columns) == SKILL_HITS_COLUMNS
    assert str(hits.role_index.dtype) == "Int64" and str(hits.posting_id.dtype).startswith("str")
    got = {(p, r, t, s) for p, r, t, s in hits[["posting_id", "role_index", "taxonomy_id", "status"]].itertuples(index=False)}
    assert got == {
        ("p1", 0, "coding.python", "required"),  # required beats the later "a plus"
        ("p1", 0, "data_sql.sql", "required"),
        ("p1", 1, "roadmapping_prioritisation.roadmap", "required"),
        ("p1", 1, "low_code.airtable", "preferred"),
        ("p2", 0, "coding.code", "negated"),
        ("p2", 0, "technical_aptitude.technical_skills", "negated"),
    }
    assert hits.attrs["roles_in"] == 5 and hits.attrs["roles_without_text"] == 1
    assert hits.attrs["taxonomy_version"] == m.version


def test_tag_skills_reads_texts_in_chunks_as_one_by_one(m, monkeypatch):
    import trendlab.clean.skills as skills

    texts = ["SQL; Python a plus", "R&amp;D and Go", None, "SQL; Python a plus", "Go<br>Nice to have: Rust",
             "No coding required", "Acme | PM | Remote\nAcme builds Zapier flows", "Julia, Python"]
    roles = pd.DataFrame({"posting_id": [str(i) for i in range(len(texts))], "role_index": 0,
                          "requirements_text": texts})
    monkeypatch.setattr(skills, "_CHUNK_ROLES", 3)  # chunk edges fall inside the table
    hits = tag_skills(roles, matcher=m)
    want = [(str(i), tid, st) for i, t in enumerate(texts) for tid, st in m.statuses_by_term(t).items()]
    assert list(hits[["posting_id", "taxonomy_id", "status"]].itertuples(index=False, name=None)) == want
    assert len(want) == 9 and ("4", "coding.rust", "preferred") in want and ("5", "coding.code", "negated") in want


def test_tag_skills_checks_its_input(m):
    with pytest.raises(KeyError, match=r"lacks column\(s\) \['requirements_text'\]"):
        tag_skills(pd.DataFrame({"posting_id": ["1"], "role_index": [0]}), matcher=m)
    dup = pd.DataFrame({"posting_id": ["1", "1"], "role_index": [0, 0], "requirements_text": ["a", "b"]})
    with pytest.raises(ValueError, match=r"1 duplicate \(posting_id, role_index\)"):
        tag_skills(dup, matcher=m)
    empty = tag_skills(pd.DataFrame({"posting_id": [], "role_index": [], "requirements_text": []}), matcher=m)
    assert list(empty.columns) == SKILL_HITS_COLUMNS and len(empty) == 0


def test_skill_flags(m):
    roles = _roles()
    flags = skill_flags(tag_skills(roles, matcher=m), roles).set_index(["posting_id", "role_index"])
    assert len(flags) == 5
    assert flags.loc[("p1", 0), "coding_required"] and flags.loc[("p1", 0), "data_sql_required"]
    assert not flags.loc[("p1", 0), "coding_preferred"]  # required and preferred are exclusive
    assert flags.loc[("p1", 0), "technical_required"] and not flags.loc[("p1", 0), "technical_preferred"]
    assert flags.loc[("p1", 1), "low_code_preferred"] and flags.loc[("p1", 1), "product_required"]
    assert not flags.loc[("p1", 1), "technical_required"]
    row = flags.loc[("p2", 0)]
    assert row.technical_negated and not row.technical_required and not row.technical_preferred
    assert not flags.loc[("p3", 0), "has_text"] and flags.loc[("p4", 0), "has_text"]
    assert not flags.loc[("p4", 0)].drop("has_text").any()
    bool_cols = [c for c in flags.columns]
    assert all(flags[c].dtype == bool for c in bool_cols)


def test_skill_flags_refuses_orphans_and_unknown_families(m):
    roles = _roles()
    hits = tag_skills(roles, matcher=m)
    with pytest.raises(ValueError, match="belong to no role"):
        skill_flags(hits, roles[roles.posting_id != "p1"])
    bad = hits.copy()
    bad.loc[0, "skill_family"] = "astrology"
    with pytest.raises(ValueError, match="families not in the taxonomy"):
        skill_flags(bad, roles)
