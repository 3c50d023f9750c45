"""Plots of the study: class counts, sample grids, pixel statistics, downsampling before/after."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .data import FERData
from .core.labels import CLASSES, SPLITS


def counts_bar(counts: pd.DataFrame, title: str):
    """Grouped bars of a class-by-split count table (the 'total' row and column are left out)."""
    df = counts.drop(index="total", errors="ignore").drop(columns="total", errors="ignore")
    fig, ax = plt.subplots(figsize=(8, 3.6))
    df.plot.bar(ax=ax, width=0.8)
    ax.set_ylabel("images")
    ax.set_xlabel("")
    ax.set_title(title)
    for container in ax.containers:
        ax.bar_label(container, fontsize=6, padding=1)
    ax.tick_params(axis="x", rotation=0)
    fig.tight_layout()
    return fig


def sample_grid(data: FERData, per_class: int, seed: int):
    """A random sample of `per_class` images for each class, one row per class."""
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(len(CLASSES), per_class, figsize=(per_class * 0.9, len(CLASSES) * 0.95))
    for i, c in enumerate(CLASSES):
        idx = np.flatnonzero(data.labels == i)
        pick = rng.choice(idx, size=min(per_class, len(idx)), replace=False) if len(idx) else []
        for j in range(per_class):
            ax = axes[i, j]
            ax.axis("off")
            if j < len(pick):
                ax.imshow(data.images[pick[j]], cmap="gray", vmin=0, vmax=255)
        axes[i, 0].set_title(c, fontsize=8, loc="left")
    fig.tight_layout()
    return fig


def pixel_summary(data: FERData):
    """Mean face per class and the grey-value histogram per split."""
    fig, axes = plt.subplots(1, len(CLASSES) + 1, figsize=(2 * len(CLASSES) + 3, 2.4),
                             gridspec_kw={"width_ratios": [1] * len(CLASSES) + [2.5]})
    for i, c in enumerate(CLASSES):
        m = data.labels == i
        ax = axes[i]
        ax.axis("off")
        if m.any():
            ax.imshow(data.images[m].mean(axis=0), cmap="gray", vmin=0, vmax=255)
        ax.set_title(f"mean {c}", fontsize=8)
    ax = axes[-1]
    for k, s in enumerate(SPLITS):
        m = data.splits == k
        if m.any():
            ax.hist(data.images[m].ravel(), bins=64, range=(0, 255), density=True, histtype="step", label=s)
    ax.set_xlabel("grey value")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def before_after_bar(before: dict[str, int], after: dict[str, int], title: str):
    """Paper A's Fig. 4 and 5 side by side: class sizes before and after downsampling."""
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
    for ax, counts, label in ((axes[0], before, "before downsampling"), (axes[1], after, "after downsampling")):
        bars = ax.bar(list(counts), list(counts.values()), color="tab:blue" if label.startswith("before") else "tab:green")
        ax.bar_label(bars, fontsize=8)
        ax.set_title(label)
    axes[0].set_ylabel("images")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def training_curves(runs: list[dict], title: str):
    """Train and validation accuracy and loss per epoch for each model and seed (paper A's Fig. 8/9)."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    colours = {"basic": "tab:red", "improved": "tab:blue"}
    for r in runs:
        h = r["history"]
        for ax, key in ((axes[0], "accuracy"), (axes[1], "loss")):
            ax.plot(h[key], color=colours.get(r["model"], "k"), lw=1, label=f"{r['model']} train (seed {r['seed']})")
            ax.plot(h[f"val_{key}"], color=colours.get(r["model"], "k"), lw=1, ls="--",
                    label=f"{r['model']} validation (seed {r['seed']})")
            ax.set_xlabel("epoch")
            ax.set_title(key)
    axes[0].legend(fontsize=6)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def confusion_matrices(matrices: dict[str, list], classes: list[str], title: str):
    """One heatmap per model of a confusion matrix (rows true, columns predicted)."""
    import seaborn as sns

    fig, axes = plt.subplots(1, len(matrices), figsize=(4.2 * len(matrices), 3.6))
    for ax, (name, cm) in zip(np.atleast_1d(axes), matrices.items()):
        sns.heatmap(np.asarray(cm), annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax,
                    xticklabels=classes, yticklabels=classes)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(name)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def grid_heatmap(trials: pd.DataFrame, rows: list[str], cols: list[str], metric: str, title: str):
    """The grid search as a heatmap: `metric` for every combination, `rows` x `cols` parameters."""
    table = trials.pivot_table(index=rows, columns=cols, values=metric, aggfunc="mean")
    fig, ax = plt.subplots(figsize=(1.3 * len(table.columns) + 3, 0.5 * len(table.index) + 2))
    sns.heatmap(table, annot=True, fmt=".3f", cmap="viridis", cbar_kws={"label": metric}, ax=ax)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def ga_progress(searches: dict[str, dict], paper_best: list[float], title: str):
    """Fitness per generation (paper B's Fig. 4): every individual, the best and the mean per
    protocol, the paper's Table 3 best values, and random search's running best at equal budget."""
    fig, axes = plt.subplots(1, len(searches), figsize=(5.5 * len(searches), 4), squeeze=False, sharey=True)
    for ax, (name, s) in zip(axes[0], searches.items()):
        hist = pd.DataFrame(s["state"].history)
        ax.scatter(hist["generation"], 100 * hist["fitness"], s=14, alpha=0.45, color="0.4", label="individuals")
        book = pd.DataFrame(list(s["state"].logbook))
        ax.plot(book["gen"], 100 * book["best"], "o-", label="best")
        ax.plot(book["gen"], 100 * book["mean"], "s--", label="mean")
        ax.plot(range(len(paper_best)), paper_best, "k^:", label="paper B Table 3 (best)")
        if s["random"]:
            best_random = 100 * max(r["fitness"] for r in s["random"])
            ax.axhline(best_random, color="tab:red", lw=1, label=f"random search best ({len(s['random'])} trainings)")
        ax.set_xlabel("generation (0 = initial population)")
        ax.set_title(f"protocol: {name}")
        ax.set_xticks(range(max(len(paper_best), len(book))))
    axes[0][0].set_ylabel("fitness = accuracy (%)")
    axes[0][-1].legend(fontsize=7, loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def claims_forest(rows: list[dict], title: str):
    """Each numeric claim: the paper's value (black x) against ours with its 95% interval."""
    rows = [r for r in rows if isinstance(r["paper value"], float) and isinstance(r["ours"], float) and r["interval"]]
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(rows) + 1.4))
    colours = {"reproduced": "tab:green", "not reproduced": "tab:red", "inconclusive at this budget": "tab:orange"}
    for i, r in enumerate(rows):
        c = colours.get(r["verdict"], "tab:gray")
        ax.plot([100 * r["interval"][0], 100 * r["interval"][1]], [i, i], color=c, lw=3, alpha=0.6)
        ax.plot(100 * r["ours"], i, "o", color=c)
        ax.plot(100 * r["paper value"], i, "kx", ms=8, mew=2)
    ax.set_yticks(range(len(rows)), [f"{r['id']}: {r['claim'][:48]}" for r in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("accuracy %")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="k", marker="x", ls="", label="paper")] + [
        Line2D([], [], color=c, marker="o", lw=3, alpha=0.8, label=f"ours, {v} (95 % interval, kind in the table)")
        for v, c in colours.items()] + [Line2D([], [], color="tab:gray", marker="o", lw=3, label="ours, not as specified")]
    ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def detections(panels: list[tuple[str, object]], title: str):
    """Annotated photos side by side (PIL images or arrays)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 5), squeeze=False)
    for ax, (name, im) in zip(axes[0], panels):
        ax.imshow(np.asarray(im), cmap="gray")
        ax.set_title(name, fontsize=9)
        ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def crops_with_predictions(crops: list, labels: list[list[str]], row_names: list[str], title: str):
    """The 48x48 crops the models see, with each model's prediction under each crop."""
    n = len(crops)
    cols = min(n, 8)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.6 * cols, 2.0 * rows + 0.6), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for i, (crop, labs) in enumerate(zip(crops, labels)):
        ax = axes[i // cols][i % cols]
        ax.imshow(crop, cmap="gray", vmin=0, vmax=255)
        ax.set_title("\n".join(labs), fontsize=6)
    fig.suptitle(f"{title}\n(caption lines: {', '.join(row_names)})", fontsize=9)
    fig.tight_layout()
    return fig
