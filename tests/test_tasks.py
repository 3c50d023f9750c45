"""tasks.py's GPU set-up (issue 35, item 5): `setup --gpu` installs requirements-gpu.lock, the CUDA
build of the backend resolved over requirements.lock. Checked here without a GPU: the lock is
complete and pinned, matches the base lock's jax, and resolves together with it."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tasks():
    spec = importlib.util.spec_from_file_location("tasks_under_test", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    return tasks


def _pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            out[name.strip().lower().replace("_", "-")] = version.strip()
    return out


def test_the_gpu_lock_pins_every_line_and_adds_only_what_the_base_lock_lacks():
    lock = ROOT / "requirements-gpu.lock"
    lines = [ln for ln in lock.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines, "requirements-gpu.lock lists no package"
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][A-Za-z0-9_.+\-]*", ln) for ln in lines), lines
    base = _pins(ROOT / "requirements.lock")
    assert not set(_pins(lock)) & set(base), "the GPU layer repeats a package of requirements.lock"
    assert "tasks.py gpu-lock" in lock.read_text(), "the lock names the command that resolves it"


def test_the_gpu_layer_is_the_cuda_build_of_the_base_locks_own_jax():
    tasks = _tasks()
    base, gpu = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-gpu.lock")
    assert tasks.gpu_requirement() == f"jax[cuda12]=={base['jax']}"
    assert gpu["jax-cuda12-plugin"] == base["jaxlib"] == gpu["jax-cuda12-pjrt"]
    assert any(name.startswith("nvidia-cudnn") for name in gpu), "no cuDNN: the layer would not train on a GPU"


def test_setup_refuses_an_unknown_option_before_installing_anything(monkeypatch, capsys):
    tasks = _tasks()
    called = []
    monkeypatch.setattr(tasks, "ensure_environment", lambda: called.append("env"))
    monkeypatch.setattr(tasks, "ensure_gpu", lambda: called.append("gpu"))
    assert tasks.main(["setup", "--cuda"]) == 2
    assert "unknown option" in capsys.readouterr().err and called == []
    assert tasks.main(["setup", "--gpu"]) == 0 and called == ["env", "gpu"]


@pytest.mark.slow
def test_the_gpu_lock_resolves_together_with_the_base_lock():
    """pip resolves both locks at once (metadata only: nothing is downloaded or installed)."""
    if shutil.which("pip") is None and not (ROOT / ".venv").exists():
        pytest.skip("no pip")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q", "--disable-pip-version-check"]
        + ["-r", str(ROOT / "requirements.lock"), "-r", str(ROOT / "requirements-gpu.lock")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode and ("NewConnectionError" in done.stderr or "Temporary failure" in done.stderr):
        pytest.skip("no package index reachable")
    assert done.returncode == 0, done.stderr[-3000:]
