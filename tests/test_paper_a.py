"""Paper A's models and training: shapes, determinism, and summaries recomputable from saved predictions."""

import numpy as np
import pytest

from fer_study.core import profiles
from fer_study.data import load, sampling
from fer_study.experiments import paper_a
from fer_study.nn import architectures as models
from fer_study.nn import metrics
from fer_study.nn.fit import FitSettings, fit
from fer_study.nn.runs import ModelRun, Predictions
from fer_study.nn.store import RunStore


def test_model_shapes_and_layers():
    b, i = models.basic_cnn(4), models.improved_cnn(4)
    assert b.output_shape == (None, 4) and i.output_shape == (None, 4)
    conv = lambda m: sum(type(l).__name__ == "Conv2D" for l in m.layers)
    assert conv(b) == 2 and conv(i) == 4
    names = [type(l).__name__ for l in i.layers]
    # four conv blocks and the dense layer are batch-normalised; one dropout, after the dense layer
    assert names.count("BatchNormalization") == 5 and names.count("Dropout") == 1
    assert i.get_layer(index=names.index("Dropout")).rate == 0.2
    first = models.improved_cnn(4, order="bn_relu", dense_bn=False)  # the first reading, for the sensitivity table
    assert [type(l).__name__ for l in first.layers].count("BatchNormalization") == 4


@pytest.mark.slow
def test_same_seed_same_numbers():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, (64, 48, 48), dtype=np.uint8)
    y = rng.integers(0, 4, 64)
    run = lambda seed: fit(
        lambda: models.basic_cnn(4),
        x,
        y,
        x[:16],
        y[:16],
        FitSettings(epochs=2, batch_size=16, learning_rate=1e-3, seed=seed),
    )
    a, b, c = run(1), run(1), run(2)
    assert a.history == b.history
    assert a.history != c.history


@pytest.mark.slow
def test_summary_recomputes_from_saved_predictions(tmp_path):
    data = load("demo", verbose=False)
    st = profiles.resolve("smoke", {"a_epochs": 1})
    split = sampling.paper_a_split(data, tuple(st.paper_a.a_classes), st.paper_a.a_test_fraction, st.runtime.seed)
    result = paper_a.run(data, split, st, RunStore(tmp_path / "runs"), log=lambda s: None)
    ev = paper_a.evaluate(result, st)
    path = paper_a.save_predictions(result, tmp_path / "p.npz")
    with np.load(path) as z:
        assert "y_test" not in z.files  # FER2013's labels never leave the data
    saved = paper_a.load_predictions(path, data)
    assert saved.classes == result.classes and [r.name for r in saved.runs] == [r.name for r in result.runs]
    again = paper_a.evaluate(saved, st)
    assert again.per_run.equals(ev.per_run)
    assert again.evaluation.mcnemar == ev.evaluation.mcnemar
    assert again.headline["basic"].top1 == ev.headline["basic"].top1  # curves aside, the same evaluation
    top1 = ev.per_run.set_index("model").loc["basic", "top1"]
    assert ev.per_run.set_index("model").loc["basic", "mean_one_vs_rest_accuracy"] == pytest.approx(
        metrics.one_vs_rest_from_top1(top1, 4)
    )


def test_grid_selection_never_touches_the_test_part():
    data = load("demo", verbose=False)
    st = profiles.resolve("smoke", {"a_grid_train_images": 200})
    split = sampling.paper_a_split(data, tuple(st.paper_a.a_classes), st.paper_a.a_test_fraction, st.runtime.seed)
    tr, va = paper_a.selection_split(data, split, st)
    test = set(split.parts["test"].tolist())
    assert len(tr) == 200 and not (set(tr) | set(va)) & test and not set(tr) & set(va)
    assert set(tr) | set(va) <= set(split.parts["train"].tolist())
    assert paper_a.grid_filters(st.paper_a, 5) == [32, 64, 128, 256, 256]


def _synthetic_result(failed_seed=None):
    """Two models, two seeds, 4 classes, 400 test images: predictions of known accuracy."""
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 100)
    runs = []
    for model, acc in (("basic", 0.6), ("improved", 0.7)):
        for seed in (0, 1):
            pred = np.where(rng.random(len(y)) < acc, y, (y + 1) % 4)
            probs = np.eye(4, dtype=np.float32)[pred]
            hist = {"accuracy": list(np.linspace(0.3, 0.9, 12)), "val_accuracy": list(np.linspace(0.3, acc, 12))}
            failed = failed_seed == seed and model == "improved"
            runs.append(ModelRun(model, seed, probs, failed, "", hist))
    return Predictions("synthetic", ["angry", "happy", "neutral", "sad"], np.arange(len(y)), y, runs)


def test_every_interval_is_named_and_one_vs_rest_maps_the_top1_interval_for_every_model():
    st = profiles.resolve("smoke", {"a_seeds": [0, 1], "a_bootstrap": 200})
    ev = paper_a.evaluate(_synthetic_result(), st)
    for model in ("basic", "improved"):
        h = ev.headline[model]
        assert h.top1.interval_kind == "t-interval of the mean over 2 seeds"
        assert h.top1.interval[0] <= h.top1.mean <= h.top1.interval[1]
        lo, hi = h.top1_200.ci95
        assert h.mean_one_vs_rest_accuracy_200.ci95 == pytest.approx(
            [metrics.one_vs_rest_from_top1(lo, 4), metrics.one_vs_rest_from_top1(hi, 4)]
        )
        assert len(h.confusion) == 4 and h.confusion_seed == 0  # 4 classes, the first seed that trained
        assert h.curve.val.epochs == 12
    assert set(ev.evaluation.improved_beats_basic) == {"0", "1"}  # seeds, as the summary keys them
    assert all(v.p_value < 0.05 for v in ev.evaluation.improved_beats_basic.values())  # 70 % against 60 %


def test_a_failed_training_is_listed_and_never_averaged():
    st = profiles.resolve("smoke", {"a_seeds": [0, 1], "a_bootstrap": 200})
    ev = paper_a.evaluate(_synthetic_result(failed_seed=1), st)
    assert ev.evaluation.failed_runs == [["improved", 1]]
    assert ev.headline["improved"].top1.n == 1 and ev.headline["basic"].top1.n == 2
    assert list(ev.evaluation.improved_beats_basic) == ["0"]
