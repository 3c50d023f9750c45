"""Checks on the pipeline and on our readings of the papers (notebook 06).

* The positive control: a published architecture from paper B's Table 4, Mini-Xception (ref [45],
  66.00 %), trained through the same run store and fit loop with its own recipe. If it nears its
  published accuracy, a "not reproduced" elsewhere cannot be blamed on the pipeline.
* Sensitivity: what paper A's Fig. 7 and paper B's missing Fig. 2 leave open, trained with one seed
  under other readings, beside our chosen reading's stored run (loaded, not retrained).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from fer_study.core import schema
from fer_study.core.labels import CLASSES
from fer_study.core.papers import MINI_XCEPTION
from fer_study.core.settings import Settings
from fer_study.data import FERData
from fer_study.data.sampling import Split
from fer_study.experiments import paper_a, paper_b
from fer_study.nn import metrics
from fer_study.nn.fit import FitSettings
from fer_study.nn.runs import History
from fer_study.nn.store import RunStore, TrainRequest
from fer_study.search import genome as G


def control_split(data: FERData, st: Settings, seed: int) -> dict[str, np.ndarray]:
    """Training less a stratified validation carve-out (`c_val_fraction`) to fit, the carve-out to
    schedule the learning rate and stop early, PublicTest and PrivateTest to report. The test
    images never steer training."""
    train = data.indices(("Training",), CLASSES)
    fit, val = train_test_split(
        train, test_size=st.control.c_val_fraction, stratify=data.labels[train], random_state=seed
    )
    return {
        "fit": np.sort(fit),
        "val": np.sort(val),
        "public": data.indices(("PublicTest",), CLASSES),
        "private": data.indices(("PrivateTest",), CLASSES),
    }


def control_request(data: FERData, st: Settings, seed: int) -> TrainRequest:
    parts = control_split(data, st, seed)
    fs = FitSettings(
        epochs=st.control.c_epochs,
        batch_size=st.control.c_batch_size,
        learning_rate=st.control.c_learning_rate,
        seed=seed,
        steps_per_execution=st.runtime.steps_per_execution,
        precision=st.runtime.precision,
        plateau_patience=st.control.c_plateau_patience,
        early_stop_patience=st.control.c_early_stop_patience,
    )
    return TrainRequest(
        arch="mini_xception",
        arch_settings={"augment": st.control.c_augment},
        n_classes=len(CLASSES),
        fit=fs,
        data_sha256=data.sha256,
        train_index=parts["fit"],
        val_index=parts["val"],
        test_index=np.concatenate([parts["public"], parts["private"]]),
        label_map=tuple(range(len(CLASSES))),
        data_source=data.source,
        keep_model=True,
        purpose=f"06 control mini_xception seed {seed}",
    )


def authors_request(data: FERData, st: Settings, seed: int) -> TrainRequest:
    """Mini-Xception on its authors' protocol: all of Training fits; PublicTest + PrivateTest (their
    validation, the last 20 % of fer2013.csv) schedule the learning rate, stop early and pick the
    checkpoint (lowest validation loss, restored at the end). What they published is that
    checkpoint's accuracy on those images: the stored run's validation predictions."""
    fs = FitSettings(
        epochs=st.control.c_authors_max_epochs,
        batch_size=st.control.c_batch_size,
        learning_rate=st.control.c_learning_rate,
        seed=seed,
        steps_per_execution=st.runtime.steps_per_execution,
        precision=st.runtime.precision,
        plateau_patience=st.control.c_authors_plateau_patience,
        early_stop_patience=st.control.c_authors_early_stop_patience,
        restore_best=True,
    )
    return TrainRequest(
        arch="mini_xception",
        arch_settings={
            "augment": st.control.c_augment,
            "input_size": st.control.c_authors_input_size,
            "separable_l2": st.control.c_authors_separable_l2,
        },
        n_classes=len(CLASSES),
        fit=fs,
        data_sha256=data.sha256,
        train_index=data.indices(("Training",), CLASSES),
        val_index=np.concatenate([data.indices(("PublicTest",), CLASSES), data.indices(("PrivateTest",), CLASSES)]),
        test_index=np.zeros(0, dtype=np.int64),
        label_map=tuple(range(len(CLASSES))),
        data_source=data.source,
        purpose=f"06 control mini_xception authors' protocol seed {seed}",
    )


@dataclass(frozen=True)
class ControlResult:
    """The positive control: its summary (typed, as notebook 06 saves it) and every training's
    history, its authors' protocol first."""

    summary: schema.Control
    trainings: list[History]  # model: the protocol ("authors" or "clean")


def run_authors(
    data: FERData, st: Settings, store: RunStore, log: Callable[[str], None] = print
) -> tuple[schema.AuthorsControl, list[History]]:
    """The control on its authors' protocol, once per seed in `c_authors_seeds`: the restored checkpoint's
    accuracy on PublicTest + PrivateTest (as published, a bootstrap 95 % CI for the first seed),
    and on PrivateTest alone."""
    reqs = [authors_request(data, st, seed) for seed in st.control.c_authors_seeds]

    def scored(req, run) -> str:
        best = run.info.best_epoch or len(run.history["loss"])
        acc = np.mean(run.probs_val.argmax(1) == data.labels[req.val_index])
        return f"checkpoint of epoch {best}, PublicTest + PrivateTest {acc:.4f}"

    trained = store.train_each(reqs, data.images, data.labels, log=log, result=scored)
    rows = [_authors_row(data, st, seed, req, run) for seed, req, run in zip(st.control.c_authors_seeds, reqs, trained)]
    ok = [r for r in rows if not r.failed]
    accuracy = None
    if ok:
        accuracy = metrics.with_interval(metrics.mean_std([r.accuracy for r in ok]), ok[0].ci95, ok[0].seed)
    histories = [History("authors", seed, run.history) for seed, run in zip(st.control.c_authors_seeds, trained)]
    return schema.AuthorsControl(runs=rows, n_failed=len(rows) - len(ok), accuracy=accuracy), histories


def _seed_fields(seed: int, run, stopped_early: bool) -> dict[str, Any]:
    """What every seed of the control records, whichever protocol (records.ControlSeed's fields)."""
    return {
        "seed": seed,
        "key": run.key,
        "failed": run.failed,
        "failure": run.health.reason,
        "health_flags": run.health.flags,
        "epochs_run": len(run.history["loss"]),
        "stopped_early": stopped_early,
        "seconds": run.seconds,
        "final_learning_rate": run.history["learning_rate"][-1],
    }


def _authors_row(data: FERData, st: Settings, seed: int, req, run) -> schema.AuthorsRun:
    """One seed on the authors' protocol: the restored checkpoint's accuracy on the images that chose
    it (as published) and on PrivateTest alone; for the first seed the bootstrap 95 % CI."""
    y = data.labels[req.val_index]
    pred = run.probs_val.argmax(1)
    n_pub = len(data.indices(("PublicTest",), CLASSES))
    best = run.info.best_epoch or len(run.history["loss"])
    ci = None
    if seed == st.control.c_authors_seeds[0]:
        ci = [float(c) for c in metrics.bootstrap_ci(y, pred, n_boot=st.paper_b.b_bootstrap, seed=st.runtime.seed)]
    return schema.AuthorsRun(
        **_seed_fields(seed, run, stopped_early=run.info.stopped_early),
        best_epoch=best,
        accuracy=float(np.mean(pred == y)),
        n=int(len(y)),
        private_accuracy=float(np.mean(pred[n_pub:] == y[n_pub:])),
        train_accuracy_at_best=run.history["accuracy"][best - 1],
        ci95=ci,
    )


def _clean_row(data: FERData, st: Settings, seed: int, req, run) -> schema.ControlRun:
    """One seed of the clean row: how its training went, PublicTest and PrivateTest accuracy, and
    for the first seed the bootstrap 95 % CI over PrivateTest."""
    n_pub = len(control_split(data, st, seed)["public"])  # the test part is PublicTest, then PrivateTest
    pred = run.probs_test.argmax(1)
    y = data.labels[req.test_index]
    ci = None
    if seed == st.control.c_seeds[0]:
        ci = metrics.bootstrap_ci(y[n_pub:], pred[n_pub:], n_boot=st.paper_b.b_bootstrap, seed=st.runtime.seed)
    return schema.ControlRun(
        **_seed_fields(seed, run, stopped_early=len(run.history["loss"]) < req.fit.epochs),
        best_val_accuracy=max(run.history["val_accuracy"]),
        final_val_accuracy=run.history["val_accuracy"][-1],
        final_train_accuracy=run.history["accuracy"][-1],
        public_accuracy=float(np.mean(pred[:n_pub] == y[:n_pub])),
        private_accuracy=float(np.mean(pred[n_pub:] == y[n_pub:])),
        n_public=n_pub,
        n_private=int(len(y) - n_pub),
        private_ci95=None if ci is None else [float(c) for c in ci],
    )


def run_control(data: FERData, st: Settings, store: RunStore, log: Callable[[str], None] = print) -> ControlResult:
    """The control trained (or loaded) once per seed in `c_seeds`; accuracy on PublicTest and
    PrivateTest with a bootstrap 95 % CI (first seed) and the training's own record; then, with
    `c_authors`, on its authors' protocol (`run_authors`)."""
    reqs = [control_request(data, st, seed) for seed in st.control.c_seeds]

    def scored(req, run) -> str:
        n_pub = len(data.indices(("PublicTest",), CLASSES))
        pred, y = run.probs_test.argmax(1), data.labels[req.test_index]
        return f"PrivateTest {np.mean(pred[n_pub:] == y[n_pub:]):.4f}"

    trained = store.train_each(reqs, data.images, data.labels, log=log, result=scored)
    runs = [_clean_row(data, st, seed, req, run) for seed, req, run in zip(st.control.c_seeds, reqs, trained)]
    ok = [r for r in runs if not r.failed]
    private = public = None
    if ok:
        s = metrics.mean_std([r.private_accuracy for r in ok])
        # The first seed's bootstrap beside the spread; notebook 07 names the interval (comparison).
        ci = ok[0].private_ci95
        private = schema.Measure(s.mean, s.std, s.n, s.values, ci95=ci, ci_seed=None if ci is None else ok[0].seed)
        public = metrics.mean_std([r.public_accuracy for r in ok])
    trainings = [History("clean", seed, run.history) for seed, run in zip(st.control.c_seeds, trained)]
    authors = None
    if st.control.c_authors:
        authors, histories = run_authors(data, st, store, log)
        trainings = histories + trainings
    summary = schema.Control(
        published=dict(MINI_XCEPTION),
        runs=runs,
        n_failed=len(runs) - len(ok),
        private_accuracy=private,
        public_accuracy=public,
        authors=authors,
    )
    return ControlResult(summary, trainings)


# --- sensitivity to the papers' gaps ------------------------------------------------------------

# Paper A's Fig. 7 readings: our chosen one (the profile's), the first one (the dense units die),
# and dropout after every conv block (one of Fig. 7's other possible readings).
A_READINGS: dict[str, tuple[str, dict[str, Any]]] = {
    "chosen": ("conv+ReLU -> BN per block, BN on the dense layer (the study's reading)", {}),
    "first reading": (
        "conv -> BN -> ReLU per block, no BN on the dense layer (the first round's)",
        {"a_improved_order": "bn_relu", "a_improved_dense_bn": False},
    ),
    "block dropout": ("the chosen reading plus dropout after every conv block", {"a_block_dropout": None}),
}


def paper_a_readings(data: FERData, split: Split, st: Settings, store: RunStore, log=print) -> list[schema.Reading]:
    """Paper A's improved CNN under each reading of Fig. 7, first seed, on the 80/20 split; the
    chosen reading is the stored run of notebook 03 (loaded, not retrained)."""
    seed = st.paper_a.a_seeds[0]
    rows = []
    for name, (text, changes) in A_READINGS.items():
        changes = {k: (st.control.c_block_dropout if v is None else v) for k, v in changes.items()}
        variant = st.replace(**changes)
        model = (
            "improved",
            paper_a.model_spec("improved", variant.paper_a),
            st.paper_a.a_batch_size,
            st.paper_a.a_learning_rate,
        )
        res = paper_a._per_seed(
            data, split, variant, [model], store, log, seeds=[seed], tag="06", epochs=paper_a.extra_epochs(st)
        )
        rows.append(_row("A", name, text, res.runs[0].stored, res.y_test))
    return rows


def paper_b_readings(data: FERData, st: Settings, store: RunStore, log=print) -> list[schema.Reading]:
    """Paper B's Table 2 genome under both readings of the missing Fig. 2 (paper protocol, first
    seed, the final retrains' budget); the profile's template is the stored run of notebook 05."""
    rows = []
    for template, text in (
        ("blocks3", "three blocks of two convs with BN, pooling and dropout (the study's reading)"),
        ("plain6", "six plain convs, pooling after every second (the other reading)"),
    ):
        variant, seed = st.replace(b_template=template), st.paper_b.b_seeds[0]
        proto = paper_b.protocol(data, "paper", variant, final=True)  # as paper_b.retrain builds it
        task = paper_b.make_task(data, proto, variant, store.root, seed=seed, final=True)
        req = paper_b.genome_request(
            G.TABLE2, task, data.source, test=proto.report, purpose=f"06 paper table2 {template} seed {seed}"
        )
        (run,) = store.train_each([req], data.images, data.labels, log=log)
        name = "chosen" if template == st.paper_b.b_template else template
        rows.append(_row("B", name, text, run, data.labels[proto.report]))
    return rows


def _row(paper: str, reading: str, text: str, run, y_test: np.ndarray) -> schema.Reading:
    h = run.health
    dead = h.dead_fraction or {}
    return schema.Reading(
        paper=paper,
        reading=reading,
        what=text,
        test_top1=float(np.mean(run.probs_test.argmax(1) == y_test)),
        n_test=int(len(y_test)),
        final_train_accuracy=run.history["accuracy"][-1],
        final_val_accuracy=run.history["val_accuracy"][-1],
        most_dead_relu=float(max(dead.values())) if dead else float("nan"),
        trained=h.trained,
        failure=h.reason,
        health_flags=h.flags,
        run_key=run.key,
    )


def summary(control: ControlResult | None, readings: list[schema.Reading] | None) -> schema.Controls:
    """Notebook 06's summary: the control (None when off), the sensitivity readings (None when off)
    and every stored run they rest on."""
    return schema.Controls(
        control=None if control is None else control.summary,
        sensitivity=readings,
        run_keys=([r.key for r in control.summary.seeds] if control is not None else [])
        + [r.run_key for r in readings or []],
    )
