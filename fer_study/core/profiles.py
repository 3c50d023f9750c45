"""The study's profiles: `smoke`, `cpu` and `paper`, each a set of overrides of the typed defaults
in core/settings.py (where every setting's default, range and reason live).

A notebook or the CLI may override named keys; an unknown key, a wrong type or a value out of range
is an error naming the key. Every profile lists what it reduces against the papers, so no reduced
run can pass for a full one.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Mapping
from typing import Any

from fer_study.core import settings

PROFILES: dict[str, dict[str, Any]] = {
    "smoke": {
        "description": "The whole study in a few minutes on a laptop CPU (CI). Not a result.",
        "a_epochs": 3,
        "a_seeds": [0],
        "a_official_seeds": [0],
        "a_bootstrap": 200,
        "b_bootstrap": 200,
        "a_grid": {"learning_rate": [0.001], "batch_size": [16, 64], "dropout": [0.2], "n_conv": [3, 4]},
        "a_grid_epochs": 1,
        "b_population": 4,
        "b_generations": 1,
        "b_filters_max_exp": 4,
        "b_kernel_max": 5,
        "b_epochs": 1,
        "b_train_images": 400,
        "b_final_epochs": 1,
        "b_final_train_images": 400,
        "b_seeds": [0],
        "c_epochs": 1,
        "c_authors_max_epochs": 2,
        "c_authors_early_stop_patience": 1,
        "b_converge_max_epochs": 2,
        "b_converge_patience": 1,
        "c_seeds": [0],
        "c_authors_seeds": [0],
        "d_fps_repeats": 3,
    },
    "cpu": {
        "description": "The verdict-grade study on real FER2013 on 2 CPU cores (hours of training, stored "
        "under results/cpu/runs/ so a rerun trains nothing).",
        # Paper A's headline at its own 100 epochs (claims A1-A8, A20); what only compares readings
        # with each other stays at the 30 epochs stored earlier.
        "a_extra_epochs": 30,
        "a_official_seeds": [0],
        # Long searches: a fresh process per training keeps memory flat (BENCHMARKS.md); one at a
        # time, since one training already keeps both cores busy.
        "executor": "isolated",
        "workers": 1,
        "a_grid_epochs": 6,
        # The grid ranked by its mean over paper A's seeds: on one seed its winner and Table 1's
        # setting swap places from seed to seed (A11, issue 21).
        "a_grid_seeds": [0, 1, 2],
        "b_filters_max_exp": 5,
        "b_epochs": 3,
        "b_train_images": 8000,
        "b_final_epochs": 15,
        "b_seeds": [0],
        "c_epochs": 40,
        "c_plateau_patience": 5,
        "c_early_stop_patience": 12,
    },
    "paper": {
        "description": "The papers' own settings, for a GPU box.",
        "executor": "isolated",
        "workers": 1,
        # Paper A gives neither its grid nor its seeds; one seed cannot rank points a few points
        # apart (A11, issue 21), so the grid is ranked by its mean over paper A's seeds, as on cpu.
        "a_grid_seeds": [0, 1, 2],
    },
}

# What each profile reduces against the papers, in words, next to the settings it explains.
REDUCTIONS: dict[str, dict[str, str]] = {
    "smoke": {
        "a_epochs": "3 of paper A's 100 epochs",
        "a_seeds": "1 seed instead of 3: no spread, no confidence over seeds",
        "a_bootstrap": "200 bootstrap resamples instead of 2000",
        "b_bootstrap": "200 bootstrap resamples instead of 2000",
        "a_grid": "4 grid points instead of 16",
        "a_grid_epochs": "1 epoch per grid trial (the paper profile uses our 30)",
        "b_population": "population 4 instead of paper B's 10",
        "b_generations": "1 generation instead of 3",
        "b_filters_max_exp": "filters up to 16 instead of 1024",
        "b_kernel_max": "kernels up to 5 instead of 9",
        "b_epochs": "1 epoch per genome (paper B gives no number; the paper profile uses our 30)",
        "b_train_images": "400 training images per genome instead of the whole training part",
        "b_final_epochs": "1 epoch for the final retrains",
        "b_final_train_images": "400 training images for the final retrains instead of the whole training part",
        "c_epochs": "1 epoch for the control's clean row",
        "c_authors_max_epochs": "at most 2 epochs for the control on its authors' protocol (their run stopped at 189)",
        "c_authors_early_stop_patience": "early stop after 1 flat epoch instead of their 50",
        "b_converge_max_epochs": "at most 2 epochs for paper B's Table 2 genome instead of training until early stopping",
        "b_converge_patience": "early stop after 1 flat epoch instead of 10",
        "b_seeds": "1 seed for the final retrains instead of 3",
        "c_authors_seeds": "1 seed for the control on its authors' protocol instead of 3: no seed interval",
        "d_fps_repeats": "frames per second from 3 repetitions instead of 20",
    },
    "cpu": {
        "a_extra_epochs": "30 of paper A's 100 epochs for the runs beyond its headline (official split, the grid's "
        "retrain, the sensitivity readings); the headline runs train the paper's 100",
        "a_official_seeds": "1 seed on the official split (beyond the paper)",
        "a_grid_epochs": "6 epochs per grid trial (the paper gives no grid budget; the paper profile uses 30)",
        "b_filters_max_exp": "filters up to 32 instead of 1024 (a 1024-filter 9x9 layer at 48x48 is out of reach on a CPU)",
        "b_epochs": "3 epochs per genome in the searches (paper B gives no number; the paper profile uses our 30)",
        "b_train_images": "8000 training images per genome in the searches instead of the protocol's whole "
        "training part (the final retrains use all of it)",
        "b_final_epochs": "15 epochs for the final retrains (paper B gives no number; the paper profile uses our 30)",
        "b_seeds": "1 seed for the final retrains instead of 3: no spread over seeds",
        "c_epochs": "40 epochs for the control's clean row (its authors' protocol row runs until early stopping)",
        "c_plateau_patience": "clean row: learning rate cut after 5 flat epochs instead of 12 (scaled to 40 epochs)",
        "c_early_stop_patience": "clean row: early stop after 12 flat epochs instead of 50 (scaled to 40 epochs)",
    },
    "paper": {},
}


# An unknown profile or a bad override; kept under its first-round name for callers that catch it.
ProfileError = settings.SettingsError

# Keys renamed since the first round; the old names keep working with --set and `overrides`.
RENAMED = {"b_executor": "executor", "b_workers": "workers", "b_scheduler": "scheduler"}


def names() -> list[str]:
    return list(PROFILES)


def resolve(profile: str, overrides: Mapping[str, Any] | None = None) -> settings.Settings:
    """The typed, validated settings of `profile` with `overrides` applied, carrying the profile's
    name, description, reductions and the overrides themselves."""
    if profile not in PROFILES:
        raise ProfileError(f"unknown profile '{profile}' (choose from {', '.join(PROFILES)})")
    if overrides is not None and not isinstance(overrides, Mapping):
        # A notebook's `overrides` parameter given as a string ended in an AttributeError in a cell.
        raise ProfileError(
            f"overrides must map setting names to values (e.g. {{'a_epochs': 5}}), got {type(overrides).__name__} "
            f"{str(overrides)[:60]!r}"
        )
    values = settings.defaults()
    values.update({k: v for k, v in PROFILES[profile].items() if k != "description"})
    given = {RENAMED.get(k, k): v for k, v in (overrides or {}).items()}
    for key, value in given.items():
        if key not in values:
            close = difflib.get_close_matches(str(key), values, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ProfileError(
                f"unknown setting '{key}' for profile '{profile}' ({hint}known: {', '.join(sorted(values))})"
            )
        values[key] = value
    return dataclasses.replace(
        settings.build(values),
        profile=profile,
        description=PROFILES[profile]["description"],
        reductions=dict(REDUCTIONS[profile]),
        overrides=given,
    )


def parse_assignments(items: list[str]) -> dict[str, Any]:
    """Parse CLI `key=value` strings; values are JSON where they parse (numbers, lists, true), else text."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise ProfileError(f"--set expects key=value, got '{item}'")
        try:
            out[key] = json.loads(text)
        except ValueError:
            out[key] = text
        except RecursionError:  # issue 36: a nesting bomb ended in a traceback
            raise ProfileError(f"--set {key}: the value is nested too deeply to be a setting") from None
    return out
