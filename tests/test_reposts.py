"""Repost detection on hand-written posts: what makes two postings one ad, and what never does."""

from __future__ import annotations

import pandas as pd
import pytest
from rapidfuzz import fuzz

from trendlab.clean.dedupe import normalise_text
from trendlab.clean.reposts import (
    DEFAULT_THRESHOLD,
    REPOST_COLUMNS,
    companies_agree,
    find_reposts,
    normalise_company,
    repost_summary,
    reposts_table,
)

BAKERY = (
    "Crumbly Labs | Product Manager | Lisbon | ONSITE\n"
    "We build scheduling software for independent bakeries. You will talk to bakers every week, "
    "write clear specs and own the roadmap of our ordering app. SQL is a plus."
)
BAKERY_EDIT = BAKERY.replace("every week", "every single week")  # a small edit
BAKERY_NEW_ROLES = (
    "Crumbly Labs | Backend Engineer, Data Engineer | Lisbon | ONSITE\n"
    "We build scheduling software for independent bakeries. Engineers here write Go and Postgres "
    "and ship the ordering pipeline; data engineers own our warehouse and its dashboards."
)


def posts(rows: list[dict]) -> pd.DataFrame:
    """A postings-like frame from short dicts (company and author default to missing / a name)."""
    full = [
        {
            "posting_id": r["posting_id"],
            "month": r["month"],
            "company": r.get("company"),
            "author": r.get("author", "writer"),
            "text": r["text"],
        }
        for r in rows
    ]
    df = pd.DataFrame(full)
    return df.astype({"posting_id": "string", "month": "string", "company": "string", "author": "string", "text": "string"})


def by_id(out: pd.DataFrame) -> pd.DataFrame:
    return out.set_index("posting_id")


# ----------------------------------------------------------------------------- company names
@pytest.mark.parametrize(
    ("raw", "norm"),
    [("Apple, Inc.", "apple inc"), ("  CRUMBLY   labs ", "crumbly labs"), ("Ｆｏｏ Co", "foo co"), (None, ""), ("", "")],
)
def test_normalise_company(raw: str | None, norm: str) -> None:
    assert normalise_company(raw) == norm


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("crumbly labs", "crumbly labs", True),
        ("crumbly", "crumbly labs", True),  # one name's words start the other
        ("crumbly labs", "crumbly", True),
        ("crumbly", "crumblyco", False),  # a longer word is another company
        ("crumbly labs", "crumbly bakes", False),
        ("", "crumbly", False),
        ("", "", False),
    ],
)
def test_companies_agree(a: str, b: str, same: bool) -> None:
    assert companies_agree(a, b) is same


# ----------------------------------------------------------------------------- the rule
def test_monthly_reposts_form_one_ad_with_one_first_posting() -> None:
    p = posts(
        [
            {"posting_id": "101", "month": "2015-01", "company": "Crumbly Labs", "text": BAKERY},
            {"posting_id": "205", "month": "2015-02", "company": "Crumbly Labs", "text": BAKERY_EDIT},
            {"posting_id": "309", "month": "2015-03", "company": "Crumbly Labs", "text": BAKERY},
        ]
    )
    out = by_id(find_reposts(p))
    assert out["ad_id"].tolist() == ["101", "101", "101"]
    assert out["first_seen"].tolist() == [True, False, False]
    assert out.loc["205", "repost_of"] == "101"
    # identical text: ratio 100 -- the March copy points to the identical January one
    assert out.loc["309", "repost_of"] == "101"
    assert out.loc["309", "similarity"] == pytest.approx(100.0)
    assert out.loc["205", "similarity"] == pytest.approx(fuzz.ratio(normalise_text(BAKERY), normalise_text(BAKERY_EDIT)), abs=1e-4)
    assert out["ad_postings"].tolist() == [3, 3, 3]
    assert out["ad_months"].tolist() == [3, 3, 3]
    assert out.loc["205", "matched_on"] == "company"


def test_same_month_comments_are_two_ads() -> None:
    # a company posting the same text twice in one thread: two comments, never a repost
    p = posts(
        [
            {"posting_id": "1", "month": "2016-05", "company": "Crumbly Labs", "text": BAKERY},
            {"posting_id": "2", "month": "2016-05", "company": "Crumbly Labs", "text": BAKERY},
        ]
    )
    out = find_reposts(p)
    assert out["ad_id"].tolist() == ["1", "2"]
    assert out["first_seen"].all()
    assert out["repost_of"].isna().all()


def test_new_list_of_roles_is_a_new_ad() -> None:
    p = posts(
        [
            {"posting_id": "1", "month": "2016-05", "company": "Crumbly Labs", "text": BAKERY},
            {"posting_id": "2", "month": "2016-06", "company": "Crumbly Labs", "text": BAKERY_NEW_ROLES},
        ]
    )
    assert fuzz.ratio(normalise_text(BAKERY), normalise_text(BAKERY_NEW_ROLES)) < DEFAULT_THRESHOLD
    out = find_reposts(p)
    assert out["ad_id"].tolist() == ["1", "2"]
    assert out["first_seen"].all()


def test_different_companies_never_match_even_with_one_text() -> None:
    # a recruiter's template for two clients: same author, same words, two companies
    p = posts(
        [
            {"posting_id": "1", "month": "2017-01", "company": "Crumbly Labs", "author": "recruit", "text": BAKERY},
            {"posting_id": "2", "month": "2017-02", "company": "Doughnut Works", "author": "recruit", "text": BAKERY},
        ]
    )
    out = find_reposts(p)
    assert out["ad_id"].tolist() == ["1", "2"]


def test_author_stands_in_for_a_missing_company() -> None:
    p = posts(
        [
            {"posting_id": "1", "month": "2012-03", "author": "kneader", "text": BAKERY},
            {"posting_id": "2", "month": "2012-04", "author": "kneader", "company": "Crumbly Labs", "text": BAKERY_EDIT},
            # same text, no company, another author: nothing says it is the same company
            {"posting_id": "3", "month": "2012-05", "author": "someone", "text": BAKERY},
        ]
    )
    out = by_id(find_reposts(p))
    assert out.loc["2", "ad_id"] == "1" and out.loc["2", "matched_on"] == "author"
    assert out.loc["3", "ad_id"] == "3"


def test_company_name_variants_match() -> None:
    p = posts(
        [
            {"posting_id": "1", "month": "2014-01", "company": "Crumbly", "author": "a", "text": BAKERY},
            {"posting_id": "2", "month": "2014-02", "company": "Crumbly Labs, Inc.", "author": "b", "text": BAKERY},
            {"posting_id": "3", "month": "2014-03", "company": "Crumblyco", "author": "c", "text": BAKERY},
        ]
    )
    out = by_id(find_reposts(p))
    assert out.loc["2", "ad_id"] == "1"
    assert out.loc["3", "ad_id"] == "3"


def test_threshold_is_inclusive_at_the_ratio() -> None:
    # ratio = 100 * (1 - d / (len_a + len_b)): one substituted character is one deletion and one
    # insertion (d = 2) over 10 + 10 characters -> exactly 90
    a, b = "abcdefghij", "abcdefghik"
    assert fuzz.ratio(a, b) == pytest.approx(90.0)
    p = posts(
        [
            {"posting_id": "1", "month": "2013-01", "company": "Zed", "text": a},
            {"posting_id": "2", "month": "2013-02", "company": "Zed", "text": b},
        ]
    )
    assert find_reposts(p, threshold=90)["ad_id"].tolist() == ["1", "1"]
    assert find_reposts(p, threshold=90.5)["ad_id"].tolist() == ["1", "2"]


def test_texts_compared_ignoring_case_and_spacing() -> None:
    p = posts(
        [
            {"posting_id": "1", "month": "2013-01", "company": "Zed", "text": "Zed | PM\n\nWe  make   maps."},
            {"posting_id": "2", "month": "2013-02", "company": "Zed", "text": "ZED | pm we make maps."},
        ]
    )
    out = find_reposts(p)
    assert out["similarity"].iloc[1] == pytest.approx(100.0)


def test_a_drifting_ad_stays_one_ad() -> None:
    # each month changes a little; the first and the last are further apart than the threshold
    base = "Zed | Product Manager | Oslo. " + " ".join(f"word{i}" for i in range(40))
    texts = [base]
    for k in range(4):
        texts.append(texts[-1].replace(f"word{k * 10}", f"term{k * 10}x"))
    norm = [normalise_text(t) for t in texts]
    assert min(fuzz.ratio(a, b) for a, b in zip(norm, norm[1:], strict=False)) >= 98
    assert fuzz.ratio(norm[0], norm[-1]) < 98 and fuzz.ratio(norm[0], norm[2]) < 98
    p = posts([{"posting_id": str(10 + i), "month": f"2015-0{i + 1}", "company": "Zed", "text": t} for i, t in enumerate(texts)])
    out = find_reposts(p, threshold=98)
    assert out["ad_id"].nunique() == 1
    assert out["first_seen"].tolist() == [True, False, False, False, False]


def test_two_first_month_comments_linked_later_both_count_as_first() -> None:
    # January has two comments; a February copy matches both: one ad, but January's two
    # comments are both first appearances (rule 1)
    a = "Zed | PM | Oslo. We build maps for sailors and need a product manager soon."
    b = "Zed | PM | Oslo. We build maps for sailors and need a product manager now."
    mid = "Zed | PM | Oslo. We build maps for sailors and need a product manager."
    p = posts(
        [
            {"posting_id": "1", "month": "2015-01", "company": "Zed", "text": a},
            {"posting_id": "2", "month": "2015-01", "company": "Zed", "text": b},
            {"posting_id": "3", "month": "2015-02", "company": "Zed", "text": mid},
        ]
    )
    out = find_reposts(p)
    assert out["ad_id"].tolist() == ["1", "1", "1"]
    assert out["first_seen"].tolist() == [True, True, False]


def test_ad_id_is_earliest_by_month_then_numeric_id() -> None:
    p = posts(
        [
            {"posting_id": "900", "month": "2015-02", "company": "Zed", "text": BAKERY},
            {"posting_id": "80", "month": "2015-03", "company": "Zed", "text": BAKERY},
            {"posting_id": "1000", "month": "2015-01", "company": "Zed", "text": BAKERY},
        ]
    )
    out = find_reposts(p)
    assert out["posting_id"].tolist() == ["900", "80", "1000"]  # input order kept
    assert set(out["ad_id"]) == {"1000"}
    table = reposts_table(p)
    assert table["posting_id"].tolist() == ["1000", "900", "80"]
    assert list(table.columns) == REPOST_COLUMNS


def test_input_not_modified_and_attrs() -> None:
    p = posts(
        [
            {"posting_id": "1", "month": "2015-01", "company": "Zed", "text": BAKERY},
            {"posting_id": "2", "month": "2015-02", "company": "Zed", "text": BAKERY},
        ]
    )
    before = p.copy(deep=True)
    out = find_reposts(p)
    pd.testing.assert_frame_equal(p, before)
    assert out.attrs == {"threshold": 90.0, "pairs_compared": 1, "pairs_matched": 1}


def test_repost_summary_counts() -> None:
    p = posts(
        [
            {"posting_id": "1", "month": "2015-01", "company": "Zed", "text": BAKERY},
            {"posting_id": "2", "month": "2015-02", "company": "Zed", "text": BAKERY},
            {"posting_id": "3", "month": "2015-02", "company": "Other", "text": "Other | Designer"},
        ]
    )
    s = repost_summary(find_reposts(p))
    assert s[["month", "postings", "first_postings", "reposts"]].values.tolist() == [["2015-01", 1, 1, 0], ["2015-02", 2, 1, 1]]
    assert s["repost_share"].tolist() == [0.0, 0.5]


# ----------------------------------------------------------------------------- bad input
def test_bad_input_errors_name_the_problem() -> None:
    good = posts([{"posting_id": "1", "month": "2015-01", "text": "x"}])
    with pytest.raises(KeyError, match="author"):
        find_reposts(good.drop(columns="author"))
    dup = pd.concat([good, good], ignore_index=True)
    with pytest.raises(ValueError, match="posting_id '1' appears more than once"):
        find_reposts(dup)
    with pytest.raises(ValueError, match=r"month '2015/01' of posting '1' is not YYYY-MM"):
        find_reposts(good.assign(month="2015/01"))
    with pytest.raises(ValueError, match="threshold"):
        find_reposts(good, threshold=0)
    with pytest.raises(TypeError, match="DataFrame"):
        find_reposts([1, 2])  # type: ignore[arg-type]


def test_empty_and_missing_text() -> None:
    p = posts([{"posting_id": "1", "month": "2015-01", "company": "Zed", "text": "Zed | PM"}]).iloc[:0]
    assert find_reposts(p).empty
    q = posts(
        [
            {"posting_id": "1", "month": "2015-01", "company": "Zed", "text": "Zed | PM"},
            {"posting_id": "2", "month": "2015-02", "company": "Zed", "text": "Zed | PM"},
        ]
    )
    q.loc[1, "text"] = pd.NA
    out = find_reposts(q)  # a posting without text is its own ad
    assert out["ad_id"].tolist() == ["1", "2"]


def test_length_bound_skips_only_pairs_that_cannot_reach_the_threshold() -> None:
    # 10 vs 12 characters: the best possible ratio is 100 * 2 * 10 / 22 = 90.9, so compared;
    # 10 vs 13: at most 87.0 -- left out without computing the ratio
    short = "abcdefghij"
    p = posts(
        [
            {"posting_id": "1", "month": "2013-01", "company": "Zed", "text": short},
            {"posting_id": "2", "month": "2013-02", "company": "Zed", "text": short + "kl"},
            {"posting_id": "3", "month": "2013-03", "company": "Zed", "text": short + "klm"},
        ]
    )
    out = find_reposts(p)
    assert out.attrs["pairs_compared"] == 2  # (1, 2) and (2, 3); (1, 3) ruled out by length
    assert fuzz.ratio(short, short + "kl") == pytest.approx(100 * 20 / 22)
    assert out["ad_id"].tolist() == ["1", "1", "1"]  # 3 joins through 2 (ratio 96)


def test_empty_texts_never_match() -> None:
    p = posts(
        [
            {"posting_id": "1", "month": "2013-01", "company": "Zed", "text": ""},
            {"posting_id": "2", "month": "2013-02", "company": "Zed", "text": "   "},
        ]
    )
    assert fuzz.ratio("", "") == 100  # rapidfuzz calls two empty strings identical
    assert find_reposts(p)["ad_id"].tolist() == ["1", "2"]
