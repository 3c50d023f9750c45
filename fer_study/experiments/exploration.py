"""Tables that describe a loaded dataset: counts, count checks, pixel statistics and duplicates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fer_study.core import schema
from fer_study.core.labels import CLASSES, SPLITS
from fer_study.core.papers import PAPER_A
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


def pooled_counts(data: FERData, classes) -> dict[str, int]:
    """Images per class over every split (what paper A downsamples from)."""
    counts = data.counts()
    return {c: int(sum(counts[s][c] for s in counts)) for c in classes}


def summary(data: FERData, dup_report: dict, pixels: pd.DataFrame) -> schema.Exploration:
    """Notebook 01's summary: counts, their differences from FER2013's, duplicates (without the
    member lists) and near-constant images."""
    differences = [
        schema.CountDifference(
            split=d["split"],
            label=d["class"],
            expected=int(d["expected"]),
            found=int(d["found"]),
            difference=int(d["difference"]),
        )
        for d in data.count_differences()
    ]
    duplicates = {
        kind: schema.DuplicateCount(
            groups=int(d["groups"]),
            images=int(d["images"]),
            groups_within_split={k: int(v) for k, v in d["groups_within_split"].items()},
            groups_across_splits={k: int(v) for k, v in d["groups_across_splits"].items()},
        )
        for kind, d in dup_report.items()
    }
    return schema.Exploration(
        counts=data.counts(),  # {split: {class: n}}, Python ints (data.integrity.count_table)
        count_differences=differences,
        duplicates=duplicates,
        near_constant_images=int(pixels["near_constant_images"].sum()),
    )


def downsampling_summary(data: FERData, classes, split_a, split_o, split_files) -> schema.Downsampling:
    """Notebook 02's summary: the pooled counts, the smallest class (what downsampling keeps per
    class) against paper A's figure, and the two splits notebooks 03 and 04 check against."""
    before = pooled_counts(data, classes)
    smallest = min(before, key=lambda c: before[c])
    return schema.Downsampling(
        pooled_counts=before,
        smallest_class=smallest,
        per_class_after_downsampling=before[smallest],
        paper_states_per_class=PAPER_A.per_class_after_downsampling.value,
        paper_a_split=split_a.counts(data),
        official_split=split_o.counts(data),
        split_files=[p.name for p in split_files],
    )


EVEN_TOLERANCE = 0.2  # an image's grey values count as "even" when each eighth of the scale holds 1/8 ± 20 %


def grey_level_profile(data: FERData) -> dict[str, float]:
    """How the grey values spread within images: the share of images whose every eighth of the
    0-255 scale holds an eighth of its pixels within `EVEN_TOLERANCE` (what per-image histogram
    equalization leaves), and the share of all pixels that are pure white (255)."""
    x = data.images.reshape(len(data.images), -1)
    if not len(x):
        return {"even_images": float("nan"), "white_pixels": float("nan"), "tolerance": EVEN_TOLERANCE}
    band = x >> 5  # 0-7: which eighth of the grey scale each pixel falls in
    eighths = np.stack([(band == k).mean(axis=1) for k in range(8)], axis=1)
    even = np.abs(8 * eighths - 1).max(axis=1) <= EVEN_TOLERANCE
    return {"even_images": float(even.mean()), "white_pixels": float((x == 255).mean()), "tolerance": EVEN_TOLERANCE}


def split_pixel_distances(data: FERData, bins: int = 64) -> dict[str, float]:
    """The total-variation distance between the grey-value histograms of each pair of official
    splits ("Training/PublicTest" -> 0.012): 0 for identical distributions, 1 for disjoint."""
    hists = {}
    for k, s in enumerate(SPLITS):
        m = data.splits == k
        if m.any():
            h, _ = np.histogram(data.images[m], bins=bins, range=(0, 256))
            hists[s] = h / h.sum()
    names = list(hists)
    return {
        f"{a}/{b}": float(0.5 * np.abs(hists[a] - hists[b]).sum()) for i, a in enumerate(names) for b in names[i + 1 :]
    }
