"""The study's profiles: `smoke`, `cpu` and `paper`, each a set of overrides of the typed defaults
in core/settings.py (where every setting's default, range and reason live), in one table
(`PROFILES`): each override's value and its reason side by side, marked when it reduces the papers'
budget (the profile's `reductions`, derived from the table).

A notebook or the CLI may override named keys; an unknown key, a wrong type or a value out of range
is an error naming the key. Every profile lists what it reduces against the papers, so no reduced
run can pass for a full one.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fer_study.core import settings


@dataclass(frozen=True)
class Override:
    """One setting a profile changes: its value and why. `reduces`: a reduction against the papers,
    which every result of the profile lists (run.json, summaries, the report, the article), so no
    reduced run passes for a full one; False for a choice that reduces nothing (how work is spread)."""

    value: Any
    why: str
    reduces: bool = True


@dataclass(frozen=True)
class Profile:
    description: str
    overrides: dict[str, Override]

    @property
    def values(self) -> dict[str, Any]:
        return {k: o.value for k, o in self.overrides.items()}

    @property
    def reductions(self) -> dict[str, str]:
        """What the profile reduces against the papers, in words, in the table's order."""
        return {k: o.why for k, o in self.overrides.items() if o.reduces}


# The long profiles' executor (cpu and paper alike).
_ISOLATED = Override(
    "isolated", "a fresh process per training keeps memory flat over long searches (BENCHMARKS.md)", reduces=False
)

# The one table of profiles: every override of core/settings.py's defaults with its reason beside it.
PROFILES: dict[str, Profile] = {
    "smoke": Profile(
        "The whole study in a few minutes on a laptop CPU (CI). Not a result.",
        {
            "a_epochs": Override(3, "3 of paper A's 100 epochs"),
            "a_seeds": Override([0], "1 seed instead of 3: no spread, no confidence over seeds"),
            "a_bootstrap": Override(200, "200 bootstrap resamples instead of 2000"),
            "b_bootstrap": Override(200, "200 bootstrap resamples instead of 2000"),
            "a_grid": Override(
                {"learning_rate": [0.001], "batch_size": [16, 64], "dropout": [0.2], "n_conv": [3, 4]},
                "4 grid points instead of 16",
            ),
            "a_grid_epochs": Override(1, "1 epoch per grid trial (the paper profile uses our 30)"),
            "b_population": Override(4, "population 4 instead of paper B's 10"),
            "b_generations": Override(1, "1 generation instead of 3"),
            "b_filters_max_exp": Override(4, "filters up to 16 instead of 1024"),
            "b_kernel_max": Override(5, "kernels up to 5 instead of 9"),
            "b_epochs": Override(1, "1 epoch per genome (paper B gives no number; the paper profile uses our 30)"),
            "b_train_images": Override(400, "400 training images per genome instead of the whole training part"),
            "b_final_epochs": Override(1, "1 epoch for the final retrains"),
            "b_final_train_images": Override(
                400, "400 training images for the final retrains instead of the whole training part"
            ),
            "c_epochs": Override(1, "1 epoch for the control's clean row"),
            "c_authors_max_epochs": Override(
                2, "at most 2 epochs for the control on its authors' protocol (their run stopped at 189)"
            ),
            "c_authors_early_stop_patience": Override(1, "early stop after 1 flat epoch instead of their 50"),
            "b_converge_max_epochs": Override(
                2, "at most 2 epochs for paper B's Table 2 genome instead of training until early stopping"
            ),
            "b_converge_patience": Override(1, "early stop after 1 flat epoch instead of 10"),
            "b_seeds": Override([0], "1 seed for the final retrains instead of 3"),
            "c_authors_seeds": Override(
                [0], "1 seed for the control on its authors' protocol instead of 3: no seed interval"
            ),
            "d_fps_repeats": Override(3, "frames per second from 3 repetitions instead of 20"),
            "a_official_seeds": Override(
                [0], "one seed on the official split (beyond the paper), as on cpu", reduces=False
            ),
            "c_seeds": Override([0], "the control's clean row on one seed", reduces=False),
        },
    ),
    "cpu": Profile(
        "The verdict-grade study on real FER2013 on 2 CPU cores (hours of training, stored under results/cpu/runs/ so a rerun trains nothing).",
        {
            "a_extra_epochs": Override(
                30,
                "30 of paper A's 100 epochs for the runs beyond its headline (official split, the grid's retrain, the sensitivity readings); the headline runs train the paper's 100",
            ),
            "a_official_seeds": Override([0], "1 seed on the official split (beyond the paper)"),
            "a_grid_epochs": Override(
                6, "6 epochs per grid trial (the paper gives no grid budget; the paper profile uses 30)"
            ),
            "b_filters_max_exp": Override(
                5, "filters up to 32 instead of 1024 (a 1024-filter 9x9 layer at 48x48 is out of reach on a CPU)"
            ),
            "b_epochs": Override(
                3, "3 epochs per genome in the searches (paper B gives no number; the paper profile uses our 30)"
            ),
            "b_train_images": Override(
                8000,
                "8000 training images per genome in the searches instead of the protocol's whole training part (the final retrains use all of it)",
            ),
            "b_final_epochs": Override(
                15, "15 epochs for the final retrains (paper B gives no number; the paper profile uses our 30)"
            ),
            "b_seeds": Override([0], "1 seed for the final retrains instead of 3: no spread over seeds"),
            "c_epochs": Override(
                40, "40 epochs for the control's clean row (its authors' protocol row runs until early stopping)"
            ),
            "c_plateau_patience": Override(
                5, "clean row: learning rate cut after 5 flat epochs instead of 12 (scaled to 40 epochs)"
            ),
            "c_early_stop_patience": Override(
                12, "clean row: early stop after 12 flat epochs instead of 50 (scaled to 40 epochs)"
            ),
            "executor": _ISOLATED,
            "workers": Override(1, "one training at a time: one training already keeps both cores busy", reduces=False),
            "a_grid_seeds": Override(
                [0, 1, 2],
                "the grid ranked by its mean over paper A's seeds: on one seed its winner and Table 1's setting swap places from seed to seed (A11, issue 21)",
                reduces=False,
            ),
        },
    ),
    "paper": Profile(
        "The papers' own settings, for a GPU box.",
        {
            "executor": _ISOLATED,
            "workers": Override(1, "one training per GPU at a time", reduces=False),
            "a_grid_seeds": Override(
                [0, 1, 2],
                "paper A gives neither its grid nor its seeds; one seed cannot rank points a few points apart (A11, issue 21), so the grid is ranked by its mean over paper A's seeds, as on cpu",
                reduces=False,
            ),
        },
    ),
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
    values.update(PROFILES[profile].values)
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
        description=PROFILES[profile].description,
        reductions=PROFILES[profile].reductions,
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
