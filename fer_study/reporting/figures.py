"""Plots of the study: class counts, sample grids, pixel statistics, downsampling before/after."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from fer_study.core.labels import CLASSES, SPLITS
from fer_study.data import FERData


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
    fig, axes = plt.subplots(
        1,
        len(CLASSES) + 1,
        figsize=(2 * len(CLASSES) + 3, 2.4),
        gridspec_kw={"width_ratios": [1] * len(CLASSES) + [2.5]},
    )
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
        bars = ax.bar(
            list(counts), list(counts.values()), color="tab:blue" if label.startswith("before") else "tab:green"
        )
        ax.bar_label(bars, fontsize=8, padding=2)
        ax.set_title(label)
        ax.margins(y=0.12)  # room above the tallest bar for its label
    axes[0].set_ylabel("images")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def training_curves(runs: list[dict], title: str):
    """Train and validation accuracy and loss per epoch (paper A's Fig. 8/9): the mean over seeds as
    a line and the range over seeds as a band, per model; integer epochs; the legend below the axes."""
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    palette = ["tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange"]
    models = list(dict.fromkeys(r["model"] for r in runs))
    for m_i, model in enumerate(models):
        mine = [r for r in runs if r["model"] == model]
        colour = palette[m_i % len(palette)]
        for ax, key, ylabel in ((axes[0], "accuracy", "accuracy"), (axes[1], "loss", "cross-entropy loss")):
            for part, style in ((key, "-"), (f"val_{key}", "--")):
                n = min(len(r["history"][part]) for r in mine)
                values = np.array([r["history"][part][:n] for r in mine])
                epochs = np.arange(1, n + 1)
                label = f"{model}, {'validation' if part.startswith('val_') else 'training'}"
                ax.plot(
                    epochs,
                    values.mean(0),
                    ls=style,
                    color=colour,
                    lw=1.4,
                    label=label + (f" (mean of {len(mine)} seeds, band = range)" if len(mine) > 1 else ""),
                )
                if len(mine) > 1:
                    ax.fill_between(epochs, values.min(0), values.max(0), color=colour, alpha=0.15, lw=0)
            ax.set_xlabel("epoch")
            ax.set_ylabel(ylabel)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.suptitle(title)  # before the layout, which makes room for it
    _legend_below(fig, handles, labels, ncol=2, row_height=0.045)
    return fig


def _legend_below(fig, handles, labels, ncol: int, row_height: float) -> None:
    """A figure legend under the axes, clear of the data/profile stamp that `Outputs.figure` puts in
    the bottom-right corner (the legend starts above it), with just the room it needs."""
    rows = -(-len(labels) // ncol)
    fig.legend(handles, labels, loc="lower center", ncol=ncol, fontsize=7, frameon=False, bbox_to_anchor=(0.5, 0.03))
    fig.tight_layout(rect=(0, 0.04 + row_height * rows, 1, 1))


def confusion_matrices(matrices: dict[str, list], classes: list[str], title: str):
    """One heatmap per model of a confusion matrix (rows true, columns predicted); each panel names
    its number of images. `title` should name the split and seed."""
    import seaborn as sns

    fig, axes = plt.subplots(1, len(matrices), figsize=(4.2 * len(matrices), 3.6))
    for ax, (name, cm) in zip(np.atleast_1d(axes), matrices.items()):
        sns.heatmap(
            np.asarray(cm),
            annot=True,
            fmt="d",
            cmap="Blues",
            cbar=False,
            ax=ax,
            xticklabels=classes,
            yticklabels=classes,
        )
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"{name} ({int(np.asarray(cm).sum()):,} images)")
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
    handles, labels = axes[0][-1].get_legend_handles_labels()
    fig.suptitle(title)
    _legend_below(fig, handles, labels, ncol=3, row_height=0.045)
    return fig


def claims_forest(rows: list[dict], title: str, chance: dict | None = None, best_published: float | None = None):
    """Each numeric accuracy claim: the paper's value (black x) against ours (dot) with its named
    95 % interval (bar; none for a search's maximum), coloured by verdict. Chance levels and the
    best published FER2013 accuracy are reference lines; claims left out are named below."""
    from matplotlib.lines import Line2D

    numeric = [
        r
        for r in rows
        if isinstance(r["paper value"], float)
        and isinstance(r["ours"], float)
        and r.get("accuracy", True)
        and r["paper value"] <= 1
        and r["ours"] <= 1
    ]
    left_out = [r["id"] for r in rows if r not in numeric]
    colours = {
        "reproduced": "tab:green",
        "not reproduced": "tab:red",
        "inconclusive at this budget": "tab:orange",
        "not reproducible as specified": "tab:gray",
        "not measured": "0.7",
    }
    labels = [textwrap.fill(f"{r['id']}: {r['claim']}", 60) for r in numeric]
    heights = [0.22 + 0.16 * lab.count("\n") for lab in labels]
    fig, ax = plt.subplots(figsize=(9, sum(heights) + 0.55 * len(numeric) * 0 + 2.2))
    y = np.cumsum([0] + [h + 0.35 for h in heights[:-1]])
    for yi, r in zip(y, numeric):
        c = colours.get(r["verdict"], "tab:gray")
        if r["interval"]:
            ax.plot([100 * r["interval"][0], 100 * r["interval"][1]], [yi, yi], color=c, lw=3, alpha=0.6)
        ax.plot(100 * r["ours"], yi, "o", color=c)
        ax.plot(100 * r["paper value"], yi, "kx", ms=8, mew=2)
    by_value: dict[float, list[str]] = {}
    for name, value in (chance or {}).items():  # one line and one label per distinct chance level
        by_value.setdefault(round(100 * value, 1), []).append(name)
    for value, names in by_value.items():
        ax.axvline(value, color="0.5", ls=":", lw=1)
        ax.text(value, -0.6, "chance: " + "; ".join(names), fontsize=6, color="0.4", ha="center", va="bottom")
    if best_published is not None:
        ax.axvline(100 * best_published, color="tab:purple", ls="--", lw=1)
        ax.text(
            100 * best_published,
            -0.6,
            "best published in paper B's Table 4",
            fontsize=6,
            color="tab:purple",
            ha="center",
            va="bottom",
        )
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_ylim(y[-1] + 0.8 if len(y) else 1, -1.0)
    ax.set_xlabel("accuracy (%)")
    ax.grid(axis="x", alpha=0.3)
    handles = [Line2D([], [], color="k", marker="x", ls="", label="paper")] + [
        Line2D([], [], color=c, marker="o", lw=3, alpha=0.8, label=f"ours: {v}")
        for v, c in colours.items()
        if any(r["verdict"] == v for r in numeric)
    ]
    ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False)
    note = "Bars: our 95 % interval (its kind is named in the claim table; a search's maximum has none). " + (
        f"Not drawn (not accuracies, or no number of ours): {', '.join(left_out)}." if left_out else ""
    )
    fig.text(0.01, 0.01, textwrap.fill(note, 150), fontsize=6, color="0.3", va="bottom")
    ax.set_title(title)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
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
