"""Keep TensorFlow's native start-up lines out of notebooks and the console.

TensorFlow writes a few lines straight to file descriptor 2 when it loads ("oneDNN custom
operations are on", "All log messages before absl::InitializeLog()"), below Python, where neither
logging nor TF_CPP_MIN_LOG_LEVEL reaches them. They are the same on every run and say nothing about
this study, so the first import of Keras runs with that descriptor pointed at /dev/null. A Python
error during the import still raises (and prints) after the descriptor is restored.
"""

from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def native_stderr_silenced():
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real descriptor 2 (an embedding host): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class BackendMissing(RuntimeError):
    """KERAS_BACKEND names a backend that is not installed; the message says which and what to do."""


BACKEND_PACKAGES = {"jax": "jax", "torch": "torch", "tensorflow": "tensorflow", "numpy": "numpy"}
TRAINING_BACKENDS = ("tensorflow", "jax", "torch")  # numpy has no fit


def import_keras():
    """Import Keras (and its backend) with the native start-up lines silenced; returns the module.
    A backend that is not installed is one line (BackendMissing), not Keras's traceback."""
    if "keras" in sys.modules and hasattr(sys.modules["keras"], "backend"):
        return sys.modules["keras"]
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    try:
        with native_stderr_silenced():
            import keras
    except ImportError as err:
        for name in [m for m in sys.modules if m == "keras" or m.startswith("keras.")]:
            del sys.modules[name]  # a half-imported Keras must not be served to the next caller
        missing = getattr(err, "name", "") or ""
        if missing.split(".")[0] in BACKEND_PACKAGES.values():
            raise BackendMissing(
                f"KERAS_BACKEND={backend}, but {missing.split('.')[0]} is not installed in this environment: "
                f"install it (for JAX on a CPU: pip install jax) or unset KERAS_BACKEND (TensorFlow is the default)"
            ) from None
        raise
    return keras


def check_backend() -> str:
    """The Keras backend named by KERAS_BACKEND, if its package is installed; else BackendMissing
    (checked without importing it, so a run can refuse before it writes anything)."""
    import importlib.util

    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    package = BACKEND_PACKAGES.get(backend)
    if package is None:
        raise BackendMissing(f"KERAS_BACKEND={backend} is not a Keras backend (one of {', '.join(BACKEND_PACKAGES)})")
    if backend not in TRAINING_BACKENDS:
        # Issue 36: accepted, the run wrote its outputs and then failed at the first fit.
        raise BackendMissing(
            f"KERAS_BACKEND={backend} cannot train (Keras's {backend} backend runs inference only): use "
            f"one of {', '.join(TRAINING_BACKENDS)}"
        )
    if importlib.util.find_spec(package) is None:
        raise BackendMissing(
            f"KERAS_BACKEND={backend}, but {package} is not installed in this environment: install it (for JAX on "
            "a CPU: pip install jax) or unset KERAS_BACKEND (TensorFlow is the default)"
        )
    return backend
