"""Trained models as the experiments hand them on: one record per model and seed, and the set of
them on one group of reported images. A training itself lives in the run store (`nn.store`); these
records carry its stored run, or only its predictions when read back from a predictions file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # annotations only: the figures and sentences import this module without Keras
    from fer_study.nn.store import StoredRun


@dataclass(frozen=True)
class History:
    """One training's per-epoch curves, as the curve figures and sentences take them."""

    model: str
    seed: int
    history: dict[str, list[float]]


@dataclass(frozen=True)
class ModelRun:
    """One model and seed: its class probabilities on the reported images, whether it trained
    (`nn.health`) and, when it came from the run store, its curves, time, key and stored training."""

    model: str
    seed: int
    probs: np.ndarray = field(repr=False)
    failed: bool
    flags: str  # health flags (dead ReLU layers), "" when none
    history: dict[str, list[float]] = field(default_factory=dict, repr=False)  # {}: only predictions kept
    seconds: float = 0.0
    key: str = ""
    stored: StoredRun | None = field(default=None, repr=False)  # None: read back from a predictions file
    stopped_early: bool | None = None  # None: trained for a fixed number of epochs
    best_epoch: int | None = None  # the epoch whose weights it kept (under early stopping)

    @classmethod
    def of(cls, model: str, seed: int, run: StoredRun, early_stopping: bool = False) -> ModelRun:
        """From the run store; `early_stopping`: its request trained until early stopping."""
        stopping = (run.info.stopped_early, run.info.best_epoch) if early_stopping else (None, None)
        return cls(
            model, seed, run.probs_test, run.failed, run.health.flags, run.history, run.seconds, run.key, run, *stopping
        )

    def accuracy(self, y: np.ndarray) -> float:
        """Top-1 against the reported images' labels `y`."""
        return float(np.mean(self.probs.argmax(1) == y))

    @property
    def name(self) -> str:
        """model_seedN: how a predictions file names it."""
        return f"{self.model}_seed{self.seed}"


@dataclass(frozen=True)
class Predictions:
    """Several models and seeds on the same reported images (`test_index`, labels `y_test` in
    the order of `classes`)."""

    split: str  # paper A's split, or paper B's protocol
    classes: list[str]
    test_index: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    runs: list[ModelRun]

    def of(self, model: str) -> list[ModelRun]:
        return [r for r in self.runs if r.model == model]
