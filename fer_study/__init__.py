"""fer-study: a re-runnable reproducibility study of two FER2013 CNN papers."""

import logging as _logging
import os as _os

# Set before any Keras/TensorFlow import, which any submodule may trigger.
# Deterministic kernels on the TensorFlow backend (same seed, same numbers).
_os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
# Level 3 hides TensorFlow's C++ log lines, including a spurious "NodeDef mentions attribute
# use_unbounded_threadpool" ERROR from the TF/Keras version pairing; real failures still raise in Python.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# tf.function retracing warnings are expected: every genome of a search is a new model.
_logging.getLogger("tensorflow").setLevel(_logging.ERROR)

__version__ = "0.1.0"
