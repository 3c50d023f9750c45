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


def pixel_summary(data: FERData, title: str = "Mean face per class, and grey values per split"):
    """Mean face per class (top row) and the grey-value distribution per split (below, full width;
    each split in its own colour and line style, so overlapping curves stay apart)."""
    fig = plt.figure(figsize=(10, 4.6))
    grid = fig.add_gridspec(2, len(CLASSES), height_ratios=[1, 1.35])
    for i, c in enumerate(CLASSES):
        m = data.labels == i
        ax = fig.add_subplot(grid[0, i])
        ax.axis("off")
        if m.any():
            ax.imshow(data.images[m].mean(axis=0), cmap="gray", vmin=0, vmax=255)
        ax.set_title(f"mean {c}", fontsize=8)
    ax = fig.add_subplot(grid[1, :])
    for k, (s, style) in enumerate(zip(SPLITS, ("-", "--", ":"))):
        m = data.splits == k
        if m.any():
            ax.hist(
                data.images[m].ravel(),
                bins=64,
                range=(0, 255),
                density=True,
                histtype="step",
                ls=style,
                lw=1.4,
                label=s,
            )
    ax.set_xlabel("grey value (0 black, 255 white)")
    ax.set_ylabel("share of pixels (density)")
    # Lines in the legend (a step histogram's default handle is a box): colour and style both show.
    from matplotlib.lines import Line2D

    styles = dict(zip(SPLITS, ("-", "--", ":")))
    handles = [Line2D([], [], color=p.get_edgecolor(), ls=styles[p.get_label()], lw=1.4) for p in ax.patches]
    ax.legend(handles, [p.get_label() for p in ax.patches], fontsize=8, frameon=False)
    fig.suptitle(title)
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


def training_curves(
    runs: list[dict], title: str, names: dict | None = None, references: list[tuple[float, str]] | None = None
):
    """Train and validation accuracy and loss per epoch (paper A's Fig. 8/9): the mean over seeds as
    a line and the range over seeds as a band, per model (said once, in the title); integer
    epochs; the legend below the axes. `names` relabels models (a grid's "gridbest" as its
    setting); `references` are horizontal lines on the accuracy panel (value, label), such as a
    published accuracy."""
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    palette = ["tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange"]
    models = list(dict.fromkeys(r["model"] for r in runs))
    seeds = max((sum(r["model"] == m for r in runs) for m in models), default=1)
    for m_i, model in enumerate(models):
        mine = [r for r in runs if r["model"] == model]
        colour = palette[m_i % len(palette)]
        shown = (names or {}).get(model, model)
        for ax, key, ylabel in ((axes[0], "accuracy", "accuracy"), (axes[1], "loss", "cross-entropy loss")):
            for part, style in ((key, "-"), (f"val_{key}", "--")):
                n = min(len(r["history"][part]) for r in mine)
                values = np.array([r["history"][part][:n] for r in mine])
                epochs = np.arange(1, n + 1)
                label = f"{shown}, {'validation' if part.startswith('val_') else 'training'}"
                marker = "o" if n <= 3 else None  # a run of one to three epochs shows as points
                ax.plot(epochs, values.mean(0), ls=style, color=colour, lw=1.4, marker=marker, ms=4, label=label)
                if len(mine) > 1:
                    ax.fill_between(epochs, values.min(0), values.max(0), color=colour, alpha=0.15, lw=0)
            ax.set_xlabel("epoch")
            ax.set_ylabel(ylabel)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
    for value, label in references or []:
        axes[0].axhline(value, color="0.2", ls=":", lw=1.2, label=label)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.suptitle(title + (f"\n(lines: mean of {seeds} seeds; bands: their range)" if seeds > 1 else ""))
    _legend_below(fig, handles, labels, ncol=2, row_height=0.045)
    return fig


def _legend_below(fig, handles, labels, ncol: int, row_height: float) -> None:
    """A figure legend under the axes, clear of the data/profile stamp that `Outputs.figure` puts in
    the bottom-right corner (the legend starts above it), with just the room it needs."""
    rows = -(-len(labels) // ncol)
    fig.legend(handles, labels, loc="lower center", ncol=ncol, fontsize=7, frameon=False, bbox_to_anchor=(0.5, 0.03))
    fig.tight_layout(rect=(0, 0.04 + row_height * rows, 1, 1))


def confusion_matrices(matrices: dict[str, list], classes: list[str], title: str):
    """One heatmap per model of a confusion matrix (rows true, columns predicted): each cell its
    count and its share of the true class (the recall on the diagonal); each panel names its number
    of images. `title` should name the split and seed."""
    import seaborn as sns

    fig, axes = plt.subplots(1, len(matrices), figsize=(4.2 * len(matrices), 3.6))
    for ax, (name, cm) in zip(np.atleast_1d(axes), matrices.items()):
        cm = np.asarray(cm)
        share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
        notes = np.array([[f"{n:,}\n{100 * p:.0f} %" for n, p in zip(row, prow)] for row, prow in zip(cm, share)])
        sns.heatmap(
            share,  # coloured by the share of each true class, so rows of different sizes compare
            annot=notes,
            fmt="",
            cmap="Blues",
            vmin=0,
            vmax=1,
            cbar=False,
            ax=ax,
            xticklabels=classes,
            yticklabels=classes,
            annot_kws={"fontsize": 8},
        )
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"{name} ({int(np.asarray(cm).sum()):,} images)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def grid_heatmap(trials: pd.DataFrame, rows: list[str], cols: list[str], metric: str, title: str):
    """The grid search as a heatmap: `metric` for every combination, `rows` x `cols` parameters,
    labelled in words; the best cell outlined in red and Table 1's setting dashed in black."""
    from matplotlib.patches import Rectangle

    from fer_study.core.papers import PAPER_A_TABLE1

    words = {"n_conv": "{} conv", "dropout": "dropout {}", "learning_rate": "lr {}", "batch_size": "batch {}"}
    table = trials.pivot_table(index=rows, columns=cols, values=metric, aggfunc="mean")

    def label(keys, values) -> str:
        values = values if isinstance(values, tuple) else (values,)
        return ", ".join(words.get(k, k + " {}").format(v) for k, v in zip(keys, values))

    fig, ax = plt.subplots(figsize=(1.5 * len(table.columns) + 3, 0.55 * len(table.index) + 2.2))
    sns.heatmap(
        table,
        annot=True,
        fmt=".3f",
        cmap="viridis",
        cbar_kws={"label": metric.replace("_", " ")},
        ax=ax,
        xticklabels=[label(cols, c) for c in table.columns],
        yticklabels=[label(rows, r) for r in table.index],
    )
    best = np.unravel_index(np.nanargmax(table.to_numpy()), table.shape)
    ax.add_patch(Rectangle((best[1], best[0]), 1, 1, fill=False, ec="tab:red", lw=3, label="best on validation"))
    want_r = tuple(PAPER_A_TABLE1.get(k) for k in rows)
    want_c = tuple(PAPER_A_TABLE1.get(k) for k in cols)
    index = [r if isinstance(r, tuple) else (r,) for r in table.index]
    columns = [c if isinstance(c, tuple) else (c,) for c in table.columns]
    if want_r in index and want_c in columns:
        i, j = index.index(want_r), columns.index(want_c)
        ax.add_patch(
            Rectangle(
                (j + 0.06, i + 0.06), 0.88, 0.88, fill=False, ec="black", lw=1.5, ls="--", label="paper A's Table 1"
            )
        )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=0, labelsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=8, frameon=False)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def ga_progress(searches: dict[str, dict], paper_best: list[float], title: str, chance: dict | None = None):
    """Fitness per generation (paper B's Fig. 4) at our own scale: every genome evaluated (dots,
    spread a little sideways), the best and the mean per protocol, random search's best at equal
    budget, and the majority-class share of the selection images (chance). Paper B's Table 3 best
    values are printed in each panel rather than drawn, so their 58-76 % does not squash ours."""
    fig, axes = plt.subplots(1, len(searches), figsize=(5.5 * len(searches), 4), squeeze=False, sharey=True)
    rng = np.random.default_rng(0)
    for ax, (name, s) in zip(axes[0], searches.items()):
        hist = pd.DataFrame(s["state"].history)
        jitter = rng.uniform(-0.12, 0.12, len(hist))
        ax.scatter(
            hist["generation"] + jitter, 100 * hist["fitness"], s=16, alpha=0.6, color="0.45", label="every genome"
        )
        book = pd.DataFrame(list(s["state"].logbook))
        ax.plot(book["gen"], 100 * book["best"], "o-", color="tab:blue", label="best")
        ax.plot(book["gen"], 100 * book["mean"], "s--", color="tab:green", label="mean")
        if s["random"]:
            best_random = 100 * max(r["fitness"] for r in s["random"])
            ax.axhline(best_random, color="tab:red", lw=1, label=f"random search best ({len(s['random'])} trainings)")
        if chance and name in chance:
            ax.axhline(100 * chance[name], color="0.2", ls=":", lw=1.2, label="chance (majority class)")
        ax.text(
            0.02,
            0.98,
            "paper B's Table 3, best per generation:\n" + ", ".join(f"{v:.1f} %" for v in paper_best),
            transform=ax.transAxes,
            fontsize=7,
            va="top",
            color="0.25",
        )
        ax.set_xlabel("generation (0 = initial population)")
        ax.set_title(f"protocol: {name}")
        ax.set_xticks(range(max(len(paper_best), len(book))))
        ax.margins(y=0.25)
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
    # Short labels (the claim table has the full statements): the plot keeps most of the width.
    labels = [textwrap.fill(textwrap.shorten(f"{r['id']}: {r['claim']}", 72, placeholder=" …"), 40) for r in numeric]
    heights = [0.22 + 0.16 * lab.count("\n") for lab in labels]
    fig, ax = plt.subplots(figsize=(9, sum(heights) + 2.2))
    y = np.cumsum([0] + [h + 0.35 for h in heights[:-1]])
    for yi, r in zip(y, numeric):
        c = colours.get(r["verdict"], "tab:gray")
        if r["interval"]:
            ax.plot([100 * r["interval"][0], 100 * r["interval"][1]], [yi, yi], color=c, lw=3, alpha=0.6)
        ax.plot(100 * r["paper value"], yi, "kx", ms=8, mew=1.5, zorder=2)
        ax.plot(100 * r["ours"], yi, "o", color=c, mec="white", ms=7, zorder=3)  # on top: never hidden by an x
    by_value: dict[float, list[str]] = {}
    for name, value in (chance or {}).items():  # one line and one label per distinct chance level
        by_value.setdefault(round(100 * value, 1), []).append(name)
    for value, names in by_value.items():
        ax.axvline(value, color="0.5", ls=":", lw=1)
        # beside its line, not across it
        ax.text(value + 0.6, -0.6, "chance: " + "; ".join(names), fontsize=6, color="0.4", ha="left", va="bottom")
    if best_published is not None:
        ax.axvline(100 * best_published, color="tab:purple", ls="--", lw=1)
        ax.text(  # at the foot of its line: the chance labels take the top
            100 * best_published - 0.6,
            (y[-1] + 0.7) if len(y) else 0.5,
            "best published in paper B's Table 4",
            fontsize=6,
            color="tab:purple",
            ha="right",
            va="center",
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
    """The 48x48 crops the models see, each with every model's prediction under it, one line per
    model and each line naming its model; rows filled evenly."""
    n = len(crops)
    rows = max(1, -(-n // 8))
    cols = max(1, -(-n // rows))
    short = {name: name.replace("-cnn", "") for name in row_names}
    fig, axes = plt.subplots(
        rows, cols, figsize=(1.9 * cols, (1.6 + 0.22 * len(row_names)) * rows + 0.5), squeeze=False
    )
    for ax in axes.ravel():
        ax.axis("off")
    for i, (crop, labs) in enumerate(zip(crops, labels)):
        ax = axes[i // cols][i % cols]
        ax.imshow(crop, cmap="gray", vmin=0, vmax=255)
        ax.set_title("\n".join(f"{short[m]}: {lab}" for m, lab in zip(row_names, labs)), fontsize=6.5)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig
