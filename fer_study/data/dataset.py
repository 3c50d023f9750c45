"""The loaded dataset (arrays plus where they came from) and the one entry point that loads it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fer_study.core.labels import CLASS_INDEX, CLASSES, SPLIT_INDEX, SPLITS
from fer_study.core.paths import data_home, default_data_dir
from fer_study.data import cache, demo
from fer_study.data.errors import DataError
from fer_study.data.integrity import count_differences, count_table
from fer_study.data.sources import detect_format, read_source

ENV_VAR = "FER2013_PATH"
DEMO = "demo"


@dataclass
class FERData:
    """FER2013 (or the demo stand-in) as uint8 images with class and official-split indices."""

    images: np.ndarray  # uint8 (N, 48, 48)
    labels: np.ndarray  # int8 index into labels.CLASSES
    splits: np.ndarray  # int8 index into labels.SPLITS
    names: np.ndarray
    source: str
    format: str
    sha256: str
    is_demo: bool
    skipped: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def label_text(self) -> str:
        """What the data is, for every figure and table made from it."""
        return demo.DEMO_LABEL if self.is_demo else "FER2013"

    def counts(self) -> dict[str, dict[str, int]]:
        return count_table(self.labels, self.splits)

    def count_differences(self) -> list[dict]:
        """Differences from the official counts; expected (and reported as such) for demo data."""
        return count_differences(self.counts())

    def indices(self, splits: tuple[str, ...] = SPLITS, classes: tuple[str, ...] = CLASSES) -> np.ndarray:
        """Indices of the images in the given splits and classes, in canonical order."""
        s = np.isin(self.splits, [SPLIT_INDEX[x] for x in splits])
        c = np.isin(self.labels, [CLASS_INDEX[x] for x in classes])
        return np.flatnonzero(s & c)

    def provenance(self) -> dict:
        """What a committed output says of its data: the file's name and sha256, never the path on
        the machine that ran it (committed files must re-render byte for byte on any machine)."""
        return {
            "source": "demo data" if self.is_demo else Path(self.source).name,
            "format": self.format,
            "sha256": self.sha256,
            "is_demo": self.is_demo,
            "data_label": self.label_text,
            "images": len(self),
            "skipped": len(self.skipped),
        }


def resolve_path(data: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """Where the data comes from: `data`, else $FER2013_PATH, else the default folder, else demo.

    Returns (path, is_demo). The literal "demo" (as `data` or in the variable) forces demo data.
    """
    choice = str(data) if data not in (None, "", "auto") else os.environ.get(ENV_VAR, "")
    if choice == DEMO:
        return demo_path(), True
    if choice:
        return Path(choice).expanduser(), False
    default = default_data_dir()
    if default.is_dir() and any(default.iterdir()):
        return default, False
    return demo_path(), True


def demo_path() -> Path:
    """The demo zip, generated on first use (deterministic: the same seed gives the same bytes)."""
    path = data_home() / "demo" / f"fer2013-demo-seed{demo.DEMO_SEED}-scale{demo.DEMO_SCALE}.zip"
    if not path.exists():
        demo.write_demo_zip(path)
    return path


def load(data: str | os.PathLike | None = None, skip_bad: bool = False, verbose: bool = True) -> FERData:
    """Load FER2013 from any accepted source (cached after the first decode)."""
    path, is_demo = resolve_path(data)
    fmt = detect_format(path)
    sha = cache.source_sha256(path)
    raw = cache.load_cached(sha, skip_bad)
    if raw is None:
        raw = read_source(path, skip_bad=skip_bad)
        cache.store(sha, skip_bad, raw)
    if raw.format != fmt:  # only possible with a hash collision or a tampered cache
        raise DataError(str(path), f"cache for sha256 {sha[:12]} holds a {raw.format} source, not {fmt}")
    result = FERData(
        images=raw.images,
        labels=raw.labels,
        splits=raw.splits,
        names=raw.names,
        source=str(path),
        format=fmt,
        sha256=sha,
        is_demo=is_demo or sha == demo.DEMO_SHA256,
        skipped=list(raw.skipped),
    )
    if verbose:
        _announce(result)
    return result


def _announce(d: FERData) -> None:
    if d.is_demo:
        bar = "!" * 78
        print(
            f"{bar}\n!! DEMO DATA, NOT FER2013: no FER2013 configured (--data or ${ENV_VAR}).\n"
            f"!! Every number below describes synthetic faces, not the papers' dataset.\n{bar}"
        )
    if d.skipped:
        print(
            f"skipped {len(d.skipped)} bad item(s) (--skip-bad); first: {d.skipped[0][0]}: {d.skipped[0][1]}",
            file=sys.stderr,
        )
    # The file name, not the path: executed notebooks are committed and must not carry this machine's
    # folders (the full path is in the summaries' provenance).
    print(f"data: {Path(d.source).name} ({d.format}, sha256 {d.sha256[:12]}…, {len(d)} images)")
