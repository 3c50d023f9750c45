"""Paper A's experiment: basic vs improved CNN on a split, seeds, predictions and their evaluation."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from fer_study.core import atomic, schema
from fer_study.core.labels import CLASS_INDEX
from fer_study.core.papers import PAPER_A_TABLE1
from fer_study.core.settings import PaperA, Settings
from fer_study.data import FERData
from fer_study.data.sampling import Split
from fer_study.nn import metrics, saved_models
from fer_study.nn.fit import FitSettings
from fer_study.nn.runs import ModelRun, Predictions
from fer_study.nn.store import RunStore, TrainRequest
from fer_study.search import grid


def label_map(classes) -> np.ndarray:
    """Maps the 7 canonical class indices to 0..k-1 for the chosen classes (-1 elsewhere)."""
    m = np.full(7, -1, dtype=np.int64)
    for i, c in enumerate(classes):
        m[CLASS_INDEX[c]] = i
    return m


def model_spec(name: str, a: PaperA) -> tuple[str, dict]:
    """(architecture, settings) of paper A's `name` model ("basic" or "improved") under `st`."""
    if name == "basic":
        return "basic_cnn", {
            "filters": list(a.a_filters_basic),
            "kernel_size": a.a_kernel_size,
            "dense": a.a_dense,
        }
    return "improved_cnn", {
        "filters": list(a.a_filters_improved),
        "kernel_size": a.a_kernel_size,
        "dense": a.a_dense,
        "dropout": a.a_dropout,
        "order": a.a_improved_order,
        "dense_bn": a.a_improved_dense_bn,
        "block_dropout": a.a_block_dropout,
    }


def extra_epochs(st: Settings) -> int:
    """Epochs of paper A's runs beyond its headline (official split, grid retrain, readings)."""
    return st.paper_a.extra_epochs


def fit_settings(st: Settings, seed: int, epochs: int, batch_size: int, learning_rate: float) -> FitSettings:
    return FitSettings(
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        seed=seed,
        steps_per_execution=st.runtime.steps_per_execution,
        precision=st.runtime.precision,
    )


def request(
    data: FERData,
    split: Split,
    arch: tuple[str, dict],
    fit: FitSettings,
    train: np.ndarray,
    val: np.ndarray,
    test: np.ndarray,
    purpose: str,
    keep_model: bool = False,
) -> TrainRequest:
    """A training of paper A's kind: the split's classes mapped to 0..k-1."""
    return TrainRequest(
        arch=arch[0],
        arch_settings=arch[1],
        n_classes=len(split.classes),
        fit=fit,
        data_sha256=data.sha256,
        train_index=np.asarray(train),
        val_index=np.asarray(val),
        test_index=np.asarray(test),
        label_map=tuple(int(v) for v in label_map(split.classes)),
        data_source=data.source,
        keep_model=keep_model,
        purpose=purpose,
    )


def curve_split(
    data: FERData, split: Split, st: Settings, seed: int, fit_part: str = "train"
) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation indices for the curves: the split's own "val" part where it has one
    (the official split selects on PublicTest), else a stratified carve-out of the training part."""
    fit_idx = split.parts[fit_part]
    if "val" in split.parts:
        return fit_idx, split.parts["val"]
    tr, va = train_test_split(
        fit_idx, test_size=st.paper_a.a_val_fraction, stratify=data.labels[fit_idx], random_state=seed
    )
    return np.sort(tr), np.sort(va)


def _per_seed(
    data: FERData,
    split: Split,
    st: Settings,
    models: list[tuple],
    store: RunStore,
    log,
    seeds=None,
    fit_part: str = "train",
    eval_part: str = "test",
    executor=None,
    tag: str = "03",
    epochs: int | None = None,
) -> Predictions:
    """Train every (name, arch, batch_size, learning_rate) in `models` once per seed on `fit_part`
    (less a validation carve-out for the curves, or the split's own "val" part) and predict
    `eval_part`, through the run store (a stored training is loaded, not repeated): one run per
    model and seed."""
    seeds = list(st.paper_a.a_seeds if seeds is None else seeds)
    remap = label_map(split.classes)
    test_idx = split.parts[eval_part]
    y_test = remap[data.labels[test_idx]]
    reqs, meta = [], []
    for seed in seeds:
        tr, va = curve_split(data, split, st, seed, fit_part)
        for name, arch, batch_size, learning_rate in models:
            fs = fit_settings(st, seed, epochs or st.paper_a.a_epochs, batch_size, learning_rate)
            reqs.append(
                request(
                    data,
                    split,
                    arch,
                    fs,
                    tr,
                    va,
                    test_idx,
                    f"{tag} {split.name} {name} seed {seed}",
                    keep_model=seed == seeds[0],
                )
            )
            meta.append((name, seed))

    def scored(req, run) -> str:
        return f"test top-1 {np.mean(run.probs_test.argmax(1) == y_test):.3f}"

    stored = store.train_each(reqs, data.images, data.labels, executor, log, scored)
    runs = [ModelRun.of(name, seed, run) for (name, seed), run in zip(meta, stored)]
    return Predictions(split.name, list(split.classes), test_idx, y_test, runs)


def run(
    data: FERData,
    split: Split,
    st: Settings,
    store: RunStore,
    fit_part: str = "train",
    eval_part: str = "test",
    log=print,
    model_dir=None,
    seeds=None,
    executor=None,
    epochs: int | None = None,
) -> Predictions:
    """Train both models for every seed (`epochs`, default a_epochs) on `fit_part` (less a
    validation carve-out for the curves) and predict `eval_part`: one run per model and seed.
    With `model_dir`, the first seed's models are named there as basic-cnn / improved-cnn
    (models/<name>.json: the stored run's key)."""
    models = [
        (name, model_spec(name, st.paper_a), st.paper_a.a_batch_size, st.paper_a.a_learning_rate)
        for name in ("basic", "improved")
    ]
    result = _per_seed(data, split, st, models, store, log, seeds, fit_part, eval_part, executor, epochs=epochs)
    if model_dir is not None:
        for r in result.runs:
            if r.seed == result.runs[0].seed and r.stored is not None:  # trained or loaded now: its entry is known
                saved_models.save(
                    r.stored.model_file,
                    f"{r.model}-cnn",
                    split.classes,
                    model_dir,
                    {
                        "notebook": "03_basic_vs_improved",
                        "split": split.name,
                        "seed": r.seed,
                        "epochs": epochs or st.paper_a.a_epochs,
                        "profile": st.profile,
                        "data_sha256": data.sha256,
                        "data": data.label_text,
                        "run_key": r.key,
                        "test_top1": float(np.mean(r.probs.argmax(1) == result.y_test)),
                    },
                )
    return result


def save_predictions(result: Predictions, path: Path) -> Path:
    """Every test prediction (class probabilities and the test images' indices), so every summary
    number can be recomputed from this file and the data. The labels themselves are not stored
    (they are FER2013's), only their sha256, which `load_predictions` checks."""
    arrays = {
        "test_index": result.test_index,
        "classes": np.asarray(result.classes),
        "labels_sha256": np.asarray(_labels_sha(result.y_test)),
    }
    for r in result.runs:
        arrays[f"probs_{r.name}"] = r.probs
    # Which trainings failed to train (so a re-evaluation leaves them out, as the first one did).
    arrays["failed"] = np.asarray([r.name for r in result.runs if r.failed], dtype=str)
    # and each run's health flags (dead ReLU layers), which the per-run table shows
    arrays["flags"] = np.asarray([f"{r.name}={r.flags}" for r in result.runs], dtype=str)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_with(path, lambda tmp: np.savez_compressed(tmp, **cast(dict[str, Any], arrays)), suffix=".npz")
    return path


def _labels_sha(y: np.ndarray) -> str:
    return hashlib.sha256(np.asarray(y, dtype=np.int64).tobytes()).hexdigest()


def load_predictions(path: Path, data: FERData) -> Predictions:
    """Saved predictions with the test labels read back from `data` (checked against the saved sha256)."""
    with np.load(path) as z:
        classes = z["classes"].tolist()
        y = label_map(classes)[data.labels[z["test_index"]]]
        if _labels_sha(y) != str(z["labels_sha256"]):
            raise ValueError(f"{path}: the test labels in this data differ from those the predictions were made on")
        failed = set(z["failed"].tolist()) if "failed" in z.files else set()
        flags = dict(f.split("=", 1) for f in z["flags"].tolist()) if "flags" in z.files else {}
        runs = [
            ModelRun(
                model=key.split("_")[1],
                seed=int(key.split("seed")[1]),
                probs=z[key],
                failed=key[len("probs_") :] in failed,
                flags=flags.get(key[len("probs_") :], ""),
            )
            for key in z.files
            if key.startswith("probs_")
        ]
        return Predictions(path.stem, classes, z["test_index"], y, runs)


_HEADLINE_COLUMNS = (
    "top1",
    "mean_one_vs_rest_accuracy",
    "macro_f1",
    "micro_f1",
    "top1_200",
    "mean_one_vs_rest_accuracy_200",
)


def _run_row(model: str, seed: int, y: np.ndarray, p: np.ndarray, sample: np.ndarray, k: int) -> dict:
    """One training's measures on the whole test part and on the 200-image sample."""
    full = metrics.report(metrics.confusion(y, p, k))
    small = metrics.report(metrics.confusion(y[sample], p[sample], k))
    return {
        "model": model,
        "seed": seed,
        "top1": full["top1"],
        "mean_one_vs_rest_accuracy": full["mean_one_vs_rest_accuracy"],
        "macro_precision": full["macro"]["precision"],
        "macro_recall": full["macro"]["recall"],
        "macro_f1": full["macro"]["f1"],
        "micro_f1": full["micro"]["f1"],
        "top1_200": small["top1"],
        "mean_one_vs_rest_accuracy_200": small["mean_one_vs_rest_accuracy"],
        **{f"{t}_200": small["totals"][t] for t in ("tp", "fp", "fn", "tn")},
    }


def _bootstrap_intervals(y: np.ndarray, p: np.ndarray, sample: np.ndarray, k: int, st: Settings) -> dict:
    """95 % bootstrap intervals over test images of one seed's predictions, per headline column."""

    def boot(yy, pp, stat=None):
        return metrics.bootstrap_ci(yy, pp, stat=stat, n_boot=st.paper_a.a_bootstrap, seed=st.runtime.seed)

    def ovr(ci):  # a monotone map of top-1
        return tuple(metrics.one_vs_rest_from_top1(c, k) for c in ci)

    ci_top1, ci_200 = boot(y, p), boot(y[sample], p[sample])
    return {
        "top1": ci_top1,
        "micro_f1": ci_top1,
        "mean_one_vs_rest_accuracy": ovr(ci_top1),
        "top1_200": ci_200,
        "mean_one_vs_rest_accuracy_200": ovr(ci_200),
        "macro_f1": boot(y, p, lambda t, q: metrics.report(metrics.confusion(t, q, k))["macro"]["f1"]),
    }


def _curve_ends(runs: list[ModelRun], st: Settings) -> dict[str, Any]:
    """The curves' end points (paper A quotes them for Fig. 8 and 9), each with its named interval,
    and the evidence the curve rule of notebook 07 reads: would more epochs close a gap to the paper?"""
    last = lambda key: [r.history[key][-1] for r in runs]  # noqa: E731
    gap = [a - v for a, v in zip(last("accuracy"), last("val_accuracy"))]
    return {
        "final_train_accuracy": metrics.with_interval(metrics.mean_std(last("accuracy"))),
        "final_val_accuracy": metrics.with_interval(metrics.mean_std(last("val_accuracy"))),
        "train_val_gap": metrics.with_interval(metrics.mean_std(gap)),
        "curve": metrics.curve_record(
            [r.history for r in runs], st.verdicts, PAPER_A_TABLE1["epochs"], [r.seconds for r in runs]
        ),
    }


def _model_headline(
    model: str, g: pd.DataFrame, result: Predictions, p_first, sample, k: int, st: Settings
) -> schema.ModelHeadline:
    """One model's headline over the seeds that trained (all seeds, flagged, when none did: the
    claims read the flag and never take such numbers as a result)."""
    y = result.y_test
    all_failed = not g["trained"].any()
    g = g if all_failed else g[g["trained"]]
    first = int(g["seed"].iloc[0])  # the first seed that trained
    p = p_first(first)
    cis = _bootstrap_intervals(y, p, sample, k, st)
    m = {col: metrics.with_interval(metrics.mean_std(g[col]), cis.get(col), first) for col in _HEADLINE_COLUMNS}
    runs = [r for r in result.of(model) if r.history and (all_failed or not r.failed)]
    return schema.ModelHeadline(
        top1=m["top1"],
        mean_one_vs_rest_accuracy=m["mean_one_vs_rest_accuracy"],
        macro_f1=m["macro_f1"],
        micro_f1=m["micro_f1"],
        top1_200=m["top1_200"],
        mean_one_vs_rest_accuracy_200=m["mean_one_vs_rest_accuracy_200"],
        confusion=metrics.confusion(y, p, k).tolist(),
        confusion_seed=first,
        failed_to_train=bool(all_failed),
        **(_curve_ends(runs, st) if runs else {}),
    )


def _pairs(preds: dict, failed: set) -> list[tuple]:
    """(basic, improved) of every seed where both trained."""
    seeds = sorted({s for _, s in preds})
    both = [sd for sd in seeds if all((m, sd) in preds and (m, sd) not in failed for m in ("basic", "improved"))]
    return [(("basic", sd), ("improved", sd)) for sd in both]


@dataclass(frozen=True)
class Evaluated:
    """Paper A's models on one split: the per-run table a notebook shows, and the evaluation its
    summary keeps (per model, measures with named intervals and curve evidence; the paired tests)."""

    per_run: pd.DataFrame
    evaluation: schema.Evaluation

    @property
    def headline(self) -> dict[str, schema.ModelHeadline]:
        return self.evaluation.headline


def evaluate(result: Predictions, st: Settings) -> Evaluated:
    """Per run metrics, per model mean ± std over seeds with a bootstrap 95% CI (first seed),
    the 200-image evaluation, and McNemar basic vs improved (first seed)."""
    y, k = result.y_test, len(result.classes)
    sample = metrics.stratified_sample(y, min(st.paper_a.a_eval_per_class, int(np.bincount(y).min())), st.runtime.seed)
    preds = {(r.model, r.seed): r.probs.argmax(1) for r in result.runs}
    per_run = pd.DataFrame([_run_row(m, sd, y, p, sample, k) for (m, sd), p in preds.items()])
    failed = {(r.model, r.seed) for r in result.runs if r.failed}
    flags = {(r.model, r.seed): r.flags for r in result.runs}
    keys = list(zip(per_run["model"], per_run["seed"]))
    per_run["trained"] = [key not in failed for key in keys]
    per_run["health flags"] = [flags.get(key, "") for key in keys]
    headline = {
        model: _model_headline(model, g, result, lambda sd, m=model: preds[(m, sd)], sample, k, st)
        for model, g in per_run.groupby("model")
    }
    pairs = _pairs(preds, failed)
    test = metrics.mcnemar(y, preds[pairs[0][0]], preds[pairs[0][1]]) if pairs else None
    # The paper's direction (improved better), one-sided, per seed: an exact binomial test on the
    # discordant pairs of the same test images.
    one_sided = {str(int(a[1])): metrics.one_sided_paired(y, preds[a], preds[b]) for a, b in pairs}
    evaluation = schema.Evaluation(
        headline=headline,
        mcnemar=test,
        n_test=int(len(y)),
        improved_beats_basic=one_sided,
        failed_runs=sorted([[m, int(sd)] for m, sd in failed]),
        n_eval_sample=int(len(sample)),
    )
    return Evaluated(per_run, evaluation)


def summary(
    ev: Evaluated,
    result: Predictions,
    audit: pd.DataFrame,
    slips: list[schema.Slip],
    official: Evaluated | None,
    result_o: Predictions | None,
) -> schema.PaperA:
    """Notebook 03's summary: the 80/20 split's evaluation (and the official split's, when it ran),
    the paper's tables recomputed, the forensic rows, the training time and the stored runs."""
    return schema.PaperA(
        paper_a_split=ev.evaluation,
        # The official split keeps its headline and first-seed McNemar only (the claims read no more).
        official_split=None
        if official is None
        else schema.Evaluation(
            headline=official.headline, mcnemar=official.evaluation.mcnemar, n_test=official.evaluation.n_test
        ),
        audit=audit.to_dict(orient="index"),
        forensics=slips,
        wall_seconds_training=sum(r.seconds for r in result.runs),
        wall_seconds_training_official=None if result_o is None else sum(r.seconds for r in result_o.runs),
        run_keys=[r.key for r in result.runs] + ([] if result_o is None else [r.key for r in result_o.runs]),
    )


# --- grid search (notebook 04) -------------------------------------------------------------------


def grid_filters(a: PaperA, n_conv: int) -> list[int]:
    """Filters for an improved CNN with `n_conv` layers: the profile's list, its last value repeated."""
    base = list(a.a_filters_improved)
    return [base[min(i, len(base) - 1)] for i in range(n_conv)]


def grid_spec(params: Mapping, a: PaperA) -> tuple[str, dict]:
    """The improved CNN with a grid point's dropout and number of conv layers."""
    arch, settings = model_spec("improved", a)
    return arch, {**settings, "filters": grid_filters(a, params["n_conv"]), "dropout": params["dropout"]}


def selection_split(data: FERData, split: Split, st: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Grid-search train and validation indices, both inside the split's training part (never test).
    The train side is subsampled (stratified) to `a_grid_train_images` when that is positive."""
    fit_idx = split.parts["train"]
    tr, va = train_test_split(
        fit_idx, test_size=st.paper_a.a_val_fraction, stratify=data.labels[fit_idx], random_state=st.runtime.seed
    )
    n = st.grid.a_grid_train_images
    if 0 < n < len(tr):
        tr, _ = train_test_split(tr, train_size=n, stratify=data.labels[tr], random_state=st.runtime.seed)
    return np.sort(tr), np.sort(va)


def grid_request(data: FERData, split: Split, st: Settings, params: Mapping, seed: int | None = None) -> TrainRequest:
    """One grid configuration trained on the selection-train part and scored on the validation part,
    with the grid's training seed (the study's seed) unless another is given."""
    tr, va = selection_split(data, split, st)
    seed = st.runtime.seed if seed is None else seed
    fs = fit_settings(st, seed, st.grid.a_grid_epochs, params["batch_size"], params["learning_rate"])
    purpose = f"04 grid {dict(params)}" + ("" if seed == st.runtime.seed else f" seed {seed}")
    return request(data, split, grid_spec(params, st.paper_a), fs, tr, va, np.zeros(0, dtype=np.int64), purpose)


def grid_seeds(st: Settings) -> list[int]:
    """The training seeds of every grid point: `a_grid_seeds`, or the study's seed alone."""
    return list(st.grid.a_grid_seeds) or [st.runtime.seed]


def grid_check_seeds(st: Settings) -> list[int]:
    """The training seeds on which the grid's winner meets Table 1's setting: the grid's own seeds
    when it has several (then every pair is a grid trial), else the grid's one seed first and paper
    A's other seeds after it. Issue 21 asks for significance "across seeds", and paper A's seeds are
    the ones this profile spends on every other comparison."""
    own = grid_seeds(st)
    if len(own) > 1:
        return own
    return own + [s for s in st.paper_a.a_seeds if s not in own]


def grid_result(run) -> dict:
    """A grid trial's record (the trial log's row) from its stored run."""
    h = run.history
    return {
        "val_accuracy": h["val_accuracy"][-1],
        "best_epoch_val_accuracy": max(h["val_accuracy"]),
        "train_accuracy": h["accuracy"][-1],
        "val_loss": h["val_loss"][-1],
        "train_seconds": round(run.seconds, 2),
        "epochs": len(h["loss"]),
        "n_train": run.info.n["train"],
        "n_val": run.info.n["val"],
        "n_params": run.info.n_params,
        "trained": not run.failed,
        "failure": run.health.reason,
        "run_key": run.key,
    }


def grid_vs_table1(
    data: FERData, split: Split, st: Settings, best: Mapping, store: RunStore, log=print, executor=None
) -> schema.GridVsTable1:
    """Does the grid's winner beat Table 1's setting, or is the difference noise? Both settings are
    trained with every seed of `grid_check_seeds` at the grid's budget (the pairs of the grid's own
    seeds are its trials, loaded from the store), and each seed's pair is compared on the same
    validation images by an exact one-sided paired test (the winner more accurate)."""
    table1 = {k: PAPER_A_TABLE1[k] for k in best}
    if not all(table1[k] in st.grid.a_grid[k] for k in best):
        return schema.GridVsTable1(in_grid=False, table1=table1)
    same = all(best[k] == table1[k] for k in best)
    seeds = grid_check_seeds(st) if not same else grid_seeds(st)[:1]
    reqs = [grid_request(data, split, st, params, seed) for seed in seeds for params in (best, table1)]
    runs = store.train_each(reqs, data.images, data.labels, executor, log)
    own = {grid_request(data, split, st, p, seed).key for p in (best, table1) for seed in grid_seeds(st)}
    tests, acc_best, acc_table1 = _paired_tests(runs)
    return schema.GridVsTable1(
        in_grid=True,
        table1=table1,
        same=same,
        n_val=len(runs[0].probs_val),
        epochs=st.grid.a_grid_epochs,
        **_check_seconds(runs, own),
        seeds=seeds,
        best_accuracy=acc_best,
        table1_accuracy=acc_table1,
        only_best_correct=[t.only_b_correct for t in tests],
        only_table1_correct=[t.only_a_correct for t in tests],
        p_value=[t.p_value for t in tests],
    )


def _check_seconds(runs: list, own: set[str]) -> dict[str, float]:
    """What the check's trainings took: per trial, and beyond the grid's own trials."""
    return {
        "seconds_per_trial": round(float(np.mean([r.seconds for r in runs])), 1),
        "seconds_beyond_grid": round(float(sum(r.seconds for r in runs if r.key not in own)), 1),
    }


def _paired_tests(runs: list) -> tuple[list[schema.PairedTest], list[float], list[float]]:
    """Per seed (runs in pairs: the winner, Table 1's setting): the one-sided paired test on the same
    validation images, and each side's accuracy."""
    tests, acc_best, acc_table1 = [], [], []
    for run_best, run_table1 in zip(runs[::2], runs[1::2]):
        y = run_best.y_val
        assert y is not None  # read with the data: its validation labels are set
        pred_best, pred_table1 = run_best.probs_val.argmax(1), run_table1.probs_val.argmax(1)
        tests.append(metrics.one_sided_paired(y, pred_table1, pred_best))
        acc_best.append(float(np.mean(pred_best == y)))
        acc_table1.append(float(np.mean(pred_table1 == y)))
    return tests, acc_best, acc_table1


def retrain(
    data: FERData, split: Split, st: Settings, params: Mapping, store: RunStore, log=print, executor=None
) -> Predictions:
    """The chosen configuration trained for `extra_epochs(st)` per seed on the training part (less the
    validation carve-out) and evaluated once on the test part; same result layout as `run`."""
    model = ("gridbest", grid_spec(params, st.paper_a), params["batch_size"], params["learning_rate"])
    return _per_seed(data, split, st, [model], store, log, executor=executor, tag="04", epochs=extra_epochs(st))


def grid_summary(
    data: FERData,
    split: Split,
    st: Settings,
    trials: pd.DataFrame,
    best: Mapping,
    ev: Evaluated,
    result: Predictions,
    check: schema.GridVsTable1,
    first_check: schema.GridVsTable1 | None = None,
) -> schema.Grid:
    """Notebook 04's summary: the grid, its trials, the winner against Table 1 (`grid_vs_table1`:
    paired, on the same validation images, per seed) and the winner retrained."""
    sel_train, sel_val = selection_split(data, split, st)
    # The check's seeds beyond the grid's own are trainings of their own.
    checked = [grid_request(data, split, st, p, seed).key for seed in check.seeds or [] for p in (best, check.table1)]
    first = grid.best_on_seed(trials, list(best), grid_seeds(st)[0])
    if first_check is not None:
        checked += [
            grid_request(data, split, st, p, sd).key
            for sd in first_check.seeds or []
            for p in (first, first_check.table1)
        ]
    points = grid.ranked(trials, list(best))
    second = grid.runner_up(trials, list(best))
    return schema.Grid(
        grid=dict(st.grid.a_grid),
        seeds=grid_seeds(st),
        n_trials=int(len(trials)),
        epochs_per_trial=st.grid.a_grid_epochs,
        n_selection_train=int(len(sel_train)),
        n_validation=int(len(sel_val)),
        best_params=dict(best),
        best_val_accuracy=grid.mean_of(points, best),
        table1=PAPER_A_TABLE1,
        best_matches_table1={k: best[k] == PAPER_A_TABLE1[k] for k in best},
        table1_vs_best=check,
        best_retrained=schema.BestRetrained(headline=ev.headline["gridbest"], n_test=ev.evaluation.n_test),
        wall_seconds_search=float(trials["train_seconds"].sum()),
        wall_seconds_retrain=sum(r.seconds for r in result.runs),
        run_keys=list(dict.fromkeys(list(trials["run_key"]) + checked + [r.key for r in result.runs])),
        runner_up=second,
        runner_up_val_accuracy=None if second is None else grid.mean_of(points, second),
        first_seed_params=first,
        first_seed_vs_table1=first_check,
    )
