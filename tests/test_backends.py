"""The library on another Keras backend: JAX's CPU build is a development dependency, so CI trains,
stores and resumes under KERAS_BACKEND=jax (the GPU box runs JAX, never TensorFlow)."""

import importlib.util
import os
import subprocess
import sys

import pytest

# Spawns processes that train: left out of the fast tier (pytest -m 'not slow').
pytestmark = pytest.mark.slow


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


JAX_STORE = """
import json, os, signal, sys
import keras, numpy as np
from fer_study.nn import architectures
from fer_study.nn.fit import FitSettings, fit
from fer_study.nn.store import RunStore, TrainRequest

assert keras.backend.backend() == "jax"
mode, folder = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
x = rng.integers(0, 255, (96, 48, 48), dtype=np.uint8); y = np.arange(96) % 4
req = TrainRequest(arch="improved_cnn", arch_settings={"filters": [4, 8], "dense": 8}, n_classes=4,
                   fit=FitSettings(epochs=3, batch_size=16, learning_rate=1e-3, seed=1), data_sha256="0" * 64,
                   train_index=np.arange(64), val_index=np.arange(64, 80), test_index=np.arange(80, 96),
                   label_map=(0, 1, 2, 3, -1, -1, -1))
class Kill(keras.callbacks.Callback):
    n = 0
    def on_train_batch_end(self, batch, logs=None):
        Kill.n += 1
        if Kill.n == 4 + 2:  # second epoch, after the first checkpoint
            os.kill(os.getpid(), signal.SIGKILL)
labels = np.concatenate([y, np.zeros(0, int)])
store = RunStore(folder, log=lambda m: None, progress=False)
if mode == "kill":
    from fer_study.nn import store as store_mod
    store_mod.execute(req, x, labels, store.checkpoint_path(req.key), callbacks=[Kill()])
run = store.run(req, x, labels)
again = RunStore(folder, log=lambda m: None).get(req, labels)
assert again is not None and again.key == run.key and np.array_equal(again.probs_test, run.probs_test)
print(json.dumps({"key": run.key, "backend": run.record["key_material"]["backend"], "history": run.history,
                  "resumed": run.record["resumed_from_epoch"], "probs": run.probs_test.round(6).tolist()}))
"""


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_store_round_trip_and_a_resume_under_jax(tmp_path):
    """A training killed mid-epoch under JAX resumes to the uninterrupted run's history and
    predictions, is stored under a key that names the backend, and loads back from the store."""
    import json

    script = tmp_path / "jax_store.py"
    script.write_text(JAX_STORE)
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONHASHSEED": "0"}
    run = lambda *a: subprocess.run(
        [sys.executable, str(script), *a], env=env, capture_output=True, text=True, timeout=600
    )
    killed = run("kill", str(tmp_path / "a"))
    assert killed.returncode == -9, killed.stderr[-2000:]
    resumed = run("resume", str(tmp_path / "a"))
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    straight = run("straight", str(tmp_path / "b"))
    assert straight.returncode == 0, straight.stderr[-2000:]
    a, b = json.loads(resumed.stdout.splitlines()[-1]), json.loads(straight.stdout.splitlines()[-1])
    assert a["backend"] == "jax" and a["key"] == b["key"]
    assert a["resumed"] == 1 and b["resumed"] == 0
    assert a["history"] == b["history"] and a["probs"] == b["probs"]


def test_an_interrupted_idle_worker_exits_without_a_traceback():
    """papermill interrupts the kernel's process group when a notebook ends: the executors' idle
    workers used to print a KeyboardInterrupt traceback each into the terminal."""
    import os
    import signal
    import subprocess
    import sys
    import time

    code = (
        # As in a terminal: a shell's background job starts with SIGINT ignored, and so would this
        # process and its workers (ignored signals survive exec) unless it is restored here.
        "import signal, time\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from fer_study.search import executors\n"
        "ex = executors.make('pool', workers=2)\n"
        "print(sorted(ex.run(abs, [-1, -2])), flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    assert proc.stdout.readline().strip() == "[(0, 1), (1, 2)]"
    time.sleep(2)  # both workers idle, waiting for work
    os.killpg(proc.pid, signal.SIGINT)  # as papermill interrupts a kernel's group
    _, err = proc.communicate(timeout=60)
    assert "KeyboardInterrupt" not in err.split("Traceback")[-1] or err.count("Traceback") <= 1, err
    assert "_process_worker" not in err, err
