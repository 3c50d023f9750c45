"""Grid search: every combination of a profile's grid, each trial a stored run (so a rerun or a
resumed search trains only what is missing)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from sklearn.model_selection import ParameterGrid


def combinations(grid: Mapping[str, list]) -> list[dict[str, Any]]:
    """All parameter combinations in scikit-learn's fixed order (keys sorted, last key fastest)."""
    return list(ParameterGrid({k: list(v) for k, v in grid.items()}))


def run(
    grid: Mapping[str, list],
    make_request: Callable[[dict], Any],
    summarize: Callable[[Any], Mapping[str, Any]],
    store,
    images,
    labels,
    executor=None,
    log: Callable[[str], None] = print,
) -> pd.DataFrame:
    """Train (or load) every combination through the run store; one row per trial.

    `make_request(params)` gives a trial's TrainRequest, `summarize(stored_run)` its metrics (with
    `val_accuracy`). Each trial is stored the moment it finishes, so a killed search loses at most
    the trials in progress."""
    todo = combinations(grid)
    requests = [make_request(p) for p in todo]
    n = len(todo)
    position = {id(r): i for i, r in enumerate(requests, 1)}

    def done(req, stored):
        m = summarize(stored)
        log(
            f"trial {position[id(req)]}/{n} {todo[position[id(req)] - 1]}: val accuracy {m['val_accuracy']:.4f} "
            f"({stored.seconds:.0f} s)" + ("" if m.get("trained", True) else " FAILED TO TRAIN")
        )

    stored = store.run_many(requests, images, labels, executor, on_done=done)
    reused = sum(not s.trained_now for s in stored)
    if reused:
        log(f"{reused} of {n} trials loaded from the run store")
    return pd.DataFrame([{**p, **summarize(s)} for p, s in zip(todo, stored)])


def best(trials: pd.DataFrame, params: list[str], metric: str = "val_accuracy") -> dict[str, Any]:
    """The parameters of the best trial by `metric` on validation among the trials that trained
    (ties: the first in grid order)."""
    ok = trials[trials["trained"]] if "trained" in trials and trials["trained"].any() else trials
    i = ok[metric].idxmax()
    return {k: _plain(ok.at[i, k]) for k in params}  # per column, so integers stay integers


def _plain(v):
    return v.item() if hasattr(v, "item") else v
