"""The data exploration (notebooks 01 and 02) in words, rendered from the numbers."""

from __future__ import annotations

from fer_study.core.papers import PAPER_B


def interpret(dataset, dup_report: dict) -> str:
    """Notebook 01's findings in words, rendered from the numbers."""
    diffs = dataset.count_differences()
    n_images = PAPER_B["n_images"]["value"]
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
