"""Where the project keeps data, caches and results (overridable by environment variables)."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The checkout this package lives in, else the current folder (an installed, non-editable copy)."""
    here = Path(__file__).resolve().parents[2]
    if (here / "pyproject.toml").exists() and (here / "notebooks").is_dir():
        return here
    return Path.cwd()


def data_home() -> Path:
    """Git-ignored folder for FER2013 copies, the demo data and decoded caches."""
    return Path(os.environ.get("FER_STUDY_HOME", project_root() / "data"))


def default_data_dir() -> Path:
    """Where `fer-study data fetch` puts FER2013 and where it is looked for last."""
    return data_home() / "fer2013"


def cache_dir() -> Path:
    return data_home() / "cache"


def results_dir(profile: str) -> Path:
    """results/<profile>/, or FER_STUDY_OUT/<profile> when tests redirect outputs."""
    base = os.environ.get("FER_STUDY_OUT")
    return (Path(base) if base else project_root() / "results") / profile


def notebooks_dir() -> Path:
    return project_root() / "notebooks"
