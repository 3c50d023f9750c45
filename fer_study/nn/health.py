"""Did a training train? Dead ReLU units per layer and training accuracy against chance.

A model that stays at chance is a failed training, not a result: it is reported as "failed to
train" with its reason and never averaged into a headline number.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from fer_study.core.quiet import import_keras

keras = import_keras()

# A training is healthy when its best training accuracy beats chance (the majority class share)
# by this many points or by three binomial standard errors, whichever is larger.
CHANCE_MARGIN = 0.02


@dataclass(frozen=True)
class Health:
    dead_fraction: dict  # ReLU layer name -> share of its units (channels) that output 0 for every probe image
    chance: float  # majority-class share of the training labels
    best_train_accuracy: float
    trained: bool
    reason: str  # empty when trained

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> Health:
        return cls(**d)


def relu_outputs(model: keras.Model) -> list:
    """Layers whose output is a ReLU's output (a conv or dense layer with activation relu, or an
    Activation/ReLU layer)."""
    found = []
    for layer in model.layers:
        act = getattr(layer, "activation", None)
        if isinstance(layer, keras.layers.ReLU) or getattr(act, "__name__", "") == "relu":
            found.append(layer)
    return found


def dead_fractions(model: keras.Model, x: np.ndarray, max_images: int = 512) -> dict[str, float]:
    """Per ReLU layer, the share of units (last axis) that are zero for every image and position of
    the first `max_images` images of `x`."""
    layers = relu_outputs(model)
    if not layers or len(x) == 0:
        return {}
    probe = keras.Model(model.inputs, [layer.output for layer in layers])
    outs = probe.predict(x[:max_images][..., None], batch_size=128, verbose=0)
    outs = outs if isinstance(outs, list) else [outs]
    result = {}
    for layer, out in zip(layers, outs):
        out = np.asarray(out)
        alive = (out.reshape(-1, out.shape[-1]) > 0).any(axis=0)
        result[layer.name] = round(float(1.0 - alive.mean()), 4)
    return result


def assess(history: dict, y_train: np.ndarray, dead: dict[str, float]) -> Health:
    """Healthy when the best epoch's training accuracy beats chance by a clear margin."""
    counts = np.bincount(np.asarray(y_train, dtype=np.int64))
    chance = float(counts.max() / counts.sum()) if counts.sum() else 0.0
    accs = [a for a in history.get("accuracy", []) if a == a]  # drop NaN
    losses = history.get("loss", [])
    best = max(accs) if accs else 0.0
    margin = max(CHANCE_MARGIN, 3 * math.sqrt(chance * (1 - chance) / max(1, counts.sum())))
    reason = ""
    if any(not np.isfinite(v) for v in losses):
        reason = "the training loss became NaN or infinite (diverged)"
    elif best <= chance + margin:
        reason = (
            f"training accuracy never rose above chance: best {best:.3f} against chance {chance:.3f} "
            f"(+{margin:.3f} required)"
        )
        if dead:
            worst = max(dead, key=dead.get)
            reason += f"; {dead[worst]:.0%} of the units of '{worst}' are dead"
    return Health(dead, round(chance, 4), round(best, 4), reason == "", reason)
