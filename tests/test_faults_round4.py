"""Fault injection, round 4 (reliability issue 36): each test plants one fault the round found and
fails on the code before its fix. Items 1, 2, 8 and 16 are in test_faults_store.py; 3, 4, 11 and
the model indexes of 15 in test_faults_models.py. Generated data only."""

import errno
import itertools
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile

import pytest
from conftest import make_images, write_folder, write_zip
from test_faults import _trivial_notebooks
from test_store import arrays, request

from fer_study import cli, runner
from fer_study.core import lock, profiles
from fer_study.core.paths import OutputFolderError, check_output_folder
from fer_study.core.settings import SettingsError
from fer_study.data import DataError, load
from fer_study.data import dataset as dataset_mod
from fer_study.nn.store import RunStore


def _one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


# Item 5: a repeated grid value counted one training as several trials.
def test_a_repeated_grid_value_is_refused():
    with pytest.raises(SettingsError, match=r"'batch_size' must not repeat a value"):
        profiles.resolve("smoke", {"a_grid": {"batch_size": [16, 16]}})
    with pytest.raises(SettingsError, match=r"n_conv value 6 is out of range"):
        profiles.resolve("smoke", {"a_grid": {"n_conv": [3, 6]}})  # a sixth pooled block leaves no pixel


# Item 6: the demo zip under another file name was labelled "FER2013".
@pytest.mark.slow
def test_the_demo_data_is_known_by_its_bytes_not_its_name(tmp_path):
    renamed = tmp_path / "fer2013.zip"
    renamed.write_bytes(dataset_mod.demo_path().read_bytes())
    d = load(renamed, verbose=False)
    assert d.is_demo and d.label_text == "demo data, not FER2013"
    assert d.provenance()["source"] == "demo data"


# Item 7: the clock set back during a run stored a negative training time.
@pytest.mark.slow
def test_a_clock_set_back_during_training_stores_no_negative_time(tmp_path, monkeypatch):
    images, labels = arrays()
    backwards = itertools.count(2e9, -3600.0)  # every reading an hour earlier than the last
    monkeypatch.setattr(time, "time", lambda: next(backwards))
    run = RunStore(tmp_path / "runs", log=lambda m: None).run(request(), images, labels)
    assert 0 <= run.seconds < 600 and all(s >= 0 for s in run.history.get("seconds", [0]))


# Item 9: a user's folder holding notebooks/ or tables/ counted as a results folder.
@pytest.mark.parametrize("marker", ["notebooks", "tables", "figures", "summaries", "runs"])
def test_a_users_folder_is_not_taken_for_a_results_folder(tmp_path, marker):
    mine = tmp_path / "mine"
    (mine / marker).mkdir(parents=True)
    (mine / "run.json").write_text('{"my": "own file"}')
    (mine / ".notes.tmp.md").write_text("my notes")
    with pytest.raises(OutputFolderError, match="not a results folder"):
        check_output_folder(mine)
    assert (mine / "run.json").read_text() == '{"my": "own file"}' and (mine / ".notes.tmp.md").exists()


def test_a_results_folder_is_known_by_its_contents(tmp_path):
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "run.json").write_text(json.dumps({"profile": "smoke", "notebooks": []}))
    assert check_output_folder(ours) == ours.resolve()


# Item 10: a refused run replaced run.json and the last good notebook with failed ones.
def _smoke_folder(tmp_path, monkeypatch, **summary):
    out = tmp_path / "out"
    (out / "summaries").mkdir(parents=True)
    (out / "notebooks").mkdir()
    body = {"profile": "smoke", "data": {"sha256": dataset_mod.demo.DEMO_SHA256}, "facts": {}}
    body.update(summary)
    (out / "summaries" / "01_data_exploration.json").write_text(json.dumps(body))
    (out / "run.json").write_text(json.dumps({"profile": "smoke", "notebooks": [], "status": "ok"}))
    (out / "notebooks" / "01_data_exploration.ipynb").write_text("the last good notebook")
    return out


@pytest.mark.parametrize(
    "args, problem",
    [
        (["--profile", "cpu"], "written by profile 'smoke'"),
        (["--profile", "smoke", "--only", "07"], "summary schema 1, but this code writes schema"),
        (["--profile", "smoke", "--set", 'd_models=["improved-cnn", "ga-bset"]'], "must be one of"),
        (["--profile", "smoke", "--set", "a_kernel_size=1000"], "'a_kernel_size' must be <= 15"),
        (["--profile", "smoke", "--set", "a_epoch=3"], "did you mean 'a_epochs'?"),
    ],
    ids=["other-profile", "older-schema", "d_models-typo", "absurd-kernel", "misspelt-key"],
)
@pytest.mark.slow
def test_a_refused_run_writes_nothing(tmp_path, monkeypatch, capsys, args, problem):
    out = _smoke_folder(tmp_path, monkeypatch, schema_version=1)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert cli.main(["run", "--data", "demo", "--out", str(out), *args]) == 2
    assert problem in _one_line(capsys)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != ".fer-study.lock"}
    assert after == before


# Item 12: Ctrl-C printed 48 lines and left run.json saying "running".
@pytest.mark.slow
def test_ctrl_c_is_one_line_and_the_record_says_interrupted(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(runner, "notebooks_dir", lambda: _trivial_notebooks(tmp_path / "nbs"))

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "_papermill_into", interrupted)
    out = tmp_path / "out"
    assert cli.main(["run", "--profile", "smoke", "--data", "demo", "--out", str(out)]) == 130
    assert "interrupted" in _one_line(capsys)
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "interrupted" and record["notebooks"][0]["status"] == "interrupted"


# Item 13: a read-only results folder ended `runs --seal`, `runs --prune` and `report` in tracebacks.
@pytest.mark.parametrize("command", [["runs", "--seal"], ["runs", "--prune"], ["report"]])
def test_a_read_only_results_folder_is_one_line(tmp_path, monkeypatch, capsys, command):
    out = tmp_path / "ro"
    (out / "runs").mkdir(parents=True)
    (out / "summaries").mkdir()
    read_only = OSError(errno.EROFS, "Read-only file system")
    real_open, real_mkdir, real_mkstemp = os.open, pathlib.Path.mkdir, tempfile.mkstemp

    def refuse(path) -> bool:
        return str(path).startswith(str(out))

    def os_open(path, flags, *a, **k):
        if refuse(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *a, **k)

    def mkdir(self, *a, **k):
        if refuse(self) and not self.exists():
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *a, **k)

    def mkstemp(*a, dir=None, **k):
        if dir is not None and refuse(dir):
            raise read_only
        return real_mkstemp(*a, dir=dir, **k)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(pathlib.Path, "mkdir", mkdir)
    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    assert cli.main([*command, "--out", str(out)]) == 2
    err = _one_line(capsys)
    assert str(out) in err and ("read-only" in err.lower() or "no summary" in err)


# Item 14: a JSON nesting bomb in --set or in the lock file ended in a RecursionError.
def test_a_nesting_bomb_in_set_is_one_line(capsys):
    bomb = "[" * 100_000 + "]" * 100_000
    assert cli.main(["profiles", "--profile", "smoke", "--set", f"a_seeds={bomb}"]) == 2
    assert "nested too deeply" in _one_line(capsys)


def test_a_nesting_bomb_in_the_lock_file_is_an_unreadable_holder(tmp_path):
    (tmp_path / ".fer-study.lock").write_text("[" * 100_000 + "]" * 100_000)
    held = lock.FolderLock(tmp_path).acquire()  # an unreadable record holds nothing: taken over
    held.release()


# Item 15: a malformed stray entry broke `runs` and `run`; prune over a symlinked entry; a string
# for the notebooks' `overrides`.
@pytest.mark.parametrize("body", ["[]", '{"key_material": 3}', '{"key_material": {"model": {}}}', "{"])
def test_a_malformed_stray_entry_is_listed_as_damaged(tmp_path, capsys, body):
    stray = tmp_path / "out" / "runs" / ("f" * 24)
    stray.mkdir(parents=True)
    (stray / "run.json").write_text(body)
    (tmp_path / "out" / "summaries").mkdir()
    assert cli.main(["runs", "--out", str(tmp_path / "out")]) == 0
    listing = capsys.readouterr().out
    assert "(damaged)" in listing and "f" * 24 in listing
    assert runner._training_time(tmp_path / "out")["total_seconds"] == 0


def test_prune_removes_a_symlinked_entry_s_link_not_its_target(tmp_path):
    elsewhere = tmp_path / "other" / ("e" * 24)
    elsewhere.mkdir(parents=True)
    (elsewhere / "run.json").write_text("{}")
    store = RunStore(tmp_path / "runs", log=lambda m: None)
    store.root.mkdir()
    (store.root / ("e" * 24)).symlink_to(elsewhere, target_is_directory=True)
    assert store.prune(keep=set()) == ["e" * 24]
    assert not (store.root / ("e" * 24)).exists() and (elsewhere / "run.json").exists()


def test_overrides_that_are_not_a_mapping_are_one_clear_error():
    with pytest.raises(profiles.ProfileError, match="overrides must map setting names to values"):
        profiles.resolve("smoke", "a_epochs=3")


# Item 17: after kill -9 of its parent an isolated worker went on training for about 50 s.
WORKER = textwrap.dedent("""
    import os, sys, time
    from fer_study.search.executors import Isolated

    def work(path):
        with open(path, "w") as fh:
            fh.write(str(os.getpid()))
        time.sleep(120)

    if __name__ == "__main__":
        ex = Isolated(1)
        list(ex.run(work, [sys.argv[1]]))
""")


@pytest.mark.slow
def test_a_worker_dies_with_its_parent(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(WORKER)
    pid_file = tmp_path / "worker.pid"
    parent = subprocess.Popen([sys.executable, str(script), str(pid_file)], cwd=tmp_path)
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    worker = int(pid_file.read_text())
    parent.kill()
    parent.wait()
    for _ in range(50):  # the worker notices within a second; allow five
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(worker, 9)
    pytest.fail("the worker outlived its parent by 5 s")


# Item 18: memory before refusal: a zip member lying about its size; a 2 GiB sparse file.
def _declare_size(path, name: str, size: int) -> None:
    """Rewrite the uncompressed size `name` declares, in its local and its central header."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    raw = bytearray(path.read_bytes())
    local = info.header_offset
    assert raw[local : local + 4] == b"PK\x03\x04"
    raw[local + 22 : local + 26] = size.to_bytes(4, "little")
    at = raw.find(b"PK\x01\x02", local)
    while at != -1:
        n = int.from_bytes(raw[at + 28 : at + 30], "little")
        if raw[at + 46 : at + 46 + n] == name.encode():
            raw[at + 24 : at + 28] = size.to_bytes(4, "little")
            break
        at = raw.find(b"PK\x01\x02", at + 4)
    assert at != -1
    path.write_bytes(bytes(raw))


@pytest.mark.slow
def test_a_zip_member_that_lies_about_its_size_is_never_inflated_whole(tmp_path):
    path = write_zip(tmp_path / "fer2013.zip", make_images())
    name = "train/angry/Training_77777777.png"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w") as fh:
        block = bytes(1 << 20)
        for _ in range(256):  # 256 MiB of zeros, a few hundred KB compressed, never all in memory
            fh.write(block)
    _declare_size(path, name, 1000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(DataError, match="Training_77777777.png"):
        load(path, verbose=False)
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 100


@pytest.mark.slow
def test_a_huge_sparse_file_in_a_folder_is_refused_by_its_size(tmp_path):
    root = write_folder(tmp_path / "fer", make_images())
    sparse = root / "train" / "angry" / "Training_66666666.png"
    with open(sparse, "wb") as fh:
        fh.truncate(2 << 30)  # 2 GiB, no block written
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(DataError, match=r"Training_66666666.png.*2,147,483,648 bytes"):
        load(root, verbose=False)
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 100


# Item 19: accepted, then failing after writing.
@pytest.mark.slow
def test_the_numpy_backend_is_refused_before_anything_is_written(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERAS_BACKEND", "numpy")
    out = tmp_path / "out"
    assert cli.main(["run", "--profile", "smoke", "--data", "demo", "--out", str(out)]) == 2
    assert "KERAS_BACKEND=numpy cannot train" in _one_line(capsys) and not out.exists()


@pytest.mark.parametrize(
    "key, value",
    [
        ("a_kernel_size", 1000),
        ("b_kernel_max", 100),
        ("a_filters_improved", [32, 64, 128, 256, 512, 1024]),
        ("a_filters_basic", [10**7]),
        ("a_dense", 10**9),
        ("a_learning_rate", 1e6),
        ("d_models", ["improved-cnn", "ga-bset"]),
        ("a_eval_per_class", 10**12),
    ],
)
def test_settings_have_bounds_and_choices(key, value):
    with pytest.raises(SettingsError, match=key):
        profiles.resolve("smoke", {key: value})


# Item 20: debris in runs/.partial: half-written checkpoints and those of stored entries.
@pytest.mark.slow
def test_checkpoint_debris_is_removed_by_the_next_run(tmp_path, monkeypatch):
    out = tmp_path / "out"
    partial = out / "runs" / ".partial"
    partial.mkdir(parents=True)
    (out / "runs" / ("a" * 24)).mkdir()
    (out / "runs" / ("a" * 24) / "run.json").write_text("{}")
    (partial / f"{'a' * 24}.npz").write_bytes(b"its training is stored: nothing resumes from it")
    (partial / f".{'b' * 24}.npz.x1y2.tmp.npz").write_bytes(b"half-written")
    (partial / f"{'c' * 24}.npz").write_bytes(b"a live checkpoint: kept")
    monkeypatch.setattr(runner, "notebooks_dir", lambda: _trivial_notebooks(tmp_path / "nbs"))
    runner.run(profile="smoke", data="demo", out=out, log=lambda s: None)
    assert sorted(p.name for p in partial.iterdir()) == [f"{'c' * 24}.npz"]


@pytest.mark.slow
def test_the_demo_bytes_are_the_pinned_ones():
    from fer_study.data import cache

    assert cache.source_sha256(dataset_mod.demo_path()) == dataset_mod.demo.DEMO_SHA256


@pytest.mark.slow
def test_the_readme_states_the_suites_size():
    """The fault-suite paragraph (docs/running.md) gives the number of planted cases; it must be the suite's."""
    import re

    from fer_study.core.paths import project_root

    root = project_root()
    files = sorted(str(p) for p in (root / "tests").glob("test_faults*.py"))
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
        capture_output=True,
        text=True,
        cwd=root,
    ).stdout
    collected = int(re.search(r"(\d+) tests? collected", out).group(1))
    said = re.search(
        r"In all, (\d+) planted cases in the (\w+) fault files", (root / "docs" / "running.md").read_text()
    )
    assert said and int(said.group(1)) == collected, (said and said.group(1), collected)
    assert said.group(2) == {5: "five"}.get(len(files), str(len(files)))
