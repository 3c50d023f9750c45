"""Seeded Keras training and prediction on in-memory uint8 arrays."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

# (fer_study/__init__.py sets TF_DETERMINISTIC_OPS before Keras loads.)
import keras
import numpy as np

# TensorFlow resets its logger when it loads; every genome of a search is a new model, so its
# "retracing" warnings are expected noise.
logging.getLogger("tensorflow").setLevel(logging.ERROR)


@dataclass
class Trained:
    model: keras.Model
    history: dict  # per-epoch lists: loss, accuracy, val_loss, val_accuracy
    seconds: float


def train(build, x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray | None, y_val: np.ndarray | None,
          *, n_classes: int, epochs: int, batch_size: int, learning_rate: float, seed: int,
          optimizer: str = "adam", steps_per_execution: int = 1, precision: str = "float32",
          verbose: int = 0) -> Trained:
    """Build with `build(n_classes)`, compile (categorical cross-entropy) and fit; same seed, same result.

    `steps_per_execution` runs several batches per call into the backend (a speed setting: same
    batches, same updates); `precision` is a Keras dtype policy ("float32", "mixed_bfloat16",
    "mixed_float16").
    """
    keras.utils.set_random_seed(seed)
    # A fresh graph per model keeps memory flat over a search of many models.
    keras.backend.clear_session(free_memory=True)
    keras.mixed_precision.set_global_policy(precision)
    model = build(n_classes)
    opt = keras.optimizers.get({"class_name": optimizer, "config": {"learning_rate": learning_rate}})
    model.compile(optimizer=opt, loss="categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    y_tr = keras.utils.to_categorical(y_train, n_classes)
    val = (x_val[..., None], keras.utils.to_categorical(y_val, n_classes)) if x_val is not None else None
    t0 = time.time()
    hist = model.fit(x_train[..., None], y_tr, validation_data=val, epochs=epochs, batch_size=batch_size,
                     shuffle=True, verbose=verbose)
    return Trained(model, {k: [float(v) for v in vals] for k, vals in hist.history.items()}, time.time() - t0)


def predict(model: keras.Model, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Class probabilities for uint8 images (N, 48, 48)."""
    return np.asarray(model.predict(x[..., None], batch_size=batch_size, verbose=0))
