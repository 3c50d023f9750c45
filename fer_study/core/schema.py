"""The declared layout of every notebook's summary (`summaries/<notebook>.json`, key "facts").

A notebook fills one of these dataclasses; `report.Outputs.summary` writes it (with settings and
provenance beside it); readers (notebook 07, the claims, the README script) check a summary against
its class when they load it, so a missing or renamed field is an error naming the field and the
file, not a silently missing number. Nested values are plain JSON (dicts, lists, numbers); the
claims' paths into them are checked where they are read (`reporting.claims.lookup`).

Bump `VERSION` when a field is added, renamed or moved: `load` refuses a summary of another
version, naming the file and both versions, so no reader mixes two layouts.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The layout of summaries/<notebook>.json that this code writes and reads. 4: paper A's curve
# evidence (the noise-aware rule), paper B's early-stopped Table 2 genome, the control's authors'
# protocol, held-out health flags.
VERSION = 4


class SchemaError(ValueError):
    """A summary that does not match its declared layout; the message names the file and field."""


@dataclass(frozen=True)
class Exploration:  # 01_data_exploration
    counts: dict  # split -> class -> images
    count_differences: list  # rows where a split/class count differs from FER2013's known one
    duplicates: dict  # "exact" and "near": images, groups, across splits
    near_constant_images: int


@dataclass(frozen=True)
class Downsampling:  # 02_downsampling
    pooled_counts: dict  # paper A's four classes over all splits
    smallest_class: str
    per_class_after_downsampling: int
    paper_states_per_class: int  # paper A's 5,000
    paper_a_split: dict  # part -> class -> images
    official_split: dict
    split_files: list  # splits/<name>.npz written for notebooks 03 and 04 to check against


@dataclass(frozen=True)
class PaperA:  # 03_basic_vs_improved
    paper_a_split: dict  # headline (per model: measures with named intervals, curve evidence), tests, n
    official_split: dict | None  # the same on the official split, None when a_official_split is off
    audit: dict  # paper A's Tables 2-3 recomputed from their totals
    forensics: list  # protocol slips (experiments.forensics.paper_a)
    wall_seconds_training: float
    wall_seconds_training_official: float | None
    run_keys: list  # the stored runs this summary rests on


@dataclass(frozen=True)
class Grid:  # 04_grid_search
    grid: dict
    n_trials: int
    epochs_per_trial: int
    n_selection_train: int
    n_validation: int
    best_params: dict
    best_val_accuracy: float
    table1: dict
    best_matches_table1: dict
    table1_vs_best: dict  # the winner against Table 1's setting on the same validation images (paper_a.grid_vs_table1)
    best_retrained: dict
    wall_seconds_search: float
    wall_seconds_retrain: float
    run_keys: list


@dataclass(frozen=True)
class GeneticSearch:  # 05_ga_search
    protocols: dict  # name -> sizes, whether it selects on the reported images, description
    generations: dict  # protocol -> logbook records (best, mean, std, trainings, seconds)
    best_genome: dict
    best_fitness: dict  # protocol -> a maximum over the search's evaluations
    random_search_best: dict
    n_trainings: dict
    search_power: dict  # protocol -> can the search rank genomes at this budget
    final: dict  # "protocol/genome" -> retrained accuracy with its named interval and curve evidence
    time_arithmetic: dict  # paper B's Table 3 times against its stated total
    forensics: list  # protocol slips (experiments.forensics.paper_b)
    wall_seconds: dict  # protocol -> this pass's wall time of the searches (seconds when loaded from the store)
    train_seconds: dict  # protocol -> what the searches' trainings took when they ran (GA + random)
    generation_train_seconds: dict  # protocol -> generation -> its GA trainings' time when they ran
    wall_seconds_retrains: float
    run_keys: list


@dataclass(frozen=True)
class Controls:  # 06_controls
    control: dict | None  # the positive control's summary, None when c_enabled is off
    sensitivity: list | None  # one row per reading, None when c_sensitivity is off
    run_keys: list


@dataclass(frozen=True)
class Comparison:  # 07_comparison
    claims: list  # one row per claim of the registry, with its verdict
    verdicts: dict  # verdict -> count
    table4: list
    inconsistencies: list
    sources: dict  # notebook -> profile, data sha256, commit


@dataclass(frozen=True)
class Detection:  # 08_detection
    faces_found: dict  # photo -> faces found
    predictions: list
    models: dict  # saved model name -> what made it
    note: str


BY_NOTEBOOK: dict[str, type] = {
    "01_data_exploration": Exploration,
    "02_downsampling": Downsampling,
    "03_basic_vs_improved": PaperA,
    "04_grid_search": Grid,
    "05_ga_search": GeneticSearch,
    "06_controls": Controls,
    "07_comparison": Comparison,
    "08_detection": Detection,
}


def as_facts(notebook: str, facts: Any) -> dict:
    """The JSON body of `facts`, which must be the declared class of `notebook`."""
    cls = BY_NOTEBOOK.get(notebook)
    if cls is None:
        raise SchemaError(f"no declared summary layout for notebook '{notebook}' (add one to fer_study.core.schema)")
    if not isinstance(facts, cls):
        raise SchemaError(f"notebook {notebook} must write a {cls.__name__} summary, got {type(facts).__name__}")
    return {f.name: getattr(facts, f.name) for f in dataclasses.fields(cls)}


def check(notebook: str, facts: dict, path) -> None:
    """Raise SchemaError naming `path` and the field when `facts` lacks a declared field or has
    one the schema does not know (a renamed field shows as both)."""
    cls = BY_NOTEBOOK.get(notebook)
    if cls is None:
        return
    declared = {f.name for f in dataclasses.fields(cls)}
    missing = sorted(declared - set(facts))
    unknown = sorted(set(facts) - declared)
    if missing:
        raise SchemaError(f"{path}: no field '{missing[0]}' (declared in fer_study.core.schema.{cls.__name__})")
    if unknown:
        raise SchemaError(
            f"{path}: unknown field '{unknown[0]}' (not in fer_study.core.schema.{cls.__name__}; renamed?)"
        )


def load(path) -> dict:
    """A summary file (settings, data, facts), checked: valid JSON, this code's `VERSION`, and
    its notebook's declared layout. Anything else is a SchemaError naming the file."""
    path = Path(path)
    try:
        body = json.loads(path.read_text())
    except ValueError as err:
        raise SchemaError(f"{path}: not valid JSON ({err})") from None
    check_body(body, path)
    return body


def check_body(body: Any, path) -> None:
    """A summary's body against this code's `VERSION` and its notebook's declared layout."""
    path = Path(path)
    if not isinstance(body, dict) or "facts" not in body:
        raise SchemaError(f"{path}: not a summary (no 'facts')")
    version = body.get("schema_version", 1)
    if version != VERSION:
        raise SchemaError(
            f"{path}: summary schema {version}, but this code reads schema {VERSION}; re-run notebook "
            f"{path.stem[:2]} (or `fer-study run`) to rewrite it"
        )
    check(path.stem, body["facts"], path)
