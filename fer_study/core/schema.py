"""The declared layout of every notebook's summary (`summaries/<notebook>.json`, key "facts").

A notebook fills one of the top-level dataclasses below; `report.Outputs.summary` writes it (with
settings and provenance beside it); readers (notebook 07, the claims, the README script) check a
summary against its class when they load it, so a missing or renamed field is an error naming the
field and the file, not a silently missing number.

Every field is typed, down to the leaves of the records the claims and tables read (`Measure`,
`Curve`, `Trend`, `ModelHeadline`, `Retrain`, `SearchPower`, `Control`, ...); a table a summary keeps
is a list of records whose JSON keys are its CSV's columns (`column`: `Slip`, `Reading`,
`ClaimRow`, ...), and only rows whose columns vary with the data stay a plain `Row`. `decode(kind, value, where)` checks a JSON value against a
type and returns it typed: producers hand their results over through `record` (so a misspelt field
fails before anything is written, naming its path), `load` checks every field, and `typed` gives a
summary's facts as its class (`Facts`: every notebook's, what the claims read by attribute).
`encode` writes a record back as the JSON it came from.

Bump `VERSION` when a field is added, renamed or moved: `load` refuses a summary of another
version, naming the file and both versions, so no reader mixes two layouts.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import numpy as np

# The layout of summaries/<notebook>.json that this code writes and reads. 4: paper A's curve
# evidence (the noise-aware rule), paper B's early-stopped Table 2 genome, the control's authors'
# protocol, held-out health flags. 5: the nested records declared and checked; a model's headline
# keeps its confusion matrix once ("confusion", with "confusion_seed"). 6: the grid's winner against
# Table 1's setting per training seed (issue 21: A11 decided "with significance across seeds"). 7: the
# grid's training seeds; its best point is the best mean over them. 8: the rule book (issue 33): the
# grid's choice on its first seed and its check against Table 1 (A11's rule), claims rows marked post
# hoc with the verdict under the rule they replaced, the control's seeds apart from the clean row's.
VERSION = 8


class SchemaError(ValueError):
    """A summary that does not match its declared layout; the message names the file and field."""


# --- The records the claims read, declared to their leaves -------------------------------------------------


@dataclass(frozen=True)
class Spread:  # a value over seeds (nn.metrics.mean_std)
    mean: float
    std: float
    n: int
    values: list[float]


@dataclass(frozen=True)
class Measure(Spread):  # with its one named 95 % interval (nn.metrics.with_interval)
    interval: list[float] | None = None
    interval_kind: str = ""
    ci95: list[float] | None = None  # the bootstrap over one seed's test images, where there is one
    ci_seed: int | None = None


@dataclass(frozen=True)
class Trend:  # one curve's fitted slope over its last epochs (nn.metrics.curve_trend)
    epochs: int
    seeds: int
    best: Spread | None
    state: str  # "too short", "rising", "flat" or "falling"
    window: list[int] | None
    min_window: int
    slope: float | None = None
    slope_interval: list[float] | None = None
    confidence: float | None = None
    level: float | None = None
    spread: float | None = None
    spread_kind: str = ""
    residual_sd: float | None = None


@dataclass(frozen=True)
class EarlyStopping:  # how runs trained until early stopping ended
    patience: int
    stopped: dict[str, bool]  # seed -> stopped before the cap
    max_epochs: int | None = None
    best_epoch: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Curve:  # the evidence the curve rule reads (nn.metrics.curve_record)
    val: Trend
    train: Trend
    epochs: int
    paper_epochs: int | None
    spread_factor: float
    seconds_per_epoch: float | None
    early_stopping: EarlyStopping | None


@dataclass(frozen=True)
class ModelHeadline:  # one model's numbers on one split over the seeds that trained (paper A)
    top1: Measure
    mean_one_vs_rest_accuracy: Measure
    macro_f1: Measure
    micro_f1: Measure
    top1_200: Measure
    mean_one_vs_rest_accuracy_200: Measure
    confusion: list[list[int]]  # the first seed that trained (confusion_seed)
    confusion_seed: int
    failed_to_train: bool
    final_train_accuracy: Measure | None = None  # None: no training history stored
    final_val_accuracy: Measure | None = None
    train_val_gap: Measure | None = None
    curve: Curve | None = None


@dataclass(frozen=True)
class PairedTest:  # one seed's exact one-sided test on the discordant images (nn.metrics.paired_test)
    only_b_correct: int
    only_a_correct: int
    p_value: float


@dataclass(frozen=True)
class Evaluation:  # paper A's models on one split (experiments.paper_a.evaluate, less its tables)
    headline: dict[str, ModelHeadline]  # model -> headline
    mcnemar: Any  # two-sided, first seed (None when a model is missing)
    n_test: int
    improved_beats_basic: dict[str, PairedTest] = dataclasses.field(default_factory=dict)  # seed -> test
    failed_runs: list = dataclasses.field(default_factory=list)  # [model, seed] of trainings left out
    n_eval_sample: int | None = None  # the 200-image sample (paper A's split only)


@dataclass(frozen=True)
class Retrain(Measure):  # a genome retrained on several seeds (experiments.paper_b.summarize_runs)
    per_seed: dict[str, float] = dataclasses.field(default_factory=dict)
    failed_seeds: list[int] = dataclasses.field(default_factory=list)
    health_flags: dict[str, str] = dataclasses.field(default_factory=dict)
    failed_to_train: bool = False
    n_test: int = 0
    curve: Curve | None = None
    best_epoch_on_report: Spread | None = None  # the best epoch on the reported images (watched)


@dataclass(frozen=True)
class SearchBudget:
    epochs: int
    train_images: int
    filters_max: int


@dataclass(frozen=True)
class DecidingSearch:  # what the paper profile's search would cost (experiments.paper_b.deciding_search)
    trainings: int
    epochs: int
    train_images: int
    filters_max: int
    kernel_max: int
    training_pflop: float
    cpu_gflops_measured: float
    cpu_hours: float | None
    gpu_tflops_assumed: float
    gpu_hours: float


@dataclass(frozen=True)
class SearchPower:  # can a search rank genomes at its budget (experiments.paper_b.search_power)
    chance: float
    n_evaluations: int
    near_chance: int
    near_chance_share: float
    can_rank: bool
    budget: SearchBudget
    deciding_search: DecidingSearch | None = None


@dataclass(frozen=True)
class Generation:  # one GA logbook record
    gen: int
    evals: int
    trained: int
    cache_hits: int
    best: float
    mean: float
    std: float
    min: float
    seconds: float


@dataclass(frozen=True)
class TimeArithmetic:  # paper B's Table 3 times against its stated total (core.papers.time_arithmetic)
    table3_printed: list[str]
    sum_printed: str
    table3_hours_over_10: list[str]
    sum_hours_over_10: str
    stated_total: str
    equal_as_printed: bool
    equal_hours_over_10: bool
    gen3_text_matches_hours_over_10: bool


@dataclass(frozen=True)
class GridVsTable1:  # the grid's winner against Table 1's setting (experiments.paper_a.grid_vs_table1)
    in_grid: bool
    table1: dict[str, Any]
    same: bool = False
    n_val: int | None = None  # the same validation images in every seed
    epochs: int | None = None  # the grid's budget per trial
    seconds_per_trial: float | None = None
    seconds_beyond_grid: float | None = None  # training time of the seeds after the grid's own
    # One entry per training seed, the grid's own trial first: both settings trained with that seed.
    seeds: list[int] | None = None
    best_accuracy: list[float] | None = None
    table1_accuracy: list[float] | None = None
    only_best_correct: list[int] | None = None  # discordant images, per seed
    only_table1_correct: list[int] | None = None
    p_value: list[float] | None = None  # one-sided exact paired test, per seed


@dataclass(frozen=True)
class DuplicateCount:
    groups: int
    images: int
    groups_within_split: dict[str, int]
    groups_across_splits: dict[str, int]


@dataclass(frozen=True)
class ControlSeed:  # what every seed of the control records, whichever protocol
    seed: int
    key: str
    failed: bool
    failure: str
    health_flags: str
    epochs_run: int
    stopped_early: bool
    seconds: float
    final_learning_rate: float


@dataclass(frozen=True)
class ControlRun(ControlSeed):  # one seed of the control, its clean report (experiments.controls.run_control)
    best_val_accuracy: float
    final_val_accuracy: float
    final_train_accuracy: float
    public_accuracy: float
    private_accuracy: float
    n_public: int
    n_private: int
    protocol: str = "clean"
    private_ci95: list[float] | None = None  # the first seed's bootstrap over PrivateTest


@dataclass(frozen=True)
class AuthorsRun(ControlSeed):  # one seed of the control on its authors' protocol (experiments.controls.run_authors)
    best_epoch: int
    accuracy: float  # PublicTest + PrivateTest, which chose the checkpoint (as published)
    n: int
    private_accuracy: float
    train_accuracy_at_best: float
    protocol: str = "authors"
    ci95: list[float] | None = None


@dataclass(frozen=True)
class AuthorsControl:
    runs: list[AuthorsRun]
    n_failed: int
    accuracy: Measure | None = None  # None when every seed failed


@dataclass(frozen=True)
class Control:  # the positive control (experiments.controls.run_control's summary)
    published: dict[str, Any]  # core.papers.MINI_XCEPTION
    runs: list[ControlRun]
    n_failed: int
    private_accuracy: Measure | None = None  # None when every seed failed
    public_accuracy: Spread | None = None
    authors: AuthorsControl | None = None  # None when c_authors is off

    @property
    def seeds(self) -> list[ControlSeed]:
        """Every training, its authors' protocol first (the order notebook 06 shows them in)."""
        return [*(self.authors.runs if self.authors is not None else []), *self.runs]


# A row whose columns vary with the data (08's per-class probabilities, a saved model's metadata).
Row = dict[str, Any]


def column(name: str) -> dict[str, str]:
    """The metadata of a field whose JSON key is its table's column name ("test top-1"): the summary
    keeps the CSV's columns as they are, and readers use the attribute. Written as
    `dataclasses.field(metadata=column("test top-1"))`, which a type checker reads as a field
    without a default."""
    return {"json": name}


def _key(f: dataclasses.Field) -> str:
    return f.metadata.get("json", f.name)


# --- The tables a summary keeps, one record per row (their JSON keys are the CSV's columns) -----------


@dataclass(frozen=True)
class CountDifference:  # a split/class count that differs from FER2013's (data.FERData.count_differences)
    split: str
    label: str = dataclasses.field(metadata=column("class"))
    expected: int
    found: int
    difference: int


@dataclass(frozen=True)
class TotalsAudit:  # a confusion table's totals, what they imply (nn.metrics.totals_audit)
    images_implied_by_tp_plus_fn: int
    entries: int
    entries_equal_k_times_images: bool
    fp_equals_fn: bool
    top1: float
    mean_one_vs_rest_accuracy: float
    micro_precision: float
    micro_recall: float


@dataclass(frozen=True)
class Slip:  # what one protocol slip would report from our runs (experiments.forensics)
    slip: str
    what_it_measures: str = dataclasses.field(metadata=column("what it measures"))
    ours: float
    seeds: int
    paper_figure: str = dataclasses.field(metadata=column("paper figure"))
    paper_value: float = dataclasses.field(metadata=column("paper value"))
    difference: float
    can_produce_it: bool = dataclasses.field(metadata=column("can produce it"))


@dataclass(frozen=True)
class Reading:  # one reading of what a paper leaves out, trained once (experiments.controls)
    paper: str
    reading: str
    what: str
    test_top1: float = dataclasses.field(metadata=column("test top-1"))
    n_test: int = dataclasses.field(metadata=column("n test"))
    final_train_accuracy: float = dataclasses.field(metadata=column("final train accuracy"))
    final_val_accuracy: float = dataclasses.field(metadata=column("final val accuracy"))
    most_dead_relu: float = dataclasses.field(
        metadata=column("most dead ReLU layer")
    )  # NaN when no ReLU layer was measured
    trained: bool
    failure: str
    health_flags: str = dataclasses.field(metadata=column("health flags"))
    run_key: str


@dataclass(frozen=True)
class ClaimRow:  # one claim with our number and its verdict (reporting.claims.table)
    id: str
    paper: str
    claim: str
    where: str
    accuracy: bool  # an accuracy claim (drawn in the claims figure)
    paper_value: float | str = dataclasses.field(metadata=column("paper value"))
    ours: float | str | None
    interval: list[float] | None
    interval_kind: str = dataclasses.field(metadata=column("interval kind"))
    difference: float | None
    verdict: str
    why: str
    # Marked post hoc when the rule deciding it changed after its results existed (core/ledger.py); then
    # the verdict under the rule it replaced stands beside it.
    post_hoc: bool = False
    earlier_verdict: str = dataclasses.field(default="", metadata={"json": "verdict under the earlier rule"})
    # A reading adopted after the results (not deciding), shown beside the verdict.
    post_hoc_reading: str = dataclasses.field(default="", metadata={"json": "post-hoc reading"})


@dataclass(frozen=True)
class Table4Row:  # paper B's Table 4 with our rows (reporting.comparison.table4)
    ref: str
    model: str
    accuracy_percent: float = dataclasses.field(metadata=column("test accuracy %"))
    source: str


@dataclass(frozen=True)
class Inconsistency:  # one inconsistency the papers' own numbers show (reporting.comparison)
    paper: str
    where: str
    what: str
    arithmetic: str


@dataclass(frozen=True)
class Source:  # which summary notebook 07 read: its profile, data and commit
    profile: str
    sha256: str
    git: dict[str, Any] | None  # core.provenance.git_commit: commit and dirty, None outside a git checkout


@dataclass(frozen=True)
class ProtocolSizes:  # paper B's protocols (experiments.paper_b.protocol)
    n_fit: int
    n_select: int
    n_report: int
    selects_on_report: bool
    description: str


@dataclass(frozen=True)
class BestRetrained:  # the grid's winner retrained on paper A's split
    headline: ModelHeadline
    n_test: int


# --- The summaries --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exploration:  # 01_data_exploration
    counts: dict[str, dict[str, int]]  # split -> class -> images
    count_differences: list[CountDifference]  # rows where a split/class count differs from FER2013's known one
    duplicates: dict[str, DuplicateCount]  # "exact" and "near" (empty when find_duplicates is off)
    near_constant_images: int


@dataclass(frozen=True)
class Downsampling:  # 02_downsampling
    pooled_counts: dict[str, int]  # paper A's four classes over all splits
    smallest_class: str
    per_class_after_downsampling: int
    paper_states_per_class: int  # paper A's 5,000
    paper_a_split: dict[str, dict[str, int]]  # part -> class -> images
    official_split: dict[str, dict[str, int]]
    split_files: list[str]  # splits/<name>.npz written for notebooks 03 and 04 to check against


@dataclass(frozen=True)
class PaperA:  # 03_basic_vs_improved
    paper_a_split: Evaluation  # per model: measures with named intervals, curve evidence; the paired tests
    official_split: Evaluation | None  # the same on the official split, None when a_official_split is off
    audit: dict[str, TotalsAudit]  # paper A's Tables 2-3 recomputed from their totals
    forensics: list[Slip]  # protocol slips (experiments.forensics.paper_a)
    wall_seconds_training: float
    wall_seconds_training_official: float | None
    run_keys: list[str]  # the stored runs this summary rests on


@dataclass(frozen=True)
class Grid:  # 04_grid_search
    grid: dict[str, list[Any]]  # parameter -> the values searched
    seeds: list[int]  # every grid point trained once per seed
    n_trials: int  # grid points x seeds
    epochs_per_trial: int
    n_selection_train: int
    n_validation: int
    best_params: dict[str, Any]
    best_val_accuracy: float  # the best point's mean over seeds
    table1: dict[str, Any]
    best_matches_table1: dict[str, bool]  # parameter -> the grid's best equals Table 1's
    table1_vs_best: GridVsTable1  # the winner against Table 1's setting on the same validation images
    best_retrained: BestRetrained
    wall_seconds_search: float
    wall_seconds_retrain: float
    run_keys: list[str]
    # The second-best point by its mean over seeds, among those that trained: how far the choice
    # stands from its nearest rival.
    runner_up: dict[str, Any] | None = None
    runner_up_val_accuracy: float | None = None
    # The rule book's ranking for A11 (rule "grid"): the best point on the grid's first seed, and that
    # choice against Table 1's setting per seed (the same paired test as table1_vs_best).
    first_seed_params: dict[str, Any] | None = None
    first_seed_vs_table1: GridVsTable1 | None = None


@dataclass(frozen=True)
class GeneticSearch:  # 05_ga_search
    protocols: dict[str, ProtocolSizes]  # name -> sizes, whether it selects on the reported images
    generations: dict[str, list[Generation]]  # protocol -> logbook records
    best_genome: dict[str, dict[str, Any]]  # protocol -> genes
    best_fitness: dict[str, float]  # protocol -> a maximum over the search's evaluations
    random_search_best: dict[str, float | None]
    n_trainings: dict[str, int]
    search_power: dict[str, SearchPower]  # protocol -> can the search rank genomes at this budget
    final: dict[str, Retrain]  # "protocol/genome" -> retrained accuracy, named interval, curve evidence
    time_arithmetic: TimeArithmetic  # paper B's Table 3 times against its stated total
    forensics: list[Slip]  # protocol slips (experiments.forensics.paper_b)
    train_seconds: dict[str, float]  # protocol -> what the searches' trainings took when they ran (GA + random)
    generation_train_seconds: dict[str, dict[str, float]]  # protocol -> generation -> its GA trainings' time
    wall_seconds_retrains: float
    run_keys: list[str]


@dataclass(frozen=True)
class Controls:  # 06_controls
    control: Control | None  # the positive control's summary, None when c_enabled is off
    sensitivity: list[Reading] | None  # one row per reading, None when c_sensitivity is off
    run_keys: list[str]


@dataclass(frozen=True)
class Comparison:  # 07_comparison
    claims: list[ClaimRow]  # one row per claim of the registry, with its verdict
    verdicts: dict[str, int]  # verdict -> count
    table4: list[Table4Row]
    inconsistencies: list[Inconsistency]
    sources: dict[str, Source]  # notebook -> profile, data sha256, commit


@dataclass(frozen=True)
class Detection:  # 08_detection
    faces_found: dict[str, int]  # photo -> faces found
    predictions: list[Row]
    models: dict[str, Row]  # saved model name -> what made it
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


def decode(kind: Any, value: Any, where: str) -> Any:
    """`value` (JSON, or a record already) as `kind`: a declared record (every field without a
    default present, no field it does not declare), `dict[str, X]`, `list[X]`, `X | None`, a number,
    a string, a bool or `Any`. Anything else is a SchemaError naming `where` and the field."""
    origin = typing.get_origin(kind)
    if kind is Any:
        return value
    if origin in (Union, types.UnionType):
        return _decode_union(kind, value, where)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _decode_record(kind, value, where)
    if origin is dict:
        if not isinstance(value, dict):
            raise SchemaError(f"{where}: a {type(value).__name__} where a mapping is declared")
        item = typing.get_args(kind)[1]
        return {k: decode(item, v, f"{where}.{k}") for k, v in value.items()}
    if origin is list:
        if not isinstance(value, (list, tuple)):
            raise SchemaError(f"{where}: a {type(value).__name__} where a list is declared")
        item = typing.get_args(kind)[0]
        return [decode(item, v, f"{where}.{i}") for i, v in enumerate(value)]
    return _decode_leaf(kind, value, where)


def _decode_union(kind: Any, value: Any, where: str) -> Any:
    """`X | Y | None`: None where allowed, else the first option that decodes."""
    options = typing.get_args(kind)
    if value is None and type(None) in options:
        return None
    errors = []
    for option in (o for o in options if o is not type(None)):
        try:
            return decode(option, value, where)
        except SchemaError as err:
            errors.append(str(err))
    raise SchemaError(errors[0] if errors else f"{where}: null where a value is declared")


def _decode_record(kind: Any, value: Any, where: str) -> Any:
    """A declared record: every field without a default present, no field it does not declare."""
    if isinstance(value, kind):
        return value
    if not isinstance(value, dict):
        raise SchemaError(f"{where}: a {type(value).__name__} where a {kind.__name__} record is declared")
    hints = typing.get_type_hints(kind)
    fields = {_key(f): f for f in dataclasses.fields(kind)}  # by JSON key
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise SchemaError(
            f"{where}: unknown field '{unknown[0]}' (not in fer_study.core.schema.{kind.__name__}; renamed?)"
        )
    out = {}
    for key, f in fields.items():
        if key in value:
            out[f.name] = decode(hints[f.name], value[key], f"{where}.{key}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise SchemaError(f"{where}: no field '{key}' (declared in fer_study.core.schema.{kind.__name__})")
    return kind(**out)


# A plain value's check: the Python types it accepts and how a mismatch is said.
_LEAVES: dict[Any, tuple[Any, str]] = {
    float: ((int, float), "a number"),
    int: (int, "a whole number"),
    str: (str, "a str"),
    bool: (bool, "a bool"),
}


def _decode_leaf(kind: Any, value: Any, where: str) -> Any:
    """A plain `list`/`dict`, a number, a string or a bool, as it is (a bool is not a number)."""
    if kind in (list, dict):
        if not isinstance(value, kind):
            raise SchemaError(f"{where}: a {type(value).__name__} where a {kind.__name__} is declared")
        return value
    if kind not in _LEAVES:
        raise SchemaError(f"{where}: fer_study.core.schema cannot check a {kind!r}")
    accepted, said = _LEAVES[kind]
    if not isinstance(value, accepted) or (kind in (int, float) and isinstance(value, bool)):
        raise SchemaError(f"{where}: {value!r} where {said} is declared")
    return value


def record(kind: Any, value: Any, where: str) -> Any:
    """A producer's value (numpy numbers, tuples, int keys allowed) as the declared `kind`, checked
    as it will be read back from JSON: how experiments hand their results to a summary."""
    return decode(kind, json.loads(json.dumps(value, default=jsonable)), where)


def typed(notebook: str, facts: dict, path) -> Any:
    """A summary's facts as its notebook's declared class, every record typed (checked as `decode`)."""
    cls = BY_NOTEBOOK[notebook]
    hints = typing.get_type_hints(cls)
    check(notebook, facts, path)
    return cls(
        **{f.name: decode(hints[f.name], facts[f.name], f"{path}: facts.{f.name}") for f in dataclasses.fields(cls)}
    )


class MissingSummary(KeyError):
    """A notebook's summary that a reader needs but that is not there."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Facts:
    """Every notebook's facts, typed (`typed`): what the claims read. One typed property per
    notebook summary (`facts.paper_a.paper_a_split.headline["improved"].top1_200`), so a type
    checker stops a misspelt field of any record a claim reads; a notebook that has not run is a
    MissingSummary naming its file."""

    notebooks: dict[str, Any]

    def of(self, notebook: str) -> Any:
        """A notebook's facts by its name (untyped: code that knows which notebook uses the property)."""
        if notebook not in self.notebooks:
            raise MissingSummary(f"summaries/{notebook}.json: missing (run notebook {notebook[:2]} first)")
        return self.notebooks[notebook]

    @property
    def exploration(self) -> Exploration:
        return self.of("01_data_exploration")

    @property
    def downsampling(self) -> Downsampling:
        return self.of("02_downsampling")

    @property
    def paper_a(self) -> PaperA:
        return self.of("03_basic_vs_improved")

    @property
    def grid(self) -> Grid:
        return self.of("04_grid_search")

    @property
    def genetic_search(self) -> GeneticSearch:
        return self.of("05_ga_search")

    @property
    def controls(self) -> Controls:
        return self.of("06_controls")

    @property
    def comparison(self) -> Comparison:
        return self.of("07_comparison")

    @property
    def detection(self) -> Detection:
        return self.of("08_detection")


def check_fields(notebook: str, facts: dict, path) -> None:
    """Every field of `notebook`'s facts against its declared type, down to the records' leaves."""
    cls = BY_NOTEBOOK.get(notebook)
    if cls is None:
        return
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        decode(hints[f.name], facts.get(f.name), f"{path}: facts.{f.name}")


def as_facts(notebook: str, facts: Any) -> dict:
    """The JSON body of `facts`, which must be the declared class of `notebook`."""
    cls = BY_NOTEBOOK.get(notebook)
    if cls is None:
        raise SchemaError(f"no declared summary layout for notebook '{notebook}' (add one to fer_study.core.schema)")
    if not isinstance(facts, cls):
        raise SchemaError(f"notebook {notebook} must write a {cls.__name__} summary, got {type(facts).__name__}")
    body = {f.name: getattr(facts, f.name) for f in dataclasses.fields(cls)}
    # Checked before it is written: a producer that renamed a nested field fails here, naming it.
    check_fields(notebook, json.loads(json.dumps(body, default=jsonable)), f"summaries/{notebook}.json")
    return body


def jsonable(obj: Any) -> Any:
    """`json.dumps`'s `default`: a declared record as `encode` writes it, numpy numbers and arrays
    as Python's, a path as text, any mapping as a dict. Anything else is a TypeError naming it."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return encode(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def encode(obj: Any) -> Any:
    """A record (and what it holds) as JSON values. An optional field left at its empty default
    (None or "") is left out, as the producers always wrote it: readers test for its presence."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for f in dataclasses.fields(obj):
            v = getattr(obj, f.name)
            if f.default in (None, "") and v == f.default:
                continue
            out[_key(f)] = encode(v)
        return out
    if isinstance(obj, dict):
        return {k: encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encode(v) for v in obj]
    return obj


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
    check_fields(path.stem, body["facts"], path)
