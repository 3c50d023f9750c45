"""Checks of a loaded FER2013 against the known counts, and exact and near duplicate detection."""

from __future__ import annotations

import hashlib
from itertools import combinations

import numpy as np

from fer_study.core.labels import CLASSES, SPLITS

# The official FER2013 counts (Kaggle msambare/fer2013 = ICML 2013 challenge file), per split and class.
KNOWN_COUNTS = {
    "Training": {
        "angry": 3995,
        "disgust": 436,
        "fear": 4097,
        "happy": 7215,
        "neutral": 4965,
        "sad": 4830,
        "surprise": 3171,
    },
    "PublicTest": {"angry": 467, "disgust": 56, "fear": 496, "happy": 895, "neutral": 607, "sad": 653, "surprise": 415},
    "PrivateTest": {
        "angry": 491,
        "disgust": 55,
        "fear": 528,
        "happy": 879,
        "neutral": 626,
        "sad": 594,
        "surprise": 416,
    },
}
FER2013_IMAGES = sum(n for split in KNOWN_COUNTS.values() for n in split.values())  # 35,887


def count_table(labels: np.ndarray, splits: np.ndarray) -> dict[str, dict[str, int]]:
    """{split: {class: n}} with every split and class present, zeros included."""
    table = np.zeros((len(SPLITS), len(CLASSES)), dtype=np.int64)
    np.add.at(table, (splits.astype(np.int64), labels.astype(np.int64)), 1)
    return {s: {c: int(table[i, j]) for j, c in enumerate(CLASSES)} for i, s in enumerate(SPLITS)}


def count_check(counts: dict[str, dict[str, int]]) -> list[dict]:
    """Every (split, class): the official FER2013 count, the one found, and their difference."""
    return [
        {
            "split": s,
            "class": c,
            "expected": KNOWN_COUNTS[s][c],
            "found": counts[s][c],
            "difference": counts[s][c] - KNOWN_COUNTS[s][c],
        }
        for s in SPLITS
        for c in CLASSES
    ]


def count_differences(counts: dict[str, dict[str, int]]) -> list[dict]:
    """Every (split, class) whose count differs from the official FER2013 count."""
    return [row for row in count_check(counts) if row["difference"] != 0]


def _group(keys: list[bytes]) -> list[np.ndarray]:
    """Indices of items sharing a key, for every key held by two or more items."""
    first: dict[bytes, list[int]] = {}
    for i, k in enumerate(keys):
        first.setdefault(k, []).append(i)
    return [np.asarray(v) for v in first.values() if len(v) > 1]


def near_hash(images: np.ndarray) -> list[bytes]:
    """A difference hash robust to JPEG noise, brightness and contrast: 8x8 signs of horizontal gradients."""
    x = images.astype(np.float32)
    # Block-average 48x48 down to 8x9 (rows 6 px, columns ~5.3 px), then compare neighbours.
    rows = x.reshape(len(x), 8, 6, 48).mean(axis=2)
    edges = np.linspace(0, 48, 10).round().astype(int)
    cols = np.stack([rows[:, :, a:b].mean(axis=2) for a, b in zip(edges[:-1], edges[1:])], axis=2)
    bits = cols[:, :, 1:] > cols[:, :, :-1]
    flat = x.reshape(len(x), -1).std(axis=1) < 1.0  # constant images all hash alike: keep them exact-only
    packed = np.packbits(bits.reshape(len(x), -1), axis=1)
    return [b"flat" + hashlib.sha1(x[i].tobytes()).digest() if flat[i] else packed[i].tobytes() for i in range(len(x))]


def duplicates(images: np.ndarray, splits: np.ndarray) -> dict:
    """Exact (identical pixels) and near (same difference hash, not identical) duplicate groups.

    Returns counts of groups and of images involved, within each split and across each pair of
    splits, plus the groups themselves as index lists.
    """
    exact_keys = [hashlib.sha1(im.tobytes()).digest() for im in images]
    exact = _group(exact_keys)
    near_all = _group(near_hash(images))
    # A near group counts only if it holds at least two distinct images.
    near = [g for g in near_all if len({exact_keys[i] for i in g}) > 1]
    return {"exact": _summarise(exact, splits), "near": _summarise(near, splits)}


def _summarise(groups: list[np.ndarray], splits: np.ndarray) -> dict:
    within = {s: 0 for s in SPLITS}
    across = {f"{a}+{b}": 0 for a, b in combinations(SPLITS, 2)}
    for g in groups:
        present = sorted(set(int(s) for s in splits[g]))
        for s in present:
            if np.sum(splits[g] == s) > 1:
                within[SPLITS[s]] += 1
        for a, b in combinations(present, 2):
            across[f"{SPLITS[a]}+{SPLITS[b]}"] += 1
    return {
        "groups": len(groups),
        "images": int(sum(len(g) for g in groups)),
        "groups_within_split": within,
        "groups_across_splits": across,
        "members": [g.tolist() for g in groups],
    }
