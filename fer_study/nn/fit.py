"""The one training loop of the study: seeded, checkpointed after every epoch, resumable to the bit.

Keras's `fit` runs one epoch at a time over a permutation drawn from (seed, epoch), so the batches
of epoch e do not depend on whether epochs 0..e-1 ran in this process. After every epoch all model
variables (weights, batch-norm statistics, dropout and augmentation seed states) and all optimizer
variables (step, learning rate, moments) go to one npz checkpoint, written atomically. A training
killed at any moment resumes from its last finished epoch and ends with the same history and
weights as an uninterrupted one (on CPU, where kernels are deterministic).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from fer_study.core import atomic
from fer_study.core.quiet import import_keras

# (fer_study/__init__.py sets TF_DETERMINISTIC_OPS before Keras loads.)
if TYPE_CHECKING:  # the type checker reads Keras's own types; at run time it is imported quietly
    import keras
else:
    keras = import_keras()

# TensorFlow resets its logger when it loads; every genome of a search is a new model, so its
# "retracing" warnings are expected noise.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

# Bump when what a training computes changes (loss, shuffling, checkpoint semantics, metrics):
# it is part of every stored run's key, so no stale result is ever read after such a change.
TRAINING_VERSION = 2
# The sha256 of the training path's code (this file, nn/architectures.py and nn/store.execute, as
# syntax trees without comments or docstrings: training_source_sha256). A test fails when it moves,
# so an edit there is a decision: bump TRAINING_VERSION (every stored run retrains) or, when the
# behaviour is unchanged (a refactor, a new option off by default), update this pin. Not part of
# the key: a refactor must not retrain hours of stored runs.
# Last moved by type annotations for mypy (issue 34; the monotonic clock before it, issue 36): what a
# training computes is unchanged.
TRAINING_SOURCE_PIN = "8350c77cb717ccb926da48eb6f89263f739ed58f2fbfde533517295ee8683d33"


@dataclass(frozen=True)
class FitSettings:
    """How one model is trained. Every field is part of a stored run's key."""

    epochs: int
    batch_size: int
    learning_rate: float
    optimizer: str = "adam"  # any Keras optimizer name; paper A and most genomes use Adam
    seed: int = 0
    # Batches per backend call: a speed setting (same batches, same updates; BENCHMARKS.md).
    steps_per_execution: int = 1
    precision: str = "float32"  # Keras dtype policy: float32, mixed_bfloat16, mixed_float16
    # Learning-rate schedule and early stopping on the validation loss (Mini-Xception's recipe);
    # 0 turns each off (the papers train at a constant rate for a fixed number of epochs).
    plateau_patience: int = 0
    plateau_factor: float = 0.1
    early_stop_patience: int = 0
    # Keep the weights of the epoch with the lowest validation loss and end with them (Keras's
    # restore_best_weights): a run trained "until convergence" reports its best epoch, chosen on
    # validation images only.
    restore_best: bool = False

    def __post_init__(self):
        for name in ("epochs", "batch_size", "steps_per_execution"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate}")

    def key(self) -> dict:
        """The settings as they enter a stored run's key and a checkpoint. Fields added after runs
        were stored enter only when they differ from their default, so those runs keep their keys."""
        out = asdict(self)
        for name, default in _ADDED_FIELDS.items():
            if out[name] == default:
                del out[name]
        return out


# Fields added to FitSettings after stored runs existed, with the default that leaves a key as it was.
_ADDED_FIELDS = {"restore_best": False}


@dataclass
class FitResult:
    model: keras.Model
    history: dict  # per-epoch lists: loss, accuracy, val_loss, val_accuracy, learning_rate
    seconds: float  # training wall time, summed over resumed pieces
    resumed_from_epoch: int = 0
    stopped_early: bool = False
    notes: list = field(default_factory=list)
    best_epoch: int = 0  # restore_best: the epoch whose weights the model ends with (1-based)


class CheckpointError(ValueError):
    """A checkpoint that cannot be used; the message names the file and the problem."""

    def __init__(self, path, problem: str):
        super().__init__(f"{path}: {problem}")


def fit(
    build: Callable[[], keras.Model],
    x: np.ndarray,
    y: np.ndarray,
    x_val: np.ndarray | None,
    y_val: np.ndarray | None,
    settings: FitSettings,
    *,
    checkpoint: Path | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    on_epoch: Callable[[int, dict], None] | None = None,
    monitor: tuple[np.ndarray, np.ndarray] | None = None,
) -> FitResult:
    """Train `build()` on uint8 images `x` (N, 48, 48) and integer labels `y`; validate on
    `x_val`/`y_val` after each epoch. With `checkpoint`, resume from it when it exists and rewrite it
    after every epoch (the caller removes it once the result is stored).

    `monitor` (test images, labels) adds a per-epoch `test_accuracy` to the history. It never
    steers training or selection: it exists for the forensic table, which shows what a paper would
    report had it picked the best epoch on its test part."""
    s = settings
    model, opt = _compiled(build, s)
    state, best_weights = TrainState(), None
    if checkpoint is not None and Path(checkpoint).exists():
        state, best_weights = _restore(Path(checkpoint), model, opt, s)
    resumed = state.epoch
    val = (x_val[..., None], np.asarray(y_val)) if x_val is not None and len(x_val) else None
    xs, ys = x[..., None], np.asarray(y)
    for epoch in range(state.epoch, s.epochs):
        if state.stopped_early:
            break
        t0 = time.monotonic()
        rec = _one_epoch(model, opt, xs, ys, val, s, epoch, callbacks, monitor)
        state.add(rec, time.monotonic() - t0)
        state.epoch = epoch + 1
        improved = _schedule(state, opt, s, rec)
        if s.restore_best and improved:
            state.best_epoch = epoch + 1
            best_weights = [keras.ops.convert_to_numpy(v) for v in model.weights]
        if checkpoint is not None:
            _save(Path(checkpoint), model, opt, s, state, best_weights)
        if on_epoch is not None:
            on_epoch(epoch + 1, rec)
    notes = []
    if s.restore_best and best_weights is not None:
        model.set_weights(best_weights)
        notes.append(f"weights of epoch {state.best_epoch} restored (lowest validation loss)")
    return FitResult(
        model,
        state.history,
        state.seconds,
        resumed,
        state.stopped_early,
        notes,
        state.best_epoch if s.restore_best else 0,
    )


@dataclass
class TrainState:
    """Where a training stands after an epoch: what a checkpoint carries to resume it exactly (its
    JSON keys are the field names)."""

    epoch: int = 0
    history: dict = field(default_factory=dict)
    seconds: float = 0.0
    best_val_loss: float = math.inf
    plateau_wait: int = 0
    stop_wait: int = 0
    stopped_early: bool = False
    best_epoch: int = 0  # 1-based epoch of the lowest validation loss (restore_best)

    def add(self, rec: dict, seconds: float) -> None:
        """One epoch's metrics appended to the history, its time to the total."""
        for k, v in rec.items():
            self.history.setdefault(k, []).append(v)
        self.seconds += seconds


def _compiled(build: Callable[[], keras.Model], s: FitSettings):
    """The model built and compiled under the seed and precision of `s`, with its optimizer built."""
    keras.utils.set_random_seed(s.seed)
    # A fresh graph per model keeps memory flat over a search of many models.
    keras.backend.clear_session(free_memory=True)
    keras.mixed_precision.set_global_policy(s.precision)
    model = build()
    opt = keras.optimizers.get({"class_name": s.optimizer, "config": {"learning_rate": s.learning_rate}})
    model.compile(
        optimizer=opt,
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=s.steps_per_execution,
    )
    opt.build(model.trainable_variables)
    return model, opt


def _one_epoch(model, opt, xs, ys, val, s: FitSettings, epoch: int, callbacks, monitor) -> dict:
    """One epoch in the seeded order of (seed, epoch); its metrics, the learning rate and, with
    `monitor`, the test accuracy."""
    order = np.random.default_rng([s.seed, epoch]).permutation(len(xs))
    h = model.fit(
        xs[order],
        ys[order],
        validation_data=val,
        epochs=1,
        batch_size=s.batch_size,
        validation_batch_size=256,
        shuffle=False,
        verbose=0,
        callbacks=list(callbacks),
    )
    rec = {k: float(v[-1]) for k, v in h.history.items()}
    rec["learning_rate"] = float(keras.ops.convert_to_numpy(opt.learning_rate))
    if monitor is not None and len(monitor[0]):
        rec["test_accuracy"] = float(np.mean(predict(model, monitor[0]).argmax(1) == monitor[1]))
    return rec


def _schedule(state: TrainState, opt, s: FitSettings, rec: dict) -> bool:
    """Reduce the learning rate on a validation-loss plateau; stop early after a longer one.
    Returns whether this epoch's validation loss is the lowest so far."""
    if not (s.plateau_patience or s.early_stop_patience or s.restore_best) or "val_loss" not in rec:
        return False
    if rec["val_loss"] < state.best_val_loss:
        state.best_val_loss, state.plateau_wait, state.stop_wait = rec["val_loss"], 0, 0
        return True
    state.plateau_wait += 1
    state.stop_wait += 1
    if s.plateau_patience and state.plateau_wait >= s.plateau_patience:
        opt.learning_rate.assign(float(keras.ops.convert_to_numpy(opt.learning_rate)) * s.plateau_factor)
        state.plateau_wait = 0
    if s.early_stop_patience and state.stop_wait >= s.early_stop_patience:
        state.stopped_early = True
    return False


def _variables(model, opt) -> list:
    return list(model.variables) + list(opt.variables)


def _save(path: Path, model, opt, s: FitSettings, state: TrainState, best_weights: list | None = None) -> None:
    variables = _variables(model, opt)
    arrays = {f"v{i}": keras.ops.convert_to_numpy(v) for i, v in enumerate(variables)}
    for i, w in enumerate(best_weights or []):  # the best epoch's weights, for restore_best after a resume
        arrays[f"b{i}"] = w
    meta = {
        "training_version": TRAINING_VERSION,
        "settings": s.key(),
        "state": asdict(state),
        "paths": [v.path for v in variables],
        "n_best": len(best_weights or []),
    }
    meta["sha256"] = _arrays_sha256(arrays)  # a tampered or damaged checkpoint is refused, not resumed
    arrays["meta"] = np.asarray(json.dumps(meta))
    atomic.write_with(path, lambda tmp: np.savez(tmp, **arrays), suffix=".npz")


def _arrays_sha256(arrays: dict) -> str:
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _restore(path: Path, model, opt, s: FitSettings) -> tuple[TrainState, list | None]:
    """Load a checkpoint into `model` and `opt`; returns the training state and the best epoch's
    weights (restore_best) if it holds them. npz with allow_pickle=False runs no code."""
    meta, stored, state = _read_checkpoint(path)
    arrays = [stored[f"v{i}"] for i in range(len(meta["paths"]))]
    best = [stored[f"b{i}"] for i in range(meta.get("n_best", 0))] or None
    _check_checkpoint(path, meta, stored, s)
    variables = _variables(model, opt)
    if meta["paths"] != [v.path for v in variables] or any(
        a.shape != tuple(v.shape) for a, v in zip(arrays, variables)
    ):
        raise CheckpointError(path, "its variables do not match this model; delete it to train from the start")
    for a, v in zip(arrays, variables):
        v.assign(a)
    return state, best


def _read_checkpoint(path: Path) -> tuple[dict, dict, TrainState]:
    """A checkpoint's metadata, arrays (every name present) and training state; CheckpointError for
    any unreadable file. Checkpoints written before restore_best existed carry no best_epoch: the
    field's default (0)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            stored = {name: z[name] for name in z.files if name != "meta"}
        names = [f"v{i}" for i in range(len(meta["paths"]))] + [f"b{i}" for i in range(meta.get("n_best", 0))]
        missing = [n for n in names if n not in stored]
        if missing:
            raise KeyError(f"no array '{missing[0]}'")
        return meta, stored, TrainState(**meta["state"])
    except Exception as err:  # noqa: BLE001 - any unreadable file means the same to the user
        raise CheckpointError(
            path,
            f"not a readable training checkpoint ({type(err).__name__}: {err}); "
            "delete it to train this model from the start",
        ) from None


def _check_checkpoint(path: Path, meta: dict, stored: dict, s: FitSettings) -> None:
    """The arrays match their checksum (checkpoints written before they carried one have none), and
    the checkpoint was written by this training (its settings and training version)."""
    if "sha256" in meta and meta["sha256"] != _arrays_sha256(stored):
        raise CheckpointError(
            path,
            "its arrays differ from the checksum written with them (changed or damaged); delete it to train from the start",
        )
    if meta.get("training_version") != TRAINING_VERSION or meta.get("settings") != s.key():
        raise CheckpointError(
            path,
            "written by another training (settings or training version differ); "
            "delete it to train this model from the start",
        )


def predict(model: keras.Model, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Class probabilities (float32) for uint8 images (N, 48, 48)."""
    if len(x) == 0:
        return np.zeros((0, model.output_shape[-1]), dtype=np.float32)
    return np.asarray(model.predict(x[..., None], batch_size=batch_size, verbose=0), dtype=np.float32)


def training_source_sha256() -> str:
    """The sha256 of the training path's code, comments, docstrings and layout aside (see
    TRAINING_SOURCE_PIN)."""
    import inspect

    from fer_study.nn import architectures, store

    h = hashlib.sha256()
    for source in (
        Path(__file__).read_text(),
        Path(architectures.__file__).read_text(),
        inspect.getsource(store.execute),
    ):
        h.update(normalized_source(source).encode())
    return h.hexdigest()


def normalized_source(source: str) -> str:
    """Python source as its syntax tree, without comments, docstrings, layout or the pin itself."""
    import ast
    import textwrap

    tree: ast.Module = ast.parse(textwrap.dedent(source))
    pin = lambda n: isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "TRAINING_SOURCE_PIN" for t in n.targets)  # noqa: E731
    tree.body = [n for n in tree.body if not pin(n)]  # the pin cannot hash itself
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not (isinstance(body, list) and body):
            continue
        first = body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            setattr(node, "body", body[1:] or [ast.Pass()])  # noqa: B010 - any node kind with a body
    return ast.dump(tree, annotate_fields=False, include_attributes=False)
