"""The library on another Keras backend: a tiny training under JAX when JAX is installed."""

import importlib.util
import os
import subprocess
import sys

import pytest


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_tiny_training_under_jax(tmp_path):
    code = (
        "import numpy as np, keras\n"
        "from fer_study.nn import architectures as models\n"
        "from fer_study.nn.fit import FitSettings, fit, predict\n"
        "assert keras.backend.backend() == 'jax'\n"
        "x = np.random.default_rng(0).integers(0, 255, (32, 48, 48), dtype=np.uint8); y = np.arange(32) % 4\n"
        "s = FitSettings(epochs=1, batch_size=8, learning_rate=1e-3, seed=0)\n"
        "a = fit(lambda: models.improved_cnn(4), x, y, x[:8], y[:8], s)\n"
        "b = fit(lambda: models.improved_cnn(4), x, y, x[:8], y[:8], s)\n"
        "assert a.history == b.history, (a.history, b.history)\n"
        "print('ok', predict(a.model, x[:4]).shape)\n"
    )
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and "ok (4, 4)" in r.stdout, r.stderr[-2000:]
