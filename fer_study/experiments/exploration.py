"""Tables that describe a loaded dataset: counts, count checks, pixel statistics and duplicates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fer_study.core.labels import CLASSES, SPLITS
from fer_study.data import FERData
from fer_study.data.integrity import count_check, duplicates


def counts_frame(data: FERData) -> pd.DataFrame:
    """Images per class (rows) and official split (columns), with totals."""
    counts = data.counts()
    df = pd.DataFrame({s: [counts[s][c] for c in CLASSES] for s in SPLITS}, index=list(CLASSES))
    df.index.name = "class"
    df["total"] = df.sum(axis=1)
    df.loc["total"] = df.sum(axis=0)
    return df


def count_check_frame(data: FERData) -> pd.DataFrame:
    """Found against official FER2013 counts per split and class (all rows, differences marked)."""
    return pd.DataFrame(count_check(data.counts())).rename(columns={"expected": "official"})


def pixel_stats_frame(data: FERData) -> pd.DataFrame:
    """Mean and spread of grey values per class, and how many images are (nearly) constant."""
    x = data.images.reshape(len(data), -1).astype(np.float64)
    per_image_std = x.std(axis=1)
    rows = []
    for i, c in enumerate(CLASSES):
        m = data.labels == i
        if not m.any():
            continue
        rows.append(
            {
                "class": c,
                "images": int(m.sum()),
                "mean": x[m].mean(),
                "std": x[m].std(),
                "mean_image_contrast": per_image_std[m].mean(),
                "near_constant_images": int((per_image_std[m] < 1.0).sum()),
            }
        )
    return pd.DataFrame(rows).set_index("class").round(2)


def duplicates_frames(data: FERData) -> tuple[dict, pd.DataFrame]:
    """The duplicate report and a table of group counts within and across splits."""
    report = duplicates(data.images, data.splits)
    rows = []
    for kind in ("exact", "near"):
        r = report[kind]
        for s, n in r["groups_within_split"].items():
            rows.append({"kind": kind, "where": f"within {s}", "groups": n})
        for pair, n in r["groups_across_splits"].items():
            rows.append({"kind": kind, "where": f"across {pair}", "groups": n})
        rows.append({"kind": kind, "where": "all (images involved: %d)" % r["images"], "groups": r["groups"]})
    return report, pd.DataFrame(rows)


def interpret(dataset, dup_report: dict) -> str:
    """Notebook 01's findings in words, rendered from the numbers."""
    diffs = dataset.count_differences()
    exact = dup_report.get("exact", {})
    lines = [
        f"**What this shows.** {len(dataset):,} images ({dataset.label_text}); FER2013 as published has 35,887. "
        + (
            f"{len(diffs)} split/class cells differ from FER2013's counts (expected on demo data)."
            if diffs
            else "Every split/class count matches FER2013's."
        )
    ]
    if exact:
        across = sum(exact.get("groups_across_splits", {}).values())
        lines.append(
            f"{exact.get('images', 0):,} images are pixel-identical copies of another image "
            f"({exact.get('groups', 0):,} groups, {across:,} of them spanning official splits): a random "
            "split of all images, as both papers make, can put the same face on both sides (paper B says it removed "
            "duplicates, yet splits all 35,887 images)."
        )
    return " ".join(lines)


def interpret_downsampling(before: dict, smallest: str, paper_value: int) -> str:
    """Notebook 02's finding in words: what downsampling to the smallest class keeps, against paper A."""
    kept = before[smallest]
    verdict = (
        "matches it"
        if kept == paper_value
        else f"is {kept:,}, so the paper's {paper_value:,} can only be a rounding of it"
        if round(kept, -2) == paper_value or round(kept, -3) == paper_value
        else f"is {kept:,}, which the paper's {paper_value:,} does not match"
    )
    return (
        f"**What this shows.** Downsampling to the smallest class ({smallest}) keeps exactly as many images per "
        f"class as {smallest} holds: paper A's Fig. 5 says {paper_value:,} each, and our count {verdict}."
    )
