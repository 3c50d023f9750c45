"""Where the project keeps data, caches and results (overridable by environment variables)."""

from __future__ import annotations

import json
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


# What a results folder holds. A name alone is not enough (issue 36: a user's folder holding
# `notebooks/` or `tables/` was taken for one, its run.json overwritten and a `.notes.tmp.md`
# deleted as debris): one of these must be the study's own, read from its contents.
RESULTS_MARKERS = ("run.json", "summaries", "runs", ".fer-study.lock")
_MARKER_BYTES = 50 << 20  # a marker file larger than this is nobody's run record


def read_json_object(path: Path) -> dict:
    """`path` as a JSON object, or {} when it is not one (missing, too large, not JSON, nested too
    deeply): a marker read here must never raise."""
    try:
        if not path.is_file() or path.stat().st_size > _MARKER_BYTES:
            return {}
        value = json.loads(path.read_text())
    except (OSError, ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def is_results_folder(path: Path) -> bool:
    """Whether `path` holds the study's own outputs: its run record, a summary, a stored run or a
    checkpoint, or its lock file."""
    if (path / ".fer-study.lock").is_file() or (path / "runs" / ".partial").is_dir():
        return True
    if {"profile", "notebooks"} <= set(read_json_object(path / "run.json")):
        return True
    summaries = sorted((path / "summaries").glob("*.json"))[:20] if (path / "summaries").is_dir() else []
    if any({"facts", "profile"} <= set(read_json_object(p)) for p in summaries):
        return True
    entries = sorted((path / "runs").glob("*/run.json"))[:20] if (path / "runs").is_dir() else []
    if any("store_version" in read_json_object(p) for p in entries):
        return True
    # Plain papermill writes the executed notebook before the notebook writes anything (the README's
    # papermill lines): a copy of one of the study's notebooks, in the folder or its notebooks/.
    ours = {p.name for p in notebooks_dir().glob("[0-9][0-9]_*.ipynb")}
    executed = [*sorted(path.glob("*.ipynb"))[:20], *sorted((path / "notebooks").glob("*.ipynb"))[:20]]
    return any(_papermill_input(p) in ours for p in executed)


def _papermill_input(notebook: Path) -> str:
    """The file name of the notebook papermill executed into `notebook` ('' when it is not one)."""
    meta = read_json_object(notebook).get("metadata")
    pm = meta.get("papermill") if isinstance(meta, dict) else None
    return Path(str(pm.get("input_path", ""))).name if isinstance(pm, dict) else ""


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
    if path.is_dir() and any(path.iterdir()) and not is_results_folder(path):
        raise OutputFolderError(
            f"--out {out}: a non-empty folder that is not a results folder (no run record, summary, stored run "
            "or lock of fer-study's); choose an empty or new folder"
        )
    return path


class MixedOutputsError(ValueError):
    """An output folder that already holds another profile's or another dataset's results."""


def check_folder_holds(root: Path, profile: str, sha256: str) -> None:
    """One output folder holds one profile on one dataset: a summary already there from other data
    or another profile is refused (MixedOutputsError naming it) before anything is written."""
    for path in sorted((root / "summaries").glob("*.json")):
        other = read_json_object(path)
        try:
            theirs = (other["profile"], other["data"]["sha256"])
        except (KeyError, TypeError):
            continue  # an unreadable summary is reported by whoever reads it
        if theirs != (profile, sha256):
            raise MixedOutputsError(
                f"{path}: written by profile '{theirs[0]}' on data {str(theirs[1])[:12]}, but this run is profile "
                f"'{profile}' on data {sha256[:12]}; use another output folder (--out) or empty this one"
            )
