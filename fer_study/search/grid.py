"""Grid search: every combination of a profile's grid with each of its seeds, each trial a stored run
(so a rerun or a resumed search trains only what is missing), ranked by the mean over seeds."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
from sklearn.model_selection import ParameterGrid


def combinations(grid: Mapping[str, list]) -> list[dict[str, Any]]:
    """All parameter combinations in scikit-learn's fixed order (keys sorted, last key fastest)."""
    return list(ParameterGrid({k: list(v) for k, v in grid.items()}))


def run(
    grid: Mapping[str, list],
    seeds: Sequence[int],
    make_request: Callable[[dict, int], Any],
    summarize: Callable[[Any], Mapping[str, Any]],
    store,
    images,
    labels,
    executor=None,
    log: Callable[[str], None] = print,
) -> pd.DataFrame:
    """Train (or load) every combination with every seed through the run store; one row per trial
    (a combination and a seed, in grid order, the seeds of one combination together).

    `make_request(params, seed)` gives a trial's TrainRequest, `summarize(stored_run)` its metrics
    (with `val_accuracy`). Each trial is stored the moment it finishes, so a killed search loses at
    most the trials in progress."""
    todo = [(p, s) for p in combinations(grid) for s in seeds]
    requests = [make_request(p, s) for p, s in todo]
    n = len(todo)
    position = {id(r): i for i, r in enumerate(requests, 1)}

    def done(req, stored):
        m = summarize(stored)
        params, seed = todo[position[id(req)] - 1]
        log(
            f"trial {position[id(req)]}/{n} {params} seed {seed}: val accuracy {m['val_accuracy']:.4f} "
            f"({stored.seconds:.0f} s)" + ("" if m.get("trained", True) else " FAILED TO TRAIN")
        )

    stored = store.run_many(requests, images, labels, executor, on_done=done)
    reused = sum(not s.trained_now for s in stored)
    if reused:
        log(f"{reused} of {n} trials loaded from the run store")
    return pd.DataFrame([{**p, "seed": seed, **summarize(s)} for (p, seed), s in zip(todo, stored)])


def ranked(trials: pd.DataFrame, params: list[str], metric: str = "val_accuracy") -> pd.DataFrame:
    """One row per grid point, in grid order: its mean `metric` over seeds, their spread (sample
    standard deviation, 0 for one seed), the number of seeds, and whether every one of them trained."""
    trained = trials["trained"].astype(bool) if "trained" in trials else pd.Series(True, index=trials.index)
    g = trials.assign(_trained=trained).groupby(params, sort=False)
    out = pd.DataFrame(
        {
            metric: g[metric].mean(),
            f"{metric}_sd": g[metric].std(ddof=1).fillna(0.0),
            "seeds": g[metric].size(),
            "trained": g["_trained"].all(),
        }
    )
    return out.reset_index()


def _order(points: pd.DataFrame, metric: str) -> pd.DataFrame:
    """`ranked`'s points best first by their mean `metric`, those whose every training trained (all
    of them when none did); the stable sort keeps grid order among ties."""
    ok = points[points["trained"]] if points["trained"].any() else points
    return ok.sort_values(metric, ascending=False, kind="stable")


def best(trials: pd.DataFrame, params: list[str], metric: str = "val_accuracy") -> dict[str, Any]:
    """The parameters of the best grid point by its mean `metric` on validation over the seeds it was
    trained with, among the points whose every training trained (ties: the first in grid order)."""
    order = _order(ranked(trials, params, metric), metric)
    return {k: _plain(order[k].iloc[0]) for k in params}  # per column, so integers stay integers


def best_on_seed(trials: pd.DataFrame, params: list[str], seed: int, metric: str = "val_accuracy") -> dict[str, Any]:
    """`best` over the trials of one training seed alone: the grid's choice as the rule book's "grid"
    rule ranks it (its first seed; the ranking was fixed before the grid's further seeds trained)."""
    return best(trials[trials["seed"] == seed], params, metric)


def runner_up(trials: pd.DataFrame, params: list[str], metric: str = "val_accuracy") -> dict[str, Any] | None:
    """The second-best point by its mean `metric` over seeds, among those whose every training
    trained (None when fewer than two did). The best is `best`'s choice; ties keep grid order."""
    order = _order(ranked(trials, params, metric), metric)
    return None if len(order) < 2 else {k: _plain(order[k].iloc[1]) for k in params}


def mean_of(points: pd.DataFrame, params: Mapping[str, Any], metric: str = "val_accuracy") -> float:
    """A grid point's mean `metric` over its seeds, from `ranked`'s table."""
    row = (points[list(params)] == pd.Series(dict(params))).all(axis=1)
    if not row.any():
        raise KeyError(f"{dict(params)} is not a point of this grid")
    return float(points.loc[row, metric].iloc[0])


def _plain(v):
    return v.item() if hasattr(v, "item") else v
