"""trendlab: measure how engineering and product management converge, from public data.

The public face:

- :func:`load` returns a processed table (``postings``, ``roles``, ``skill_hits``, ...),
  building it from the raw public files on first use;
- :data:`SOURCES` lists every public source declared in the registry;
- :mod:`trendlab.fetch` resolves a registered file to a verified local path.

Examples
--------
>>> import trendlab
>>> sorted(trendlab.SOURCES)[:2]
['career-paths-ict', 'esco']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

from trendlab.registry import sources as _sources  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd

SOURCES = _sources()


def load(name: str) -> pd.DataFrame:
    """Read a processed table by name, building it (and what it needs) if it is missing."""
    from trendlab.pipeline import load_table

    return load_table(name)


__all__ = ["SOURCES", "__version__", "load"]
