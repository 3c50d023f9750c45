"""The demo data: deterministic, in the Kaggle layout, learnable well above chance but not perfectly."""

import hashlib

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from fer_study.data import load
from fer_study.data.demo import DEMO_LABEL, demo_counts, write_demo_zip

# Trains models, runs notebooks or spawns processes: left out of the fast tier (pytest -m 'not slow').
pytestmark = pytest.mark.slow


def test_same_seed_same_bytes(tmp_path):
    a = write_demo_zip(tmp_path / "a.zip", seed=5, scale=200)
    b = write_demo_zip(tmp_path / "b.zip", seed=5, scale=200)
    c = write_demo_zip(tmp_path / "c.zip", seed=6, scale=200)
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()
    assert digest(a) == digest(b) != digest(c)


def test_demo_is_read_by_the_fer2013_loader_and_labelled():
    d = load("demo", verbose=False)
    assert d.is_demo and d.label_text == DEMO_LABEL
    assert d.counts() == demo_counts()
    assert d.count_differences()  # it is not FER2013, and the check says so


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_demo_expressions_are_learnable_but_not_trivial():
    d = load("demo", verbose=False)
    x = d.images.reshape(len(d), -1) / 255.0
    train, test = d.splits == 0, d.splits != 0
    clf = LogisticRegression(max_iter=300, C=0.05).fit(x[train], d.labels[train])
    acc = (clf.predict(x[test]) == d.labels[test]).mean()
    majority = np.bincount(d.labels[test]).max() / test.sum()
    assert acc > 2 * majority  # far above chance even for a linear model on raw pixels
    assert acc < 0.99  # but not perfectly separable
