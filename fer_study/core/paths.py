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


class OutputFolderError(ValueError):
    """An output folder the study must not write into; the message names it and why."""


# What a results folder holds: any of these marks a folder the study may write into again.
RESULTS_MARKERS = ("run.json", "summaries", "runs", "tables", "figures", "notebooks", ".fer-study.lock")


def check_output_folder(out: str | os.PathLike) -> Path:
    """`out` resolved, or OutputFolderError before anything is written: never the project's own
    folders (`--out .` once overwrote the tracked source notebooks; as root `--out /` wrote into
    /), never a folder that holds the source notebooks, and never a non-empty folder that is not
    a results folder (its files are somebody's)."""
    path = Path(out).expanduser().resolve()
    sources = notebooks_dir().resolve()
    if path == sources or sources.is_relative_to(path):
        raise OutputFolderError(f"--out {out}: holds the study's source notebooks ({sources}); choose a results folder")
    if path.is_dir() and any(path.glob("[0-9][0-9]_*.ipynb")):
        raise OutputFolderError(f"--out {out}: holds numbered notebooks of its own; choose a results folder")
    if path.is_dir() and any(path.iterdir()) and not any((path / m).exists() for m in RESULTS_MARKERS):
        raise OutputFolderError(
            f"--out {out}: a non-empty folder that is not a results folder (none of {', '.join(RESULTS_MARKERS)}); "
            "choose an empty or new folder"
        )
    return path
