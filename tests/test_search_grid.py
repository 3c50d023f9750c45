"""Grid search: all combinations, selection by validation among trainings that trained, and every
trial a stored run, so a rerun or an interrupted search trains only what is missing."""

import json

import numpy as np
import pandas as pd
import pytest

from fer_study.core import profiles
from fer_study.data import load, sampling
from fer_study.experiments import paper_a
from fer_study.nn.store import RunStore
from fer_study.search import grid

GRID = {"learning_rate": [0.01, 0.001], "batch_size": [16, 64], "dropout": [0.2, 0.5]}


def test_combinations_cover_the_grid_once():
    combos = grid.combinations(GRID)
    assert len(combos) == 8
    assert len({json.dumps(c, sort_keys=True) for c in combos}) == 8


def test_best_is_chosen_by_validation_among_trainings_that_trained():
    trials = pd.DataFrame(
        [
            {
                **p,
                "val_accuracy": 0.5
                + (p["learning_rate"] == 0.001) * 0.2
                + (p["batch_size"] == 16) * 0.1
                + p["dropout"] * 0.1,
                "trained": True,
            }
            for p in grid.combinations(GRID)
        ]
    )
    assert grid.best(trials, list(GRID)) == {"learning_rate": 0.001, "batch_size": 16, "dropout": 0.5}
    assert isinstance(grid.best(trials, list(GRID))["batch_size"], int)
    trials.loc[trials["val_accuracy"].idxmax(), "trained"] = False  # a failed training is never chosen
    assert grid.best(trials, list(GRID)) != {"learning_rate": 0.001, "batch_size": 16, "dropout": 0.5}


def test_the_best_point_is_the_best_mean_over_seeds_and_one_seed_ranks_as_before():
    """A point that wins on one seed but loses on average is not chosen; a point with a failed
    training on any seed is not chosen; with one seed the ranking is the trials' own."""
    rows = []
    for p in grid.combinations(GRID):
        for seed in (0, 1, 2):
            v = 0.5 + (p["learning_rate"] == 0.001) * 0.1 + (p["dropout"] == 0.5) * 0.05
            if p == {"learning_rate": 0.01, "batch_size": 64, "dropout": 0.2} and seed == 0:
                v = 0.8  # one lucky seed (mean 0.6)
            rows.append({**p, "seed": seed, "val_accuracy": v, "trained": True})
    trials = pd.DataFrame(rows)
    one_seed = trials[trials["seed"] == 0]
    assert grid.best(one_seed, list(GRID)) == {"learning_rate": 0.01, "batch_size": 64, "dropout": 0.2}
    assert grid.best(trials, list(GRID)) == {
        "learning_rate": 0.001,
        "batch_size": 16,
        "dropout": 0.5,
    }  # tie: grid order
    assert grid.runner_up(trials, list(GRID)) == {"learning_rate": 0.001, "batch_size": 64, "dropout": 0.5}
    assert grid.runner_up(trials.iloc[:3], list(GRID)) is None  # one point only
    points = grid.ranked(trials, list(GRID))
    assert len(points) == 8 and set(points["seeds"]) == {3} and points["trained"].all()
    assert points.loc[points["val_accuracy"].idxmax(), "val_accuracy"] == pytest.approx(0.65)
    trials.loc[
        (trials["learning_rate"] == 0.001)
        & (trials["batch_size"] == 16)
        & (trials["dropout"] == 0.5)
        & (trials["seed"] == 2),
        "trained",
    ] = False
    assert grid.best(trials, list(GRID)) == {"learning_rate": 0.001, "batch_size": 64, "dropout": 0.5}


@pytest.mark.slow
def test_a_grid_over_seeds_trains_each_point_per_seed_and_its_first_seed_keeps_its_keys(tmp_path):
    """`a_grid_seeds`: every point once per seed; the first seed's trials are the one-seed grid's
    (the same keys, loaded); the check against Table 1 then trains nothing beyond the grid."""
    data = load("demo", verbose=False)
    small = {"learning_rate": [0.001], "batch_size": [16], "dropout": [0.2, 0.5], "n_conv": [4]}
    st1 = profiles.resolve("smoke", {"a_grid_train_images": 120, "a_grid": small})
    st = profiles.resolve("smoke", {"a_grid_train_images": 120, "a_grid": small, "a_grid_seeds": [0, 1]})
    split = sampling.paper_a_split(data, tuple(st.paper_a.a_classes), st.paper_a.a_test_fraction, st.runtime.seed)
    store = RunStore(tmp_path, log=lambda m: None)
    make1 = lambda p, seed: paper_a.grid_request(data, split, st1, p, seed)
    one = grid.run(
        small, paper_a.grid_seeds(st1), make1, paper_a.grid_result, store, data.images, data.labels, log=lambda m: None
    )
    assert paper_a.grid_seeds(st1) == [0] and len(one) == 2
    make = lambda p, seed: paper_a.grid_request(data, split, st, p, seed)
    more = RunStore(tmp_path, log=lambda m: None)
    both = grid.run(
        small, paper_a.grid_seeds(st), make, paper_a.grid_result, more, data.images, data.labels, log=lambda m: None
    )
    assert len(both) == 4 and list(both["seed"]) == [0, 1, 0, 1] and len(more.trained) == 2  # seed 1 only
    assert set(one["run_key"]) <= set(both["run_key"])
    best = {"learning_rate": 0.001, "batch_size": 16, "dropout": 0.5, "n_conv": 4}
    check = RunStore(tmp_path, log=lambda m: None)
    t = paper_a.grid_vs_table1(data, split, st, best, check, log=lambda m: None)
    assert check.trained == [] and t.seeds == [0, 1] and t.seconds_beyond_grid == 0


@pytest.mark.slow
def test_grid_trials_are_stored_runs_and_a_rerun_trains_nothing(tmp_path):
    data = load("demo", verbose=False)
    st = profiles.resolve("smoke", {"a_grid_train_images": 120})
    split = sampling.paper_a_split(data, tuple(st.paper_a.a_classes), st.paper_a.a_test_fraction, st.runtime.seed)
    small = {"learning_rate": [0.001], "batch_size": [16, 64], "dropout": [0.2], "n_conv": [2]}
    make = lambda p, seed: paper_a.grid_request(data, split, st, p, seed)
    first = RunStore(tmp_path, log=lambda m: None)
    a = grid.run(small, [0], make, paper_a.grid_result, first, data.images, data.labels, log=lambda m: None)
    assert len(first.trained) == 2 and len(a) == 2 and set(a["run_key"]) == set(first.trained)
    again = RunStore(tmp_path, log=lambda m: None)
    b = grid.run(small, [0], make, paper_a.grid_result, again, data.images, data.labels, log=lambda m: None)
    assert again.trained == [] and a.equals(b)
    assert np.all(b["n_train"] == 120)


@pytest.mark.slow
def test_the_grid_winner_meets_table1_on_every_seed_through_the_store(tmp_path):
    """A11's evidence: both settings trained with each of paper A's seeds at the grid's budget, the
    first seed's pair being the grid's own trials (loaded, not retrained); one paired test per seed
    on the same validation images; a rerun trains nothing."""
    data = load("demo", verbose=False)
    st = profiles.resolve("smoke", {"a_grid_train_images": 120, "a_seeds": [0, 1]})
    split = sampling.paper_a_split(data, tuple(st.paper_a.a_classes), st.paper_a.a_test_fraction, st.runtime.seed)
    small = {"learning_rate": [0.001], "batch_size": [16], "dropout": [0.2, 0.5], "n_conv": [4]}
    store = RunStore(tmp_path, log=lambda m: None)
    make = lambda p, seed: paper_a.grid_request(data, split, st, p, seed)
    grid.run(small, [0], make, paper_a.grid_result, store, data.images, data.labels, log=lambda m: None)
    assert len(store.trained) == 2
    best = {"learning_rate": 0.001, "batch_size": 16, "dropout": 0.5, "n_conv": 4}  # differs from Table 1
    t = paper_a.grid_vs_table1(data, split, st, best, store, log=lambda m: None)
    assert len(store.trained) == 4  # seed 1's pair only
    assert t.in_grid and not t.same and t.seeds == [0, 1] and t.epochs == st.grid.a_grid_epochs
    _, val = paper_a.selection_split(data, split, st)
    assert t.n_val == len(val)
    for field in ("best_accuracy", "table1_accuracy", "only_best_correct", "only_table1_correct", "p_value"):
        assert len(getattr(t, field)) == 2, field
    assert all(0 < p <= 1 for p in t.p_value) and t.seconds_beyond_grid > 0
    again = RunStore(tmp_path, log=lambda m: None)
    assert paper_a.grid_vs_table1(data, split, st, best, again, log=lambda m: None) == t and again.trained == []
    table1 = {**best, "dropout": 0.2}
    same = paper_a.grid_vs_table1(data, split, st, table1, again, log=lambda m: None)
    assert same.same and same.seeds == [0] and again.trained == []


def test_mean_of_reads_a_point_and_refuses_one_outside_the_grid():
    trials = pd.DataFrame(
        [
            {**p, "seed": s, "val_accuracy": 0.1 * s + p["dropout"], "trained": True}
            for p in grid.combinations(GRID)
            for s in (0, 1)
        ]
    )
    points = grid.ranked(trials, list(GRID))
    assert grid.mean_of(points, {"learning_rate": 0.01, "batch_size": 64, "dropout": 0.5}) == pytest.approx(0.55)
    with pytest.raises(KeyError, match="not a point of this grid"):
        grid.mean_of(points, {"learning_rate": 0.3, "batch_size": 64, "dropout": 0.5})
