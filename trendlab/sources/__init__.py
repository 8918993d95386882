"""One module per public dataset.

Each module declares ``SOURCE`` (its name in the registry), ``TITLE``, ``DESCR``,
``LICENSE`` and ``CITATION``, and a ``load_*`` function that reads the registered files and
returns a :class:`Loaded`: the tidy frame, plus every record it did not keep in a quarantine
frame with its reason, so that ``rows_in == len(frame) + len(quarantine)`` always holds.
Sources know nothing of ``clean``, ``measure`` or ``models``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

QUARANTINE_COLUMNS = ["source", "file", "record_id", "reason", "detail"]


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="string") for c in QUARANTINE_COLUMNS})


def quarantine_frame(rows: list[dict]) -> pd.DataFrame:
    """Build a quarantine frame from dicts with the keys of ``QUARANTINE_COLUMNS``."""
    if not rows:
        return empty_quarantine()
    df = pd.DataFrame(rows, columns=QUARANTINE_COLUMNS)
    return df.astype("string")


@dataclass(frozen=True)
class Loaded:
    """What a loader returns: kept rows, and the rows it set aside with a reason."""

    frame: pd.DataFrame
    quarantine: pd.DataFrame
    rows_in: int

    def __post_init__(self) -> None:
        kept, held = len(self.frame), len(self.quarantine)
        if kept + held != self.rows_in:
            raise AssertionError(
                f"row accounting broken: {self.rows_in} in != {kept} kept + {held} quarantined"
            )
