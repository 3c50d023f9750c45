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
