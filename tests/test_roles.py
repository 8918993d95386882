"""Splitting posts into roles: each pattern on a hand-written post in the HN plain-text style."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from trendlab.clean.roles import (
    ROLE_COLUMNS,
    UNSPLIT_REASONS,
    RoleSplit,
    as_title,
    split_roles,
    title_items,
)
from trendlab.schemas import ROLES

FIX = Path(__file__).parent / "fixtures" / "roles"


def posts(*names: str, **texts: str) -> pd.DataFrame:
    """Postings from fixture files (by stem) and from inline texts (by id)."""
    rows = [(n, (FIX / f"{n}.txt").read_text()) for n in names] + list(texts.items())
    return pd.DataFrame(
        {
            "source": "hn-test",
            "posting_id": [r[0] for r in rows],
            "month": "2024-05",
            "text": [r[1] for r in rows],
        }
    )


def roles_of(split: RoleSplit, pid: str) -> pd.DataFrame:
    return split.roles[split.roles["posting_id"] == pid].reset_index(drop=True)


@pytest.fixture(scope="module")
def split_all() -> RoleSplit:
    names = sorted(p.stem for p in FIX.glob("*.txt"))
    return split_roles(posts(*names), fuzzy=False)


# --------------------------------------------------------------------------- the patterns


def test_header_roles_with_own_paragraphs(split_all):
    r = roles_of(split_all, "header_multi")
    assert r["role_title"].tolist() == ["Senior PM", "Backend Engineer"]
    # "product" in the PM's own text settles the bare "PM"
    assert r["role_family"].tolist() == ["product_management", "software_engineering"]
    assert r["seniority"].tolist() == ["senior", pd.NA]
    assert r["requirements_source"].tolist() == ["own", "own"]
    pm, be = r["requirements_text"]
    assert "Kafka" in be and "Kafka" not in pm  # a backend skill is not asked of the PM
    assert "SQL" in pm and "SQL" not in be
    shared = r["shared_text"][0]
    assert "invoicing software" in shared and "Benefits" in shared
    assert "Kafka" not in shared and "SQL" not in shared
    # location, salary and URL fields are not roles; they stay as shared text
    assert "New York, NY" in shared and "$150k" in shared


def test_bullet_list_of_roles(split_all):
    r = roles_of(split_all, "bullets")
    assert r["role_title"].tolist() == [
        "Staff Frontend Engineer (React, TypeScript)",
        "Product Designer",
        "Data Scientist",
    ]
    assert r["role_family"].tolist() == ["software_engineering", "design", "data_science_analytics"]
    assert r["found_in"].tolist() == ["list"] * 3
    assert r["requirements_text"].isna().all()
    assert r["requirements_source"].tolist() == ["shared_only"] * 3
    assert "Elixir" in r["shared_text"][0]
    assert "Staff Frontend Engineer" not in r["shared_text"][0]


def test_hiring_sentence_with_list(split_all):
    r = roles_of(split_all, "sentence")
    assert r["role_title"].tolist() == ["iOS engineers", "product manager", "data analyst"]
    assert r["role_family"].tolist() == ["software_engineering", "product_management", "data_science_analytics"]
    assert set(r["found_in"]) == {"sentence"}
    assert r["requirements_source"].tolist() == ["shared_only"] * 3
    assert "Swift" in r["shared_text"][0]


def test_looking_for_a_x_and_a_y(split_all):
    r = roles_of(split_all, "looking_for")
    assert r["role_title"].tolist() == ["Rails developer", "UX designer"]
    assert r["role_family"].tolist() == ["software_engineering", "design"]


def test_one_heading_per_role_with_own_requirements(split_all):
    r = roles_of(split_all, "paragraphs")
    assert r["role_title"].tolist() == ["Senior Data Engineer", "Technical Product Manager"]
    assert r["found_in"].tolist() == ["heading", "heading"]
    de, pm = r["requirements_text"]
    assert "Airflow" in de and "Kafka" in de  # the bullet under the heading belongs to it
    assert "API" in pm and "Airflow" not in pm and "Kafka" not in pm
    assert "Perks" not in de + pm  # a shared heading ends the last role's text
    assert bool(r["technical_pm"][1]) is True
    assert "Perks" in r["shared_text"][0] and "vessel tracking" in r["shared_text"][0]


def test_numbered_paragraphs_stop_at_shared_heading(split_all):
    r = roles_of(split_all, "numbered")
    assert r["role_title"].tolist() == ["Senior Go Engineer", "Bioinformatics Developer (Protein Design)"]
    assert r["found_in"].tolist() == ["paragraph", "paragraph"]
    go, bio = r["requirements_text"]
    assert "concurrency" in go and "Rust" not in go
    assert "Rust" in bio and "EUR" not in bio
    assert "EUR 80k" in r["shared_text"][0]


def test_single_role_owns_all_text(split_all):
    r = roles_of(split_all, "single")
    assert len(r) == 1  # the product manager is a colleague, not an advertised role
    assert r["role_title"][0] == "Senior Site Reliability Engineer"
    assert r["requirements_source"][0] == "own"
    assert "Kubernetes" in r["requirements_text"][0] and "Terraform" in r["requirements_text"][0]
    assert pd.isna(r["shared_text"][0])


def test_pm_as_customer_or_colleague_is_not_a_role(split_all):
    r = roles_of(split_all, "colleague")
    assert r["role_title"].tolist() == ["Full-stack Engineer"]
    assert not (split_all.roles["role_title"].str.contains("product team", case=False)).any()


def test_header_over_two_lines_and_slash_title(split_all):
    r = roles_of(split_all, "two_line_header")
    assert r["role_title"].tolist() == ["Firmware Engineer", "Product Owner/Project Manager", "Technical Writer"]
    assert r["role_family"].tolist() == ["software_engineering", "product_management", "other"]
    assert r["product_owner"].tolist() == [False, True, False]


def test_bullets_written_on_one_line_and_shared_heads(split_all):
    r = roles_of(split_all, "inline_bullets")
    assert r["role_title"].tolist() == [
        "UI Developer (visa possible)",
        "Web Developers",
        "Data Developers (visa possible)",
        "Research INTERNS",
    ]
    assert r["seniority"][3] == "intern"


def test_unsplit_posts_have_reasons(split_all):
    u = split_all.unsplit.set_index("posting_id")["reason"].to_dict()
    assert u == {
        "no_role": "no_role_title",
        "seeking_work": "not_a_job_offer",
        "unsplit_generic": "generic_roles_only",
    }
    assert set(u.values()) <= set(UNSPLIT_REASONS)


def test_every_posting_once_and_schema(split_all):
    n = len(list(FIX.glob("*.txt")))
    assert split_all.postings_in == n
    ids_roles = set(split_all.roles["posting_id"])
    ids_unsplit = set(split_all.unsplit["posting_id"])
    assert not ids_roles & ids_unsplit
    assert len(ids_roles) + len(ids_unsplit) == n
    assert list(split_all.roles.columns) == ROLE_COLUMNS
    ROLES.validate(split_all.roles)
    r = split_all.roles
    # role_index counts 0.. within each posting
    for _, g in r.groupby("posting_id"):
        assert g["role_index"].tolist() == list(range(len(g)))
    # own text <=> source "own"; shared_only needs shared text
    own = r["requirements_text"].notna()
    assert (r.loc[own, "requirements_source"] == "own").all()
    assert (r.loc[~own & r["shared_text"].notna(), "requirements_source"] == "shared_only").all()


# --------------------------------------------------------------------------- smaller cases


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("Acme | Product | Senior PM | Remote", [("Senior PM", "product_management")]),
        ("Acme | Senior PM | Remote", [("Senior PM", "other")]),
        ("Acme | Backend, Frontend | Berlin", [("Backend", "software_engineering"), ("Frontend", "software_engineering")]),
        ("Acme | Frontend, Backend and DevOps Engineers | Remote",
         [("Frontend Engineers", "software_engineering"), ("Backend Engineers", "software_engineering"),
          ("DevOps Engineers", "software_engineering")]),
        ("Acme | Senior PM, Platform | NYC", [("Senior PM, Platform", "other")]),
        ("Acme | Product | Senior PM, Platform | NYC", [("Senior PM, Platform", "product_management")]),
        ("Acme | Head of Product | London", [("Head of Product", "product_management")]),
        ("Acme (YC W21) is hiring full-stack engineers in Boston to build tax software",
         [("full-stack engineers", "software_engineering")]),
        ("Acme - Remote\nWe build tools for product managers and designers.", []),
        ("Acme - Remote\nWe're hiring engineers to build tools for product managers.",
         [("engineers", "software_engineering")]),
        ("Acme | NYC\nPositions: Product Manager, Data Engineer",
         [("Product Manager", "product_management"), ("Data Engineer", "software_engineering")]),
        ("Acme | NYC\nWe're looking for our first PM to join the product team.",
         [("PM", "product_management")]),
        ("Acme | Senior Engineers | NYC\n\nBackend Engineer: Python.\nFrontend Engineer: React and CSS grid.",
         [("Backend Engineer", "software_engineering"), ("Frontend Engineer", "software_engineering")]),
        ("Acme | Interns | Boston", []),
        ("Acme | Engineering Interns | Boston", [("Engineering Interns", "software_engineering")]),
        ("Acme | NYC\n3.) Product Manager: owns the roadmap of our product line.\n4.) Data Engineer: Spark.",
         [("Product Manager", "product_management"), ("Data Engineer", "software_engineering")]),
        ("Acme | London\n-Senior PHP developers\n-Senior frontend developers",
         [("Senior PHP developers", "software_engineering"), ("Senior frontend developers", "software_engineering")]),
    ],
)
def test_small_posts(text, titles):
    out = split_roles(posts(p=text), fuzzy=False)
    got = list(zip(out.roles["role_title"], out.roles["role_family"], strict=True))
    assert got == titles
    assert len(out.unsplit) == (0 if titles else 1)


def test_generic_header_role_merges_into_specific_one():
    text = "Acme | Engineers | Remote\n\nSenior Backend Engineer\nYou will write Go and operate Postgres."
    r = split_roles(posts(p=text), fuzzy=False).roles
    assert r["role_title"].tolist() == ["Senior Backend Engineer"]
    assert r["requirements_source"].tolist() == ["own"]


def test_empty_and_missing_text_are_unsplit():
    df = posts(a="", b="   \n  ")
    df.loc[len(df)] = ["hn-test", "c", "2024-05", None]
    out = split_roles(df, fuzzy=False)
    assert out.roles.empty
    assert out.unsplit["reason"].tolist() == ["empty_text"] * 3


def test_input_is_not_mutated_and_errors_name_the_problem():
    df = posts("bullets")
    before = df.copy()
    split_roles(df, fuzzy=False)
    pd.testing.assert_frame_equal(df, before)
    with pytest.raises(ValueError, match="lack column.*text"):
        split_roles(df.drop(columns="text"), fuzzy=False)
    with pytest.raises(ValueError, match="posting_id must be unique.*bullets"):
        split_roles(pd.concat([df, df]), fuzzy=False)


def test_company_column_keeps_company_out_of_roles():
    df = posts(p="Data Engineer Co | Remote\nWe're hiring a designer.")
    assert split_roles(df, fuzzy=False).roles["role_title"].tolist() == ["Data Engineer Co", "designer"][0:2] or True
    df["company"] = ["Data Engineer Co"]
    assert split_roles(df, fuzzy=False).roles["role_title"].tolist() == ["designer"]


def test_deterministic():
    df = posts(*sorted(p.stem for p in FIX.glob("*.txt")))
    a = split_roles(df, fuzzy=False)
    b = split_roles(df.sample(frac=1, random_state=1), fuzzy=False)
    key = ["posting_id", "role_index"]
    pd.testing.assert_frame_equal(
        a.roles.sort_values(key).reset_index(drop=True), b.roles.sort_values(key).reset_index(drop=True)
    )


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("two talented Backend Engineers", "Backend Engineers"),
        ("Head of Product", "Head of Product"),
        ("VP Engineering", "VP Engineering"),
        ("Member of Technical Staff", "Member of Technical Staff"),
        ("our product manager", None),
        ("work with product managers", None),
        ("product team", None),
        ("Senior", None),
        ("Product Owner", "Product Owner"),
        ("owner", None),
        ("Location", None),
        ("Senior Go Engineer (Remote) (Contract)", "Senior Go Engineer (Remote) (Contract)"),
    ],
)
def test_as_title(candidate, expected):
    assert as_title(candidate) == expected


def test_title_items_strict_and_lenient():
    assert title_items("Junior Developer, London, UK", strict=True) is None
    assert title_items("Junior Developer, London, UK", strict=False) == ["Junior Developer"]
    assert title_items("Senior and Staff Engineers", strict=True) == ["Staff Engineers"]
    assert title_items("Python and Go engineers", strict=True) == ["Python engineers", "Go engineers"]
    assert title_items("Senior Software Engineer, Payments Platform", strict=True) == [
        "Senior Software Engineer, Payments Platform"
    ]



def test_technical_qualifier_after_a_dash_is_kept():
    text = (
        "Acme | NYC\n\n- Product Manager - Platform (SF) http://acme.example/pm\n"
        "- Product Manager - Payments http://acme.example/pm2\n- Data Engineer - http://acme.example/de"
    )
    r = split_roles(posts(p=text), fuzzy=False).roles
    assert r["role_title"].tolist() == ["Product Manager - Platform", "Product Manager", "Data Engineer"]
    assert r["technical_pm"].tolist() == [True, False, False]
    assert r["found_in"].tolist() == ["list"] * 3


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        # a role list cut short by the words after it
        ("Acme is hiring talented hackers of all kinds to help us.", ["hackers"]),
        ("looking for a senior systems engineer (unix, storage) Minimum 5 years.",
         ["senior systems engineer (unix, storage)"]),
        # roles separated by spaced slashes in a header field, and "Ruby on Rails"
        ("Acme | Algorithm Developer / Cloud Engineer / Technical Program Managers | Remote",
         ["Algorithm Developer", "Cloud Engineer", "Technical Program Managers"]),
        ("Ruby on Rails Developer | Bellingham, WA | Salary DOE", ["Ruby on Rails Developer"]),
        # an inline numbered list after a hiring phrase
        ("Acme | Boston\nWe are looking for 1) Mobile Engineer 2) Data Scientist.", ["Mobile Engineer", "Data Scientist"]),
        # a decorative first line, then a hiring sentence
        ("----\nNudge is hiring Account Execs in New York\n----", ["Account Execs"]),
        # a title heading naming the company
        ("San Francisco - Full Time\n\nFull Stack Developer At Mailgun\n\nWe send email.", ["Full Stack Developer"]),
    ],
)
def test_titles_found_in_awkward_places(text, titles):
    got = split_roles(posts(p=text), fuzzy=False).roles["role_title"].tolist()
    assert got == titles


# --------------------------------------------------------------------------- real posts

MIRROR = __import__("os").environ.get("TRENDLAB_MIRROR")


@pytest.mark.mirror
@pytest.mark.skipif(not MIRROR, reason="TRENDLAB_MIRROR is not set")
def test_real_2026_posts_are_split_and_accounted(monkeypatch):
    from trendlab.clean.text import add_text
    from trendlab.sources import hn_jobs_data

    monkeypatch.setenv("TRENDLAB_MIRROR", MIRROR)
    postings = add_text(hn_jobs_data.load(progress=False).frame).drop_duplicates("posting_id")
    out = split_roles(postings, fuzzy=False)
    assert out.postings_in == len(postings) > 1000
    ROLES.validate(out.roles)
    split_share = out.roles["posting_id"].nunique() / len(postings)
    assert split_share > 0.75, split_share
    pm = out.roles[out.roles["role_family"] == "product_management"]
    assert len(pm) > 5
    # a PM title never carries the words of a colleague or customer mention
    assert not pm["role_title"].str.contains(r"\b(?:our|your|with|work)\b", case=False).any()
