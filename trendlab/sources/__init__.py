"""One module per public dataset.

Each module declares ``SOURCE`` (its name in the registry), ``TITLE``, ``DESCR``,
``LICENSE`` and ``CITATION``, and a ``load_*`` function that reads the registered files and
returns a :class:`Loaded`: the tidy frame, plus every record it did not keep in a quarantine
frame with its reason, so that ``rows_in == len(frame) + len(quarantine)`` always holds.
Sources know nothing of ``clean``, ``measure`` or ``models``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def decode_problem(path: str | Path, encoding: str = "utf-8") -> str:
    r"""Where a file stops being valid ``encoding`` text: its line, byte offset and the bad bytes.

    Decoders report a position inside the chunk they were reading; this reads the file again to
    say where the problem is in the file. Called only once decoding has failed.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "f.csv"
    >>> _ = p.write_bytes(b"a,b\n1,caf\xe9\n")
    >>> decode_problem(p)
    "line 2, byte 9: b'\\xe9' is not valid utf-8 (invalid continuation byte)"
    """
    data = Path(path).read_bytes()
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"line {line}, byte {exc.start}: {data[exc.start:exc.end]!r} is not valid {encoding} ({exc.reason})"
    return f"the file decodes as {encoding} when read whole"


# every CSV file the loaders read is published as UTF-8 (O*NET's with a byte-order mark)
UTF8_EXPECTED = "the published files are UTF-8 text (a byte-order mark is accepted): re-save it as UTF-8"


def read_utf8_csv(path: str | Path, error: type[Exception], *, label: str | None = None) -> pd.DataFrame:
    r"""A published CSV file as a frame of strings: UTF-8, with or without a byte-order mark.

    Bytes that are not UTF-8 raise ``error`` naming the line and byte (:func:`decode_problem`);
    an empty or unparsable file raises ``error`` naming the file. ``label`` opens each message
    (default: the path).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "f.csv"
    >>> _ = p.write_bytes(b"\xef\xbb\xbfa,b\n1,\n")
    >>> read_utf8_csv(p, ValueError).to_dict("records")
    [{'a': '1', 'b': ''}]
    """
    label = str(path) if label is None else label
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{label}: not UTF-8 text at {decode_problem(path)}; {UTF8_EXPECTED}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise error(f"{label}: not a readable CSV file ({exc})") from exc
