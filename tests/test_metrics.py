"""Metric functions against hand-worked examples, including paper A's Tables 2 and 3."""

import numpy as np
import pytest

from fer_study.nn import metrics


def test_hand_worked_confusion_matrix():
    y = np.array([0, 0, 0, 1, 1, 2])
    p = np.array([0, 0, 1, 1, 2, 2])
    cm = metrics.confusion(y, p, 3)
    assert cm.tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    r = metrics.report(cm)
    assert r["top1"] == pytest.approx(4 / 6)
    assert r["per_class"]["precision"] == pytest.approx([1.0, 0.5, 0.5])
    assert r["per_class"]["recall"] == pytest.approx([2 / 3, 0.5, 1.0])
    assert r["macro"]["f1"] == pytest.approx(np.mean([0.8, 0.5, 2 / 3]))
    assert r["micro"]["f1"] == pytest.approx(4 / 6)  # single-label: micro P = R = F1 = top-1
    assert r["totals"]["fp"] == r["totals"]["fn"] == 2


@pytest.mark.parametrize("k", [2, 4, 7])
def test_mean_one_vs_rest_accuracy_identity(k):
    rng = np.random.default_rng(k)
    y = rng.integers(0, k, 500)
    p = np.where(rng.random(500) < 0.6, y, rng.integers(0, k, 500))
    r = metrics.report(metrics.confusion(y, p, k))
    assert r["mean_one_vs_rest_accuracy"] == pytest.approx(metrics.one_vs_rest_from_top1(r["top1"], k))
    assert metrics.top1_from_one_vs_rest(r["mean_one_vs_rest_accuracy"], k) == pytest.approx(r["top1"])


def test_paper_a_table_2_is_78_percent_top1_reported_as_89_percent():
    # Table 2: TP 156, FP 44, FN 44, TN 556 over 200 test images of 4 classes, "accuracy 89 %".
    a = metrics.totals_audit(tp=156, fp=44, fn=44, tn=556, k=4)
    assert a["images_implied_by_tp_plus_fn"] == 200 and a["entries_equal_k_times_images"]
    assert a["top1"] == pytest.approx(0.78)
    assert a["mean_one_vs_rest_accuracy"] == pytest.approx(0.89)
    assert metrics.one_vs_rest_from_top1(0.78, 4) == pytest.approx(0.89)
    assert a["micro_precision"] == a["micro_recall"] == pytest.approx(0.78)


def test_paper_a_table_3_basic_row_cannot_come_from_200_images():
    a = metrics.totals_audit(tp=155, fp=43, fn=47, tn=555, k=4)
    assert a["images_implied_by_tp_plus_fn"] == 202
    assert not a["fp_equals_fn"]
    assert a["mean_one_vs_rest_accuracy"] == pytest.approx(0.8875)


def test_mcnemar_exact_values():
    y = np.zeros(20, int)
    a = np.array([0] * 15 + [1] * 5)
    b = np.array([0] * 10 + [1] * 10)
    r = metrics.mcnemar(y, a, b)
    assert (r["only_a_correct"], r["only_b_correct"]) == (5, 0)
    assert r["p_value"] == pytest.approx(2 / 32)
    assert metrics.mcnemar(y, a, a)["p_value"] == 1.0


def test_bootstrap_ci_brackets_the_estimate_and_is_seeded():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 400)
    p = np.where(rng.random(400) < 0.7, y, (y + 1) % 4)
    lo, hi = metrics.bootstrap_ci(y, p, seed=1)
    acc = np.mean(y == p)
    assert lo < acc < hi and hi - lo < 0.12
    assert (lo, hi) == metrics.bootstrap_ci(y, p, seed=1)


def test_stratified_sample_takes_equal_counts():
    y = np.repeat([0, 1, 2, 3], [60, 70, 80, 90])
    s = metrics.stratified_sample(y, 50, seed=0)
    assert np.bincount(y[s]).tolist() == [50, 50, 50, 50]
    assert np.array_equal(s, metrics.stratified_sample(y, 50, seed=0))
