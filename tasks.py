#!/usr/bin/env python3
"""Set up and run fer-study with nothing but Python 3.11+:

    python3 tasks.py study [fer-study run options]   # set everything up, then run the study
    python3 tasks.py test  [pytest options]          # set everything up, then run the tests
    python3 tasks.py lab   [jupyter lab options]     # set everything up, then open JupyterLab
    python3 tasks.py setup                           # only set everything up
    python3 tasks.py setup --gpu                     # ... and the CUDA build of the backend (JAX)
    python3 tasks.py gpu-lock                        # re-resolve requirements-gpu.lock (no GPU needed)

Setting up means: a virtual environment in .venv, the pinned dependencies of requirements.lock,
this package in editable mode, and a Jupyter kernel named "fer-study" inside .venv (so each clone's
JupyterLab runs that clone's code). It is skipped when nothing it depends on has changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".fer-study-setup"
GPU_LOCK = ROOT / "requirements-gpu.lock"
GPU_STAMP = VENV / ".fer-study-gpu"
# Which backend the GPU layer serves: Keras on JAX (the paper profile's GPU runs use it).
GPU_BACKEND = "jax"


def _say(msg: str) -> None:
    print(f"[tasks] {msg}", flush=True)


def _setup_key() -> str:
    h = hashlib.sha256(b"setup 3: kernel in .venv, logging errors only")  # bump when set-up itself changes
    for name in ("requirements.lock", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def ensure_environment() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"fer-study needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    key = _setup_key()
    if PY.exists() and STAMP.exists() and STAMP.read_text().strip() == key:
        return
    if not PY.exists():
        _say(f"creating the virtual environment {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    _say("installing the pinned dependencies (requirements.lock); the first time takes a few minutes")
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    _pip_with_progress(
        [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off"]
        + ["-r", str(ROOT / "requirements.lock")]
    )
    subprocess.run(pip + ["--no-deps", "-e", str(ROOT)], check=True)
    _say("registering the Jupyter kernel 'fer-study' in .venv")
    subprocess.run(
        [
            str(PY),
            "-m",
            "ipykernel",
            "install",
            "--sys-prefix",
            "--name",
            "fer-study",
            "--display-name",
            "Python (fer-study)",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # The kernel warns on every start that it talks plain TCP on localhost (jupyter_client
    # provisions no encryption keys), which plain papermill prints: the kernel logs errors only.
    spec = VENV / "share" / "jupyter" / "kernels" / "fer-study" / "kernel.json"
    kernel = json.loads(spec.read_text())
    kernel["argv"] += [a for a in ("--IPKernelApp.log_level=ERROR",) if a not in kernel["argv"]]
    spec.write_text(json.dumps(kernel, indent=1) + "\n")
    STAMP.write_text(key + "\n")


def _pins(lock: Path) -> dict[str, str]:
    """A lock file's pins: normalized package name -> version."""
    pins = {}
    for line in lock.read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, _, version = line.partition("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def gpu_requirement() -> str:
    """What the GPU layer resolves: the CUDA 12 extra of requirements.lock's own jax."""
    version = _pins(ROOT / "requirements.lock").get("jax", "")
    if not version:
        sys.exit("requirements.lock pins no jax: the GPU layer (jax[cuda12]) has nothing to match")
    return f"jax[cuda12]=={version}"


def gpu_lock(args: list[str]) -> int:
    """Rewrite requirements-gpu.lock: every package the CUDA extra adds to requirements.lock, each
    pinned as pip resolves it on this machine (metadata only: no GPU, no CUDA download)."""
    ensure_environment()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "--dry-run", "--ignore-installed", "-q"]
            + ["--report", str(report), gpu_requirement(), "-c", str(ROOT / "requirements.lock")],
            check=True,
        )
        installs = json.loads(report.read_text())["install"]
    base = _pins(ROOT / "requirements.lock")
    pins = sorted(
        f"{i['metadata']['name']}=={i['metadata']['version']}"
        for i in installs
        if i["metadata"]["name"].lower().replace("_", "-") not in base
    )
    header = [line for line in GPU_LOCK.read_text().splitlines() if line.startswith("#")] if GPU_LOCK.exists() else []
    GPU_LOCK.write_text("\n".join(header + pins) + "\n")
    _say(f"wrote {GPU_LOCK.name}: {len(pins)} packages over requirements.lock")
    return 0


def ensure_gpu() -> None:
    """The GPU layer over the base environment: requirements-gpu.lock, installed once per lock."""
    key = hashlib.sha256(GPU_LOCK.read_bytes() + (ROOT / "requirements.lock").read_bytes()).hexdigest()
    if GPU_STAMP.exists() and GPU_STAMP.read_text().strip() == key:
        _say("the GPU layer is installed")
    else:
        _say(f"installing the GPU layer ({GPU_LOCK.name}: CUDA 12 builds for Keras on JAX, about 3 GB)")
        _pip_with_progress(
            [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off"]
            + ["-r", str(GPU_LOCK), "-c", str(ROOT / "requirements.lock")]
        )
        GPU_STAMP.write_text(key + "\n")
    _say(
        f"on a CUDA machine run the study with: KERAS_BACKEND={GPU_BACKEND} python3 tasks.py study --profile paper "
        f"(check the GPU is seen: KERAS_BACKEND={GPU_BACKEND} .venv/bin/python -c 'import jax; print(jax.devices())')"
    )


def _pip_with_progress(cmd: list[str]) -> None:
    """pip, printing one short line per package it fetches or installs (a quiet pip sat silent for
    7.6 minutes on a fresh machine), and its whole output when it fails."""
    lines = []
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        n = 0
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Collecting ") or line.startswith("Downloading "):
                n += line.startswith("Collecting ")
                if line.startswith("Collecting "):
                    print(f"[tasks]   {n:>3}. {line.split()[1]}", flush=True)
            elif line.startswith("Installing collected packages"):
                print(
                    "[tasks]   installing them (2-5 minutes on a fresh machine, silently: pip prints nothing meanwhile)",
                    flush=True,
                )
    if proc.returncode:
        sys.stderr.write("".join(lines[-60:]))
        raise subprocess.CalledProcessError(proc.returncode, cmd)


def study(args: list[str]) -> int:
    ensure_environment()
    return subprocess.run([str(PY), "-m", "fer_study", "run", *args], cwd=ROOT).returncode


def test(args: list[str]) -> int:
    ensure_environment()
    code = ["fer_study", "tests", "benchmarks", "scripts", "tasks.py"]
    _say("ruff (lint and format), mypy (types) and the layer contract (import-linter; all set in pyproject.toml)")
    lint = subprocess.run([str(BIN / "ruff"), "check", *code], cwd=ROOT).returncode
    lint |= subprocess.run([str(BIN / "ruff"), "format", "--check", *code], cwd=ROOT).returncode
    lint |= subprocess.run([str(BIN / "mypy")], cwd=ROOT).returncode
    lint |= subprocess.run([str(BIN / "lint-imports")], cwd=ROOT).returncode
    _say("unit tests (tests/)")
    before = _cpu_seconds()
    unit = subprocess.run([str(PY), "-m", "pytest", "tests", *args], cwd=ROOT).returncode
    unit_cpu, before = _cpu_seconds() - before, _cpu_seconds()
    # nbval re-executes the committed notebooks on the demo data (whatever FER2013_PATH says), so
    # their committed fact outputs hold on every machine; outputs go to a scratch folder.
    with tempfile.TemporaryDirectory(prefix="fer-study-nbval-") as scratch:
        env = dict(os.environ, FER2013_PATH="demo", FER_STUDY_OUT=scratch)
        _say("nbval over notebooks/ (demo data, smoke profile)")
        nb = subprocess.run(
            [
                str(PY),
                "-m",
                "pytest",
                "--nbval-lax",
                "--nbval-current-env",
                "-p",
                "no:cacheprovider",
                "notebooks",
                *args,
            ],
            cwd=ROOT,
            env=env,
        ).returncode
    nb_cpu = _cpu_seconds() - before
    _say(
        f"lint and layers: {'passed' if lint == 0 else 'FAILED'}; unit tests: {'passed' if unit == 0 else 'FAILED'}; "
        f"notebooks: {'passed' if nb == 0 else 'FAILED'}"
    )
    # CPU time, not wall time: what the suite costs, whatever else the machine is doing meanwhile.
    _say(
        f"CPU time: unit tests {unit_cpu / 60:.1f} min, notebooks {nb_cpu / 60:.1f} min (user + system, all processes)"
    )
    return lint or unit or nb


def _cpu_seconds() -> float:
    """User + system seconds of every finished child process (and theirs), so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def lab(args: list[str]) -> int:
    """JupyterLab from the project's environment with the fer-study kernel: rooted at the checkout, so
    the executed real-data notebooks under results/<profile>/notebooks/ are in reach, and opened on
    notebooks/."""
    ensure_environment()
    extra = []
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        # Jupyter refuses to start as root without it (containers and CI machines run as root).
        _say("running as root: passing --allow-root to JupyterLab")
        extra.append("--allow-root")
    cmd = [
        str(BIN / "jupyter"),
        "lab",
        "--notebook-dir",
        str(ROOT),
        "--LabApp.default_url=/lab/tree/notebooks",
        *extra,
        *args,
    ]
    return subprocess.run(cmd, cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    commands = {"study": study, "test": test, "lab": lab, "gpu-lock": gpu_lock}
    if not argv or argv[0] not in (*commands, "setup"):
        print(__doc__)
        return 2
    if argv[0] == "setup":
        unknown = [a for a in argv[1:] if a != "--gpu"]
        if unknown:
            print(f"tasks.py setup: unknown option(s) {' '.join(unknown)} (known: --gpu)", file=sys.stderr)
            return 2
        ensure_environment()
        if "--gpu" in argv[1:]:
            ensure_gpu()
        return 0
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
