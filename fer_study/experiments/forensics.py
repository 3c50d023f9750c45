"""Where could the papers' numbers come from? What each protocol slip would report, computed from
our own stored runs (notebooks 03 and 05; shown together in notebook 07).

A slip is a way of measuring that a paper could have used without saying so: a different metric,
images the model trained on, the best epoch picked on the test images, the best of many trainings
picked on the reported images. For each, our runs give the number it would have printed; beside it
the paper's figure it could explain and whether it lands within `TOLERANCE` of it.
"""

from __future__ import annotations

import hashlib

import numpy as np

from fer_study.core import schema
from fer_study.core.papers import PAPER_A, PAPER_B
from fer_study.data import FERData
from fer_study.nn import metrics
from fer_study.nn.runs import ModelRun, Predictions
from fer_study.search.runs import SearchRun

TOLERANCE = 0.02  # a slip "can produce" a paper's figure when it lands within 2 points of it


def identical_copies(data: FERData, test: np.ndarray, train: np.ndarray) -> np.ndarray:
    """Mask over `test`: True where a pixel-identical image lies in `train`."""
    digest = lambda i: hashlib.blake2b(data.images[i].tobytes(), digest_size=16).digest()
    seen = {digest(i) for i in train}
    return np.array([digest(i) in seen for i in test], dtype=bool)


def _row(slip: str, values: list[float], paper: dict[str, float], what: str, target: str) -> schema.Slip:
    """One slip: our value under it against the paper figure it could explain (`target`)."""
    v = metrics.mean_std(values)
    gap = v.mean - paper[target]
    return schema.Slip(
        slip=slip,
        what_it_measures=what,
        ours=v.mean,
        seeds=v.n,
        paper_figure=target,
        paper_value=paper[target],
        difference=gap,
        can_produce_it=bool(abs(gap) <= TOLERANCE),
    )


def _paper_a_figures() -> tuple[dict[str, float], tuple[str, ...]]:
    """Paper A's figures a slip could explain, by label ('89 % 'accuracy' (Table 2)'), and the
    labels in the order one-vs-rest, precision/recall/F1, validation, training."""
    stated = PAPER_A.table2_improved.stated
    labelled = [
        (f"{100 * v:g} % {what}", v)
        for v, what in (
            (stated["accuracy"], "'accuracy' (Table 2)"),
            (stated["f1"], "precision/recall/F1 (Table 2)"),
            (PAPER_A.val_accuracy_improved.value, "validation (Fig. 9)"),
            (PAPER_A.train_accuracy_improved.value, "training (Fig. 9)"),
        )
    ]
    return dict(labelled), tuple(label for label, _ in labelled)


def _on_training_images(run: ModelRun) -> float:
    """The run's accuracy on the images it trained on, in inference mode (as stored)."""
    return run.stored.info.train_accuracy_inference if run.stored else float("nan")


def paper_a(result: Predictions, data: FERData, train: np.ndarray, model: str = "improved") -> list[schema.Slip]:
    """Paper A's improved CNN (the seeds that trained) under each slip, beside its Table 2 and Fig. 9
    numbers. `train` is the split's training part (for the identical-copy check)."""
    runs = [r for r in result.of(model) if not r.failed] or result.of(model)
    y, k = result.y_test, len(result.classes)
    paper, (ovr, prf, val, trn) = _paper_a_figures()
    copy = identical_copies(data, result.test_index, train)
    preds = [r.probs.argmax(1) for r in runs]
    reports = [metrics.report(metrics.confusion(y, p, k)) for p in preds]
    rows = [
        _row(
            "none: top-1 on the held-out test part",
            [r["top1"] for r in reports],
            paper,
            "what we report",
            prf,
        ),
        _row(
            "mean one-vs-rest accuracy called 'accuracy'",
            [r["mean_one_vs_rest_accuracy"] for r in reports],
            paper,
            "1 - 2(1 - top-1)/K: counts true negatives of every class",
            ovr,
        ),
        _row(
            "micro-F1 (= top-1) instead of macro-F1",
            [r["micro"]["f1"] for r in reports],
            paper,
            "totals over classes",
            prf,
        ),
        _row(
            "macro-F1",
            [r["macro"]["f1"] for r in reports],
            paper,
            "mean of per-class F1",
            prf,
        ),
        _row(
            "evaluated on training images",
            [_on_training_images(r) for r in runs],
            paper,
            "inference mode, images the model trained on",
            prf,
        ),
        _row(
            "training accuracy as logged at the last epoch",
            [r.history["accuracy"][-1] for r in runs],
            paper,
            "with dropout on, as Keras prints it",
            trn,
        ),
        _row(
            "best epoch picked on the test part",
            [max(r.history.get("test_accuracy", [float("nan")])) for r in runs],
            paper,
            "the maximum over epochs of test top-1",
            prf,
        ),
        *_copy_rows(preds, y, copy, paper, prf),
    ]
    return rows


def _copy_rows(preds: list, y: np.ndarray, copy: np.ndarray, paper: dict, prf: str) -> list[schema.Slip]:
    """Top-1 on the test images with an identical copy in training, and without them."""
    return [
        _row(
            f"only the {int(copy.sum())} test images with an identical copy in training",
            [float(np.mean(p[copy] == y[copy])) if copy.any() else float("nan") for p in preds],
            paper,
            "duplicates straddling the split",
            prf,
        ),
        _row(
            f"without those {int(copy.sum())} images",
            [float(np.mean(p[~copy] == y[~copy])) for p in preds],
            paper,
            "the test part cleaned of copies",
            prf,
        ),
    ]


def paper_b(search: SearchRun, retrained: schema.Retrain, history_runs: list[ModelRun]) -> list[schema.Slip]:
    """Paper B's protocol slip (fitness on the reported 20 %) beside its headline: the best fitness over
    every genome scored on the reported images (GA and random search alike: a maximum selected on
    those images) against the GA's winner retrained with fresh seeds, and the retrain's best epoch."""
    label = f"{PAPER_B.headline_accuracy.value:.2f} % (abstract, Table 3)"
    paper = {label: PAPER_B.headline_accuracy.value / 100}
    scored = search.scored
    best = max(e["fitness"] for e in scored)
    return [
        _row(
            f"best of {len(scored)} genomes (GA and random search) selected on the reported 20 %",
            [best],
            paper,
            "paper B's protocol: fitness is the reported test accuracy",
            label,
        ),
        _row(
            "the GA's winner retrained, fresh seeds, last epoch",
            list(retrained.values),
            paper,
            "fresh seeds, but the genome was chosen on these same images; an unbiased report is the clean protocol's (B1c)",
            label,
        ),
        _row(
            "the GA's winner retrained, best epoch on the reported 20 %",
            [max(r.history["val_accuracy"]) for r in history_runs],
            paper,
            "selection on the test images again, across epochs",
            label,
        ),
    ]
