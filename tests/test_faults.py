"""Fault injection: what a hostile environment does, on generated data, quickly.

Each test fails on the code before the reliability issue and passes after it: a source swapped
keeping size and time, a kill inside a log repair, a record without its newline, damaged and
altered caches, two runs into one folder, unwritable outputs, a dead kernel. (A training killed
mid-epoch is in test_store.py; a GA killed mid-search in test_search_ga.py.)
"""

import errno
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
from conftest import encode, make_images

from fer_study import cli, runner
from fer_study.core import atomic
from fer_study.core.lock import FolderLock, FolderLocked
from fer_study.data import cache, load
from fer_study.search.trial_log import TrialLog

# Trains models, runs notebooks or spawns processes: left out of the fast tier (pytest -m 'not slow').
pytestmark = pytest.mark.slow


def zip_with_labels(path: Path, items, swap: tuple[int, int] | None = None) -> Path:
    """Write a Kaggle-layout zip (stored, not compressed); `swap` exchanges two images' class
    folders, which keeps every name's length and so the file's size."""
    folder = {"Training": "train", "PublicTest": "test", "PrivateTest": "test"}
    classes = [c for _, c, _, _ in items]
    if swap:
        i, j = swap
        classes[i], classes[j] = classes[j], classes[i]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for (split, _, name, pixels), cls in zip(items, classes):
            zf.writestr(f"{folder[split]}/{cls}/{name}", encode(pixels))
    return path


def test_source_swapped_keeping_size_and_time_loads_the_new_data(tmp_path):
    items = make_images()
    i = next(k for k, it in enumerate(items) if it[1] == "angry")
    j = next(k for k, it in enumerate(items) if it[1] == "happy" and it[0] == items[i][0])
    src = zip_with_labels(tmp_path / "fer2013.zip", items)
    first = load(src, verbose=False)
    st = src.stat()
    other = zip_with_labels(tmp_path / "other.zip", items, swap=(i, j))
    assert other.stat().st_size == st.st_size
    os.replace(other, src)
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))  # as cp -p, rsync -t or unzip leave it
    second = load(src, verbose=False)
    assert second.sha256 != first.sha256
    assert not np.array_equal(second.images, first.images)  # the swapped images now sit under other labels


KILL_DURING_REPAIR = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    def dying_write(self, data, *a, **k):
        # a kill half-way through writing whatever file the repair writes
        with open(self, "w" if isinstance(data, str) else "wb") as fh:
            fh.write(data[: len(data) // 2]); fh.flush(); os.fsync(fh.fileno())
        os.kill(os.getpid(), signal.SIGKILL)
    Path.write_text = dying_write
    Path.write_bytes = dying_write
    from fer_study.search.trial_log import TrialLog
    TrialLog(sys.argv[1])
""")


def test_a_kill_during_the_log_repair_loses_no_finished_trial(tmp_path):
    path = tmp_path / "log.jsonl"
    log = TrialLog(path)
    for k in range(20):
        log.append(f"k{k}", {"p": k}, {"val_accuracy": k / 20})
    path.write_text(path.read_text() + '{"key": "k20", "par')  # the last write was cut short
    script = tmp_path / "repair.py"
    script.write_text(KILL_DURING_REPAIR)
    r = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == -9, r.stderr[-2000:]
    assert len(TrialLog(path).records) == 20  # every finished trial is still there


def test_a_record_without_its_newline_is_not_glued_to_the_next(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text(
        json.dumps({"key": "a", "params": {}, "v": 1}) + "\n" + json.dumps({"key": "b", "params": {}, "v": 2})
    )
    TrialLog(path).append("c", {}, {"v": 3})
    assert [r["key"] for r in TrialLog(path).records] == ["a", "b", "c"]


@pytest.mark.parametrize("damage", ["truncate", "flip_byte", "altered_labels"])
def test_a_damaged_cache_is_rebuilt_with_a_warning_naming_it(small_zip, capsys, damage):
    good = load(small_zip, verbose=False)
    f = cache._cache_file(good.sha256, False)
    assert f.exists()
    raw = f.read_bytes()
    if damage == "truncate":
        f.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip_byte":
        b = bytearray(raw)
        b[len(b) // 3] ^= 0xFF
        f.write_bytes(bytes(b))
    else:  # a well-formed cache whose labels were changed
        with np.load(f, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        arrays["labels"] = (arrays["labels"] + 1) % 7
        np.savez(f, **arrays)
    capsys.readouterr()
    again = load(small_zip, verbose=False)
    assert np.array_equal(again.labels, good.labels) and np.array_equal(again.images, good.images)
    err = capsys.readouterr().err
    assert str(f) in err and "rebuilding" in err
    assert cache.load_cached(good.sha256, False) is not None  # rebuilt and trusted again


def _trivial_notebooks(folder: Path, body: str = "x = 1") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('profile = "smoke"\ndata = "auto"\nout_dir = ""\noverrides = {}')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "01_tiny.ipynb")
    return folder


def test_a_second_run_into_the_same_folder_is_refused_naming_the_holder(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    held = FolderLock(out).acquire()
    try:
        monkeypatch.setattr(runner, "notebooks_dir", lambda: _trivial_notebooks(tmp_path / "nbs"))
        with pytest.raises(FolderLocked, match=f"pid {os.getpid()}"):
            runner.run(profile="smoke", data="demo", out=out, log=lambda s: None)
        assert cli.main(["run", "--profile", "smoke", "--data", "demo", "--out", str(out)]) == 2
        assert "in use by another fer-study run" in capsys.readouterr().err
        assert not (out / "notebooks").exists() and not (out / "run.json").exists()
    finally:
        held.release()


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path, monkeypatch):
    out = tmp_path / "out"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out.mkdir()
    (out / ".fer-study.lock").write_text(json.dumps({"pid": dead.pid, "host": os.uname().nodename, "started": "then"}))
    monkeypatch.setattr(runner, "notebooks_dir", lambda: _trivial_notebooks(tmp_path / "nbs"))
    said = []
    record = runner.run(profile="smoke", data="demo", out=out, log=said.append)
    assert record["status"] == "ok" and any("took over the lock" in s for s in said)
    assert (out / ".fer-study.lock").read_text() == ""  # released at the end (emptied, not deleted)


RACE = textwrap.dedent("""
    import json, os, sys, time
    from fer_study.core.lock import FolderLock, FolderLocked
    folder, log, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
    while time.time() < start:
        pass
    try:
        lock = FolderLock(folder).acquire()
    except FolderLocked:
        sys.exit(0)
    t0 = time.time(); time.sleep(0.05); t1 = time.time()
    lock.release()
    with open(log, "a") as fh:
        fh.write(json.dumps([os.getpid(), t0, t1]) + "\\n")
""")


def test_the_folder_lock_excludes_under_a_race_of_eight_starters(tmp_path):
    """Round 3 found 2-4 holders at once in 26 of 40 trials: the lock file was created empty and
    filled afterwards, and a racing starter read the empty file as stale and took it."""
    script = tmp_path / "race.py"
    script.write_text(RACE)
    for trial in range(10):
        folder, log = tmp_path / f"f{trial}", tmp_path / f"log{trial}.jsonl"
        start = __import__("time").time() + 1.0
        procs = [subprocess.Popen([sys.executable, str(script), str(folder), str(log), str(start)]) for _ in range(8)]
        assert all(p.wait(timeout=60) == 0 for p in procs)
        held = sorted(json.loads(line) for line in log.read_text().splitlines()) if log.exists() else []
        held.sort(key=lambda h: h[1])
        assert held, trial  # someone got it
        for a, b in zip(held, held[1:]):
            assert b[1] >= a[2], (trial, held)  # no two holders at once


def test_an_unwritable_output_folder_is_one_line_naming_it(tmp_path, capsys):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")  # unwritable even for root
    code = cli.main(["run", "--profile", "smoke", "--data", "demo", "--out", str(blocker / "sub"), "--only", "01"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and str(blocker) in err and "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the test above uses a file instead")
def test_a_read_only_output_folder_is_one_line_naming_it(tmp_path, capsys):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        code = cli.main(["run", "--profile", "smoke", "--data", "demo", "--out", str(out), "--only", "01"])
    finally:
        out.chmod(0o700)
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and str(out) in err


def test_a_full_disk_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "run.json"
    target.write_text('{"old": true}')

    def no_space(path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "_fsync", no_space)
    with pytest.raises(atomic.OutputError, match="run.json: no space left on the device"):
        atomic.write_json(target, {"new": True})
    assert json.loads(target.read_text()) == {"old": True}  # the old file, whole
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]  # no temporary left behind


def test_a_dead_kernel_is_reported_as_a_dead_kernel(tmp_path, monkeypatch):
    nbs = _trivial_notebooks(tmp_path / "nbs", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    monkeypatch.setattr(runner, "notebooks_dir", lambda: nbs)
    with pytest.raises(runner.NotebookFailed, match="kernel died"):
        runner.run(profile="smoke", data="demo", out=tmp_path / "out", log=lambda s: None)
    run = json.loads((tmp_path / "out" / "run.json").read_text())  # still a whole, valid record
    assert run["status"] == "failed"


def test_an_output_folder_refuses_to_mix_profiles_or_data(tmp_path):
    from fer_study.core import profiles, schema
    from fer_study.reporting import report

    smoke = profiles.resolve("smoke")
    facts = schema.Exploration(counts={}, count_differences=[], duplicates={}, near_constant_images=0)
    report.Outputs("01_data_exploration", smoke, {"sha256": "a" * 64, "data_label": "demo"}, tmp_path).summary(facts)
    report.Outputs("02_x", smoke, {"sha256": "a" * 64, "data_label": "demo"}, tmp_path)  # same: fine
    with pytest.raises(
        report.MixedOutputsError, match=r"01_data_exploration.json: written by profile 'smoke' on data aaaaaaaaaaaa"
    ):
        report.Outputs("02_x", smoke, {"sha256": "b" * 64, "data_label": "other"}, tmp_path)
    with pytest.raises(report.MixedOutputsError, match="profile 'cpu'"):
        report.Outputs("02_x", profiles.resolve("cpu"), {"sha256": "a" * 64, "data_label": "demo"}, tmp_path)


def test_outputs_honour_the_umask(tmp_path):
    """Every output used to be written 0600 (mkstemp's mode), so a web server running as another
    user could not serve a results folder. Now a file gets what the umask gives any new file."""
    import os
    import stat

    from fer_study.core import atomic

    old = os.umask(0o022)
    try:
        path = atomic.write_text(tmp_path / "tables" / "x.md", "x")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        os.umask(0o077)
        assert stat.S_IMODE(atomic.write_text(tmp_path / "y.md", "y").stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_debris_of_a_killed_run_is_removed_by_the_next_run(tmp_path, monkeypatch):
    """Round 3: a kill left `.NN_*.tmp.ipynb` notebooks and `runs/.KEY.*` folders (2.8 MB each)
    that nothing removed; one was even committed."""
    out = tmp_path / "out"
    (out / "notebooks").mkdir(parents=True)
    (out / "runs" / ".abc123.x7y8").mkdir(parents=True)
    (out / "runs" / ".abc123.x7y8" / "arrays.npz").write_bytes(b"half")
    (out / "runs" / ".partial").mkdir()
    (out / "runs" / ".partial" / "abc.npz").write_bytes(b"a checkpoint: kept, a rerun resumes from it")
    (out / "notebooks" / ".03_basic_vs_improved.ipynb.06oupdrd.tmp.ipynb").write_text("{}")
    (out / "notebooks" / "03_basic_vs_improved.ipynb").write_text("{}")
    monkeypatch.setattr(runner, "notebooks_dir", lambda: _trivial_notebooks(tmp_path / "nbs"))
    said = []
    runner.run(profile="smoke", data="demo", out=out, log=said.append)
    assert not (out / "runs" / ".abc123.x7y8").exists()
    assert not (out / "notebooks" / ".03_basic_vs_improved.ipynb.06oupdrd.tmp.ipynb").exists()
    assert (out / "runs" / ".partial" / "abc.npz").exists() and (
        out / "notebooks" / "03_basic_vs_improved.ipynb"
    ).exists()
    assert any("removed 2 temporary file(s)" in s for s in said)


def test_a_missing_keras_backend_is_one_line_before_anything_is_written(tmp_path, monkeypatch, capsys):
    """Round 3: KERAS_BACKEND=jax without JAX printed 179 lines and wrote no run.json."""
    import importlib.util

    from fer_study.core import quiet

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "jax" else real(name, *a))
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    out = tmp_path / "out"
    assert cli.main(["run", "--profile", "smoke", "--data", "demo", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "KERAS_BACKEND=jax, but jax is not installed" in err
    assert not out.exists()
    with pytest.raises(quiet.BackendMissing, match="not a Keras backend"):
        monkeypatch.setenv("KERAS_BACKEND", "theano")
        quiet.check_backend()


def test_a_notebook_cut_short_by_a_full_disk_never_replaces_the_last_good_one(tmp_path, monkeypatch):
    """Round 3: a full disk while papermill wrote a notebook moved a truncated, invalid notebook
    over the last good one (4 of 5 fill levels)."""
    import papermill

    target = tmp_path / "out" / "notebooks" / "01_x.ipynb"
    target.parent.mkdir(parents=True)
    good = nbformat.v4.new_notebook()
    nbformat.write(good, target)
    before = target.read_bytes()

    def cut_short(src, dst, **kw):
        Path(dst).write_text('{"cells": [{"cell_type": "code", "sou')  # what ENOSPC leaves
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(papermill, "execute_notebook", cut_short)
    with pytest.raises(OSError):
        runner._execute(_trivial_notebooks(tmp_path / "nbs") / "01_x.ipynb", target, {})
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["01_x.ipynb"]  # no temporary file left
