"""Paper A's data preparation: class pooling, downsampling to the smallest class, 80/20 split."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from fer_study.core.labels import CLASS_INDEX, SPLITS
from fer_study.data import FERData


def downsample_to_smallest(indices: np.ndarray, labels: np.ndarray, seed: int) -> np.ndarray:
    """Keep, per class, a random subset as large as the smallest class (without replacement).

    `labels` is indexed by `indices`; returns the kept indices in ascending order.
    """
    rng = np.random.default_rng(seed)
    lab = labels[indices]
    classes, sizes = np.unique(lab, return_counts=True)
    n = int(sizes.min())
    kept = [rng.choice(indices[lab == c], size=n, replace=False) for c in classes]
    return np.sort(np.concatenate(kept))


@dataclass(frozen=True)
class Split:
    """Named index sets into an FERData (e.g. train/test, or train/val/test)."""

    name: str
    parts: dict  # part name -> np.ndarray of indices
    classes: tuple

    def counts(self, data: FERData) -> dict[str, dict[str, int]]:
        return {
            part: {c: int(np.sum(data.labels[idx] == CLASS_INDEX[c])) for c in self.classes}
            for part, idx in self.parts.items()
        }

    def totals(self, data: FERData) -> dict[str, int]:
        """Images per class over all parts."""
        counts = self.counts(data)
        return {c: sum(counts[p][c] for p in self.parts) for c in self.classes}


def paper_a_split(data: FERData, classes: tuple[str, ...], test_fraction: float, seed: int) -> Split:
    """Paper A as written: the four classes pooled over all official splits, downsampled to the
    smallest class, then a stratified random train/test split."""
    pooled = data.indices(SPLITS, tuple(classes))
    kept = downsample_to_smallest(pooled, data.labels, seed)
    train, test = train_test_split(kept, test_size=test_fraction, stratify=data.labels[kept], random_state=seed)
    return Split("paper_a", {"train": np.sort(train), "test": np.sort(test)}, tuple(classes))


def official_split(data: FERData, classes: tuple[str, ...], seed: int, downsample_train: bool = True) -> Split:
    """The same classes on the official split: Training (downsampled like paper A) to train,
    PublicTest to select, PrivateTest to report. The test splits keep their natural balance."""
    train = data.indices(("Training",), tuple(classes))
    if downsample_train:
        train = downsample_to_smallest(train, data.labels, seed)
    return Split(
        "official_a",
        {
            "train": train,
            "val": data.indices(("PublicTest",), tuple(classes)),
            "test": data.indices(("PrivateTest",), tuple(classes)),
        },
        tuple(classes),
    )


def counts_table(split: Split, data: FERData) -> pd.DataFrame:
    """Images per class (rows) and part (columns), with totals."""
    counts = split.counts(data)
    df = pd.DataFrame(
        {part: [counts[part][c] for c in split.classes] for part in split.parts}, index=list(split.classes)
    )
    df.index.name = "class"
    df["total"] = df.sum(axis=1)
    df.loc["total"] = df.sum(axis=0)
    return df


def save_split(split: Split, data: FERData, folder: Path) -> Path:
    """Store a split's indices with the data checksum as <folder>/<name>.npz, so later steps can check they match."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{split.name}.npz"
    np.savez(
        path,
        sha256=np.asarray(data.sha256),
        classes=np.asarray(split.classes),
        **{f"part_{k}": v for k, v in split.parts.items()},
    )
    return path


class SplitMismatch(ValueError):
    """A split that differs from the one notebook 02 saved for the same results folder."""


def check_saved(split: Split, data: FERData, folder: Path) -> bool:
    """Compare `split` with <folder>/<name>.npz written by notebook 02 (`save_split`): the same data
    checksum, classes and indices, or SplitMismatch naming the file. False when no file is there
    (notebook 02 has not run into this folder), True when it matches."""
    path = Path(folder) / f"{split.name}.npz"
    if not path.exists():
        return False
    with np.load(path) as z:
        if str(z["sha256"]) != data.sha256:
            raise SplitMismatch(f"{path}: saved for data {str(z['sha256'])[:12]}, this is {data.sha256[:12]}")
        if tuple(z["classes"].tolist()) != tuple(split.classes):
            raise SplitMismatch(
                f"{path}: saved for classes {z['classes'].tolist()}, this split has {list(split.classes)}"
            )
        for part, idx in split.parts.items():
            key = f"part_{part}"
            if key not in z.files or not np.array_equal(z[key], idx):
                raise SplitMismatch(f"{path}: part '{part}' differs from the split notebook 02 saved")
    return True
