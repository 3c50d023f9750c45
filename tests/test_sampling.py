"""Paper A's downsampling and splits."""

import numpy as np
import pytest

from fer_study.core.labels import CLASS_INDEX, SPLIT_INDEX
from fer_study.data import load
from fer_study.data.sampling import downsample_to_smallest, official_split, paper_a_split

A = ("angry", "happy", "neutral", "sad")


@pytest.fixture(scope="module")
def demo():
    return load("demo", verbose=False)


def test_downsampling_equalises_to_the_smallest_class():
    labels = np.array([0] * 5 + [1] * 9 + [2] * 3)
    kept = downsample_to_smallest(np.arange(len(labels)), labels, seed=0)
    assert np.bincount(labels[kept]).tolist() == [3, 3, 3]
    assert len(set(kept.tolist())) == len(kept)
    assert np.array_equal(kept, downsample_to_smallest(np.arange(len(labels)), labels, seed=0))
    assert not np.array_equal(kept, downsample_to_smallest(np.arange(len(labels)), labels, seed=1))


def test_paper_a_split_is_balanced_disjoint_and_80_20(demo):
    s = paper_a_split(demo, A, 0.2, seed=0)
    train, test = s.parts["train"], s.parts["test"]
    assert not set(train) & set(test)
    pooled = {c: int(np.sum(demo.labels == CLASS_INDEX[c])) for c in A}
    n = min(pooled.values())
    counts = s.counts(demo)
    for c in A:
        assert counts["train"][c] + counts["test"][c] == n
        assert abs(counts["test"][c] - 0.2 * n) <= 1  # stratified
    assert set(np.unique(demo.labels[np.concatenate([train, test])])) == {CLASS_INDEX[c] for c in A}


def test_official_split_keeps_the_official_parts(demo):
    s = official_split(demo, A, seed=0)
    assert set(demo.splits[s.parts["train"]]) == {SPLIT_INDEX["Training"]}
    assert set(demo.splits[s.parts["val"]]) == {SPLIT_INDEX["PublicTest"]}
    assert set(demo.splits[s.parts["test"]]) == {SPLIT_INDEX["PrivateTest"]}
    assert len(set(s.counts(demo)["train"].values())) == 1  # Training downsampled
    assert len(s.parts["test"]) == len(demo.indices(("PrivateTest",), A))  # test untouched


def test_a_later_notebook_checks_its_split_against_the_one_notebook_02_saved(tmp_path):
    import numpy as np
    import pytest

    from fer_study.data import load, sampling

    data = load("demo", verbose=False)
    split = sampling.paper_a_split(data, ("angry", "happy", "neutral", "sad"), 0.2, 0)
    assert sampling.check_saved(split, data, tmp_path) is False  # nothing saved yet
    sampling.save_split(split, data, tmp_path)
    assert sampling.check_saved(split, data, tmp_path) is True
    other = sampling.paper_a_split(data, ("angry", "happy", "neutral", "sad"), 0.2, 1)  # another seed
    with pytest.raises(sampling.SplitMismatch, match=r"paper_a.npz: part 'train' differs"):
        sampling.check_saved(other, data, tmp_path)
    assert not np.array_equal(other.parts["train"], split.parts["train"])
