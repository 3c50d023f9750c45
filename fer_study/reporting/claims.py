"""The claims registry: every quantitative statement of both papers, our measurement of it, its
named interval and its verdict."""

# --- The registry: every quantitative claim, where it stands, and which measurement answers it ----------
#
# A claim is answered by typed accessors into the notebooks' summaries (core.schema.Facts: each
# summaries/<notebook>.json's facts as its declared records), or carries the reason it cannot be
# reproduced as specified. The five verdicts and their rule are
# below (VERDICTS) and in notebook 07's header and the README.
import dataclasses  # noqa: E402
from collections.abc import Callable, Mapping  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any

from fer_study.core import ledger, records, schema
from fer_study.core.papers import PAPER_A, PAPER_A_TABLE1, PAPER_B, STATED, Stated, hms, seconds  # noqa: F401  (the claims' sources)
from fer_study.core.settings import Grid, Settings
from fer_study.nn.metrics import binomial_interval, top1_from_one_vs_rest
from fer_study.nn.metrics import epochs_to_reach as metrics_epochs_to_reach
from fer_study.nn.metrics import reachable as metrics_reachable
from fer_study.reporting.paper_a import grid_pairs, setting_text

REPRODUCED, NOT_REPRODUCED = "reproduced", "not reproduced"
INCONCLUSIVE = "inconclusive at this budget"
NOT_AS_SPECIFIED = "not reproducible as specified"
NOT_MEASURED = "not measured"

VERDICTS = {
    REPRODUCED: "the paper's value lies inside our named 95 % interval (or, for a maximum over a search, we reach it)",
    NOT_REPRODUCED: "the paper's value lies outside our interval, and more of the same training could not close the "
    "gap: we are above it, or the run used the paper's epochs, or it trained until early stopping, or the "
    "curve's slope over its last epochs (pooled over seeds, upper end of its 95 % interval), extrapolated to "
    "the paper's epochs, plus twice the seed spread, stays below the paper's value",
    INCONCLUSIVE: "the paper's value lies outside our interval but our budget could not decide it: the extrapolated "
    "curve could reach it, the run is too short to fit a slope, or a search's genomes mostly sit at chance "
    "or ran at a reduced budget; the row names the run that would decide it and its cost",
    NOT_AS_SPECIFIED: "the paper's own numbers or protocol rule it out; the reason is given",
    NOT_MEASURED: "the profile skips the step that measures it (say which setting)",
}


class ClaimDataError(KeyError):
    """A summary lacks a field a claim needs: a renamed or missing field, never a silent downgrade."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Claim:
    id: str
    paper: str  # "A" or "B"
    stated: Stated  # what the paper states: statement, value, unit, where (core/papers.STATED)
    source: str = ""  # the notebook whose summary answers it ("" when only a stated reason does)
    # Typed accessors into the summaries' facts (core.schema.Facts), checked by the schema's types:
    get: Callable[[schema.Facts], Any] | None = None  # facts -> the measured value (a record, a number, a mapping)
    # facts -> the trained model's record (.curve, .failed_to_train)
    model: Callable[[schema.Facts], schema.ModelHeadline | schema.Retrain] | None = None
    curve: str = ""  # "val" | "train": which of the model's curves the budget rule reads
    curve_scale: str = "top1"  # "one_vs_rest": the claim is in mean one-vs-rest terms (4 classes)
    power: Callable[[schema.Facts], schema.SearchPower] | None = None  # facts -> can the search rank genomes?
    protocol: str = ""  # paper B's protocol it reads: not measured when the profile leaves it out
    generation: int | None = None  # the GA generation it reads: not measured beyond b_generations
    beyond_paper: bool = False
    maximum: bool = False  # the value is a maximum over a search's evaluations: no interval around it
    derive: str = ""  # a name in DERIVED: the number is computed from the measured record (e.g. counts)
    # How the measurement is judged, a name in RULES: "compare" (the paper's value against our
    # interval, then the budget rules), "count" (an exact count, DERIVED), "rounded" (a count the
    # paper may have rounded), "paired" (a one-sided paired test per seed), "grid" (the grid's
    # choice against Table 1), "trend" (rising mean fitness), "times" / "duplicates" (what we
    # measured beside a claim its own numbers rule out).
    rule: str = "compare"
    accuracy: bool = True  # an accuracy (drawn in the claims figure); False for gaps and differences
    # The claim as the rule it replaced read it, where the ledger (core/ledger.py) marks its current
    # rule post hoc: its verdict is shown beside the current one.
    earlier: "Claim | None" = None

    @property
    def statement(self) -> str:
        return self.stated.statement

    @property
    def value(self) -> Any:
        return self.stated.value

    @property
    def unit(self) -> str:
        return self.stated.unit

    @property
    def where(self) -> str:
        return self.stated.where

    @property
    def caveat(self) -> str:
        """A protocol problem worth stating next to the verdict."""
        return self.stated.caveat

    @property
    def reason(self) -> str:
        """Why it cannot be reproduced as specified (then the verdict says so)."""
        return self.stated.reason


def _images_in(splits, classes=None):
    """How many images `splits` (and `classes`, default all) hold, from notebook 01's counts."""
    return lambda counts: sum(
        n for sp, per in counts.items() if sp in splits for c, n in per.items() if classes is None or c in classes
    )


_ALL = ("Training", "PublicTest", "PrivateTest")
DERIVED = {
    "all_images": _images_in(_ALL),
    "training_images": _images_in(("Training",)),
    "test_images": _images_in(("PublicTest", "PrivateTest")),
    "four_classes": _images_in(_ALL, ("angry", "happy", "neutral", "sad")),
}


_A1, _A2, _A3, _A4, _B5 = (
    "01_data_exploration",
    "02_downsampling",
    "03_basic_vs_improved",
    "04_grid_search",
    "05_ga_search",
)


def _headline(model: str) -> Callable[[schema.Facts], schema.ModelHeadline]:
    """facts -> paper A's `model` on its 80/20 split."""
    return lambda f: f.paper_a.paper_a_split.headline[model]


# A measure of a ModelHeadline, by attribute (a typed accessor: a misspelt field fails mypy).
Measure = Callable[[schema.ModelHeadline], Any]


def _on_headline(model: str, measure: Measure) -> Callable[[schema.Facts], Any]:
    return lambda f: measure(_headline(model)(f))


def _final(key: str) -> Callable[[schema.Facts], schema.Retrain]:
    """facts -> a genome retrained on a protocol, "protocol/genome"."""
    return lambda f: f.genetic_search.final[key]


def _power(protocol: str) -> Callable[[schema.Facts], schema.SearchPower]:
    return lambda f: f.genetic_search.search_power[protocol]


def _paper_a(cid: str, model: str, measure: Measure, curve: str = "val", **kw) -> Claim:
    """A claim on paper A's `model` at its 80/20 split, judged with that model's curves."""
    return Claim(cid, "A", STATED[cid], _A3, _on_headline(model, measure), model=_headline(model), curve=curve, **kw)


def _retrain(cid: str, key: str, **kw) -> Claim:
    """A claim on a retrained genome of paper B, "protocol/genome"."""
    return Claim(
        cid, "B", STATED[cid], _B5, _final(key), model=_final(key), curve="val", protocol=key.split("/")[0], **kw
    )


def _generation_best(g: int) -> Callable[[schema.Facts], float]:
    return lambda f: f.genetic_search.generations["paper"][g].best


def _counts(f: schema.Facts) -> dict[str, dict[str, int]]:
    return f.exploration.counts


# In paper order (A1-A20, then B1-B10), the order every claims table and figure shows.
REGISTRY: list[Claim] = [
    _paper_a("A1", "improved", lambda h: h.mean_one_vs_rest_accuracy_200, curve_scale="one_vs_rest"),
    _paper_a("A2", "improved", lambda h: h.top1_200),
    _paper_a("A3", "improved", lambda h: h.top1),
    _paper_a("A4", "basic", lambda h: h.mean_one_vs_rest_accuracy_200, curve_scale="one_vs_rest"),
    Claim("A5", "A", STATED["A5"], _A3, _on_headline("basic", lambda h: h.top1_200), model=_headline("basic")),
    _paper_a("A6", "improved", lambda h: h.final_train_accuracy, curve="train"),
    _paper_a("A7", "improved", lambda h: h.final_val_accuracy),
    _paper_a("A8", "basic", lambda h: h.final_val_accuracy),
    Claim("A9", "A", STATED["A9"], _A2, lambda f: f.downsampling.per_class_after_downsampling, rule="rounded"),
    Claim("A10", "A", STATED["A10"], _A3, lambda f: f.paper_a.paper_a_split.improved_beats_basic, rule="paired"),
    Claim("A11", "A", STATED["A11"], _A4, lambda f: f.grid, rule="grid"),
    Claim("A12", "A", STATED["A12"], _A1, _counts, derive="all_images", rule="count"),
    Claim("A13", "A", STATED["A13"], _A1, _counts, derive="training_images", rule="count"),
    Claim("A14", "A", STATED["A14"], _A1, _counts, derive="test_images", rule="count"),
    Claim("A15", "A", STATED["A15"], _A1, _counts, derive="four_classes", rule="count"),
    Claim("A16", "A", STATED["A16"]),
    Claim("A17", "A", STATED["A17"]),
    Claim("A18", "A", STATED["A18"]),
    _paper_a("A19", "basic", lambda h: h.train_val_gap, curve="train", accuracy=False),
    _paper_a("A20", "improved", lambda h: h.train_val_gap, curve="train", accuracy=False),
    _retrain("B1", "paper/table2", earlier=_retrain("B1", "paper/ga_best", power=_power("paper"))),
    _retrain("B1s", "paper/ga_best", power=_power("paper")),
    _retrain("B1c", "clean/ga_best", beyond_paper=True, power=_power("clean")),
    _retrain("B2", "paper/table2"),
    _retrain("B2c", "clean/table2", beyond_paper=True),
    *[
        Claim(
            f"B3.{g}",
            "B",
            STATED[f"B3.{g}"],
            _B5,
            _generation_best(g),
            maximum=True,
            power=_power("paper"),
            protocol="paper",
            generation=g,
        )
        for g in range(3)
    ],
    Claim(
        "B3.3",
        "B",
        STATED["B3.3"],
        _B5,
        lambda f: _final("paper/table2")(f).best_epoch_on_report,
        model=_final("paper/table2"),
        curve="val",
        maximum=True,
        protocol="paper",
    ),
    Claim("B4", "B", STATED["B4"]),
    Claim("B5", "B", STATED["B5"], _B5, lambda f: f.genetic_search.time_arithmetic, rule="times"),
    Claim("B6", "B", STATED["B6"], _A1, lambda f: f.exploration.duplicates["exact"].images, rule="duplicates"),
    Claim("B7", "B", STATED["B7"]),
    Claim(
        "B8",
        "B",
        STATED["B8"],
        _B5,
        lambda f: f.genetic_search.generations["paper"],
        rule="trend",
        power=_power("paper"),
        protocol="paper",
    ),
    Claim("B9", "B", STATED["B9"]),
    Claim("B10", "B", STATED["B10"], _B5, lambda f: f.genetic_search.time_arithmetic, rule="times"),
]


# Search settings that reduce paper B's search against the paper profile: with any of them reduced,
# a search's maxima say nothing about the paper's.
# A11 (issue 21: "with significance across seeds"): one seed says nothing about seeds, so the
# grid's choice is called different from Table 1's only on two or more.
GRID_MIN_SEEDS = 2

_SEARCH_BUDGET = ("b_population", "b_generations", "b_filters_max_exp", "b_kernel_max", "b_epochs", "b_train_images")


def _read(claim: Claim, accessor: Callable[[Any], Any], facts: Any) -> Any:
    """`accessor(facts)`; a summary or an entry it lacks is a ClaimDataError naming the file."""
    try:
        return accessor(facts)
    except schema.MissingSummary as err:
        raise ClaimDataError(str(err)) from None
    except (KeyError, IndexError) as err:
        raise ClaimDataError(
            f"summaries/{claim.source}.json: no entry {err} where claim {claim.id} reads it (a profile that "
            "skips the step should say so in skipped())"
        ) from None


def _model(claim: Claim, facts: Any) -> Any:
    """The record of the model `claim` reads (its curve, its accuracies)."""
    if claim.model is None:
        raise ClaimDataError(f"claim {claim.id}: its rule reads a model's record, and it names no model")
    return _read(claim, claim.model, facts)


def skipped(claim: Claim, settings: Mapping[str, Settings] | None) -> str:
    """Why the profile does not measure `claim` ('' when it does). Only a declared setting can
    skip a claim; anything else missing from a summary is an error."""
    if not settings or claim.get is None:
        return ""
    st = settings.get(claim.source)
    if st is None:
        return ""
    if claim.generation is not None and claim.generation > st.paper_b.b_generations:
        return f"the profile runs {st.paper_b.b_generations} generation(s) (b_generations)"
    if claim.protocol and claim.protocol not in st.paper_b.b_protocols:
        return f"protocol '{claim.protocol}' is not in b_protocols"
    return ""


def named_interval(measure: Any, n: int | None = None, maximum: bool = False) -> tuple[list | None, str]:
    """Our 95 % interval for a measurement and its name. A summary's own named interval (t over
    seeds, or the bootstrap over test images of one seed); a Wilson interval for a bare accuracy
    over n images; none for a maximum over a search (it is selected, not sampled)."""
    if maximum:
        return None, "none: a maximum over the search's evaluations on its selection images"
    if isinstance(measure, schema.Measure) and measure.interval is not None:
        return list(measure.interval), measure.interval_kind
    if isinstance(measure, schema.Measure) and measure.ci95 is not None:
        seed = "?" if measure.ci_seed is None else measure.ci_seed
        return list(measure.ci95), f"bootstrap over test images (seed {seed})"
    if isinstance(measure, (int, float)) and n:
        return binomial_interval(float(measure), int(n)), f"Wilson interval over {n} images"
    return None, ""


def _search_limited(claim: Claim, facts: Any, settings: Mapping | None) -> str:
    """Why the claim's search cannot decide it ('' when it can)."""
    if claim.power is None:
        return ""
    pw = _read(claim, claim.power, facts)
    b, d = pw.budget, pw.deciding_search
    decide = "deciding it needs the paper profile's search (30 epochs per genome on the whole training part, filters to 1024)"
    if d:
        h = d.cpu_hours
        cpu = (
            ""
            if h is None
            else (f"about {h / 8766:,.0f} years" if h > 8766 else f"about {h:,.0f} h") + " on this machine"
        )
        decide = (
            f"deciding it needs the paper profile's search: {d.trainings} trainings of {d.epochs} epochs on "
            f"{d.train_images} images, filters to {d.filters_max} and kernels to {d.kernel_max}, about "
            f"{d.training_pflop:,.0f} PFLOP by our FLOP count: {cpu} (measured {d.cpu_gflops_measured} GFLOP/s), "
            f"about {d.gpu_hours:,.{1 if d.gpu_hours < 10 else 0}f} GPU hours at an assumed "
            f"{d.gpu_tflops_assumed:g} TFLOP/s"
        )
    if not pw.can_rank:
        return (
            f"{pw.near_chance} of {pw.n_evaluations} genomes scored within 2 points of chance "
            f"({100 * pw.chance:.1f} %) at {b.epochs} epochs on {b.train_images} images with "
            f"filters up to {b.filters_max}: this search cannot rank genomes; {decide}"
        )
    st = (settings or {}).get(claim.source)
    reduced = [k for k in _SEARCH_BUDGET if st is not None and k in st.reductions]
    if reduced:
        return f"the search ran at a reduced budget ({', '.join(reduced)}): its genomes say nothing about the paper's search; {decide}"
    return ""


def _grid_verdict(
    matches: Mapping,
    t: schema.GridVsTable1,
    n_trials: int = 0,
    grid_seeds: list[int] | None = None,
    margin: tuple[Mapping, float, float] | None = None,
    by_mean: bool = True,
) -> tuple[str, str]:
    """A11: the grid's choice (its best mean over its seeds) differs from Table 1's only when that
    winner beats Table 1's setting with significance across seeds: a one-sided paired test on the
    same validation images, p < 0.05 in every seed, on at least GRID_MIN_SEEDS seeds (issue 21).
    Otherwise inconclusive, naming what could still decide it: the grid ranked over the check's
    seeds, or, once it is, the grid at the paper profile's epochs per trial."""
    if all(matches.values()):
        return REPRODUCED, _margin_text(margin, len(grid_seeds or [0]))
    if not t.in_grid:
        return INCONCLUSIVE, "Table 1's setting is not in our grid, so the grid cannot test it"
    seeds, p = t.seeds or [], t.p_value or []
    per_seed = "; ".join(grid_pairs(t))
    said = (
        f"the winner against Table 1's setting on the same {t.n_val} validation images, {t.epochs} "
        f"epoch{'' if t.epochs == 1 else 's'} per trial ({per_seed})"
    )
    if len(seeds) < GRID_MIN_SEEDS:
        cost = (GRID_MIN_SEEDS - len(seeds)) * 2 * (t.seconds_per_trial or 0)  # both settings per missing seed
        return INCONCLUSIVE, (
            f"{said}: {len(seeds)} seed cannot show significance across seeds; deciding it needs both settings "
            f"trained on {GRID_MIN_SEEDS} or more seeds at the grid's budget ({_about(cost)} more on this "
            "machine; the profile's a_seeds sets them)"
        )
    if max(p) < 0.05:
        return NOT_REPRODUCED, f"{said}: significant in every seed"
    return INCONCLUSIVE, _grid_undecided(said, t, n_trials, grid_seeds, by_mean)


def _grid_undecided(
    said: str, t: schema.GridVsTable1, n_trials: int, grid_seeds: list[int] | None, by_mean: bool
) -> str:
    """Why A11 stays inconclusive when the seeds disagree, and what could still decide it (issue 21,
    item 7): the grid itself chosen by its mean over the same seeds, i.e. every other trial trained
    with the seeds after the grid's own; once the grid is ranked over them, longer trials (the paper
    profile's budget per trial), every trial again."""
    seeds = t.seeds or []
    if set(seeds) <= set(grid_seeds or []) or not by_mean:
        longer = Grid().a_grid_epochs
        cost = n_trials * (t.seconds_per_trial or 0) * longer / max(t.epochs or 1, 1)
        ranked = (
            f"although the grid was ranked by its mean over these {len(seeds)} seeds"
            if by_mean
            else "with the grid's choice made on its first seed"
        )
        return (
            f"{said}: not significant in every seed, {ranked}, so its preference may be noise at {t.epochs} "
            "epochs per trial; what could "
            f"decide it: the whole grid with the same seeds at the paper profile's {longer} epochs per trial "
            f"({_about(cost)} on this machine)"
        )
    cost = max(n_trials - 2, 0) * (len(seeds) - 1) * (t.seconds_per_trial or 0)
    return (
        f"{said}: not significant in every seed, so the grid's preference may be noise; what could decide it: "
        f"the whole grid trained with the same {len(seeds)} seeds and ranked by its mean ({_about(cost)} more "
        "on this machine)"
    )


def _margin_text(margin: tuple[Mapping, float, float] | None, seeds: int) -> str:
    """How far the grid's choice stands from its nearest rival (the verdict does not depend on it:
    a reader should know whether "the grid arrives at Table 1" rests on a clear lead or a tie)."""
    if margin is None:
        return ""
    rival, best, second = margin
    over = "its seed" if seeds == 1 else f"its {seeds} seeds"
    return (
        f"the grid's best mean over {over} on the validation images is Table 1's setting ({100 * best:.2f} %); "
        f"the runner-up ({setting_text(rival)}) is {100 * (best - second):.2f} points behind ({100 * second:.2f} %)"
    )


def _about(seconds: float) -> str:
    """A cost in words: 'about 1.6 h', 'about 7 min', 'under a minute'."""
    if seconds < 60:
        return "under a minute"
    return f"about {seconds / 3600:.1f} h" if seconds >= 3600 else f"about {seconds / 60:.0f} min"


def _pts(x: float) -> str:
    return f"{100 * x:+.3f}"


_CURVE_WORDS = {"val": "validation", "train": "training"}


@dataclass(frozen=True)
class _Call:
    """What the budget rule decided for a value outside our interval, and from which numbers."""

    verdict: str
    basis: str
    why: str
    curve_state: str = ""
    slope: float | None = None
    slope_interval: tuple[float, float] | None = None
    reach: float | None = None
    epochs_to_reach: float | None = None


@dataclass(frozen=True)
class _Fit:
    """A trend whose slope was fitted (state other than "too short"): every number set."""

    state: str
    slope: float
    lo: float
    hi: float
    confidence: float
    level: float
    spread: float
    spread_kind: str
    first: int
    last: int
    seeds: int

    @classmethod
    def of(cls, tr: schema.Trend) -> "_Fit | None":
        if tr.state == "too short" or None in (
            tr.slope,
            tr.slope_interval,
            tr.confidence,
            tr.level,
            tr.spread,
            tr.window,
        ):
            return None
        assert tr.slope is not None and tr.slope_interval is not None and tr.window is not None  # for the type checker
        assert tr.confidence is not None and tr.level is not None and tr.spread is not None
        lo, hi = tr.slope_interval
        return cls(
            tr.state,
            tr.slope,
            lo,
            hi,
            tr.confidence,
            tr.level,
            tr.spread,
            tr.spread_kind,
            tr.window[0],
            tr.window[1],
            tr.seeds,
        )

    def text(self) -> str:
        return f"{_pts(self.slope)} points per epoch over epochs {self.first}-{self.last}"

    def interval(self) -> str:
        return f"{100 * self.confidence:.0f} % interval {_pts(self.lo)} to {_pts(self.hi)}"


def _early_stopped(claim: Claim, c: schema.Curve, tr: schema.Trend, target: float) -> _Call:
    """The rule book's "budget.early_stopping": the paper gives no epochs, so a run stopped by early
    stopping is the budget; the reason says how the curve stood when it stopped (still rising or not,
    from its fitted slope) and, at the upper end of that slope, how many more epochs the paper's value
    would take."""
    patience = c.early_stopping.patience if c.early_stopping is not None else "?"
    outside = (
        f"ours (a maximum over epochs, no interval) stays below the paper's {100 * target:.2f} %"
        if claim.maximum
        else f"the paper's {100 * target:.2f} % lies outside our interval"
    )
    said = (
        f"early stopping on validation loss (patience {patience}, best weights restored) stopped every seed "
        f"at a budget the paper does not state, and {outside}"
    )
    fitted = _Fit.of(tr)
    if fitted is None:
        return _Call(NOT_REPRODUCED, "early stopped", said, curve_state=tr.state)
    more = metrics_epochs_to_reach(tr, target, c.spread_factor)
    state = {"rising": "still rising", "flat": "flat", "falling": "falling"}.get(tr.state, tr.state)
    fit = (
        f"the {_CURVE_WORDS.get(claim.curve, claim.curve)} curve was {state} when it stopped: {fitted.text()} "
        f"({fitted.interval()})"
    )
    if more is None:
        why = f"{said}; {fit}, so no number of further epochs reaches it at that slope"
    else:
        why = (
            f"{said}; {fit}: at the upper end of that slope (level {100 * fitted.level:.1f} % + {c.spread_factor:g} x "
            f"spread {100 * fitted.spread:.1f}) it reaches the paper's value only after about {more:,.0f} more epochs "
            "(linear growth, the optimistic case)"
        )
    return _Call(
        NOT_REPRODUCED,
        "early stopped",
        why,
        curve_state=tr.state,
        slope=fitted.slope,
        slope_interval=(fitted.lo, fitted.hi),
        epochs_to_reach=more,
    )


def _curve_verdict(claim: Claim, c: schema.Curve, target: float) -> _Call:
    """The curve rule (settings v_curve_*, v_spread_factor; metrics.curve_trend and reachable): can
    more of the same training reach the paper's value? NOT_REPRODUCED when the paper's value lies
    above the most the fitted curve could reach at the paper's epochs (or, where the paper states
    none, when the runs stopped early or their slope cannot be positive); else INCONCLUSIVE, naming
    the run that would decide it and what it costs on this machine."""
    kind = claim.curve
    tr: schema.Trend = getattr(c, kind)
    epochs, paper_epochs, factor = c.epochs, c.paper_epochs, c.spread_factor
    spe, seeds = c.seconds_per_epoch, tr.seeds or 1
    es = c.early_stopping
    if es is not None and es.stopped and all(es.stopped.values()):
        return _early_stopped(claim, c, tr, target)

    def cost(more_epochs: int) -> str:
        if not spe:
            return ""
        return f" ({_about(more_epochs * seeds * spe)} of training on this machine at {spe:.0f} s per epoch)"

    if paper_epochs:
        decide = f"deciding it needs the paper's {paper_epochs} epochs for {seeds} seed(s){cost(paper_epochs)}"
    else:
        cap = 200
        decide = (
            "deciding it needs training until early stopping on a validation carve-out (the paper states no epochs)"
            f"; at most {cap} epochs{cost(cap)}"
        )
    fitted = _Fit.of(tr)
    if fitted is None:
        return _Call(
            INCONCLUSIVE,
            "curve too short",
            f"only {epochs} epochs: too few to fit the {kind} curve's slope (the rule needs {tr.min_window}); {decide}",
            curve_state="too short",
        )
    fit = (
        f"the {kind} curve's slope over epochs {fitted.first}-{fitted.last} ({fitted.seeds} seed(s), a "
        f"level per seed) is {_pts(fitted.slope)} points per epoch ({fitted.interval()}: {fitted.state})"
    )
    more = (paper_epochs - epochs) if paper_epochs else (0 if fitted.hi <= 0 else None)
    if more is None:
        return _Call(
            INCONCLUSIVE,
            "curve may rise",
            f"{fit}; the paper states no epochs and the curve may still rise; {decide}",
            fitted.state,
            fitted.slope,
            (fitted.lo, fitted.hi),
        )
    reach = metrics_reachable(tr, more, factor)
    assert reach is not None  # a fitted trend always has a reach
    how = (
        f"level {100 * fitted.level:.1f} % at epoch {epochs}"
        + (f" + {_pts(max(0.0, fitted.hi))} x {more} more epochs" if more else "")
        + f" + {factor:g} x spread {100 * fitted.spread:.1f} ({fitted.spread_kind})"
    )
    where = f"at the paper's {paper_epochs} epochs" if paper_epochs else "at any number of epochs"
    if target > reach:
        return _Call(
            NOT_REPRODUCED,
            "curve bound",
            f"extrapolated from a {fitted.state} curve: {fit}; {where} it reaches at most {100 * reach:.1f} % "
            f"({how}), below the paper's {100 * target:.1f} %",
            fitted.state,
            fitted.slope,
            (fitted.lo, fitted.hi),
            reach,
        )
    return _Call(
        INCONCLUSIVE,
        "curve reachable",
        f"the paper's {100 * target:.1f} % is within reach: {fit}; {where} it could reach {100 * reach:.1f} % "
        f"({how}); {decide}",
        fitted.state,
        fitted.slope,
        (fitted.lo, fitted.hi),
        reach,
    )


def _budget_verdict(claim: Claim, facts: Any, settings: Mapping | None, ours: float) -> _Call:
    """NOT_REPRODUCED or INCONCLUSIVE for a value outside our interval, with the basis and reason."""
    limited = _search_limited(claim, facts, settings)
    if limited:
        return _Call(INCONCLUSIVE, "search limited", limited)
    if claim.maximum and not claim.curve:
        return _Call(
            NOT_REPRODUCED,
            "search at budget",
            "the search ran at the paper profile's budget and its best stays below the paper's",
        )
    if ours > claim.value:
        return _Call(NOT_REPRODUCED, "above", "ours is above the paper's value; more training would not lower it")
    c = _model(claim, facts).curve if claim.curve else None
    if c is None:
        return _Call(NOT_REPRODUCED, "no curve", "")
    if c.paper_epochs and c.epochs >= c.paper_epochs:
        return _Call(NOT_REPRODUCED, "paper epochs", f"trained for the paper's {c.paper_epochs} epochs")
    target = claim.value
    if claim.curve_scale == "one_vs_rest":
        target = top1_from_one_vs_rest(claim.value, 4)
    return _curve_verdict(claim, c, target)


def _stated(claim: Claim) -> records.Evidence:
    """A claim before it is measured: a verdict only where the paper's own numbers rule it out."""
    return records.Evidence(
        claim=claim.id,
        rule=claim.rule,
        verdict=NOT_AS_SPECIFIED if claim.reason else None,
        basis="stated",
        why=claim.reason or claim.caveat,
    )


def _join(*parts: str) -> str:
    return "; ".join(x for x in parts if x)


def _paired(claim: Claim, m: Any, ev: records.Evidence, facts: Any, settings: Mapping | None) -> records.Evidence:
    """The paper's direction, one-sided, paired on the same images, in every seed."""
    seeds = sorted(m, key=int)
    ps = {sd: m[sd].p_value for sd in seeds}
    better = [sd for sd in seeds if m[sd].only_b_correct > m[sd].only_a_correct]
    ev = dataclasses.replace(
        ev,
        ours="; ".join(
            f"seed {sd}: improved-only {m[sd].only_b_correct} vs basic-only "
            f"{m[sd].only_a_correct}, one-sided p = {ps[sd]:.3g}"
            for sd in seeds
        ),
        interval_kind="exact one-sided binomial test on discordant pairs, per seed",
        seeds=tuple(int(sd) for sd in seeds),
        p_values=tuple(float(ps[sd]) for sd in seeds),
    )
    if seeds and all(ps[sd] < 0.05 for sd in seeds):
        return dataclasses.replace(ev, verdict=REPRODUCED, basis="every seed significant")
    if seeds and not better:
        why = "the basic CNN is at least as accurate in every seed; " + ev.why
        return dataclasses.replace(ev, verdict=NOT_REPRODUCED, basis="no seed better", why=why)
    why = "the seeds disagree or the difference is not significant at 5 %; " + ev.why
    return dataclasses.replace(ev, verdict=INCONCLUSIVE, basis="seeds disagree", why=why)


def _choice_text(params: Mapping, table1: Mapping) -> str:
    """'lr 0.001, batch 16, dropout 0.5, 4 conv (Table 1: dropout 0.2)': the grid's choice, then where
    Table 1 differs (or that it is Table 1's setting)."""
    differs = [setting_text({k: table1.get(k)}) for k, v in params.items() if v != table1.get(k)]
    choice = setting_text(dict(params))
    return f"{choice} (Table 1: {', '.join(differs)})" if differs else f"{choice} (Table 1's setting)"


def _grid_basis(verdict: str, matches: Mapping, t: schema.GridVsTable1) -> str:
    """Which branch of _grid_verdict decided (its order)."""
    if all(matches.values()):
        return "same choice"
    if not t.in_grid:
        return "not in grid"
    if len(t.seeds or []) < GRID_MIN_SEEDS:
        return "too few seeds"
    return "every seed significant" if verdict == NOT_REPRODUCED else "seeds disagree"


def _grid(claim: Claim, m: Any, ev: records.Evidence, facts: Any, settings: Mapping | None) -> records.Evidence:
    """The grid's choice against Table 1's by the rule book's "grid" rule: the choice is the best point
    on the grid's first seed (fixed before the further seeds trained); the ranking by the mean over
    seeds, adopted after seeds 1-2 of the leading points were stored (ledger: 229db20), is shown beside
    it as a post-hoc reading."""
    margin = None if m.runner_up is None else (m.runner_up, m.best_val_accuracy, m.runner_up_val_accuracy)
    mean_verdict, mean_why = _grid_verdict(m.best_matches_table1, m.table1_vs_best, m.n_trials, m.seeds, margin)
    if m.first_seed_params is None or m.first_seed_vs_table1 is None:
        raise ClaimDataError(f"summaries/{claim.source}.json: no first-seed choice, which claim A11's rule reads")
    first, t = m.first_seed_params, m.first_seed_vs_table1
    matches = {k: first[k] == m.table1[k] for k in first}
    verdict, why = _grid_verdict(matches, t, m.n_trials, m.seeds, None, by_mean=False)
    reading = ""
    if len(m.seeds) > 1:
        reading = (
            f"ranked by the mean over {len(m.seeds)} seeds (ledger: 229db20, after the seeds' results): "
            f"{_choice_text(m.best_params, m.table1)}, {mean_verdict}" + (f"; {mean_why}" if mean_why else "")
        )
    return dataclasses.replace(
        ev,
        ours=f"first seed's choice: {_choice_text(first, m.table1)}",
        verdict=verdict,
        basis=_grid_basis(verdict, matches, t),
        why=_join(why, ev.why),
        seeds=tuple(t.seeds or ()),
        p_values=tuple(t.p_value or ()),
        post_hoc_reading=reading,
    )


def _rounded(claim: Claim, m: Any, ev: records.Evidence, facts: Any, settings: Mapping | None) -> records.Evidence:
    """A count the paper may state rounded (to hundreds or thousands)."""
    exact, rounded = m == claim.value, round(m, -2) == claim.value or round(m, -3) == claim.value
    why = f"the paper's {claim.value:,} is our {m:,} rounded; " + ev.why if rounded and not exact else ev.why
    return dataclasses.replace(
        ev,
        ours=m,
        difference=m - claim.value,
        verdict=REPRODUCED if exact or rounded else NOT_REPRODUCED,
        basis="exact" if exact or rounded else "differs",
        why=why,
    )


def _count(claim: Claim, m: Any, ev: records.Evidence, facts: Any, settings: Mapping | None) -> records.Evidence:
    """An exact count derived from notebook 01's record ("About ..." claims: to the hundred)."""
    ours = DERIVED[claim.derive](m)
    rounded = claim.statement.startswith("About") and round(ours, -2) == round(claim.value, -2)
    same = ours == claim.value or rounded
    return dataclasses.replace(
        ev,
        ours=ours,
        difference=ours - claim.value,
        interval_kind="exact count",
        verdict=ev.verdict or (REPRODUCED if same else NOT_REPRODUCED),
        basis=ev.basis if ev.verdict else ("exact" if same else "differs"),
    )


def _trend(claim: Claim, m: Any, ev: records.Evidence, facts: Any, settings: Mapping | None) -> records.Evidence:
    """Rising mean fitness over the generations (the best cannot fall under elitism)."""
    means = [g.mean for g in m]
    ev = dataclasses.replace(
        ev,
        ours="mean fitness per generation: " + ", ".join(f"{100 * v:.1f} %" for v in means),
        interval_kind="none: one search",
    )
    limited = _search_limited(claim, facts, settings)
    if len(means) < 2:
        return dataclasses.replace(
            ev, verdict=NOT_MEASURED, basis="one generation", why="not measured: one generation (b_generations)"
        )
    if limited:  # a search that cannot rank genomes says nothing either way
        return dataclasses.replace(ev, verdict=INCONCLUSIVE, basis="search limited", why=_join(limited, ev.why))
    if all(b > a for a, b in zip(means, means[1:])):
        return dataclasses.replace(ev, verdict=REPRODUCED, basis="rising")
    why = _join("the mean fitness falls in some generation", ev.why)
    return dataclasses.replace(ev, verdict=NOT_REPRODUCED, basis="not rising", why=why)


def _times(claim: Claim, m: Any, ev: records.Evidence, facts: Any, settings: Mapping | None) -> records.Evidence:
    """B5: Table 3's whole sum both ways; B10: the reading closest to the stated total (generations
    1-3, hours read as tenths), term by term."""
    if claim.id == "B10":
        terms = m.table3_hours_over_10[1:]
        total = hms(sum(seconds(t) for t in terms))
        return dataclasses.replace(ev, ours=f"generations 1-3, hours / 10: {' + '.join(terms)} = {total}")
    return dataclasses.replace(
        ev, ours=f"Table 3 sums to {m.sum_printed} (as printed), {m.sum_hours_over_10} (hours / 10)"
    )


def _duplicates(claim: Claim, m: Any, ev: records.Evidence, facts: Any, settings: Mapping | None) -> records.Evidence:
    return dataclasses.replace(ev, ours=f"{m} images are exact duplicates of another (notebook 01)")


def _compare(claim: Claim, m: Any, ev: records.Evidence, facts: Any, settings: Mapping | None) -> records.Evidence:
    """The paper's value inside our named interval: reproduced; outside it, the budget rules
    (curve, search power) decide between not reproduced and inconclusive."""
    ours = m.mean if isinstance(m, schema.Spread) else m
    interval, kind = named_interval(m, None, claim.maximum)
    ev = dataclasses.replace(ev, ours=ours, interval=tuple(interval) if interval else None, interval_kind=kind)
    if not (isinstance(claim.value, (int, float)) and isinstance(ours, (int, float))):
        return ev
    ev = dataclasses.replace(ev, difference=ours - claim.value)
    if ev.verdict is not None:
        return ev
    lo, hi = ev.interval if ev.interval else (ours, ours)
    if lo <= claim.value <= hi or (claim.maximum and ours >= claim.value):
        ev = dataclasses.replace(ev, verdict=REPRODUCED, basis="inside interval")
    else:
        call = _budget_verdict(claim, facts, settings, ours)
        ev = dataclasses.replace(
            ev,
            verdict=call.verdict,
            basis=call.basis,
            why=_join(call.why, ev.why),
            curve_state=call.curve_state,
            slope=call.slope,
            slope_interval=call.slope_interval,
            reach=call.reach,
            epochs_to_reach=call.epochs_to_reach,
        )
    if claim.unit == "gap":
        ev = dataclasses.replace(ev, why=_join(_gap_said(claim, facts, ours), ev.why))
    return ev


def _gap_said(claim: Claim, facts: Any, ours: float) -> str:
    """A train-validation gap claim (A19, A20) by what it shows: both accuracies and the gap in
    points, and whether the model overfits more or less than the paper says (the verdict is about the
    gap's size; this says what the direction of the finding is)."""
    m = _model(claim, facts)
    train, val = m.final_train_accuracy.mean, m.final_val_accuracy.mean
    more = "more" if ours > claim.value else "less"
    return (
        f"ours: training {100 * train:.1f} %, validation {100 * val:.1f} %, a gap of {100 * ours:.1f} points "
        f"against the paper's {100 * claim.value:.1f}: the model overfits {more} than the paper says"
    )


RULES = {
    "compare": _compare,
    "count": _count,
    "rounded": _rounded,
    "paired": _paired,
    "grid": _grid,
    "trend": _trend,
    "times": _times,
    "duplicates": _duplicates,
}


def verdict(claim: Claim, facts: Any, settings: Mapping[str, Settings] | None = None) -> schema.ClaimRow:
    """Our measurement for `claim` (read from the typed `facts`, core.schema.Facts), its named
    interval, the difference to the paper, and the verdict with its reason, by the claim's rule
    (RULES): its `evidence`, rendered as the claims table's row. `settings` (per notebook) tells
    which steps the profile skips."""
    ev = evidence(claim, facts, settings)
    if ev.verdict is None:
        raise ClaimDataError(f"claim {claim.id}: rule '{claim.rule}' decided no verdict")
    row = schema.ClaimRow(
        id=claim.id,
        paper=claim.paper,
        claim=claim.statement,
        where=claim.where,
        accuracy=claim.accuracy,
        paper_value=claim.value,
        ours=ev.ours,
        interval=list(ev.interval) if ev.interval is not None else None,
        interval_kind=ev.interval_kind,
        difference=ev.difference,
        verdict=ev.verdict,
        why=ev.why,
        post_hoc_reading=ev.post_hoc_reading,
    )
    change = ledger.post_hoc().get(claim.id)
    if change is not None:
        if claim.earlier is None:
            raise ClaimDataError(
                f"claim {claim.id} is post hoc in the ledger ({change.date}) but names no earlier rule"
            )
        earlier = evidence(claim.earlier, facts, settings).verdict
        row = dataclasses.replace(row, post_hoc=True, earlier_verdict=earlier or "")
    # A record at birth, checked by its types (mypy) and, when notebook 07 writes it, by the codec.
    return row


def evidence(claim: Claim, facts: Any, settings: Mapping[str, Settings] | None = None) -> records.Evidence:
    """What `claim`'s rule compared and decided, as a record (core.records.Evidence)."""
    ev = _stated(claim)
    if claim.get is None:
        return ev
    skip = skipped(claim, settings)
    if skip:
        return dataclasses.replace(
            ev,
            verdict=ev.verdict or NOT_MEASURED,
            basis="stated" if ev.verdict else "not measured",
            why=_join(f"not measured: {skip}", ev.why),
        )
    m = _read(claim, claim.get, facts)
    failed = claim.model is not None and _read(claim, claim.model, facts).failed_to_train
    if failed and not claim.reason:
        return dataclasses.replace(
            ev,
            verdict=INCONCLUSIVE,
            basis="failed to train",
            ours=m.mean if isinstance(m, schema.Spread) else m,
            why=_join(
                "every seed of this model failed to train at this budget (notebook 03 says why); its numbers are not a result",
                ev.why,
            ),
        )
    return RULES[claim.rule](claim, m, ev, facts, settings)


def drawn(rows: list[schema.ClaimRow]) -> list[schema.ClaimRow]:
    """The rows the claims figure draws: accuracies (fractions) with a number of ours."""
    return [
        r
        for r in rows
        if isinstance(r.paper_value, float)
        and isinstance(r.ours, float)
        and r.accuracy
        and r.paper_value <= 1
        and r.ours <= 1
    ]


def table(facts: Any, settings: Mapping[str, Settings] | None = None) -> list[schema.ClaimRow]:
    """Every claim of the registry with our measurement and its verdict."""
    return [verdict(c, facts, settings) for c in REGISTRY]
