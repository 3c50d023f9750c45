"""The networks themselves: shapes, sizes, and that each trains through a partial last batch."""

import subprocess
import sys

import pytest

from fer_study.nn import architectures as A

# Trains on 37 images with batch 32 (a last batch of 5) in a child process: a native crash there
# (a TensorFlow CPU kernel corrupting memory) must fail this test, not kill the test session.
PARTIAL_BATCH = """
import numpy as np
from fer_study.nn import architectures as A, fit as F
x = np.random.default_rng(0).integers(0, 255, (37, 48, 48)).astype("uint8"); y = np.arange(37) % 7
s = F.FitSettings(epochs=1, batch_size=32, learning_rate=1e-3, steps_per_execution=1)
F.fit(lambda: A.build("{arch}", 7, **{settings}), x, y, x[:9], y[:9], s)
print("trained")
"""


@pytest.mark.slow
@pytest.mark.parametrize("arch,settings", [("mini_xception", {}), ("improved_cnn", {}), ("basic_cnn", {})])
def test_trains_through_a_partial_last_batch(arch, settings):
    code = PARTIAL_BATCH.format(arch=arch, settings=settings)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "trained" in done.stdout, done.stderr[-2000:]


def test_mini_xception_has_about_60k_parameters_and_seven_outputs():
    m = A.mini_xception(7)
    assert m.output_shape == (None, 7)
    assert 50_000 < m.count_params() < 70_000  # Arriaga et al.: "approximately 60,000"
