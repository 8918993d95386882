"""pandera models of the shared tables: the common language of the code.

- ``postings``: one row per public posting.
- ``roles``: one row per role a posting advertises.
- ``skill_hits``: long format, one row per skill term found in a role's text.
- ``shares``: measured proportions with intervals.
- ``transitions``: moves between role families.

Dtypes are pandas' nullable extension types (``string``, ``Int64``, ``boolean``) so that a
missing value is ``<NA>`` and never a silently coerced ``nan``/``"None"``. ``month`` is a
``YYYY-MM`` string: it sorts, joins and reads the same everywhere, parquet included.

Examples
--------
>>> import pandas as pd
>>> from trendlab.schemas import POSTINGS, empty
>>> POSTINGS.validate(empty(POSTINGS)).shape
(0, 10)
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

MONTH_RE = r"^\d{4}-(0[1-9]|1[0-2])$"


def _s(nullable: bool = False, **kw) -> pa.Column:
    return pa.Column("string", nullable=nullable, **kw)


POSTINGS = pa.DataFrameSchema(
    {
        "source": _s(),  # every archive the record was seen in, ";"-joined, sorted
        "posting_id": _s(unique=True),  # the HN comment id for HN sources
        "thread_id": _s(nullable=True),
        "month": _s(checks=pa.Check.str_matches(MONTH_RE)),  # the thread's month
        "posted_at": pa.Column("datetime64[ns, UTC]", nullable=True),
        "author": _s(nullable=True),
        "company": _s(nullable=True),
        "text": _s(),
        "url": _s(nullable=True),
        "partial_month": pa.Column("boolean"),  # the thread is only partly covered
    },
    strict=True,
    ordered=True,
    name="postings",
)

ROLES = pa.DataFrameSchema(
    {
        "source": _s(),
        "posting_id": _s(),
        "role_index": pa.Column("Int64", pa.Check.ge(0)),
        "month": _s(checks=pa.Check.str_matches(MONTH_RE)),
        "role_title": _s(nullable=True),
        "role_family": _s(),
        "seniority": _s(nullable=True),
        "requirements_text": _s(nullable=True),
    },
    strict="filter",
    unique=["posting_id", "role_index"],
    name="roles",
)

SKILL_HITS = pa.DataFrameSchema(
    {
        "posting_id": _s(),
        "role_index": pa.Column("Int64", pa.Check.ge(0)),
        "skill_family": _s(),
        "term": _s(),
        "taxonomy_id": _s(),
        "status": _s(checks=pa.Check.isin(["required", "preferred", "negated"])),
    },
    strict="filter",
    name="skill_hits",
)

SHARES = pa.DataFrameSchema(
    {
        "period": _s(),
        "population": _s(),
        "measure": _s(),
        "successes": pa.Column("Int64", pa.Check.ge(0)),
        "n": pa.Column("Int64", pa.Check.ge(0)),
        "share": pa.Column("Float64", pa.Check.in_range(0, 1), nullable=True),
        "ci_low": pa.Column("Float64", pa.Check.in_range(0, 1), nullable=True),
        "ci_high": pa.Column("Float64", pa.Check.in_range(0, 1), nullable=True),
    },
    strict=False,
    checks=[pa.Check(lambda d: (d["successes"] <= d["n"]).all(), error="successes <= n")],
    name="shares",
)

TRANSITIONS = pa.DataFrameSchema(
    {
        "from_family": _s(),
        "to_family": _s(),
        "period": _s(nullable=True),
        "count": pa.Column("Int64", pa.Check.ge(0)),
        "source": _s(),
    },
    strict=False,
    name="transitions",
)

QUARANTINE = pa.DataFrameSchema(
    {
        "source": _s(),
        "file": _s(nullable=True),
        "record_id": _s(nullable=True),
        "reason": _s(),
        "detail": _s(nullable=True),
    },
    strict=True,
    ordered=True,
    name="quarantine",
)


def empty(schema: pa.DataFrameSchema) -> pd.DataFrame:
    """An empty frame with the schema's columns and dtypes (useful as Dask ``meta``)."""
    return pd.DataFrame(
        {name: pd.Series(dtype=col.dtype.type if col.dtype else "object") for name, col in schema.columns.items()}
    )
