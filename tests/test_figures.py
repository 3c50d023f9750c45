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
from fer_study.nn.runs import History  # noqa: E402
from fer_study.reporting import comparison, figures  # noqa: E402
from fer_study.reporting import exploration as words  # noqa: E402
from fer_study.search.runs import SearchRun  # noqa: E402

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
        History(
            "gridbest",
            s,
            {k: list(rng.random(5)) for k in ("accuracy", "val_accuracy", "loss", "val_loss")},
        )
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


def test_the_grid_heatmap_prints_percent_and_marks_a_tie_as_printed():
    """Issue 35: 61.70 and 61.68 printed as two 0.62 cells, one outlined, no tie shown."""
    trials = pd.DataFrame(
        [
            {"n_conv": n, "dropout": d, "learning_rate": 0.001, "batch_size": 16, "val_accuracy": v}
            for (n, d), v in {(3, 0.2): 0.55, (3, 0.5): 0.56, (4, 0.2): 0.61704, (4, 0.5): 0.61702}.items()
        ]
    )
    fig = figures.grid_heatmap(trials, ["n_conv", "dropout"], ["learning_rate", "batch_size"], "val_accuracy", "G")
    cells = [t.get_text() for t in fig.axes[0].texts]
    assert "61.70" in cells and "55.00" in cells
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "ties with the best as printed" in legend
    fig = figures.grid_heatmap(
        trials.assign(val_accuracy=[0.55, 0.56, 0.62, 0.61]),
        ["n_conv", "dropout"],
        ["learning_rate", "batch_size"],
        "val_accuracy",
        "G",
    )
    assert "ties with the best as printed" not in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_the_claims_figure_draws_every_numeric_accuracy_claim_with_its_paper_value():
    s = {p.stem: json.loads(p.read_text()) for p in sorted(FIXTURE.glob("*.json"))}
    rows = comparison.claim_rows(comparison.from_bodies(s))
    fig = figures.claims_forest(rows, "Claims")
    text = _texts(fig)
    drawn = [r for r in rows if r.id + ":" in text]
    assert drawn and all(isinstance(r.paper_value, float) for r in drawn)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "paper" in legend
    # Issue 35: whole statements (no "…"), and the verdict told by shape as well as colour.
    assert "…" not in text and all(" ".join(r.claim.split())[-12:] in " ".join(text.split()) for r in drawn)
    shapes = {h.get_marker() for h in fig.legends[0].legend_handles if h.get_label().startswith("ours: ")}
    verdicts = {r.verdict for r in drawn}
    assert len(shapes) == len(verdicts), (shapes, verdicts)


def test_the_claims_figure_rules_off_paper_a_from_paper_b_and_the_generation_rows():
    from fer_study.core.schema import ClaimRow

    def row(cid, verdict="not reproduced"):
        return ClaimRow(
            id=cid,
            paper=cid[0],
            claim=f"claim {cid}",
            where="",
            accuracy=True,
            paper_value=0.7,
            ours=0.5,
            interval=None,
            interval_kind="",
            difference=-0.2,
            verdict=verdict,
            why="",
        )

    rows = [row("A1"), row("A2"), row("B1"), row("B3.0"), row("B3.1"), row("B3.3")]
    fig = figures.claims_forest(rows, "Claims")
    rules = [ln for ln in fig.axes[0].get_lines() if list(ln.get_xdata()) == [0, 1] and ln.get_color() == "0.6"]
    assert len(rules) == 3  # A | B1 | B3.0-B3.1 | B3.3


def test_confusion_matrices_show_counts_and_shares():
    m = [[5, 1], [2, 7]]
    fig = figures.confusion_matrices({"basic": m, "improved": m}, ["angry", "happy"], "Confusion")
    assert len([a for a in fig.axes if a.get_title()]) >= 2
    assert "7" in _texts(fig)


def _every_figure(demo, style) -> dict:
    """Every figure function of the study on small synthetic inputs, in `style`."""
    from types import SimpleNamespace

    rng = np.random.default_rng(1)
    runs = [
        History(
            m,
            s,
            {
                k: list(np.sort(rng.random(30)) if "acc" in k else np.sort(rng.random(30))[::-1])
                for k in ("accuracy", "val_accuracy", "loss", "val_loss")
            },
        )
        for m in ("basic", "improved")
        for s in range(3)
    ]
    grid_rows = [
        {"learning_rate": lr, "batch_size": b, "dropout": d, "n_conv": n, "val_accuracy": 0.5 + 0.01 * i}
        for i, (lr, b, d, n) in enumerate(
            (lr, b, d, n) for lr in (0.001, 0.0001) for b in (16, 64) for d in (0.2, 0.5) for n in (3, 4)
        )
    ]
    search = SearchRun(
        name="paper",
        state=SimpleNamespace(
            history=[{"generation": g, "fitness": 0.3 + 0.02 * rng.random()} for g in range(4) for _ in range(10)],
            logbook=[{"gen": g, "best": 0.33 + 0.005 * g, "mean": 0.31 + 0.004 * g} for g in range(4)],
        ),
        evaluations=[],
        random=[{"fitness": 0.32}] * 15,
        n_trained=40,
        ga_seconds=0.0,
        random_seconds=0.0,
    )
    s = {p.stem: json.loads(p.read_text()) for p in sorted(FIXTURE.glob("*.json"))}
    rows = comparison.claim_rows(comparison.from_bodies(s))
    counts = exploration.counts_frame(demo)
    photo = np.full((200, 300), 128, np.uint8)
    crop = np.zeros((48, 48), np.uint8)
    cm = [[40, 5, 3, 2], [4, 38, 6, 2], [3, 5, 35, 7], [2, 3, 8, 37]]
    classes = ["angry", "happy", "neutral", "sad"]
    return {
        "counts_bar": figures.counts_bar(counts, "Counts", style=style),
        "sample_grid": figures.sample_grid(demo, 8, 0, style=style),
        "pixel_summary": figures.pixel_summary(demo, style=style),
        "before_after_bar": figures.before_after_bar(
            {"angry": 4953, "happy": 8989, "neutral": 6198, "sad": 6077},
            dict.fromkeys(classes, 4953),
            "B/A",
            style=style,
        ),
        # The longest labels the study draws: the control's curves and reference lines.
        "training_curves": figures.training_curves(
            runs,
            "Curves",
            names={"basic": "Mini-Xception, authors' protocol", "improved": "Mini-Xception, clean report"},
            references=[(0.66, "published 66.00 % (Arriaga et al.)"), (0.64, "ours, authors' protocol: 64.00 %")],
            style=style,
        ),
        "confusion_matrices": figures.confusion_matrices({"basic": cm, "improved": cm}, classes, "CM", style=style),
        "grid_heatmap": figures.grid_heatmap(
            pd.DataFrame(grid_rows),
            ["n_conv", "dropout"],
            ["learning_rate", "batch_size"],
            "val_accuracy",
            "Grid",
            style=style,
        ),
        "ga_progress": figures.ga_progress(
            {"paper": search, "clean": search},
            [58.0, 70.2, 76.11],
            "GA",
            chance={"paper": 0.25, "clean": 0.25},
            style=style,
        ),
        "claims_forest": figures.claims_forest(
            rows,
            "Claims",
            chance={"paper A (4 balanced classes)": 0.25, "paper B (majority class)": 0.249},
            best_published=0.76,
            style=style,
        ),
        "detections": figures.detections([("astronaut", photo), ("coffee", photo)], "Faces", style=style),
        "crops_with_predictions": figures.crops_with_predictions(
            [crop] * 5,
            [["surprise 0.87", "neutral 0.51", "happy 0.99"]] * 5,
            ["improved-cnn", "basic-cnn", "ga-best"],
            "Crops",
            style=style,
        ),
    }


def test_every_figure_has_a_paper_layout_one_column_wide_with_no_text_under_7_pt_and_nothing_cut_off(demo):
    built = _every_figure(demo, figures.PAPER)
    public = {n for n in dir(figures) if getattr(getattr(figures, n), "is_figure", False)}
    assert public == set(built), "a figure function without a paper layout in this test"
    for name, fig in built.items():
        assert fig.get_figwidth() == pytest.approx(figures.PAPER.width), name
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for t in fig.findobj(matplotlib.text.Text):  # after the draw: ticks made then are counted too
            if t.get_visible() and t.get_text().strip():
                # At least 7 pt, and no screen-sized text left over (tick labels made at draw time).
                assert 7 <= t.get_fontsize() <= 9, f"{name}: '{t.get_text()[:30]}' at {t.get_fontsize()} pt"
        # Everything drawn (ticks in view, legends, notes) lies on the page: saved at its exact
        # width, a paper figure crops whatever reaches past its edge.
        drawn = fig.get_tightbbox(renderer)
        page = fig.bbox_inches.padded(0.01)  # a hundredth of an inch of rounding
        assert page.contains(drawn.x0, drawn.y0) and page.contains(drawn.x1, drawn.y1), (
            f"{name}: drawn over {drawn}, beyond the page {fig.bbox_inches}"
        )
        assert fig._suptitle is None, f"{name}: a title in the paper layout (the caption says it)"


def test_screen_figures_keep_their_titles_and_the_paper_style_is_chosen_by_setting(demo, tmp_path):
    from fer_study.core import profiles
    from fer_study.reporting.report import Outputs

    built = _every_figure(demo, figures.SCREEN)
    assert built["training_curves"]._suptitle is not None and built["training_curves"].get_figwidth() > 5
    data = {"data_label": "demo data", "sha256": "0" * 64}
    for style in ("screen", "paper"):
        st = profiles.resolve("smoke", {"fig_style": style})
        out = Outputs("01_data_exploration", st, data, out_dir=tmp_path / style)
        assert out.fig_style.name == style
        fig = figures.counts_bar(exploration.counts_frame(demo), "Counts", style=out.fig_style)
        png, _ = out.figure(fig, "counts")
        width = plt.imread(png).shape[1]
        stamped = any(out.stamp in t.get_text() for t in fig.texts)
        if style == "paper":
            assert width == round(300 * figures.PAPER.width) and not stamped
        else:
            assert stamped
    with pytest.raises(Exception, match="fig_style"):
        profiles.resolve("smoke", {"fig_style": "poster"})


def test_training_curves_show_percent_tick_the_last_epoch_and_keep_references_off_the_curves():
    """Issue 35: fractions where every other figure shows %; ticks stopping at 90 of 100 epochs; three
    reference lines within 3 points drawn over the validation curve; one model's single seed unsaid."""
    rng = np.random.default_rng(0)
    curve = {k: list(0.5 + 0.1 * rng.random(100)) for k in ("accuracy", "val_accuracy", "loss", "val_loss")}
    runs = [History("authors", 0, curve), History("authors", 1, curve), History("clean", 0, curve)]
    refs = [(0.66, "published"), (0.655, "their log"), (0.626, "ours")]
    fig = figures.training_curves(runs, "Control", references=refs)
    acc = fig.axes[0]
    assert acc.get_ylabel() == "accuracy (%)" and min(acc.get_lines()[0].get_ydata()) > 40
    fig.canvas.draw()
    assert 100 in [round(t) for t in acc.get_xticks()] and acc.get_xlim()[1] >= 100
    marks = [ln for ln in acc.get_lines() if ln.get_label() in ("published", "their log", "ours")]
    assert len(marks) == 3 and len({ln.get_marker() for ln in marks}) == 3
    assert all(ln.get_xdata()[0] > 1 for ln in marks)  # outside the axes (x in axes fractions), off the curves
    assert len({ln.get_xdata()[0] for ln in marks}) == 3  # side by side, so equal values stay apart
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "authors (2 seeds), training" in legend and "clean (1 seed), validation" in legend


def test_a_figure_of_photos_says_they_are_not_the_dataset(tmp_path):
    """Issue 35: notebook 08's photos carried the 'FER2013' stamp as if they came from it."""
    from fer_study.core import profiles
    from fer_study.reporting.report import Outputs

    out = Outputs("08_detection", profiles.resolve("smoke"), {"data_label": "FER2013", "sha256": "ab" * 32}, tmp_path)
    fig, ax = plt.subplots()
    out.figure(fig, "photos", photos="astronaut, LFW mosaic")
    stamp = [t.get_text() for t in fig.texts][-1]
    assert stamp.startswith("photos: astronaut, LFW mosaic (not from the dataset) · models trained on FER2013")
    fig, ax = plt.subplots()
    out.figure(fig, "plain")
    assert [t.get_text() for t in fig.texts][-1].startswith("FER2013 · profile smoke")
