"""Grid search: all combinations, selection by validation among trainings that trained, and every
trial a stored run, so a rerun or an interrupted search trains only what is missing."""

import json

import numpy as np
import pandas as pd

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


def test_grid_trials_are_stored_runs_and_a_rerun_trains_nothing(tmp_path):
    data = load("demo", verbose=False)
    st = profiles.resolve("smoke", {"a_grid_train_images": 120})
    split = sampling.paper_a_split(data, tuple(st.paper_a.a_classes), st.paper_a.a_test_fraction, st.runtime.seed)
    small = {"learning_rate": [0.001], "batch_size": [16, 64], "dropout": [0.2], "n_conv": [2]}
    make = lambda p: paper_a.grid_request(data, split, st, p)
    first = RunStore(tmp_path, log=lambda m: None)
    a = grid.run(small, make, paper_a.grid_result, first, data.images, data.labels, log=lambda m: None)
    assert len(first.trained) == 2 and len(a) == 2 and set(a["run_key"]) == set(first.trained)
    again = RunStore(tmp_path, log=lambda m: None)
    b = grid.run(small, make, paper_a.grid_result, again, data.images, data.labels, log=lambda m: None)
    assert again.trained == [] and a.equals(b)
    assert np.all(b["n_train"] == 120)
