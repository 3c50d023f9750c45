"""Grid search: all combinations, selection by validation, a trial log that resumes without loss."""

import json

import pytest

from fer_study.search import grid
from fer_study.search.trial_log import SearchStateError, TrialLog

GRID = {"learning_rate": [0.01, 0.001], "batch_size": [16, 64], "dropout": [0.2, 0.5]}


def score(p):  # a pure stand-in for training: a known best at lr 0.001, batch 16, dropout 0.5
    return {"val_accuracy": 0.5 + (p["learning_rate"] == 0.001) * 0.2 + (p["batch_size"] == 16) * 0.1 + p["dropout"] * 0.1}


class Killed(RuntimeError):
    pass


def test_combinations_cover_the_grid_once():
    combos = grid.combinations(GRID)
    assert len(combos) == 8
    assert len({json.dumps(c, sort_keys=True) for c in combos}) == 8


def test_best_is_chosen_by_validation(tmp_path):
    trials = grid.run(GRID, score, tmp_path / "log.jsonl", log=lambda s: None)
    assert grid.best(trials, list(GRID)) == {"learning_rate": 0.001, "batch_size": 16, "dropout": 0.5}
    assert isinstance(grid.best(trials, list(GRID))["batch_size"], int)


def test_killed_search_resumes_and_loses_nothing(tmp_path):
    path, calls = tmp_path / "log.jsonl", []

    def dies_after_three(p):
        if len(calls) == 3:
            raise Killed
        calls.append(p)
        return score(p)

    with pytest.raises(Killed):
        grid.run(GRID, dies_after_three, path, log=lambda s: None)
    assert len(TrialLog(path).records) == 3  # each finished trial was on disk before the kill

    again = []
    resumed = grid.run(GRID, lambda p: again.append(p) or score(p), path, log=lambda s: None)
    assert len(again) == 5 and not any(p in calls for p in again)  # only the unfinished trials ran
    fresh = grid.run(GRID, score, tmp_path / "fresh.jsonl", log=lambda s: None)
    cols = list(GRID) + ["val_accuracy"]
    assert resumed[cols].equals(fresh[cols])


def test_half_written_last_line_is_dropped_and_rerun(tmp_path):
    path = tmp_path / "log.jsonl"
    grid.run(GRID, score, path, log=lambda s: None)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][: len(lines[-1]) // 2])  # killed mid-write
    ran = []
    grid.run(GRID, lambda p: ran.append(p) or score(p), path, log=lambda s: None)
    assert len(ran) == 1
    assert len(TrialLog(path).records) == 8


def test_corrupt_line_inside_the_log_is_a_clear_error(tmp_path):
    path = tmp_path / "log.jsonl"
    grid.run(GRID, score, path, log=lambda s: None)
    lines = path.read_text().splitlines()
    lines[2] = "{not json"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SearchStateError, match=r"log.jsonl: line 3 is not a trial record"):
        grid.run(GRID, score, path, log=lambda s: None)


def test_other_settings_never_reuse_logged_trials(tmp_path):
    path = tmp_path / "log.jsonl"
    grid.run(GRID, score, path, context={"epochs": 1}, log=lambda s: None)
    ran = []
    grid.run(GRID, lambda p: ran.append(p) or score(p), path, context={"epochs": 2}, log=lambda s: None)
    assert len(ran) == 8
