"""The run store: a rerun trains nothing, every key component forces a retrain, a training killed
mid-epoch resumes to the same numbers, writes are atomic, and a failed training says so."""

import dataclasses
import json
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from fer_study.nn import fit as fit_mod
from fer_study.nn import health, store
from fer_study.nn.fit import FitSettings
from fer_study.nn.store import RunStore, StoreError, TrainRequest

# Trains models, runs notebooks or spawns processes: left out of the fast tier (pytest -m 'not slow').
pytestmark = pytest.mark.slow

N = 96
ARCH = ("improved_cnn", {"filters": [4, 8], "kernel_size": 3, "dense": 8, "dropout": 0.2})


def arrays(seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 7, N).astype(np.int8)
    images = rng.integers(0, 255, (N, 48, 48), dtype=np.uint8)
    # a learnable signal: class k brightens row block k
    for k in range(7):
        images[labels == k, 6 * k : 6 * k + 6, :] = 255
    return images, labels


def request(**change) -> TrainRequest:
    base = dict(
        arch=ARCH[0],
        arch_settings=ARCH[1],
        n_classes=7,
        fit=FitSettings(epochs=2, batch_size=16, learning_rate=1e-3, seed=0),
        data_sha256="a" * 64,
        train_index=np.arange(0, 64),
        val_index=np.arange(64, 80),
        test_index=np.arange(80, 96),
        label_map=tuple(range(7)),
    )
    base.update(change)
    return TrainRequest(**base)


def test_rerun_trains_nothing(tmp_path):
    images, labels = arrays()
    first = RunStore(tmp_path, log=lambda m: None)
    runs = first.run_many(
        [request(), request(fit=FitSettings(epochs=1, batch_size=16, learning_rate=1e-3))], images, labels
    )
    assert len(first.trained) == 2 and all(r.trained_now for r in runs)
    again = RunStore(tmp_path, log=lambda m: None)
    runs2 = again.run_many(
        [request(), request(fit=FitSettings(epochs=1, batch_size=16, learning_rate=1e-3))], images, labels
    )
    assert again.trained == [] and len(again.loaded) == 2
    assert {r.origin for r in runs} == {"ran"} and {r.origin for r in runs2} == {"loaded from the store"}
    for a, b in zip(runs, runs2):
        assert a.history == b.history and np.array_equal(a.probs_test, b.probs_test)


# Every part of what decides a result changes the key.
KEY_CHANGES = {
    "architecture": dict(arch="basic_cnn", arch_settings={"filters": [4], "kernel_size": 3, "dense": 8}),
    "model settings": dict(arch_settings={**ARCH[1], "dropout": 0.5}),
    "classes": dict(n_classes=4, label_map=(0, -1, 1, 2, 3, -1, -1)),
    "epochs": dict(fit=FitSettings(epochs=3, batch_size=16, learning_rate=1e-3)),
    "batch size": dict(fit=FitSettings(epochs=2, batch_size=8, learning_rate=1e-3)),
    "learning rate": dict(fit=FitSettings(epochs=2, batch_size=16, learning_rate=1e-2)),
    "optimizer": dict(fit=FitSettings(epochs=2, batch_size=16, learning_rate=1e-3, optimizer="sgd")),
    "seed": dict(fit=FitSettings(epochs=2, batch_size=16, learning_rate=1e-3, seed=1)),
    "precision": dict(fit=FitSettings(epochs=2, batch_size=16, learning_rate=1e-3, precision="mixed_bfloat16")),
    "steps per execution": dict(fit=FitSettings(epochs=2, batch_size=16, learning_rate=1e-3, steps_per_execution=4)),
    "data sha256": dict(data_sha256="b" * 64),
    "train indices": dict(train_index=np.arange(1, 64)),
    "validation indices": dict(val_index=np.arange(64, 79)),
    "test indices": dict(test_index=np.arange(81, 96)),
    "label mapping": dict(label_map=(1, 0, 2, 3, 4, 5, 6)),
}


@pytest.mark.parametrize("component", sorted(KEY_CHANGES))
def test_each_key_component_changes_the_key(component):
    assert request(**KEY_CHANGES[component]).key != request().key


def test_training_version_and_backend_change_the_key(monkeypatch):
    base = request().key
    monkeypatch.setattr(store, "TRAINING_VERSION", fit_mod.TRAINING_VERSION + 1)
    assert request().key != base
    monkeypatch.undo()
    monkeypatch.setattr(store.keras.backend, "backend", lambda: "jax")
    assert request().key != base


def test_not_in_the_key_purpose_and_source():
    assert request(purpose="x", data_source="/a", keep_model=True).key == request().key


def test_changed_key_component_trains_anew_and_reads_no_stale_entry(tmp_path):
    images, labels = arrays()
    s = RunStore(tmp_path, log=lambda m: None)
    s.run(request(), images, labels)
    s.run(request(**KEY_CHANGES["seed"]), images, labels)
    s.run(request(**KEY_CHANGES["train indices"]), images, labels)
    assert len(s.trained) == 3 and len(set(s.trained)) == 3


def test_other_labels_are_refused(tmp_path):
    images, labels = arrays()
    s = RunStore(tmp_path, log=lambda m: None)
    s.run(request(), images, labels)
    swapped = labels.copy()
    swapped[80:] = (swapped[80:] + 1) % 7
    with pytest.raises(StoreError, match="test labels of this data differ"):
        s.get(request(), swapped)


def test_failed_write_leaves_no_entry(tmp_path, monkeypatch):
    images, labels = arrays()
    s = RunStore(tmp_path, log=lambda m: None)

    def disk_full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.np, "savez_compressed", disk_full)
    with pytest.raises(OSError, match="no space left"):
        s.run(request(), images, labels)
    monkeypatch.undo()
    assert s.get(request(), labels) is None
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".partial")] == []


def test_damaged_entry_names_the_folder(tmp_path):
    images, labels = arrays()
    s = RunStore(tmp_path, log=lambda m: None)
    run = s.run(request(), images, labels)
    (run.folder / "arrays.npz").write_bytes(b"garbage")
    with pytest.raises(StoreError, match=run.key):
        RunStore(tmp_path).get(request(), labels)


def test_list_and_prune(tmp_path):
    images, labels = arrays()
    s = RunStore(tmp_path, log=lambda m: None)
    a = s.run(request(), images, labels)
    b = s.run(request(**KEY_CHANGES["seed"]), images, labels)
    assert {e["key"] for e in s.entries()} == {a.key, b.key}
    assert s.prune({a.key}) == [b.key]
    assert [e["key"] for e in s.entries()] == [a.key]


def test_health_marks_a_training_at_chance_as_failed():
    y = np.arange(400) % 4
    bad = health.assess({"accuracy": [0.25, 0.26, 0.25], "loss": [1.39] * 3}, y, {"dense": 0.99})
    assert not bad.trained and "never rose above chance" in bad.reason and "99%" in bad.reason
    good = health.assess({"accuracy": [0.3, 0.5], "loss": [1.3, 1.0]}, y, {})
    assert good.trained and good.reason == ""
    nan = health.assess({"accuracy": [0.3, 0.3], "loss": [1.3, float("nan")]}, y, {})
    assert not nan.trained and "diverged" in nan.reason


def test_health_is_judged_on_held_out_accuracy_in_inference_mode_and_flags_dead_layers():
    # Logged training accuracy at chance (dropout on), but the held-out predictions are well above
    # chance: trained. The other way round: failed, whatever the training accuracy says.
    stored = health.assess({"accuracy": [0.25, 0.26], "loss": [1.39, 1.38]}, np.arange(400) % 4, {"dense": 0.6})
    assert not stored.trained
    y_val = np.arange(200) % 4
    good = np.eye(4, dtype=np.float32)[np.where(np.arange(200) < 90, y_val, (y_val + 1) % 4)]  # 45 % right
    h = health.judge(stored.to_json(), good, y_val)
    assert h.trained and h.heldout_accuracy == 0.45 and h.basis.startswith("held-out")
    assert h.dead_layers == ("dense",) and h.flags == "dead ReLU units: dense 60%"
    chance = np.eye(4, dtype=np.float32)[np.zeros(200, dtype=int)]  # always class 0: 25 %
    bad = health.judge(health.assess({"accuracy": [0.9], "loss": [0.3]}, y_val, {}).to_json(), chance, y_val)
    assert not bad.trained and "held-out accuracy" in bad.reason and bad.flags == ""
    nan = health.judge(stored.to_json(), np.full((200, 4), np.nan, dtype=np.float32), y_val)
    assert not nan.trained  # NaN predictions score 0
    assert health.judge(stored.to_json(), np.zeros((0, 4)), np.zeros(0)).trained == stored.trained  # no held-out part


def test_a_planted_failure_is_stored_as_failed(tmp_path):
    images, labels = arrays()
    # A learning rate this large diverges or freezes every unit: the store must say so.
    req = request(fit=FitSettings(epochs=2, batch_size=16, learning_rate=1e4, optimizer="sgd"))
    run = RunStore(tmp_path, log=lambda m: None).run(req, images, labels)
    assert run.failed and run.health.reason


RESUME_SCRIPT = textwrap.dedent("""
    import json, os, signal, sys
    import keras, numpy as np
    from fer_study.nn.fit import FitSettings, fit
    from fer_study.nn import architectures
    mode, ckpt, out = sys.argv[1], sys.argv[2], sys.argv[3]
    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, (128, 48, 48), dtype=np.uint8); y = rng.integers(0, 4, 128)
    class KillMidEpoch(keras.callbacks.Callback):
        def __init__(self): super().__init__(); self.batches = 0
        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1
            if self.batches == 8 + 3:  # epoch 2 (of 4), third batch: after one checkpoint
                os.kill(os.getpid(), signal.SIGKILL)
    cbs = [KillMidEpoch()] if mode == "kill" else []
    best = sys.argv[4] == "best"  # early stopping with the best epoch's weights restored
    s = FitSettings(epochs=4, batch_size=16, learning_rate=1e-3, seed=3, early_stop_patience=3 if best else 0,
                    restore_best=best)
    build = lambda: architectures.improved_cnn(4, filters=(4, 8), dense=8)
    r = fit(build, x, y, x[:32], y[:32], s, checkpoint=ckpt if ckpt != "-" else None, callbacks=cbs)
    np.savez(out, *[np.asarray(w) for w in r.model.get_weights()])
    json.dump({"history": r.history, "resumed": r.resumed_from_epoch, "best_epoch": r.best_epoch},
              open(out + ".json", "w"))
""")


@pytest.mark.parametrize("weights", ["last", "best"])
def test_training_killed_mid_epoch_resumes_to_identical_results(tmp_path, weights):
    script = tmp_path / "train.py"
    script.write_text(RESUME_SCRIPT)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    run = lambda *a: subprocess.run(
        [sys.executable, str(script), *a, weights], env=env, capture_output=True, text=True, timeout=300
    )
    ckpt = tmp_path / "ckpt.npz"
    killed = run("kill", str(ckpt), str(tmp_path / "killed.npz"))
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert ckpt.exists() and not (tmp_path / "killed.npz").exists()
    resumed = run("resume", str(ckpt), str(tmp_path / "resumed.npz"))
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    straight = run("straight", "-", str(tmp_path / "straight.npz"))
    assert straight.returncode == 0, straight.stderr[-2000:]
    a = json.loads((tmp_path / "resumed.npz.json").read_text())
    b = json.loads((tmp_path / "straight.npz.json").read_text())
    assert a["resumed"] == 1 and b["resumed"] == 0  # the kill lost only the epoch in progress
    assert a["history"] == b["history"] and a["best_epoch"] == b["best_epoch"]
    with np.load(tmp_path / "resumed.npz") as wa, np.load(tmp_path / "straight.npz") as wb:
        assert all(np.array_equal(wa[k], wb[k]) for k in wb.files)
    if weights == "best":  # the weights of the epoch with the lowest validation loss, kept across the kill
        losses = b["history"]["val_loss"]
        assert b["best_epoch"] == 1 + losses.index(min(losses))


def test_restore_best_ends_with_the_best_epochs_weights_and_reports_the_epoch():
    images, labels = arrays()
    build = lambda: store.architectures.build(ARCH[0], 7, **ARCH[1])
    s = FitSettings(epochs=4, batch_size=16, learning_rate=1e-2, seed=0, restore_best=True)
    r = fit_mod.fit(build, images, labels, images[:40], labels[:40], s)
    losses = r.history["val_loss"]
    assert r.best_epoch == 1 + losses.index(min(losses))
    # The model's loss on the validation images is the best epoch's, not the last one's.
    p = fit_mod.predict(r.model, images[:40])
    loss = float(np.mean(-np.log(p[np.arange(40), labels[:40]] + 1e-7)))
    assert loss == pytest.approx(min(losses), rel=1e-3)


def test_fields_added_to_fit_settings_leave_every_stored_key_unchanged():
    # A stored run's key material holds the fit settings as they were; the current FitSettings must
    # give back exactly that for every committed entry, or the store would retrain them all.
    from fer_study.core.paths import project_root

    entries = sorted((project_root() / "results").glob("*/runs/*/run.json"))
    if not entries:
        pytest.skip("no committed stored runs")
    for path in entries:
        km = json.loads(path.read_text())["key_material"]
        assert FitSettings(**km["fit"]).key() == km["fit"], path
    assert "restore_best" in FitSettings(1, 16, 1e-3, restore_best=True).key()


def test_checkpoint_of_another_training_is_refused(tmp_path):
    images, labels = arrays()
    ckpt = tmp_path / "c.npz"
    build = lambda: store.architectures.build(ARCH[0], 7, **ARCH[1])
    s1 = FitSettings(epochs=1, batch_size=16, learning_rate=1e-3)
    fit_mod.fit(build, images, labels, None, None, s1, checkpoint=ckpt)
    with pytest.raises(fit_mod.CheckpointError, match="c.npz: written by another training"):
        fit_mod.fit(build, images, labels, None, None, dataclasses.replace(s1, seed=5, epochs=2), checkpoint=ckpt)
    ckpt.write_bytes(b"\x80\x04not an npz")
    with pytest.raises(fit_mod.CheckpointError, match="c.npz: not a readable training checkpoint"):
        fit_mod.fit(build, images, labels, None, None, s1, checkpoint=ckpt)


def test_runs_command_lists_and_prunes_what_no_summary_uses(tmp_path, capsys):
    from fer_study import cli

    images, labels = arrays()
    s = RunStore(tmp_path / "runs", log=lambda m: None)
    used = s.run(request(), images, labels)
    unused = s.run(request(**KEY_CHANGES["seed"]), images, labels)
    (tmp_path / "summaries").mkdir()
    (tmp_path / "summaries" / "03.json").write_text(json.dumps({"facts": {"run_keys": [used.key]}}))
    assert cli.main(["runs", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert used.key in out and f"{unused.key}" in out and "not used by any summary" in out
    assert cli.main(["runs", "--out", str(tmp_path), "--prune"]) == 0
    assert [e["key"] for e in RunStore(tmp_path / "runs").entries()] == [used.key]


def test_isolated_executor_trains_in_fresh_processes_with_the_same_result(tmp_path, monkeypatch):
    from fer_study.core import progress
    from fer_study.search import executors

    # A worker has no display: its epochs reach the run's progress file (fer-study run relays it).
    monkeypatch.setenv(progress.MIRROR_ENV, str(tmp_path / "progress"))
    images, labels = arrays()
    here = RunStore(tmp_path / "a", log=lambda m: None).run(request(), images, labels)
    ex = executors.make("isolated", workers=1)
    try:  # the workers load the data themselves: give them a source
        from conftest import make_images, write_zip

        from fer_study.data import load

        src = write_zip(tmp_path / "fer2013.zip", make_images(per_cell=5))
        data = load(src, verbose=False)
        req = request(
            data_sha256=data.sha256,
            data_source=str(src),
            train_index=np.arange(0, 60),
            val_index=np.arange(60, 80),
            test_index=np.arange(80, 100),
        )
        inproc = RunStore(tmp_path / "b", log=lambda m: None).run(req, data.images, data.labels)
        isolated = RunStore(tmp_path / "c", log=lambda m: None).run_many([req], data.images, data.labels, ex)[0]
    finally:
        ex.close()
    assert isolated.trained_now and isolated.history == inproc.history
    assert np.array_equal(isolated.probs_test, inproc.probs_test)
    assert re.search(r"training .*: epoch \d+/\d+ .*validation accuracy", progress.latest(tmp_path / "progress"))
    assert here.key != req.key


def test_training_time_counts_only_the_runs_the_summaries_name_per_notebook(tmp_path):
    images, labels = arrays()
    runs = RunStore(tmp_path / "runs", log=lambda m: None).run_many(
        [
            request(purpose="03 a basic seed 0"),
            request(purpose="03 a basic seed 1", fit=FitSettings(epochs=1, batch_size=16, learning_rate=1e-3, seed=1)),
            request(purpose="05 genome x", fit=FitSettings(epochs=1, batch_size=16, learning_rate=1e-3, seed=2)),
        ],
        images,
        labels,
    )
    (tmp_path / "summaries").mkdir()
    # The first two are used (one named twice, by two notebooks); the third is a leftover nobody uses.
    (tmp_path / "summaries" / "03.json").write_text(json.dumps({"facts": {"run_keys": [runs[0].key, runs[1].key]}}))
    (tmp_path / "summaries" / "06.json").write_text(json.dumps({"facts": {"run_keys": [runs[0].key]}}))
    spent = store.training_time(tmp_path)
    assert list(spent["per_notebook"]) == ["03"]
    assert spent["per_notebook"]["03"]["trainings"] == 2
    assert spent["total_seconds"] == pytest.approx(runs[0].seconds + runs[1].seconds, abs=0.1)
    assert store.training_time(tmp_path / "nothing-here")["per_notebook"] == {}


def test_stored_entries_honour_the_umask(tmp_path):
    import stat

    images, labels = arrays()
    old = os.umask(0o022)
    try:
        run = RunStore(tmp_path, log=lambda m: None).run(request(), images, labels)
    finally:
        os.umask(old)
    assert stat.S_IMODE(run.folder.stat().st_mode) == 0o755
    assert {stat.S_IMODE(f.stat().st_mode) for f in run.folder.iterdir()} == {0o644}
