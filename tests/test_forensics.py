"""The protocol-slip table: what each slip reports, from real (demo) runs; properties that must hold."""

import numpy as np
import pytest

from fer_study.core import profiles
from fer_study.data import load, sampling
from fer_study.experiments import forensics, paper_a
from fer_study.nn.store import RunStore


def test_identical_copies_finds_pixel_identical_images_only():
    import dataclasses

    demo = load("demo", verbose=False)
    data = dataclasses.replace(demo, images=demo.images.copy())  # the loaded data stays untouched
    train, test = np.arange(0, 100), np.arange(100, 110)
    data.images[105] = data.images[3]  # plant one copy
    mask = forensics.identical_copies(data, test, train)
    assert mask.tolist() == [i == 105 for i in test]


@pytest.mark.slow
def test_paper_a_slips_from_real_runs(tmp_path):
    data = load("demo", verbose=False)
    st = profiles.resolve("smoke", {"a_epochs": 2})
    split = sampling.paper_a_split(data, tuple(st.paper_a.a_classes), st.paper_a.a_test_fraction, st.runtime.seed)
    result = paper_a.run(data, split, st, RunStore(tmp_path / "runs", progress=False), log=lambda s: None)
    by = {r.slip: r for r in forensics.paper_a(result, data, split.parts["train"])}
    top1 = by["none: top-1 on the held-out test part"].ours
    ovr = by["mean one-vs-rest accuracy called 'accuracy'"].ours
    assert ovr == pytest.approx(1 - 2 * (1 - top1) / 4)  # the identity behind paper A's 89 %
    assert by["micro-F1 (= top-1) instead of macro-F1"].ours == pytest.approx(top1)
    assert by["best epoch picked on the test part"].ours >= top1 - 1e-9  # a maximum over epochs includes the last
    for r in by.values():
        assert r.can_produce_it == (abs(r.difference) <= forensics.TOLERANCE)
    assert len(by) == 9
