"""Grid search: every combination of a profile's grid, each trial logged as it finishes, resumable."""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping

import pandas as pd
from sklearn.model_selection import ParameterGrid

from .trial_log import TrialLog, trial_key


def combinations(grid: Mapping[str, list]) -> list[dict[str, Any]]:
    """All parameter combinations in scikit-learn's fixed order (keys sorted, last key fastest)."""
    return list(ParameterGrid({k: list(v) for k, v in grid.items()}))


def run(grid: Mapping[str, list], evaluate: Callable[[dict], Mapping[str, Any]], log_path,
        context: Mapping[str, Any] | None = None, log: Callable[[str], None] = print) -> pd.DataFrame:
    """Evaluate every combination not already in the log at `log_path`; return all trials.

    `evaluate(params)` returns a mapping of metrics (it must include `val_accuracy`). A trial is
    written to the log the moment it finishes, so a killed search loses at most the trial in progress.
    `context` (data checksum, epochs, ...) is part of each trial's key: a log written under other
    settings is never mistaken for this search's trials.
    """
    trials = TrialLog(log_path)
    done = trials.done()
    todo = combinations(grid)
    ctx = dict(context or {})
    key = lambda p: trial_key({"params": p, "context": ctx})
    if trials.dropped_partial_line:
        log(f"{log_path}: dropped a half-written last line (an interrupted write); that trial runs again")
    skipped = sum(key(p) in done for p in todo)
    if skipped:
        log(f"resuming: {skipped} of {len(todo)} trials already in {log_path}")
    for i, params in enumerate(todo, 1):
        if key(params) in done:
            continue
        t0 = time.time()
        result = dict(evaluate(params))
        result["wall_seconds"] = round(time.time() - t0, 2)
        done[key(params)] = trials.append(key(params), params, result)
        log(f"trial {i}/{len(todo)} {params}: val accuracy {result['val_accuracy']:.4f} ({result['wall_seconds']:.0f} s)")
    rows = [{**done[key(p)]["params"], **{k: v for k, v in done[key(p)].items() if k not in ("key", "params")}}
            for p in todo]
    return pd.DataFrame(rows)


def best(trials: pd.DataFrame, params: list[str], metric: str = "val_accuracy") -> dict[str, Any]:
    """The parameters of the best trial by `metric` on validation (ties: the first in grid order)."""
    i = trials[metric].idxmax()
    return {k: _plain(trials.at[i, k]) for k in params}  # per column, so integers stay integers


def _plain(v):
    return v.item() if hasattr(v, "item") else v
