"""Every path and environment override in one place.

Paths are functions, not constants, so that a change of environment (a test that sets
``TRENDLAB_DATA_DIR``, a user who points ``TRENDLAB_MIRROR`` at a folder) takes effect
without re-importing the package.

Environment variables
---------------------
TRENDLAB_DATA_DIR
    Root of the data folders (``raw/`` and ``processed/`` inside it). Defaults to
    ``data/`` of the source checkout, or to the user cache folder for an installed package.
TRENDLAB_MIRROR
    A folder that mirrors public files as ``<host>/<url path>``; consulted after the local
    cache and before the network.
TRENDLAB_REPORTS_DIR
    Where rendered reports and figures go. Defaults to ``reports/`` of the checkout.
TRENDLAB_OFFLINE
    When set to ``1``, never use the network (a missing file is an error at once).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path | None:
    """The source checkout that holds this package, or None for an installed package."""
    root = PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() else None


def data_dir() -> Path:
    """Root folder holding ``raw/`` and ``processed/``."""
    env = os.environ.get("TRENDLAB_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    root = project_root()
    if root is not None:
        return root / "data"
    import pooch

    return Path(pooch.os_cache("trendlab"))


def raw_dir() -> Path:
    """Immutable, hash-verified copies of public files, laid out as ``<host>/<url path>``."""
    return data_dir() / "raw"


def processed_dir() -> Path:
    """Tables rebuilt by code from ``raw_dir()``."""
    return data_dir() / "processed"


def reports_dir() -> Path:
    """Rendered reports; figures go to ``reports_dir() / "figures"``."""
    env = os.environ.get("TRENDLAB_REPORTS_DIR")
    if env:
        return Path(env).expanduser().resolve()
    root = project_root()
    return (root if root is not None else Path.cwd()) / "reports"


def figures_dir() -> Path:
    return reports_dir() / "figures"


def mirror_dir() -> Path | None:
    """The mirror folder named by ``TRENDLAB_MIRROR``, or None when unset."""
    env = os.environ.get("TRENDLAB_MIRROR")
    return Path(env).expanduser().resolve() if env else None


def offline() -> bool:
    return os.environ.get("TRENDLAB_OFFLINE", "") not in ("", "0", "false", "no")
