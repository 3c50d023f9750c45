"""The study's records, typed where they are born: every result a notebook's summary holds, down to
its leaves (`Measure`, `Curve`, `Trend`, `ModelHeadline`, `Retrain`, `SearchPower`, `Control`, ...,
and each notebook's top-level summary), and the evidence a verdict rests on (`Evidence`: what it
compared, under which rule of the rule book, on what budget and with which interval). Metrics,
experiments and claim rules return these; core/schema.py only writes and reads them as JSON.

A record kept as a table has JSON keys that are its CSV's columns (`column`: `Slip`, `Reading`,
`ClaimRow`, ...); only rows whose columns vary with the data stay a plain `Row`. A renderer
(reporting/) writes sentences from the records; tests assert on the records, not on the prose.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReferenceVerdict:
    """One reference of a rule, judged: ours against it, within the rule's tolerance or not."""

    name: str  # the rule book's Reference.name
    value: float  # fraction
    source: str
    gap: float  # ours - value, fraction
    verdict: str  # "reproduces" | "falls short" | "above"


@dataclass(frozen=True)
class ControlVerdict:
    """The control on its authors' protocol under the rule book's "control" rule."""

    rule: str  # rule book id
    rulebook: str  # the rule book's hash when decided
    ours: float  # the mean over `seeds` of the restored checkpoint's accuracy on PublicTest + PrivateTest
    seeds: tuple[int, ...]
    interval: tuple[float, float] | None
    interval_kind: str
    tolerance: float
    references: tuple[ReferenceVerdict, ...]  # the deciding reference first
    verdict: str  # the deciding reference's verdict
    recipe_differences: tuple[str, ...]  # what the logged run did that ours does not

    @property
    def decided_by(self) -> ReferenceVerdict:
        return self.references[0]


# Which branch of a claim rule decided a verdict (Evidence.basis): what a test or a reader checks
# instead of the wording of the reason.
BASES = (
    "stated",  # no measurement: the paper's own numbers or protocol decide (or nothing is decided)
    "not measured",  # the profile skips the step (a declared setting)
    "failed to train",  # every seed of the model failed: its numbers are not a result
    "inside interval",  # the paper's value lies inside our named interval (or a maximum reaches it)
    "search limited",  # a search that cannot rank genomes, or ran at a reduced budget
    "search at budget",  # a search at the paper profile's budget whose best stays below
    "above",  # ours is above the paper's value
    "paper epochs",  # trained for the paper's epochs
    "no curve",  # outside the interval, no curve to extrapolate
    "early stopped",  # every seed stopped early (the paper states no epochs)
    "curve too short",  # too few epochs to fit a slope
    "curve may rise",  # the paper states no epochs and the slope may be positive
    "curve bound",  # the extrapolated curve stays below the paper's value
    "curve reachable",  # the extrapolated curve could reach it
    "exact",  # a count equal to the paper's (or its rounding)
    "differs",  # a count that differs
    "every seed significant",  # paired/grid: p < 0.05 in every seed
    "no seed better",  # paired: the paper's direction in no seed
    "seeds disagree",  # paired/grid: neither
    "same choice",  # grid: the choice is Table 1's
    "not in grid",  # grid: Table 1's setting is not a grid point
    "too few seeds",  # grid: fewer seeds than the rule needs
    "rising",  # trend: rising in every generation
    "not rising",  # trend: falls in some generation
    "one generation",  # trend: nothing to compare
)


@dataclass(frozen=True)
class Evidence:
    """One claim's decision as values: its rule, what it compared, on which basis it decided, and
    the numbers the basis rests on. The claims table's row (schema.ClaimRow) is rendered from it
    (reporting.claims.verdict); tests assert on these fields, not on the row's prose."""

    claim: str
    rule: str  # the registry's rule name ("compare", "paired", "grid", ...)
    verdict: str | None
    basis: str  # one of BASES
    why: str  # the reason as the row prints it
    ours: float | int | str | None = None
    interval: tuple[float, float] | None = None
    interval_kind: str = ""
    difference: float | None = None  # ours - the paper's value (fractions for accuracies)
    # The curve the budget rule read, where it decided (fractions; points per epoch as fractions).
    curve_state: str = ""  # "rising" | "flat" | "falling" | "too short"
    slope: float | None = None
    slope_interval: tuple[float, float] | None = None
    reach: float | None = None  # the most the extrapolated curve reaches where the rule looks
    epochs_to_reach: float | None = None  # more epochs to the paper's value at the slope's upper end
    # The paired rule's and the grid rule's per-seed one-sided tests.
    seeds: tuple[int, ...] = ()
    p_values: tuple[float, ...] = ()
    post_hoc_reading: str = ""

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"claim {self.claim}: unknown basis {self.basis!r} (known: {', '.join(BASES)})")


# --- The records the summaries hold, declared to their leaves ---------------------------------------------


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
