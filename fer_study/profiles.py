"""The study's settings: the `smoke`, `cpu` and `paper` profiles, defined here and only here.

A notebook or the CLI may override named keys; an unknown key is an error. Every profile lists
what it reduces against the papers, so no reduced run can pass for a full one.
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any, Mapping

# Settings shared by every profile unless the profile says otherwise.
_BASE: dict[str, Any] = {
    "seed": 0,
    # Speed settings (issue 6): batches per backend call, and the Keras dtype policy. BENCHMARKS.md
    # measures both (1 vs 32 steps per execution, float32 vs bfloat16) on the machine it ran on.
    "steps_per_execution": 32,
    "precision": "float32",
    # 01 data exploration
    "sample_grid_per_class": 8,
    # Real FER2013 faces are drawn only when asked, so results/ (committed) never carries dataset images.
    "show_real_faces": False,
    "find_duplicates": True,
    # 02 downsampling: paper A section 2.2-2.3
    "a_classes": ["angry", "happy", "neutral", "sad"],
    "a_test_fraction": 0.2,
    # 03 basic vs improved CNN: paper A Table 1 (Adam, lr 0.001, 100 epochs, batch 16)
    "a_epochs": 100,
    "a_batch_size": 16,
    "a_learning_rate": 0.001,
    "a_seeds": [0, 1, 2],
    "a_filters_basic": [32, 64],  # not in the paper: our choice
    "a_filters_improved": [32, 64, 128, 256],  # not in the paper: our choice
    "a_kernel_size": 3,  # not in the paper: our choice
    "a_dense": 128,  # not in the paper: our choice
    "a_dropout": 0.2,
    # Fig. 7's reading (see nn/architectures.improved_cnn): conv+ReLU then BN (Table 1's order) and
    # BN on the dense layer too; the first reading ("bn_relu", no dense BN) leaves the dense units dead.
    "a_improved_order": "relu_bn",
    "a_improved_dense_bn": True,
    "a_block_dropout": 0.0,  # dropout after every conv block; 0 = Table 1's single dropout (sensitivity reading: 0.2)
    "a_val_fraction": 0.1,  # carved from the training part for the curves (Fig. 8/9)
    "a_eval_per_class": 50,  # Table 2's 200 images = 50 per class
    "a_bootstrap": 2000,
    "a_official_split": True,
    "a_official_seeds": [0, 1, 2],  # seeds of the same models on the official split (beyond the paper)
    # 04 grid search over Table 1's hyperparameters (the paper does not give its grid: ours)
    "a_grid": {"learning_rate": [0.001, 0.0001], "batch_size": [16, 64], "dropout": [0.2, 0.5], "n_conv": [3, 4]},
    "a_grid_epochs": 30,
    "a_grid_train_images": 0,  # 0 = the whole selection-train part
    # 05 paper B: the GA of section 2.2 and section 3 (population 10, 3 generations, cx 0.2, mut 0.1, elitism)
    "b_protocols": ["paper", "clean"],
    "b_population": 10,
    "b_generations": 3,
    "b_cxpb": 0.2,
    "b_mutpb": 0.1,
    "b_elite": 1,  # "elitism": how many is not stated (our choice)
    "b_tournament": 3,  # selection operator not stated beyond "higher scores, greater chance" (our choice)
    "b_gene_mutation_prob": 0.2,  # per-gene redraw probability inside a mutant (our choice)
    "b_filters_max_exp": 10,  # filters 2 .. 2**10 = 1024 (Table 1)
    "b_kernel_max": 9,
    "b_lr_range": [0.001, 0.01],
    "b_epochs": 30,  # not stated in paper B (our choice)
    "b_batch_size": 64,  # not stated in paper B (our choice)
    "b_dense": 256,  # not stated (our choice)
    "b_dropout_conv": 0.25,  # not stated (our choice)
    "b_dropout_dense": 0.5,  # not stated (our choice)
    "b_train_images": 0,  # 0 = the protocol's whole training part
    "b_template": "blocks3",  # our reading of the missing Fig. 2 (nn/architectures.paper_b_cnn); "plain6" = the sensitivity reading
    "b_bootstrap": 2000,  # bootstrap resamples for paper B's intervals
    "b_seeds": [0, 1, 2],  # seeds for the final retrains (GA winner, Table 2 genome)
    "b_random_search": True,
    # Where sets of independent trainings run (seeds, grid trials, a GA generation): inprocess |
    # pool | dask. (The b_executor/b_workers/b_scheduler names of the first round still work.)
    "executor": "inprocess",
    "workers": 2,
    "scheduler": "",  # a Dask scheduler address; empty = a LocalCluster on this machine
    # 07 detection (paper A section 2.6): models saved by 03 and 05, photos shipped with scikit-image
    "d_models": ["improved-cnn", "basic-cnn", "ga-best"],
    "d_min_neighbours": 10,
    "d_fps_repeats": 20,
}

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
        "b_seeds": [0],
        "d_fps_repeats": 3,
    },
    "cpu": {
        "description": "The verdict-grade study on real FER2013 on 2 CPU cores (hours of training, stored "
                       "under results/cpu/runs/ so a rerun trains nothing).",
        "a_epochs": 30,
        "a_official_seeds": [0],
        "a_grid_epochs": 6,
        "b_filters_max_exp": 5,
        "b_epochs": 2,
        "b_train_images": 5000,
    },
    "paper": {
        "description": "The papers' own settings, for a GPU box.",
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
        "a_grid_epochs": "1 epoch per grid trial instead of 30",
        "b_population": "population 4 instead of paper B's 10",
        "b_generations": "1 generation instead of 3",
        "b_filters_max_exp": "filters up to 16 instead of 1024",
        "b_kernel_max": "kernels up to 5 instead of 9",
        "b_epochs": "1 epoch per genome instead of 30",
        "b_train_images": "400 training images per genome instead of the whole training part",
        "b_seeds": "1 seed for the final retrains instead of 3",
        "d_fps_repeats": "frames per second from 3 repetitions instead of 20",
    },
    "cpu": {
        "a_epochs": "30 of paper A's 100 epochs (notebooks 03 and 04's final retrains)",
        "a_official_seeds": "1 seed on the official split (beyond the paper)",
        "a_grid_epochs": "6 epochs per grid trial (the paper gives no grid budget; the paper profile uses 30)",
        "b_filters_max_exp": "filters up to 32 instead of 1024 (a 1024-filter 9x9 layer at 48x48 is out of reach on a CPU)",
        "b_epochs": "2 epochs per genome instead of 30",
        "b_train_images": "5000 training images per genome instead of the protocol's whole training part",
    },
    "paper": {},
}


class ProfileError(KeyError):
    """An unknown profile or override key, or an override of the wrong type."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


# Keys renamed since the first round; the old names keep working with --set and `overrides`.
RENAMED = {"b_executor": "executor", "b_workers": "workers", "b_scheduler": "scheduler"}


def names() -> list[str]:
    return list(PROFILES)


def resolve(profile: str, overrides: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """The settings of `profile` with `overrides` applied; read-only."""
    if profile not in PROFILES:
        raise ProfileError(f"unknown profile '{profile}' (choose from {', '.join(PROFILES)})")
    cfg = dict(_BASE)
    cfg.update(PROFILES[profile])
    overrides = {RENAMED.get(k, k): v for k, v in (overrides or {}).items()}
    for key, value in overrides.items():
        if key not in cfg or key == "description":
            raise ProfileError(f"unknown setting '{key}' for profile '{profile}' (known: {', '.join(sorted(k for k in cfg if k != 'description'))})")
        default = cfg[key]
        if default is not None and not _same_kind(default, value):
            raise ProfileError(f"setting '{key}' expects {type(default).__name__}, got {value!r}")
        cfg[key] = value
    cfg["profile"] = profile
    cfg["reductions"] = dict(REDUCTIONS[profile])
    cfg["overrides"] = dict(overrides or {})
    return MappingProxyType(cfg)


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, type(default))


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
    return out
