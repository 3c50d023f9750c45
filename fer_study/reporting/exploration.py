"""The data exploration (notebooks 01 and 02) in words, rendered from the numbers."""

from __future__ import annotations

from fer_study.core.papers import PAPER_B


def interpret(dataset, dup_report: dict) -> str:
    """Notebook 01's findings in words, rendered from the numbers."""
    diffs = dataset.count_differences()
    n_images = PAPER_B.n_images.value
    exact = dup_report.get("exact", {})
    lines = [
        f"**What this shows.** {len(dataset):,} images ({dataset.label_text}); FER2013 as published has {n_images:,}. "
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
            f"duplicates, yet splits all {n_images:,} images)."
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


# --- One sentence after each table and figure, rendered from what it shows -------------------------------


def counts_text(counts) -> str:
    """After notebook 01's count table: the size of each split and the class imbalance."""
    body = counts.drop(index="total", errors="ignore").drop(columns="total", errors="ignore")
    totals = body.sum(axis=0)
    per_class = body.sum(axis=1)
    big, small = per_class.idxmax(), per_class.idxmin()
    return (
        f"{int(totals.sum()):,} images: "
        + ", ".join(f"{split} {int(n):,}" for split, n in totals.items())
        + f". The largest class, {big} ({int(per_class[big]):,}), holds {per_class[big] / max(per_class[small], 1):.1f} "
        f"times as many images as the smallest, {small} ({int(per_class[small]):,})."
    )


def counts_figure_text(counts) -> str:
    """After the count bars: whether every split shares the same imbalance."""
    body = counts.drop(index="total", errors="ignore").drop(columns="total", errors="ignore")
    shares = body / body.sum(axis=0).replace(0, 1)
    spread = float((shares.max(axis=1) - shares.min(axis=1)).max())
    order = [list(body[c].sort_values(ascending=False).index) for c in body.columns]
    same = all(o == order[0] for o in order)
    return (
        f"The splits {'rank the classes in the same order' if same else 'do not rank the classes alike'}; a class's "
        f"share of its split differs between splits by at most {100 * spread:.1f} points, so any split inherits "
        "the whole set's imbalance."
    )


def samples_text(shown: bool, per_class: int, seed: int, label: str) -> str:
    """After the sample grid (or where it is left out)."""
    if not shown:
        return "No faces are drawn from FER2013 here, so committed results carry none of its images."
    return f"{per_class} faces per class ({label}), drawn at random with seed {seed} from all splits."


def pixels_text(pixels) -> str:
    """After the pixel-statistics table."""
    lo, hi = pixels["mean"].idxmin(), pixels["mean"].idxmax()
    flat = int(pixels["near_constant_images"].sum())
    return (
        f"Mean grey values run from {pixels['mean'][lo]:.1f} ({lo}) to {pixels['mean'][hi]:.1f} ({hi}) on the 0-255 "
        f"scale: brightness alone says little about the class. {flat:,} image(s) are near constant (a grey-value "
        "spread under 1), i.e. carry no face."
    )


def pixels_figure_text(distances: dict, profile: dict | None = None) -> str:
    """After the mean faces and grey-value histograms; `distances` from
    `experiments.exploration.split_pixel_distances`, `profile` from `grey_level_profile` (why the
    histogram is flat: how many images spread their grey values evenly, and the white spike)."""
    if not distances:
        text = "Only one split is present, so there are no splits to compare."
    else:
        pair, d = max(distances.items(), key=lambda kv: kv[1])
        text = (
            f"The grey-value distributions of the official splits nearly coincide: the largest total-variation "
            f"distance between two of them ({pair}) is {d:.3f} (0 = identical, 1 = disjoint)."
        )
    if profile:
        even, white = profile["even_images"], profile["white_pixels"]
        text += (
            f" Within images, {100 * even:.0f} % spread their grey values evenly (every eighth of the 0-255 scale "
            f"holds an eighth of the pixels, within {100 * profile['tolerance']:.0f} %)"
            + (
                ", as per-image histogram equalization leaves them: that is what flattens the histogram"
                if even >= 0.5
                else ", so the histogram's shape is the images' own, not an equalization's"
            )
            + f"; {100 * white:.1f} % of all pixels are pure white (255)"
            + (", the spike at its right end." if white >= 0.01 else ".")
        )
    return text


def downsampling_figure_text(before: dict, after: dict) -> str:
    """After notebook 02's before/after bars."""
    dropped = {c: before[c] - after[c] for c in before}
    most = max(dropped, key=lambda c: dropped[c])
    total_before, total_after = sum(before.values()), sum(after.values())
    whole = [c for c in before if dropped[c] == 0]
    return (
        f"Downsampling keeps {total_after:,} of {total_before:,} images ({100 * total_after / total_before:.0f} %); "
        f"{most} loses the most ({dropped[most]:,} images)"
        + (f"; {', '.join(whole)} {'keeps all its' if len(whole) == 1 else 'keep all their'} images" if whole else "")
        + "."
    )


def official_split_text(table) -> str:
    """After notebook 02's official-split table: balanced Training, natural test parts."""
    body = table.drop(index="total", errors="ignore")
    parts = [c for c in body.columns if c != "total"]
    lines = []
    for part in parts:
        col = body[part]
        ratio = col.max() / max(col.min(), 1)
        lines.append(
            f"{part} {int(col.sum()):,} images ({'balanced' if ratio == 1 else f'largest/smallest {ratio:.1f}'})"
        )
    return "On the official split: " + "; ".join(lines) + ". Only the training part is downsampled."


def count_check_text(check) -> str:
    """After the count check against FER2013's official counts."""
    differ = check[check["difference"] != 0]
    if not len(differ):
        return f"All {len(check)} split/class counts equal FER2013's official ones: this is the published dataset."
    return (
        f"{len(differ)} of {len(check)} split/class counts differ from FER2013's official ones, by "
        f"{int(differ['difference'].abs().sum()):,} images in all: not the published dataset (expected on demo data)."
    )
