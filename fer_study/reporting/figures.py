"""Plots of the study: class counts, sample grids, pixel statistics, downsampling before/after,
training curves, confusion matrices, the searches, the claims and the detections.

Each figure comes in two layouts (setting `fig_style`): "screen", at the width its content needs,
titled (what the notebooks and the report show), and "paper", laid out again for one column of a
two-column paper: 3.35 in wide, no text under 7 pt at that size, panels stacked where side by side
would shrink them, no title (the caption says it). Every function takes `style=` (a `Style`;
`style_for(name)` gives it) and returns a matplotlib figure; `Outputs.figure` saves it.
"""

from __future__ import annotations

import contextlib
import functools
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.container import BarContainer

from fer_study.core.labels import CLASSES, SPLITS
from fer_study.core.schema import ClaimRow
from fer_study.data import FERData
from fer_study.nn.runs import History
from fer_study.search.runs import SearchRun


@dataclass(frozen=True)
class Style:
    """How a figure is laid out: `width` in inches (None: each figure's own screen width), the
    smallest font any text may have, whether titles and the data/profile stamp are drawn."""

    name: str
    width: float | None
    min_font: float
    titles: bool
    stamp: bool
    rc: dict = field(default_factory=dict)  # matplotlib defaults while the figure is built

    @property
    def paper(self) -> bool:
        return self.width is not None

    @property
    def inches(self) -> float:
        """The paper layout's width (only read in paper branches, where it is set)."""
        if self.width is None:
            raise ValueError(f"figure style '{self.name}' has no fixed width")
        return self.width

    def font(self, size: float) -> float:
        """`size`, raised to this style's smallest font."""
        return max(size, self.min_font)


SCREEN = Style("screen", None, 6, titles=True, stamp=True)
# 3.35 in: one column of a two-column journal page (IEEE, ACM, Elsevier: 84-89 mm); 7 pt: the
# smallest text those journals accept at print size.
PAPER = Style(
    "paper",
    3.35,
    7,
    titles=False,
    stamp=False,
    rc={
        "font.size": 8,
        "axes.titlesize": 8,
        "axes.labelsize": 8,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "legend.fontsize": 7,
        "lines.linewidth": 1.0,
        "lines.markersize": 3.5,
    },
)
STYLES = {s.name: s for s in (SCREEN, PAPER)}


# What each figure shows, one sentence each: the report's and the article's captions.
CAPTIONS = {
    "01_counts": "Images per class and split in the data used, against FER2013's official counts.",
    "01_pixels": "The mean face of each class, and the grey-value distribution of each split.",
    "02_downsampling": "Paper A's four classes before and after downsampling to the smallest class.",
    "03_curves": "Training and validation accuracy (%) and loss per epoch of paper A's basic and improved CNN: "
    "the mean over seeds as a line, their range as a band.",
    "03_confusion": "Confusion matrices of paper A's models on the 200-image evaluation set (counts and each "
    "true class's share).",
    "04_grid_heatmap": "The grid search over Table 1's hyperparameters: mean validation accuracy (%) over seeds; "
    "red: the best; dashed: Table 1's setting; dotted: cells that tie with the best as printed.",
    "04_best_curves": "Training and validation curves of the grid's best setting retrained.",
    "05_fitness_per_generation": "Paper B's genetic search: every genome's fitness, the best and the mean per "
    "generation under each protocol, against paper B's Table 3 (x); the title states the search's budget.",
    "06_control_curves": "The positive control (Mini-Xception) per epoch; beside the axes, the published "
    "accuracy, the authors' logged checkpoint and ours.",
    "07_claims": "Every accuracy claim: the paper's value (x) against ours with its named 95 % interval; the "
    "marker's shape and colour give the verdict.",
    "08_annotated": "Faces found in two photos that are not FER2013, with the first model's prediction "
    "(behaviour, not accuracy: no ground truth).",
    "08_crops": "The 48x48 crops the models see, with every model's prediction.",
}
# The figures the article draws, in its order.
ARTICLE_FIGURES = (
    "01_counts",
    "02_downsampling",
    "03_curves",
    "03_confusion",
    "04_grid_heatmap",
    "04_best_curves",
    "05_fitness_per_generation",
    "06_control_curves",
    "07_claims",
)


def style_for(name: str) -> Style:
    """The `Style` of setting `fig_style` (screen or paper)."""
    try:
        return STYLES[name]
    except KeyError:
        raise ValueError(f"unknown figure style '{name}' (known: {', '.join(STYLES)})") from None


@contextlib.contextmanager
def rc_only(values: Mapping) -> Iterator[None]:
    """matplotlib defaults `values` for the block, restoring those keys alone afterwards.
    `plt.rc_context` restores every key, undoing what the notebook's inline backend configured on
    its first figure: every later figure of the notebook went undisplayed (issue 35: `01_pixels`,
    `03_confusion`, `04_best_curves`, `08_crops` were missing from every executed notebook)."""
    old = {k: plt.rcParams[k] for k in values}
    plt.rcParams.update(values)
    try:
        yield
    finally:
        plt.rcParams.update(old)


def _styled(fn):
    """Build the figure under the style's matplotlib defaults (fonts, line widths)."""

    @functools.wraps(fn)
    def build(*args, style: Style = SCREEN, **kwargs):
        with rc_only(style.rc):
            fig = fn(*args, style=style, **kwargs)
            if "xtick.labelsize" in style.rc:
                # Ticks made later (at draw, after this context) would take the global size: pin it.
                for ax in fig.axes:
                    ax.tick_params(axis="x", labelsize=style.rc["xtick.labelsize"])
                    ax.tick_params(axis="y", labelsize=style.rc["ytick.labelsize"])
            return fig

    setattr(build, "is_figure", True)  # noqa: B010 - how the figure tests find every figure function
    return build


def _title(fig, style: Style, title: str, **kw) -> None:
    if style.titles:
        fig.suptitle(title, **kw)


@_styled
def counts_bar(counts: pd.DataFrame, title: str, style: Style = SCREEN):
    """Grouped bars of a class-by-split count table (the 'total' row and column are left out); the
    paper layout leaves out the counts over the bars (the table has them) and slants the classes."""
    df = counts.drop(index="total", errors="ignore").drop(columns="total", errors="ignore")
    fig, ax = plt.subplots(figsize=(style.inches, 2.4) if style.paper else (8, 3.6))
    df.plot.bar(ax=ax, width=0.8)
    ax.set_ylabel("images")
    ax.set_xlabel("")
    if style.titles:
        ax.set_title(title)
    if style.paper:
        ax.tick_params(axis="x", rotation=35)
        plt.setp(ax.get_xticklabels(), ha="right", rotation_mode="anchor")
        ax.legend(ncol=3, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    else:
        for container in ax.containers:
            ax.bar_label(cast(BarContainer, container), fontsize=6, padding=1)
        ax.tick_params(axis="x", rotation=0)
    fig.tight_layout()
    return fig


@_styled
def sample_grid(data: FERData, per_class: int, seed: int, style: Style = SCREEN):
    """A random sample of `per_class` images for each class, one row per class."""
    rng = np.random.default_rng(seed)
    if style.paper:
        cell = style.inches / (per_class + 1.6)  # room on the left for the class names
        size = (style.inches, len(CLASSES) * cell * 1.05)
    else:
        size = (per_class * 0.9, len(CLASSES) * 0.95)
    fig, axes = plt.subplots(len(CLASSES), per_class, figsize=size, squeeze=False)
    for i, c in enumerate(CLASSES):
        idx = np.flatnonzero(data.labels == i)
        pick = rng.choice(idx, size=min(per_class, len(idx)), replace=False) if len(idx) else np.array([], int)
        for j in range(per_class):
            ax = axes[i, j]
            ax.axis("off")
            if j < len(pick):
                ax.imshow(data.images[pick[j]], cmap="gray", vmin=0, vmax=255)
        if style.paper:  # the name left of its row: a title above would need a row of its own
            axes[i, 0].text(-0.1, 0.5, c, transform=axes[i, 0].transAxes, ha="right", va="center", fontsize=7)
        else:
            axes[i, 0].set_title(c, fontsize=8, loc="left")
    if style.paper:
        fig.subplots_adjust(left=1.5 / (per_class + 1.6), right=0.99, top=0.99, bottom=0.01, wspace=0.05, hspace=0.05)
    else:
        fig.tight_layout()
    return fig


@_styled
def pixel_summary(data: FERData, title: str = "Mean face per class, and grey values per split", style: Style = SCREEN):
    """Mean face per class (top row) and the grey-value distribution per split (below, full width;
    each split in its own colour and line style, so overlapping curves stay apart)."""
    from matplotlib.lines import Line2D

    fig = plt.figure(figsize=(style.inches, 2.9) if style.paper else (10, 4.6))
    grid = fig.add_gridspec(2, len(CLASSES), height_ratios=[1, 1.35] if not style.paper else [1, 2.2])
    for i, c in enumerate(CLASSES):
        m = data.labels == i
        ax = fig.add_subplot(grid[0, i])
        ax.axis("off")
        if m.any():
            ax.imshow(data.images[m].mean(axis=0), cmap="gray", vmin=0, vmax=255)
        ax.set_title(c if style.paper else f"mean {c}", fontsize=style.font(8) if not style.paper else 7)
    ax = fig.add_subplot(grid[1, :])
    styles = dict(zip(SPLITS, ("-", "--", ":")))
    for k, s in enumerate(SPLITS):
        m = data.splits == k
        if m.any():
            ax.hist(
                data.images[m].ravel(),
                bins=64,
                range=(0, 255),
                density=True,
                histtype="step",
                ls=styles[s],
                lw=1.4 if not style.paper else 1.0,
                label=s,
            )
    ax.set_xlabel("grey value (0 black, 255 white)")
    ax.set_ylabel("share of pixels (density)" if not style.paper else "density")
    # Lines in the legend (a step histogram's default handle is a box): colour and style both show.
    handles = [Line2D([], [], color=p.get_edgecolor(), ls=styles[str(p.get_label())], lw=1.4) for p in ax.patches]
    ax.legend(
        handles,
        [str(p.get_label()) for p in ax.patches],
        fontsize=style.font(8) if not style.paper else 7,
        frameon=False,
    )
    _title(fig, style, title)
    fig.tight_layout(pad=0.3 if style.paper else 1.08)
    return fig


@_styled
def before_after_bar(before: dict[str, int], after: dict[str, int], title: str, style: Style = SCREEN):
    """Paper A's Fig. 4 and 5 side by side: class sizes before and after downsampling."""
    fig, axes = plt.subplots(1, 2, figsize=(style.inches, 2.3) if style.paper else (8, 3.2), sharey=True)
    for ax, counts, label in ((axes[0], before, "before downsampling"), (axes[1], after, "after downsampling")):
        bars = ax.bar(
            list(counts), list(counts.values()), color="tab:blue" if label.startswith("before") else "tab:green"
        )
        ax.bar_label(
            bars, fontsize=style.font(8) if not style.paper else 7, padding=2, rotation=90 if style.paper else 0
        )
        ax.set_title(label)
        ax.margins(y=0.3 if style.paper else 0.12)  # room above the tallest bar for its label
        if style.paper:
            ax.tick_params(axis="x", rotation=35)
            plt.setp(ax.get_xticklabels(), ha="right", rotation_mode="anchor")
    axes[0].set_ylabel("images")
    _title(fig, style, title)
    fig.tight_layout(pad=0.3 if style.paper else 1.08)
    return fig


@_styled
def training_curves(
    runs: Sequence[History],
    title: str,
    names: dict | None = None,
    references: list[tuple[float, str]] | None = None,
    style: Style = SCREEN,
):
    """Train and validation accuracy (%) and loss per epoch (paper A's Fig. 8/9): the mean over seeds
    as a line and the range over seeds as a band, per model (the seeds said in the title, or per
    model in the legend where they differ); integer epochs, ticked to the last; the legend below the
    axes. `names` relabels models (a grid's "gridbest" as its setting); `references` (value as a
    fraction, label), such as a published accuracy, are markers on the accuracy panel's right edge,
    each its own shape, so that values a point apart stay apart and no line hides a curve. The paper
    layout stacks accuracy over loss."""
    if style.paper:
        fig, axes = plt.subplots(2, 1, figsize=(style.inches, 4.6), sharex=True)
    else:
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    models = list(dict.fromkeys(r.model for r in runs))
    per_model = {m: sum(r.model == m for r in runs) for m in models}
    seeds = max(per_model.values(), default=1)
    uneven = len(set(per_model.values())) > 1  # then each legend entry says its own seeds
    last = 1
    for m_i, model in enumerate(models):
        shown = (names or {}).get(model, model)
        if uneven:
            shown += f" ({per_model[model]} seed{'s' if per_model[model] > 1 else ''})"
        mine = [r for r in runs if r.model == model]
        last = max(last, _model_curves(axes, mine, shown, _PALETTE[m_i % len(_PALETTE)], style))
    _epoch_axes(axes, last, style)
    _reference_marks(axes[0], references or [], style)
    if uneven:
        band = "lines: mean over seeds; bands: their range"
    else:
        band = f"lines: mean of {seeds} seeds; bands: their range" if seeds > 1 else ""
    _curves_legend(fig, axes, title, band, style, marks=len(references or []))
    return fig


def _curves_legend(fig, axes, title: str, band: str, style: Style, marks: int = 0) -> None:
    """The legend below the axes; what lines and bands are in the title (in the paper layout, whose
    caption carries the title, above the accuracy panel, and room kept right of the axes for
    `marks` reference marks: the column's width is fixed)."""
    handles, labels = axes[0].get_legend_handles_labels()
    if style.paper:
        if band:
            axes[0].text(0.01, 1.02, band, transform=axes[0].transAxes, fontsize=7, color="0.3", va="bottom")
        _legend_below(fig, handles, labels, ncol=2, style=style)
        if marks:
            fig.subplots_adjust(right=0.95 - 0.035 * marks)
    else:
        fig.suptitle(title + (f"\n({band})" if band else ""))
        _legend_below(fig, handles, labels, ncol=2, style=style, row_height=0.045)


_PALETTE = ["tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange"]


def _model_curves(axes, mine: Sequence[History], shown: str, colour: str, style: Style) -> int:
    """One model's training and validation curves on the accuracy (%) and loss panels: the mean
    over its seeds, their range as a band; returns its most epochs."""
    last = 1
    for ax, key, ylabel in ((axes[0], "accuracy", "accuracy (%)"), (axes[1], "loss", "cross-entropy loss")):
        scale = 100.0 if key == "accuracy" else 1.0  # accuracies in %, as every other figure
        for part, ls in ((key, "-"), (f"val_{key}", "--")):
            n = min(len(r.history[part]) for r in mine)
            last = max(last, n)
            values = scale * np.array([r.history[part][:n] for r in mine])
            epochs = np.arange(1, n + 1)
            label = f"{shown}, {'validation' if part.startswith('val_') else 'training'}"
            marker = "o" if n <= 3 else None  # a run of one to three epochs shows as points
            lw = 1.0 if style.paper else 1.4
            ax.plot(epochs, values.mean(0), ls=ls, color=colour, lw=lw, marker=marker, ms=4, label=label)
            if len(mine) > 1:
                ax.fill_between(epochs, values.min(0), values.max(0), color=colour, alpha=0.15, lw=0)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    return last


def _epoch_axes(axes, last: int, style: Style) -> None:
    """Ticks on round numbers up to the last epoch itself (a 100-epoch run ends on a tick)."""
    from matplotlib.ticker import MaxNLocator

    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 2.5, 5, 10]))
        ax.set_xlim(0, last + 1 if last > 3 else last + 0.5)
    axes[-1].set_xlabel("epoch")
    if not style.paper:
        axes[0].set_xlabel("epoch")


def _reference_marks(ax, references: list[tuple[float, str]], style: Style) -> None:
    """References as markers just right of the axes, each its own shape: the control's printed,
    logged and reproduced accuracies sit within 3.5 points, where lines would merge and cover the
    validation curve."""
    marks = [("k", "<"), ("0.45", "D"), ("tab:purple", "*"), ("tab:green", "s")]
    edge = ax.get_yaxis_transform()  # x in axes fractions, y in data
    for i, (value, label) in enumerate(references):
        color, marker = marks[i % len(marks)]
        ax.plot(  # side by side in their own column, so equal values do not hide each other
            [1.025 + 0.035 * i],
            [100 * value],
            marker=marker,
            color=color,
            ms=6 if style.paper else 8,
            ls="",
            transform=edge,
            clip_on=False,
            label=label,
            zorder=4,
        )


def _legend_below(fig, handles, labels, ncol: int, style: Style = SCREEN, row_height: float = 0.045) -> None:
    """A figure legend under the axes, clear of the data/profile stamp that `Outputs.figure` puts in
    the bottom-right corner (the legend starts above it), with just the room it needs. In the paper
    layout: one row of 7 pt text per row of the legend, measured in inches, and no stamp to avoid."""
    if style.paper and max((len(lab) for lab in labels), default=0) > 30:
        ncol = 1  # long labels (the control's) do not fit two to a column's width at 7 pt
    rows = -(-len(labels) // ncol)
    if style.paper:
        height = fig.get_figheight()
        fig.legend(
            handles,
            labels,
            loc="lower center",
            ncol=ncol,
            fontsize=7,
            frameon=False,
            bbox_to_anchor=(0.5, 0),
            handlelength=1.6,
            handletextpad=0.4,
            columnspacing=0.8,
        )
        fig.tight_layout(rect=(0, (0.08 + 0.16 * rows) / height, 1, 1), pad=0.3)
        return
    fig.legend(handles, labels, loc="lower center", ncol=ncol, fontsize=7, frameon=False, bbox_to_anchor=(0.5, 0.03))
    fig.tight_layout(rect=(0, 0.04 + row_height * rows, 1, 1))


@_styled
def confusion_matrices(matrices: dict[str, list], classes: list[str], title: str, style: Style = SCREEN):
    """One heatmap per model of a confusion matrix (rows true, columns predicted): each cell its
    count and its share of the true class (the recall on the diagonal); each panel names its number
    of images. `title` should name the split and seed. The paper layout stacks the panels."""
    n = len(matrices)
    if style.paper:
        fig, axes = plt.subplots(n, 1, figsize=(style.inches, 2.5 * n), squeeze=False)
    else:
        fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 3.6), squeeze=False)
    for ax, (name, counts) in zip(axes.ravel(), matrices.items()):
        cm = np.asarray(counts)
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
            annot_kws={"fontsize": 7 if style.paper else 8},
        )
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"{name} ({int(np.asarray(cm).sum()):,} images)")
        if style.paper:
            ax.tick_params(axis="y", rotation=0)
    _title(fig, style, title)
    fig.tight_layout(pad=0.3 if style.paper else 1.08)
    return fig


@_styled
def grid_heatmap(
    trials: pd.DataFrame, rows: list[str], cols: list[str], metric: str, title: str, style: Style = SCREEN
):
    """The grid search as a heatmap: `metric` for every combination, `rows` x `cols` parameters,
    labelled in words; the best cell outlined in red and Table 1's setting dashed in black."""
    # Accuracies in %, as every other figure.
    table = 100 * trials.pivot_table(index=rows, columns=cols, values=metric, aggfunc="mean")
    decimals = 1 if style.paper else 2
    joiner = "\n" if style.paper else ", "  # the paper layout writes each parameter on its own line
    if style.paper:
        size = (style.inches, 0.42 * len(table.index) + 1.5)
    else:
        size = (1.5 * len(table.columns) + 3, 0.55 * len(table.index) + 2.2)
    fig, ax = plt.subplots(figsize=size)
    sns.heatmap(
        table,
        annot=True,
        fmt=f".{decimals}f",
        cmap="viridis",
        cbar_kws={
            "label": metric.replace("_", " ").replace("val ", "validation ") + " (%)",
            **({"pad": 0.03} if style.paper else {}),
        },
        ax=ax,
        xticklabels=[_grid_label(cols, c, joiner) for c in table.columns],
        yticklabels=[_grid_label(rows, r, joiner) for r in table.index],
        annot_kws={"fontsize": 7} if style.paper else None,
    )
    _outline_best(ax, table.to_numpy(), decimals)
    _outline_table1(ax, table, rows, cols)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=0, labelsize=7 if style.paper else 8)
    ax.tick_params(axis="y", rotation=0, labelsize=7 if style.paper else 8)
    below = -0.22 if style.paper else -0.12
    ncol = 2 if style.paper else 3
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, below), ncol=ncol, fontsize=7 if style.paper else 8, frameon=False
    )
    if style.titles:
        ax.set_title(title)
    # The colour bar's label lies outside what tight_layout measures: keep room for it.
    if style.paper:
        fig.tight_layout(pad=0.3, rect=(0, 0, 0.96, 1))
    else:
        fig.tight_layout()
    return fig


_GRID_WORDS = {"n_conv": "{} conv", "dropout": "dropout {}", "learning_rate": "lr {}", "batch_size": "batch {}"}


def _grid_label(keys, values, joiner: str) -> str:
    """A grid point's parameters in words ('lr 0.001, batch 16')."""
    values = values if isinstance(values, tuple) else (values,)
    return joiner.join(_GRID_WORDS.get(k, k + " {}").format(v) for k, v in zip(keys, values))


def _outline_best(ax, values: np.ndarray, decimals: int) -> None:
    """The best cell in red; cells that print as the best's value, a tie to the reader, dotted (said
    rather than shown as two equal numbers with one outlined)."""
    from matplotlib.patches import Rectangle

    best = np.unravel_index(np.nanargmax(values), values.shape)
    ax.add_patch(
        Rectangle((float(best[1]), float(best[0])), 1, 1, fill=False, ec="tab:red", lw=3, label="best on validation")
    )
    tied = np.argwhere(np.round(values, decimals) == np.round(values[best], decimals))
    for k, (i, j) in enumerate(t for t in map(tuple, tied) if t != tuple(best)):
        ax.add_patch(
            Rectangle(
                (j + 0.03, i + 0.03),
                0.94,
                0.94,
                fill=False,
                ec="tab:red",
                lw=1.5,
                ls=":",
                label=None if k else "ties with the best as printed",
            )
        )


def _outline_table1(ax, table: pd.DataFrame, rows: list[str], cols: list[str]) -> None:
    """Paper A's Table 1 setting dashed in black, where the grid holds it."""
    from matplotlib.patches import Rectangle

    from fer_study.core.papers import PAPER_A_TABLE1

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


@_styled
def ga_progress(
    searches: Mapping[str, SearchRun],
    paper_best: list[float],
    title: str,
    chance: dict | None = None,
    style: Style = SCREEN,
):
    """Fitness per generation (paper B's Fig. 4) at our own scale: every genome evaluated (dots,
    spread a little sideways), the best and the mean per protocol, random search's best at equal
    budget, the majority-class share of the selection images (chance), and paper B's Table 3 best
    per generation (black x) on the same axis, so the gap between them is what the reader sees.
    `title` should state the budget (reporting.paper_b.ga_title). The paper layout stacks the
    protocols."""
    n = len(searches)
    if style.paper:
        fig, axes = plt.subplots(n, 1, figsize=(style.inches, 2.0 * n + 0.8), squeeze=False, sharex=True, sharey=True)
        panels = axes[:, 0]
    else:
        fig, axes = plt.subplots(1, n, figsize=(5.5 * n, 4), squeeze=False, sharey=True)
        panels = axes[0]
    rng = np.random.default_rng(0)
    for ax, (name, s) in zip(panels, searches.items()):
        hist = pd.DataFrame(s.state.history)
        jitter = rng.uniform(-0.12, 0.12, len(hist))
        ax.scatter(
            hist["generation"] + jitter,
            100 * hist["fitness"],
            s=8 if style.paper else 16,
            alpha=0.6,
            color="0.45",
            label="every genome",
        )
        book = pd.DataFrame(list(s.state.logbook))
        ax.plot(book["gen"], 100 * book["best"], "o-", color="tab:blue", label="best")
        ax.plot(book["gen"], 100 * book["mean"], "s--", color="tab:green", label="mean")
        if s.random and s.random_best is not None:
            best_random = 100 * s.random_best
            label = (
                f"random search, best of {len(s.random)}"
                if style.paper
                else (f"random search best ({len(s.random)} trainings)")
            )
            ax.axhline(best_random, color="tab:red", lw=1, label=label)
        if chance and name in chance:
            label = "chance (majority)" if style.paper else "chance (majority class)"
            ax.axhline(100 * chance[name], color="0.2", ls=":", lw=1.2, label=label)
        ax.plot(
            range(len(paper_best)),
            paper_best,
            "x",
            color="k",
            ms=6 if style.paper else 8,
            mew=1.5,
            label="paper B's Table 3, best",
            zorder=4,
        )
        if not style.paper:
            ax.set_xlabel("generation (0 = initial population)")
        ax.set_title(f"protocol: {name}")
        ax.set_xticks(range(max(len(paper_best), len(book))))
        ax.margins(y=0.08)
        if style.paper:
            ax.set_ylabel("fitness (%)")
    if style.paper:
        panels[-1].set_xlabel("generation (0 = initial population)")
    else:
        panels[0].set_ylabel("fitness = accuracy (%)")
    handles, labels = panels[-1].get_legend_handles_labels()
    _title(fig, style, title)
    _legend_below(fig, handles, labels, ncol=2 if style.paper else 3, style=style)
    return fig


def _claim_group(claim_id: str) -> str:
    """The forest's groups: paper A; paper B's headline (B1, B2 and their variants); the search's
    best per generation (B3.0-B3.2, a maximum over genomes); B3.3, which is the Table 2 genome
    retrained, a different measurement though the paper lists it as generation 3."""
    if claim_id.startswith("B3."):
        return "B3.3" if claim_id == "B3.3" else "B3"
    return claim_id[0]


@_styled
def claims_forest(
    rows: list[ClaimRow],
    title: str,
    chance: dict | None = None,
    best_published: float | None = None,
    style: Style = SCREEN,
):
    """Each numeric accuracy claim: the paper's value (black x) against ours with its named 95 %
    interval (bar; none for a search's maximum), the verdict told by marker shape and colour both
    (readable in greyscale and by colour-blind readers). Claims are grouped (paper A; paper B's
    headline; the search's best per generation; the Table 2 genome's generation-3 value), with a rule
    between groups. Chance levels and the best published FER2013 accuracy are reference lines;
    claims left out are named below. On screen each row carries its whole statement; the paper
    layout labels each row by its claim id only (the claims table has the statements)."""
    from fer_study.reporting.claims import drawn

    numeric = drawn(rows)
    left_out = [r.id for r in rows if r not in numeric]
    if style.paper:
        labels = [r.id for r in numeric]
        heights = [0.12] * len(labels)
        fig, ax = plt.subplots(figsize=(style.inches, sum(heights) + 0.1 * len(labels) + 2.6))
        gap = 0.1
    else:
        # The whole statement, wrapped: a cut label ("…") leaves the reader guessing which claim it is.
        labels = [textwrap.fill(f"{r.id}: {r.claim}", 46) for r in numeric]
        heights = [0.22 + 0.16 * lab.count("\n") for lab in labels]
        gap = 0.3
        extent = sum(heights) + gap * len(heights)  # in the axis's own units, about 0.55 in each
        fig, ax = plt.subplots(figsize=(10, 0.55 * extent + 2.0))
    y = np.cumsum([0] + [h + gap for h in heights[:-1]])
    _forest_rows(ax, numeric, y, heights, style)
    _forest_references(ax, chance or {}, best_published, y, style)
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_ylim((y[-1] if len(y) else 0) + (0.8 if not style.paper else 0.45), -1.0 if not style.paper else -0.45)
    ax.set_xlabel("accuracy (%)")
    ax.grid(axis="x", alpha=0.3)
    handles = _forest_handles(numeric)
    note = "Bars: our 95 % interval (its kind is named in the claim table; a search's maximum has none). " + (
        f"Not drawn ({len(left_out)} of {len(rows)} claims: counts, rankings, times and inconsistencies, which "
        f"are not accuracies, or claims with no number of ours; the claims table has them): "
        f"{', '.join(left_out)}."
        if left_out
        else ""
    )
    if style.paper:
        _forest_foot_paper(fig, handles, note)
    else:
        ax.set_title(title)
        _forest_foot_screen(fig, handles, note)
    return fig


# Colour and shape both carry the verdict (Okabe-Ito-like hues, distinct shapes).
_VERDICT_MARKS = {
    "reproduced": ("#009E73", "o"),
    "not reproduced": ("#D55E00", "s"),
    "inconclusive at this budget": ("#E69F00", "D"),
    "not reproducible as specified": ("0.45", "^"),
    "not measured": ("0.7", "v"),
}


def _forest_rows(ax, numeric: list[ClaimRow], y, heights: list[float], style: Style) -> None:
    """Each claim's paper value (x), ours (the verdict's marker) and interval (bar); a rule between groups."""
    for yi, r in zip(y, numeric):
        c, shape = _VERDICT_MARKS.get(r.verdict, ("0.45", "^"))
        if r.interval:
            ax.plot([100 * r.interval[0], 100 * r.interval[1]], [yi, yi], color=c, lw=3, alpha=0.6)
        ax.plot(100 * r.paper_value, yi, "kx", ms=6 if style.paper else 8, mew=1.5, zorder=2)
        ax.plot(
            100 * float(r.ours or 0.0), yi, shape, color=c, mec="black", mew=0.6, ms=5 if style.paper else 7, zorder=3
        )  # on top
    groups = [_claim_group(r.id) for r in numeric]
    for k in range(1, len(numeric)):
        if groups[k] != groups[k - 1]:  # a rule between groups, halfway between their rows
            ax.axhline((y[k - 1] + heights[k - 1] / 2 + y[k] - heights[k] / 2) / 2, color="0.6", lw=0.8)


def _forest_references(ax, chance: Mapping, best_published: float | None, y, style: Style) -> None:
    """Chance levels (one line and label per distinct level, at the top) and the best published
    FER2013 accuracy (at the foot of its line)."""
    small = style.font(6)
    by_value: dict[float, list[str]] = {}
    for name, value in chance.items():
        by_value.setdefault(round(100 * value, 1), []).append(name)
    top = -0.6 if not style.paper else -0.25
    for value, names in by_value.items():
        ax.axvline(value, color="0.5", ls=":", lw=1)
        if style.paper:  # "paper A (4 balanced classes)" -> "paper A": the caption says the rest
            names = [n.split(" (")[0] for n in names]
        # beside its line, not across it
        ax.text(value + 0.6, top, "chance: " + "; ".join(names), fontsize=small, color="0.4", ha="left", va="bottom")
    if best_published is None:
        return
    ax.axvline(100 * best_published, color="tab:purple", ls="--", lw=1)
    ax.text(
        100 * best_published - 0.6,
        (y[-1] + (0.7 if not style.paper else 0.3)) if len(y) else 0.5,
        "best published (paper B's Table 4)" if style.paper else "best published in paper B's Table 4",
        fontsize=small,
        color="tab:purple",
        ha="right",
        va="center",
    )


def _forest_handles(numeric: list[ClaimRow]) -> list:
    from matplotlib.lines import Line2D

    return [Line2D([], [], color="k", marker="x", ls="", label="paper")] + [
        Line2D([], [], color=c, marker=shape, mec="black", mew=0.6, lw=3, alpha=0.8, label=f"ours: {v}")
        for v, (c, shape) in _VERDICT_MARKS.items()
        if any(r.verdict == v for r in numeric)
    ]


def _forest_foot_paper(fig, handles: list, note: str) -> None:
    """Legend and note stacked under the axes, each given the height it needs (inches)."""
    note = textwrap.fill(note, 62)
    note_h, legend_h = 0.13 * (note.count("\n") + 1), 0.15 * len(handles)
    height = fig.get_figheight()
    fig.text(0.02, 0.02, note, fontsize=7, color="0.3", va="bottom")
    fig.legend(
        handles=handles,
        fontsize=7,
        loc="lower left",
        bbox_to_anchor=(0.0, (0.06 + note_h) / height),
        ncol=1,
        frameon=False,
        handlelength=1.6,
    )
    fig.tight_layout(rect=(0, (0.12 + note_h + legend_h) / height, 1, 1), pad=0.3)


def _forest_foot_screen(fig, handles: list, note: str) -> None:
    """Note, then legend, then the axes, each given the height it needs (inches)."""
    note = textwrap.fill(note, 170)
    height = fig.get_figheight()
    note_h = 0.12 * (note.count("\n") + 1) + 0.12
    legend_h = 0.17 * -(-len(handles) // 3) + 0.1
    fig.text(0.01, 0.04 / height, note, fontsize=6, color="0.3", va="bottom")
    fig.legend(
        handles=handles, fontsize=7, loc="lower center", bbox_to_anchor=(0.5, note_h / height), ncol=3, frameon=False
    )
    fig.tight_layout(rect=(0, (note_h + legend_h + 0.05) / height, 1, 1))


@_styled
def detections(panels: list[tuple[str, object]], title: str, style: Style = SCREEN):
    """Annotated photos side by side (PIL images or arrays)."""
    n = len(panels)
    size = (style.inches, style.inches / n + 0.3) if style.paper else (5.5 * n, 5)
    fig, axes = plt.subplots(1, n, figsize=size, squeeze=False)
    for ax, (name, im) in zip(axes[0], panels):
        ax.imshow(np.asarray(im), cmap="gray")
        ax.set_title(name, fontsize=7 if style.paper else 9)
        ax.axis("off")
    _title(fig, style, title)
    fig.tight_layout(pad=0.3 if style.paper else 1.08)
    return fig


@_styled
def crops_with_predictions(
    crops: list, labels: list[list[str]], row_names: list[str], title: str, style: Style = SCREEN
):
    """The 48x48 crops the models see, each with every model's prediction under it, one line per
    model; rows filled evenly. On screen each line names its model; in the paper layout (three
    crops a row, so each line fits at 7 pt) the models are named once, left of each row, beside
    their lines."""
    n = len(crops)
    per_row = 3 if style.paper else 8
    rows = max(1, -(-n // per_row))
    cols = max(1, -(-n // rows))
    short = {name: name.replace("-cnn", "") for name in row_names}
    lines = len(row_names)
    if style.paper:
        names_w = 0.62  # inches for the model names
        cell = (style.inches - names_w) / cols
        image = min(cell, 0.8)
        size = (style.inches, (image + 0.14 * lines + 0.12) * rows)
    else:
        size = (1.9 * cols, (1.6 + 0.22 * lines) * rows + 0.5)
    fig, axes = plt.subplots(rows, cols, figsize=size, squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for i, (crop, labs) in enumerate(zip(crops, labels)):
        ax = axes[i // cols][i % cols]
        ax.imshow(crop, cmap="gray", vmin=0, vmax=255)
        if style.paper:
            ax.text(0.5, -0.04, "\n".join(labs), transform=ax.transAxes, ha="center", va="top", fontsize=7)
        else:
            ax.set_title("\n".join(f"{short[m]}: {lab}" for m, lab in zip(row_names, labs)), fontsize=6.5)
    _title(fig, style, title, fontsize=9)
    if style.paper:
        height = size[1]
        fig.subplots_adjust(
            left=names_w / style.inches,
            right=0.995,
            top=0.995,
            bottom=(0.14 * lines + 0.08) / height,
            hspace=(0.14 * lines + 0.14) / image,
            wspace=0.08,
        )
        for r in range(rows):  # the models' names once per row, on the lines of the captions
            ax = axes[r][0]
            ax.text(
                -0.06,
                -0.04,
                "\n".join(short[m] for m in row_names),
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=7,
                color="0.3",
            )
    else:
        fig.tight_layout()
    return fig
