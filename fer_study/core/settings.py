"""Every setting of the study, typed, with its default and why, one frozen dataclass per stage.

Profiles (fer_study/core/profiles.py) are overrides of these defaults; `--set key=value` and a
notebook's `overrides` are overrides of a profile. The flat key names (`a_epochs`, `b_population`)
are the settings' names everywhere: on the command line, in notebooks, in summaries. Every value is
validated before anything runs: an unknown key, a wrong type or a value out of range is refused,
naming the key (the CLI exits with status 2 and writes nothing).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
import math
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fer_study.core.labels import CLASSES
from fer_study.core.papers import PAPER_A_PROTOCOL, PAPER_A_TABLE1, PAPER_B_GA, PAPER_B_TABLE1

# Upper bounds that catch a typo before hours are spent (a_epochs=1e9), and the range numpy's and
# Keras's seeds accept.
MAX_EPOCHS = 100_000
SEED_MAX = 2**32 - 1
# Bounds where a paper gives none, so an absurd value is refused before a run writes anything
# (issue 36: a_kernel_size=1000 allocated a 1000x1000 kernel until the machine ran out of memory).
MAX_CONV_BLOCKS = 5  # 48x48 halved by each block's 2x2 pooling: 24, 12, 6, 3, 1; a sixth leaves no pixel
MAX_KERNEL = 15  # paper A uses 3, paper B's Table 1 tops out at 9
MAX_UNITS = 65_536  # filters or dense units per layer
MAX_IMAGES = 10_000_000  # any image count (FER2013 has 35,887)
MAX_PATIENCE = MAX_EPOCHS
MAX_LEARNING_RATE = 10.0  # Adam at 10 diverges at once; the papers use 1e-4 to 1e-2
# The names notebooks 03 and 05 save models under (models/<name>.json), which notebook 08 reads.
MODEL_NAMES = ("improved-cnn", "basic-cnn", "ga-best")


class SettingsError(KeyError):
    """An unknown, mistyped or out-of-range setting; the message names it."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def rule(default: Any, **checks: Any):
    """A field with its default and its range checks (min, max, gt, lt, choices, nonempty, unique,
    items)."""
    if isinstance(default, (list, dict)):
        return field(default_factory=functools.partial(_copy, default), metadata=checks)
    return field(default=default, metadata=checks)


def _copy(v):
    return {k: list(x) for k, x in v.items()} if isinstance(v, dict) else list(v)


@dataclass(frozen=True)
class Runtime:
    seed: int = rule(0, min=0, max=SEED_MAX)  # splits, downsampling and the GA's draws; training seeds are per stage
    # Batches per backend call: a speed setting (same batches, same updates), measured in BENCHMARKS.md.
    steps_per_execution: int = rule(32, min=1, max=100_000)
    precision: str = rule("float32", choices=("float32", "mixed_bfloat16", "mixed_float16"))  # Keras dtype policy
    # Where sets of independent trainings run (seeds, grid trials, a GA generation).
    # "isolated" trains each model in a fresh process: flat memory over long searches; "auto" is
    # in-process for a handful of trainings and isolated beyond (search/executors.resolve).
    executor: str = rule("auto", choices=("auto", "inprocess", "pool", "isolated", "dask"))
    workers: int = rule(2, min=1, max=256)  # processes of the pool or the local Dask cluster
    scheduler: str = rule("")  # a Dask scheduler address; empty = a LocalCluster on this machine


@dataclass(frozen=True)
class Data:
    sample_grid_per_class: int = rule(8, min=1, max=100)  # faces per class in notebook 01's sample grid
    # Real FER2013 faces are drawn only when asked, so results/ (committed) never carries dataset images.
    show_real_faces: bool = rule(False)
    find_duplicates: bool = rule(True)  # exact and near duplicates (notebook 01; paper B says it removed them)


@dataclass(frozen=True)
class PaperA:
    a_classes: list = rule(
        ["angry", "happy", "neutral", "sad"], nonempty=True, unique=True, items={"choices": CLASSES}
    )  # section 2.2
    a_test_fraction: float = rule(
        PAPER_A_PROTOCOL["test_fraction"], min=0.01, max=0.9
    )  # the 80/20 split of section 2.3
    a_epochs: int = rule(
        PAPER_A_TABLE1["epochs"], min=1, max=MAX_EPOCHS
    )  # Table 1: the headline runs (notebook 03, paper A's 80/20 split)
    # Paper A's runs beyond its headline (the official split, the grid's retrain, the sensitivity
    # readings) compare readings with each other, not with the paper's epochs; 0 = a_epochs.
    a_extra_epochs: int = rule(0, min=0, max=MAX_EPOCHS)
    a_batch_size: int = rule(PAPER_A_TABLE1["batch_size"], min=1, max=65_536)  # Table 1
    a_learning_rate: float = rule(PAPER_A_TABLE1["learning_rate"], gt=0, max=MAX_LEARNING_RATE)  # Table 1 (Adam)
    a_seeds: list = rule(
        [0, 1, 2], nonempty=True, unique=True, items={"min": 0, "max": SEED_MAX}
    )  # ours: the paper reports one run
    a_filters_basic: list = rule(
        [32, 64], nonempty=True, max_len=MAX_CONV_BLOCKS, items={"min": 1, "max": MAX_UNITS}
    )  # not in the paper: our choice
    a_filters_improved: list = rule(
        [32, 64, 128, 256], nonempty=True, max_len=MAX_CONV_BLOCKS, items={"min": 1, "max": MAX_UNITS}
    )  # not in the paper: our choice
    a_kernel_size: int = rule(3, min=1, max=MAX_KERNEL)  # not in the paper: our choice
    a_dense: int = rule(128, min=1, max=MAX_UNITS)  # not in the paper: our choice
    a_dropout: float = rule(PAPER_A_TABLE1["dropout"], min=0, lt=1)  # Table 1, "in this layer" (the dense layer)
    # Fig. 7's reading (nn/architectures.improved_cnn): conv+ReLU then BN (Table 1's order) and BN
    # on the dense layer too; the first reading ("bn_relu", no dense BN) leaves the dense units dead.
    a_improved_order: str = rule("relu_bn", choices=("relu_bn", "bn_relu"))
    a_improved_dense_bn: bool = rule(True)
    a_block_dropout: float = rule(0.0, min=0, lt=1)  # dropout after every conv block; 0 = Table 1's single dropout
    a_val_fraction: float = rule(0.1, min=0.01, max=0.9)  # carved from the training part for the curves (Fig. 8/9)
    a_eval_per_class: int = rule(
        PAPER_A_PROTOCOL["eval_images"] // PAPER_A_PROTOCOL["classes"], min=1, max=MAX_IMAGES
    )  # Table 2's 200 images = 50 per class
    a_bootstrap: int = rule(2000, min=1, max=1_000_000)  # bootstrap resamples for paper A's intervals
    a_official_split: bool = rule(True)  # the same models on the official split (beyond the paper)
    a_official_seeds: list = rule([0, 1, 2], nonempty=True, unique=True, items={"min": 0, "max": SEED_MAX})

    @property
    def extra_epochs(self) -> int:
        """Epochs of the runs beyond the headline: `a_extra_epochs`, or the headline's when 0."""
        return self.a_extra_epochs or self.a_epochs


GRID_KEYS = ("learning_rate", "batch_size", "dropout", "n_conv")


@dataclass(frozen=True)
class Grid:
    # Table 1's hyperparameters; the paper does not give its grid, so this one is ours.
    a_grid: dict = rule(
        {"learning_rate": [0.001, 0.0001], "batch_size": [16, 64], "dropout": [0.2, 0.5], "n_conv": [3, 4]},
        nonempty=True,
        keys=GRID_KEYS,
    )
    a_grid_epochs: int = rule(30, min=1, max=MAX_EPOCHS)  # per trial
    # Training seeds of every grid point; empty = the study's seed alone. With several, each point is
    # trained once per seed and the grid is ranked by its mean over them: one seed's ranking of points
    # a few points apart is noise (issue 21, A11: the choice decided "with significance across seeds").
    a_grid_seeds: list = rule([], unique=True, items={"min": 0, "max": SEED_MAX})
    a_grid_train_images: int = rule(0, min=0, max=MAX_IMAGES)  # 0 = the whole selection-train part


@dataclass(frozen=True)
class PaperB:
    b_protocols: list = rule(["paper", "clean"], nonempty=True, unique=True, items={"choices": ("paper", "clean")})
    b_population: int = rule(PAPER_B_GA["population"], min=2, max=10_000)  # section 3
    b_generations: int = rule(PAPER_B_GA["generations"], min=0, max=1_000)  # section 3 (0: the initial population only)
    b_cxpb: float = rule(PAPER_B_GA["cxpb"], min=0, max=1)  # section 3
    b_mutpb: float = rule(PAPER_B_GA["mutpb"], min=0, max=1)  # section 3
    b_elite: int = rule(1, min=0, max=10_000)  # "elitism": how many is not stated (our choice)
    b_tournament: int = rule(3, min=1, max=10_000)  # selection "higher scores, greater chance": tournament (our choice)
    b_gene_mutation_prob: float = rule(0.2, min=0, max=1)  # per-gene redraw inside a mutant (our choice)
    b_filters_max_exp: int = rule(
        PAPER_B_TABLE1["filters_max"].bit_length() - 1, min=1, max=10
    )  # filters 2 .. 2**10 = 1024 (Table 1)
    b_kernel_max: int = rule(PAPER_B_TABLE1["kernel_max"], min=1, max=MAX_KERNEL)  # Table 1
    b_lr_range: list = rule(
        PAPER_B_TABLE1["learning_rate_range"], items={"gt": 0, "max": MAX_LEARNING_RATE}, length=2
    )  # Table 1
    b_epochs: int = rule(30, min=1, max=MAX_EPOCHS)  # per genome during the search; not stated in paper B (our choice)
    b_batch_size: int = rule(64, min=1, max=65_536)  # not stated in paper B (our choice)
    b_dense: int = rule(256, min=1, max=MAX_UNITS)  # not stated (our choice)
    b_dropout_conv: float = rule(0.25, min=0, lt=1)  # not stated (our choice)
    b_dropout_dense: float = rule(0.5, min=0, lt=1)  # not stated (our choice)
    b_train_images: int = rule(
        0, min=0, max=MAX_IMAGES
    )  # per genome during the search; 0 = the protocol's whole training part
    # The final retrains (paper B's Table 2 genome, the GA winner) are what the headline rests on, so
    # they get their own budget: a reduced profile may search cheaply and still retrain in full.
    b_final_epochs: int = rule(30, min=1, max=MAX_EPOCHS)
    b_final_train_images: int = rule(0, min=0, max=MAX_IMAGES)  # 0 = the protocol's whole training part (paper B's)
    # Our reading of the missing Fig. 2 (nn/architectures.paper_b_cnn); "plain6" = the sensitivity reading.
    b_template: str = rule("blocks3", choices=("blocks3", "plain6"))
    b_bootstrap: int = rule(2000, min=1, max=1_000_000)  # bootstrap resamples for paper B's intervals
    b_seeds: list = rule(
        [0, 1, 2], nonempty=True, unique=True, items={"min": 0, "max": SEED_MAX}
    )  # final retrains (GA winner, Table 2 genome)
    # Paper B states no epochs, so no fixed budget can decide its Table 2 genome's claims (B2, B2c,
    # B3.3): it trains until early stopping on the validation loss of a carve-out of the protocol's
    # training part (never the reported images), with the best epoch's weights restored.
    b_table2_converge: bool = rule(True)
    b_converge_patience: int = rule(
        10, min=1, max=MAX_PATIENCE
    )  # epochs without a lower validation loss before stopping
    b_converge_max_epochs: int = rule(200, min=1, max=MAX_EPOCHS)  # a cap that a converging run should never reach
    b_converge_val_fraction: float = rule(0.1, min=0.01, max=0.9)  # carved from the training part (stratified)
    b_random_search: bool = rule(True)  # an equal-budget random search beside the GA


@dataclass(frozen=True)
class Control:
    """The positive control (notebook 06): Mini-Xception (Arriaga et al. 2017; paper B's Table 4
    ref [45], 66.00 %) trained through the same pipeline on the official split with its own recipe,
    and the sensitivity readings of what the papers leave out."""

    c_enabled: bool = rule(True)
    # The clean row (schedule on a carve-out of Training, PrivateTest reported once): our budget.
    c_epochs: int = rule(200, min=1, max=MAX_EPOCHS)
    c_batch_size: int = rule(32, min=1, max=65_536)  # their recipe
    c_learning_rate: float = rule(0.001, gt=0, max=MAX_LEARNING_RATE)  # their recipe (Adam's default)
    c_plateau_patience: int = rule(
        12, min=0, max=MAX_PATIENCE
    )  # their ReduceLROnPlateau: patience / 4 with patience 50
    c_early_stop_patience: int = rule(50, min=0, max=MAX_PATIENCE)  # their EarlyStopping patience
    c_val_fraction: float = rule(0.2, min=0.01, max=0.9)  # the clean row's validation carve-out of Training
    c_augment: bool = rule(True)  # their ImageDataGenerator: rotation 10, shifts 0.1, zoom 0.1, flips
    c_seeds: list = rule([0], nonempty=True, unique=True, items={"min": 0, "max": SEED_MAX})
    # The authors' protocol (their train_emotion_classifier.py), the row that answers "does the
    # pipeline reproduce a published number?": all of Training fits; the last 20 % of fer2013.csv,
    # i.e. PublicTest + PrivateTest, schedules the learning rate, stops early and picks the
    # checkpoint (lowest validation loss), and that checkpoint's accuracy there is their 66 %.
    c_authors: bool = rule(True)
    # Its seeds, apart from the clean row's c_seeds: the verdict reads their mean and, with two or more,
    # carries a t-interval over them (core/rulebook.CONTROL, written before seeds 1 and 2 trained).
    c_authors_seeds: list = rule([0, 1, 2], nonempty=True, unique=True, items={"min": 0, "max": SEED_MAX})
    c_authors_max_epochs: int = rule(
        10000, min=1, max=MAX_EPOCHS
    )  # their cap; early stopping ends it (their log: 189 epochs)
    c_authors_input_size: int = rule(64, min=48, max=256)  # their input size (48x48 crops resized)
    c_authors_separable_l2: bool = rule(False)  # what their code built (nn/architectures.mini_xception)
    c_authors_early_stop_patience: int = rule(50, min=1, max=MAX_PATIENCE)  # their EarlyStopping
    c_authors_plateau_patience: int = rule(12, min=1, max=MAX_PATIENCE)  # their ReduceLROnPlateau: int(50 / 4)
    # Sensitivity to the papers' gaps: one seed each of paper A's first Fig. 7 reading, of dropout
    # after every conv block, and of paper B's Table 2 genome in the plain six-conv template.
    c_sensitivity: bool = rule(True)
    c_block_dropout: float = rule(0.2, min=0, lt=1)  # the block-dropout reading's rate (= Table 1's dropout)


@dataclass(frozen=True)
class Verdicts:
    """When a number below the paper's counts as "not reproduced" rather than "inconclusive at this
    budget" (notebook 07). The curve rule (nn/metrics.curve_trend, reachable): one slope over the
    last epochs of every seed, with its 95 % interval, extrapolated to the paper's epochs at its
    upper end; the paper's value above that reachable value is "not reproduced". Settled with its
    tests before the 100-epoch runs it judges (README, "Verdicts")."""

    # The validation carve-out of paper A (1,585 images) has a binomial standard error of about 1.2
    # points per epoch: a slope needs at least 10 epochs to be told from that noise.
    v_curve_min_window: int = rule(10, min=3, max=MAX_EPOCHS)
    # Half the run: late enough to leave the early climb out, long enough to average the noise.
    v_curve_window_share: float = rule(0.5, gt=0, max=1)
    v_curve_confidence: float = rule(0.95, gt=0.5, lt=1)  # the slope's interval
    # Seeds differ in level by about their standard deviation; twice it covers a lucky seed.
    v_spread_factor: float = rule(2.0, min=0, max=100)
    # A search whose genomes mostly sit at chance cannot rank them: its claims are inconclusive.
    v_near_chance_share: float = rule(0.5, min=0, max=1)
    # What an inconclusive search claim would cost on a GPU is scaled by training FLOPs at this
    # sustained rate: an assumption (no GPU was lent to measure it), about a fifth of an H100/H200's
    # dense TF32 rate, which small convolutions at 48x48 rarely exceed.
    v_gpu_tflops: float = rule(20.0, gt=0, max=1e6)


@dataclass(frozen=True)
class Detection:
    d_models: list = rule(
        list(MODEL_NAMES), unique=True, items={"choices": MODEL_NAMES}
    )  # models saved by notebooks 03 and 05
    d_min_neighbours: int = rule(10, min=1, max=100)  # detector strictness
    d_fps_repeats: int = rule(20, min=1, max=10_000)


@dataclass(frozen=True)
class Figures:
    # "screen": each figure at the width its content needs, titled, with the data/profile stamp (what
    # the notebooks and the report show). "paper": every figure laid out for one column of a
    # two-column paper (3.35 in wide, no text under 7 pt at that size), no title (a caption says
    # it) and no stamp, so it pastes into a paper as it is. Rendering only: no training depends on it.
    fig_style: str = rule("screen", choices=("screen", "paper"))


STAGES = {
    "runtime": Runtime,
    "data": Data,
    "paper_a": PaperA,
    "grid": Grid,
    "paper_b": PaperB,
    "control": Control,
    "verdicts": Verdicts,
    "detection": Detection,
    "figures": Figures,
}


@dataclass(frozen=True)
class Settings:
    """A resolved profile: one object per stage, and where it came from. Code reads attributes
    (`st.paper_a.a_epochs`); the flat key names exist for the command line (`--set`), notebooks'
    `overrides` and the JSON written beside every summary."""

    runtime: Runtime
    data: Data
    paper_a: PaperA
    grid: Grid
    paper_b: PaperB
    control: Control
    verdicts: Verdicts
    detection: Detection
    figures: Figures
    # Where the values came from (core/profiles.resolve fills these): words for the reader, not
    # settings, so no training depends on them.
    profile: str = "custom"
    description: str = ""
    reductions: dict = field(default_factory=dict)  # key -> what the profile reduces against the papers
    overrides: dict = field(default_factory=dict)  # key -> value given on top of the profile

    def flat(self) -> dict[str, Any]:
        """Every setting by its flat key (no profile words)."""
        out: dict[str, Any] = {}
        for stage in STAGES:
            out.update(dataclasses.asdict(getattr(self, stage)))
        return out

    def to_json(self) -> dict[str, Any]:
        """What a summary records as its settings: every key, then the profile's words."""
        return {
            **self.flat(),
            "profile": self.profile,
            "description": self.description,
            "reductions": dict(self.reductions),
            "overrides": dict(self.overrides),
        }

    def replace(self, **changes: Any) -> Settings:
        """A variant with `changes` (flat keys), validated like any profile: a sensitivity reading
        is a Settings too, never a hand-merged mapping."""
        new = build({**self.flat(), **changes})
        return dataclasses.replace(
            new,
            profile=self.profile,
            description=self.description,
            reductions=dict(self.reductions),
            overrides={**self.overrides, **changes},
        )


def defaults() -> dict[str, Any]:
    """Every key with its default value."""
    return Settings(**{name: cls() for name, cls in STAGES.items()}).flat()


def from_json(values: Mapping[str, Any]) -> Settings:
    """The typed settings a summary recorded (`Settings.to_json`), validated; a key the summary
    lacks takes its default, a key no setting has is an error naming it."""
    meta = ("profile", "description", "reductions", "overrides")
    flat = {**defaults(), **{k: v for k, v in values.items() if k not in meta}}
    return dataclasses.replace(
        build(flat),
        profile=str(values.get("profile", "custom")),
        description=str(values.get("description", "")),
        reductions=dict(values.get("reductions") or {}),
        overrides=dict(values.get("overrides") or {}),
    )


def fields() -> dict[str, tuple[str, dataclasses.Field, Any]]:
    """key -> (stage, field, type) for every setting."""
    out = {}
    for stage, cls in STAGES.items():
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            out[f.name] = (stage, f, hints[f.name])
    return out


def build(values: Mapping[str, Any]) -> Settings:
    """Validate `values` (every key known, typed and in range) and return the typed settings."""
    known = fields()
    unknown = sorted(set(values) - set(known))
    if unknown:
        close = difflib.get_close_matches(unknown[0], known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise SettingsError(f"unknown setting '{unknown[0]}' ({hint}known: {', '.join(sorted(known))})")
    for key, value in values.items():
        _check(key, value, known[key][2], known[key][1].metadata)
    if values.get("b_elite", 1) >= values.get("b_population", 10):
        raise SettingsError(
            f"setting 'b_elite' must be smaller than b_population ({values.get('b_population')}), "
            f"got {values.get('b_elite')}"
        )
    lo, hi = values.get("b_lr_range", [0.001, 0.01])
    if lo > hi:
        raise SettingsError(f"setting 'b_lr_range' must be [low, high] with low <= high, got {[lo, hi]}")
    per_stage: dict[str, dict[str, Any]] = {stage: {} for stage in STAGES}
    for key, value in values.items():
        per_stage[known[key][0]][key] = value
    return Settings(**{stage: STAGES[stage](**per_stage[stage]) for stage in STAGES})


def _kind_ok(value: Any, kind: Any) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, kind)


# The bounds a check may carry: (operator name, test, how the message says it).
_BOUNDS = (
    ("min", lambda v, b: v >= b, ">="),
    ("max", lambda v, b: v <= b, "<="),
    ("gt", lambda v, b: v > b, ">"),
    ("lt", lambda v, b: v < b, "<"),
)
# A grid parameter's values: its type and range (the grid's `keys` check).
_GRID_VALUE_OK = {
    "batch_size": lambda x: _kind_ok(x, int) and 1 <= x <= 65_536,
    "n_conv": lambda x: _kind_ok(x, int) and 1 <= x <= MAX_CONV_BLOCKS,
    "learning_rate": lambda x: _kind_ok(x, float) and 0 < x <= MAX_LEARNING_RATE,
    "dropout": lambda x: _kind_ok(x, float) and 0 <= x < 1,
}


def _check(key: str, value: Any, kind: Any, checks: Mapping[str, Any], what: str = "setting") -> None:
    """`value` of setting `key` against its type and its rule's `checks`; SettingsError naming the
    key and the broken check."""
    name = f"{what} '{key}'"
    _check_scalar(name, value, kind, checks)
    _check_collection(name, value, checks)
    if isinstance(value, list) and "items" in checks:
        item_kind = (
            float if any(k in checks["items"] for k in ("gt",)) else (str if "choices" in checks["items"] else int)
        )
        for v in value:
            _check(key, v, item_kind, checks["items"], what="each value of setting")
    if isinstance(value, dict) and "keys" in checks:
        for k, v in value.items():
            _check_grid_values(name, k, v, checks["keys"])


def _check_scalar(name: str, value: Any, kind: Any, checks: Mapping[str, Any]) -> None:
    """Type, finiteness, choices and bounds."""
    if not _kind_ok(value, kind):
        raise SettingsError(f"{name} expects {kind.__name__}, got {value!r}")
    if kind is float and not math.isfinite(value):
        raise SettingsError(f"{name} must be a finite number, got {value!r}")
    if "choices" in checks and value not in checks["choices"]:
        raise SettingsError(f"{name} must be one of {', '.join(map(str, checks['choices']))}, got {value!r}")
    for op, test, text in _BOUNDS:
        if op in checks and not test(value, checks[op]):
            raise SettingsError(f"{name} must be {text} {checks[op]}, got {value!r}")


def _check_collection(name: str, value: Any, checks: Mapping[str, Any]) -> None:
    """A list's emptiness, repeats and length."""
    if checks.get("nonempty") and not value:
        raise SettingsError(f"{name} must not be empty")
    if checks.get("unique") and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
        raise SettingsError(f"{name} must not repeat a value (each counts once), got {value!r}")
    if "max_len" in checks and len(value) > checks["max_len"]:
        raise SettingsError(f"{name} may have at most {checks['max_len']} values, got {len(value)}")
    if "length" in checks and len(value) != checks["length"]:
        raise SettingsError(f"{name} must have {checks['length']} values, got {value!r}")


def _check_grid_values(name: str, k: str, v: Any, known: Sequence[str]) -> None:
    """One parameter of a grid: known, a non-empty list, each value in range, none repeated."""
    if k not in known:
        raise SettingsError(f"{name} has an unknown parameter '{k}' (known: {', '.join(known)})")
    if not isinstance(v, list) or not v:
        raise SettingsError(f"{name}: '{k}' must be a non-empty list of values, got {v!r}")
    ok = _GRID_VALUE_OK.get(k, lambda x: True)
    for x in v:
        if not ok(x):
            raise SettingsError(f"{name}: {k} value {x!r} is out of range")
    # Issue 36: batch_size [16, 16] counted one training as two trials.
    if len({json.dumps(x) for x in v}) != len(v):
        raise SettingsError(f"{name}: '{k}' must not repeat a value (each is one trial), got {v!r}")
