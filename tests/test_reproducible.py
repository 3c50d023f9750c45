"""Equal key material trains equal bytes on one machine and backend (issue 33, item 4).

The stored improved-CNN runs of 30 and 100 epochs (seed 0) differ from epoch 1 although their key
material differs only in `epochs`. Retrained here, the 30-epoch run's first epoch came out bit for
bit as stored (validation 0.4984227120876312), while the 100-epoch run had been trained on another
machine (another VM build): TensorFlow's oneDNN kernels dispatch on the CPU's vector extensions, so
another CPU may sum in another order. Provenance now records the CPU model and those extensions.
This test pins what holds on one machine: the epoch count does not enter the training.
"""

from __future__ import annotations

import numpy as np
import pytest

from fer_study.core import profiles
from fer_study.experiments import paper_a
from fer_study.nn import architectures
from fer_study.nn.fit import FitSettings, fit

# Trains models, runs notebooks or spawns processes: left out of the fast tier (pytest -m 'not slow').
pytestmark = pytest.mark.slow


def _weights_after_epoch_one(tmp_path, epochs: int) -> list[np.ndarray]:
    """The improved CNN (the cpu profile's settings) trained `epochs` epochs of 4 steps; its
    checkpoint's arrays (weights and optimizer state) as they stood after epoch 1."""
    st = profiles.resolve("cpu")
    arch, kw = paper_a.model_spec("improved", st.paper_a)
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (64, 48, 48), dtype=np.uint8), rng.integers(0, 4, 64)
    ckpt = tmp_path / f"run{epochs}.npz"
    after_one: list[np.ndarray] = []

    def on_epoch(epoch: int, rec: dict) -> None:
        if epoch == 1:  # the checkpoint is written before on_epoch is called
            with np.load(ckpt) as z:
                after_one.extend(z[k] for k in sorted((k for k in z.files if k != "meta"), key=lambda k: int(k[1:])))

    fs = FitSettings(epochs=epochs, batch_size=16, learning_rate=1e-3, seed=0)
    fit(lambda: architectures.build(arch, 4, **kw), x, y, x[:16], y[:16], fs, checkpoint=ckpt, on_epoch=on_epoch)
    return after_one


def test_the_improved_cnn_trains_the_same_bytes_whatever_its_epoch_count(tmp_path):
    one, two = _weights_after_epoch_one(tmp_path, 1), _weights_after_epoch_one(tmp_path, 2)
    assert len(one) == len(two) > 10  # weights, batch-norm statistics, seed states and Adam's moments
    assert all(a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b) for a, b in zip(one, two))
