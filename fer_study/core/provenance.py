"""The run record: parameters, seed, data checksum, package versions, git commit, machine."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
from importlib import metadata

from fer_study.core.paths import project_root

PACKAGES = (
    "fer-study",
    "keras",
    "tensorflow-cpu",
    "tensorflow",
    "jax",
    "numpy",
    "scikit-learn",
    "deap",
    "pandas",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbval",
    "pillow",
)


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_commit() -> dict[str, object]:
    """HEAD of the checkout and whether its code differs from it (a dirty run is marked so).
    results/ is left out of the check: a run rewrites it, and it is output, not code."""
    root = project_root()
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)results"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    if head.returncode != 0:
        return {"commit": None, "dirty": None}
    return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}


# The vector extensions TensorFlow's oneDNN kernels dispatch on: two CPUs that differ in them may sum
# in another order, so the same seed and settings train other bytes (issue 33: the improved CNN's
# 100-epoch runs came from another machine than its 30-epoch runs; on one machine they agree).
_ISA = ("avx2", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_tile")


def cpu() -> dict[str, object]:
    """The CPU's model name and the vector extensions above that it has (Linux; empty elsewhere)."""
    try:
        text = open("/proc/cpuinfo", encoding="utf-8", errors="replace").read()
    except OSError:
        return {"model": platform.processor() or platform.machine(), "isa": []}
    # The first processor's block ("key<tabs>: value" lines) describes them all.
    fields = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in text.split("\n\n")[0].splitlines())}
    flags = set(fields.get("flags", "").split())
    return {"model": fields.get("model name", ""), "isa": [f for f in _ISA if f in flags]}


def machine() -> dict[str, object]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "cpu": cpu(),
        "keras_backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
    }


def record(**extra: object) -> dict[str, object]:
    """A provenance record with the time, code, packages and machine, plus `extra` fields."""
    return {
        "written_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "git": git_commit(),
        "packages": package_versions(),
        "machine": machine(),
        **extra,
    }


def stable() -> dict[str, object]:
    """What a committed summary says of its making that does not change between re-renders of the
    same results: the package versions and the Keras backend. The time, the commit and the machine
    live in run.json (and, for a notebook run on its own, in provenance/<notebook>.json, not committed)."""
    return {
        "packages": package_versions(),
        "keras_backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
        "time_commit_machine": "run.json",
    }
