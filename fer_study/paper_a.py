"""Paper A's experiment: basic vs improved CNN on a split, seeds, predictions and their evaluation."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from . import metrics
from .data import FERData
from .labels import CLASS_INDEX
from .sampling import Split


def label_map(classes) -> np.ndarray:
    """Maps the 7 canonical class indices to 0..k-1 for the chosen classes (-1 elsewhere)."""
    m = np.full(7, -1, dtype=np.int64)
    for i, c in enumerate(classes):
        m[CLASS_INDEX[c]] = i
    return m


def builder(name: str, cfg: Mapping, n_classes: int):
    from .models import basic_cnn, improved_cnn

    if name == "basic":
        return partial(basic_cnn, filters=cfg["a_filters_basic"], kernel_size=cfg["a_kernel_size"], dense=cfg["a_dense"])
    return partial(improved_cnn, filters=cfg["a_filters_improved"], kernel_size=cfg["a_kernel_size"],
                   dense=cfg["a_dense"], dropout=cfg["a_dropout"])


def run(data: FERData, split: Split, cfg: Mapping, fit_part: str = "train", eval_part: str = "test",
        log=print) -> dict:
    """Train both models for every seed on `fit_part` (less a validation carve-out for the curves)
    and predict `eval_part`. Returns {"y_test", "test_index", "runs": [...]}, one run per model and seed."""
    from . import training

    remap = label_map(split.classes)
    k = len(split.classes)
    fit_idx, test_idx = split.parts[fit_part], split.parts[eval_part]
    y_test = remap[data.labels[test_idx]]
    runs = []
    for seed in cfg["a_seeds"]:
        tr, va = train_test_split(fit_idx, test_size=cfg["a_val_fraction"], stratify=data.labels[fit_idx],
                                  random_state=seed)
        for name in ("basic", "improved"):
            t = training.train(builder(name, cfg, k), data.images[tr], remap[data.labels[tr]],
                               data.images[va], remap[data.labels[va]], n_classes=k, epochs=cfg["a_epochs"],
                               batch_size=cfg["a_batch_size"], learning_rate=cfg["a_learning_rate"], seed=seed)
            probs = training.predict(t.model, data.images[test_idx])
            log(f"{split.name}: {name} seed {seed}: {t.seconds:.0f} s, test top-1 {np.mean(probs.argmax(1) == y_test):.3f}")
            runs.append({"model": name, "seed": seed, "history": t.history, "seconds": t.seconds, "probs": probs})
    return {"split": split.name, "classes": list(split.classes), "test_index": test_idx, "y_test": y_test, "runs": runs}


def save_predictions(result: dict, path: Path) -> Path:
    """Every test prediction, so every summary number can be recomputed from this file."""
    arrays = {"test_index": result["test_index"], "y_test": result["y_test"], "classes": np.asarray(result["classes"])}
    for r in result["runs"]:
        arrays[f"probs_{r['model']}_seed{r['seed']}"] = r["probs"]
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    return path


def load_predictions(path: Path) -> dict:
    with np.load(path) as z:
        runs = [{"model": key.split("_")[1], "seed": int(key.split("seed")[1]), "probs": z[key]}
                for key in z.files if key.startswith("probs_")]
        return {"test_index": z["test_index"], "y_test": z["y_test"], "classes": z["classes"].tolist(), "runs": runs}


def evaluate(result: dict, cfg: Mapping) -> dict:
    """Per run metrics, per model mean ± std over seeds with a bootstrap 95% CI (first seed),
    the 200-image evaluation, and McNemar basic vs improved (first seed)."""
    y, k = result["y_test"], len(result["classes"])
    rows, preds = [], {}
    sample = metrics.stratified_sample(y, min(cfg["a_eval_per_class"], int(np.bincount(y).min())), cfg["seed"])
    for r in result["runs"]:
        p = r["probs"].argmax(1)
        preds[(r["model"], r["seed"])] = p
        full, small = metrics.report(metrics.confusion(y, p, k)), metrics.report(metrics.confusion(y[sample], p[sample], k))
        rows.append({"model": r["model"], "seed": r["seed"], "top1": full["top1"],
                     "mean_one_vs_rest_accuracy": full["mean_one_vs_rest_accuracy"],
                     "macro_precision": full["macro"]["precision"], "macro_recall": full["macro"]["recall"],
                     "macro_f1": full["macro"]["f1"], "micro_f1": full["micro"]["f1"],
                     "top1_200": small["top1"], "mean_one_vs_rest_accuracy_200": small["mean_one_vs_rest_accuracy"],
                     **{f"{t}_200": small["totals"][t] for t in ("tp", "fp", "fn", "tn")}})
    per_run = pd.DataFrame(rows)
    first = cfg["a_seeds"][0]
    headline = {}
    for model, g in per_run.groupby("model"):
        p = preds[(model, first)]
        headline[model] = {
            col: metrics.mean_std(g[col]) for col in
            ("top1", "mean_one_vs_rest_accuracy", "macro_f1", "micro_f1", "top1_200", "mean_one_vs_rest_accuracy_200")
        }
        headline[model]["top1"]["ci95_bootstrap_seed%d" % first] = metrics.bootstrap_ci(
            y, p, n_boot=cfg["a_bootstrap"], seed=cfg["seed"])
        headline[model]["confusion_seed%d" % first] = metrics.confusion(y, p, k).tolist()
    test = metrics.mcnemar(y, preds[("basic", first)], preds[("improved", first)])
    return {"per_run": per_run, "headline": headline, "mcnemar_basic_vs_improved": test,
            "n_test": int(len(y)), "n_eval_sample": int(len(sample)), "k": k}
