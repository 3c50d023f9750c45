"""The figures and the exploration tables in process (no notebook around them): each figure names
what it shows, marks what the issue asked to mark, and the exploration's numbers add up."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from fer_study.core.labels import CLASSES, SPLITS  # noqa: E402
from fer_study.data.dataset import load  # noqa: E402
from fer_study.experiments import exploration  # noqa: E402
from fer_study.reporting import claims, comparison, figures  # noqa: E402
from fer_study.reporting import exploration as words  # noqa: E402

FIXTURE = Path(__file__).parent / "fixtures" / "smoke_summaries"


@pytest.fixture(scope="module")
def demo():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FER_STUDY_HOME", str(Path(__import__("tempfile").mkdtemp(prefix="fer-figures-"))))
        return load(None, verbose=False)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def test_the_exploration_counts_add_up_and_the_pixel_figure_shows_every_split(demo):
    counts = exploration.counts_frame(demo)
    assert counts.loc["total", "total"] == len(demo.labels)
    assert counts.drop(index="total")["total"].sum() == len(demo.labels)
    stats = exploration.pixel_stats_frame(demo)
    assert set(stats.index) <= set(CLASSES) and (stats.select_dtypes("number").to_numpy() >= 0).all()
    report, table = exploration.duplicates_frames(demo)
    assert {"exact", "near"} <= set(report) and isinstance(table, pd.DataFrame)
    assert "duplicate" in words.interpret(demo, report).lower()
    fig = figures.pixel_summary(demo)
    hist = fig.axes[-1]
    assert [t.get_text() for t in hist.get_legend().get_texts()] == list(SPLITS)
    assert len({p.get_linestyle() for p in hist.patches}) == 3  # one line style per split, as well as a colour
    assert len({h.get_linestyle() for h in hist.get_legend().get_lines()}) == 3  # and the legend shows them
    assert hist.get_ylabel() and hist.get_xlabel()
    fig = figures.counts_bar(counts, "FER2013 classes per split")
    assert fig.axes[0].get_title() == "FER2013 classes per split" and fig.axes[0].get_ylabel() == "images"


def test_training_curves_name_the_model_the_seeds_and_the_reference_lines():
    rng = np.random.default_rng(0)
    runs = [
        {
            "model": "gridbest",
            "seed": s,
            "history": {k: list(rng.random(5)) for k in ("accuracy", "val_accuracy", "loss", "val_loss")},
        }
        for s in range(3)
    ]
    fig = figures.training_curves(
        runs, "Curves", names={"gridbest": "lr 0.001, batch 16"}, references=[(0.66, "published 66.00 %")]
    )
    text = _texts(fig)
    assert "lr 0.001, batch 16, validation" in text and "gridbest" not in text
    assert "mean of 3 seeds" in text and text.count("mean of 3 seeds") == 1  # said once, in the title
    assert "published 66.00 %" in text


def test_the_grid_heatmap_labels_in_words_and_marks_the_best_and_table_1():
    rows = [
        {"learning_rate": lr, "batch_size": b, "dropout": d, "n_conv": n, "val_accuracy": 0.5 + 0.01 * i}
        for i, (lr, b, d, n) in enumerate(
            (lr, b, d, n) for lr in (0.001, 0.0001) for b in (16, 64) for d in (0.2, 0.5) for n in (3, 4)
        )
    ]
    fig = figures.grid_heatmap(
        pd.DataFrame(rows), ["n_conv", "dropout"], ["learning_rate", "batch_size"], "val_accuracy", "Grid"
    )
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()] + [t.get_text() for t in ax.get_yticklabels()]
    assert "lr 0.001, batch 16" in ticks and "4 conv, dropout 0.2" in ticks
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["best on validation", "paper A's Table 1"]


def test_the_claims_figure_draws_every_numeric_accuracy_claim_with_its_paper_value():
    s = {p.stem: json.loads(p.read_text()) for p in sorted(FIXTURE.glob("*.json"))}
    rows = claims.table(comparison.facts(s), comparison.settings(s))
    fig = figures.claims_forest(rows, "Claims")
    text = _texts(fig)
    drawn = [r for r in rows if r["id"] + ":" in text]
    assert drawn and all(isinstance(r["paper value"], float) for r in drawn)
    assert any("paper" in t.get_text() for t in fig.axes[0].get_legend().get_texts())


def test_confusion_matrices_show_counts_and_shares():
    m = [[5, 1], [2, 7]]
    fig = figures.confusion_matrices({"basic": m, "improved": m}, ["angry", "happy"], "Confusion")
    assert len([a for a in fig.axes if a.get_title()]) >= 2
    assert "7" in _texts(fig)
