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


def import_keras():
    """Import Keras (and its backend) with the native start-up lines silenced; returns the module."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    with native_stderr_silenced():
        import keras
    return keras
