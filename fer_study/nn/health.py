"""Did a training train? Held-out accuracy against chance, and dead ReLU units per layer.

A model that stays at chance is a failed training, not a result: it is reported as "failed to
train" with its reason and never averaged into a headline number. The judgment reads the run's
predictions on its validation images in inference mode (no dropout, moving batch-norm statistics),
never the training accuracy Keras logs with dropout on: a model can score well above chance on
images it never saw while its logged training accuracy sits near chance. A layer with more than
half of its ReLU units dead is flagged beside the run wherever it is reported.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from fer_study.core.quiet import import_keras

if TYPE_CHECKING:  # the type checker reads Keras's own types; at run time it is imported quietly
    import keras
else:
    keras = import_keras()

# A training is healthy when its accuracy beats chance (the majority class share) by this many
# points or by three binomial standard errors, whichever is larger.
CHANCE_MARGIN = 0.02
# A ReLU layer more than this share of whose units never fire on the probe images is flagged.
DEAD_LAYER_SHARE = 0.5


@dataclass(frozen=True)
class Health:
    dead_fraction: dict  # ReLU layer name -> share of its units (channels) that output 0 for every probe image
    chance: float  # majority-class share of the training labels
    best_train_accuracy: float
    trained: bool
    reason: str  # empty when trained
    # Set by `judge` (from a stored run's validation predictions); absent in the stored record.
    heldout_accuracy: float | None = None
    basis: str = "training accuracy"  # what "trained" was judged on
    dead_layers: tuple = ()  # ReLU layers with more than DEAD_LAYER_SHARE of their units dead

    @property
    def flags(self) -> str:
        """What a reader should know beside the run's numbers ('' when nothing)."""
        if not self.dead_layers:
            return ""
        return "dead ReLU units: " + ", ".join(f"{n} {self.dead_fraction[n]:.0%}" for n in self.dead_layers)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> Health:
        d = dict(d)
        if "dead_layers" in d:
            d["dead_layers"] = tuple(d["dead_layers"])
        return cls(**d)


def margin(chance: float, n: int) -> float:
    """How far above chance an accuracy over n images must be to count as trained."""
    return max(CHANCE_MARGIN, 3 * math.sqrt(chance * (1 - chance) / max(1, n)))


def above_chance(accuracy: float, chance: float, n: int) -> bool:
    return bool(np.isfinite(accuracy)) and accuracy > chance + margin(chance, n)


def dead_layers(dead: dict[str, float]) -> tuple:
    return tuple(name for name, share in dead.items() if share > DEAD_LAYER_SHARE)


def judge(stored: dict, probs_val: np.ndarray, y_val: np.ndarray) -> Health:
    """The health of a stored run, judged on its validation predictions (inference mode): trained
    when their accuracy beats the validation images' majority share by `margin`, and its loss never
    diverged. Without validation images, the stored judgment (training accuracy) stands."""
    h = Health.from_json({k: v for k, v in stored.items() if k in Health.__dataclass_fields__})
    flagged = dead_layers(h.dead_fraction)
    y = np.asarray(y_val, dtype=np.int64)
    if len(y) == 0 or len(probs_val) != len(y):
        return Health(h.dead_fraction, h.chance, h.best_train_accuracy, h.trained, h.reason, dead_layers=flagged)
    counts = np.bincount(y)
    chance = float(counts.max() / counts.sum())
    acc = float(np.mean(np.asarray(probs_val).argmax(1) == y)) if np.isfinite(probs_val).all() else 0.0
    reason = ""
    if "diverged" in h.reason:
        reason = h.reason
    elif not above_chance(acc, chance, len(y)):
        reason = (
            f"held-out accuracy (inference mode, {len(y)} validation images) {acc:.3f} is not above chance "
            f"{chance:.3f} (+{margin(chance, len(y)):.3f} required)"
        )
        if flagged:
            reason += f"; {h.dead_fraction[flagged[0]]:.0%} of the units of '{flagged[0]}' are dead"
    return Health(
        h.dead_fraction,
        round(chance, 4),
        h.best_train_accuracy,
        reason == "",
        reason,
        heldout_accuracy=round(acc, 4),
        basis="held-out accuracy in inference mode",
        dead_layers=flagged,
    )


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
    need = margin(chance, int(counts.sum()))
    reason = ""
    if any(not np.isfinite(v) for v in losses):
        reason = "the training loss became NaN or infinite (diverged)"
    elif best <= chance + need:
        reason = (
            f"training accuracy never rose above chance: best {best:.3f} against chance {chance:.3f} "
            f"(+{need:.3f} required)"
        )
        if dead:
            worst = max(dead, key=lambda layer: dead[layer])
            reason += f"; {dead[worst]:.0%} of the units of '{worst}' are dead"
    return Health(dead, round(chance, 4), round(best, 4), reason == "", reason)
