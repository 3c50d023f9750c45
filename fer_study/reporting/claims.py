"""The claims registry: every quantitative statement of both papers, our measurement of it, its
named interval and its verdict."""

# --- The registry: every quantitative claim, where it stands, and which measurement answers it ----------
#
# A claim is answered by a path into a notebook's summary (summaries/<notebook>.json, key "facts"),
# or carries the reason it cannot be reproduced as specified. The five verdicts and their rule are
# below (VERDICTS) and in notebook 07's header and the README.
import re  # noqa: E402
from collections.abc import Mapping  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any

from fer_study.core.papers import PAPER_A, PAPER_A_TABLE1, PAPER_B, STATED, Stated  # noqa: F401  (the claims' sources)
from fer_study.core.settings import Settings
from fer_study.nn.metrics import binomial_interval, top1_from_one_vs_rest
from fer_study.nn.metrics import reachable as metrics_reachable

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
    measure: tuple | None = None  # (notebook, "dotted.path") into that notebook's facts
    n_from: tuple | None = None  # (notebook, "dotted.path") to the number of test images, for a binomial CI
    beyond_paper: bool = False
    # (notebook, path to a "curve" record, "val" | "train"): the training curves the budget rule reads.
    curve: tuple | None = None
    curve_scale: str = "top1"  # "one_vs_rest": the claim is in mean one-vs-rest terms (4 classes)
    power: tuple | None = None  # (notebook, path to a search's "search_power"): can the search rank genomes?
    maximum: bool = False  # the value is a maximum over a search's evaluations: no interval around it
    derive: str = ""  # a name in DERIVED: the number is computed from the measured record (e.g. counts)
    # How the measurement is judged, a name in RULES: "compare" (the paper's value against our
    # interval, then the budget rules), "count" (an exact count, DERIVED), "rounded" (a count the
    # paper may have rounded), "paired" (a one-sided paired test per seed), "grid" (the grid's
    # choice against Table 1), "trend" (rising mean fitness), "times" / "duplicates" (what we
    # measured beside a claim its own numbers rule out).
    rule: str = "compare"
    accuracy: bool = True  # an accuracy (drawn in the claims figure); False for gaps and differences

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


def _count(splits, classes=None):
    return lambda counts: sum(
        n for sp, per in counts.items() if sp in splits for c, n in per.items() if classes is None or c in classes
    )


_ALL = ("Training", "PublicTest", "PrivateTest")
DERIVED = {
    "all_images": _count(_ALL),
    "training_images": _count(("Training",)),
    "test_images": _count(("PublicTest", "PrivateTest")),
    "four_classes": _count(_ALL, ("angry", "happy", "neutral", "sad")),
}


_A3 = "03_basic_vs_improved"
_hA = "paper_a_split.headline"
REGISTRY: list[Claim] = [
    Claim(
        "A1",
        "A",
        STATED["A1"],
        (_A3, f"{_hA}.improved.mean_one_vs_rest_accuracy_200"),
        curve=(_A3, f"{_hA}.improved.curve", "val"),
        curve_scale="one_vs_rest",
    ),
    Claim(
        "A2",
        "A",
        STATED["A2"],
        (_A3, f"{_hA}.improved.top1_200"),
        curve=(_A3, f"{_hA}.improved.curve", "val"),
    ),
    Claim(
        "A3",
        "A",
        STATED["A3"],
        (_A3, f"{_hA}.improved.top1"),
        curve=(_A3, f"{_hA}.improved.curve", "val"),
    ),
    Claim(
        "A4",
        "A",
        STATED["A4"],
        (_A3, f"{_hA}.basic.mean_one_vs_rest_accuracy_200"),
        curve=(_A3, f"{_hA}.basic.curve", "val"),
        curve_scale="one_vs_rest",
    ),
    Claim(
        "A5",
        "A",
        STATED["A5"],
        (_A3, f"{_hA}.basic.top1_200"),
    ),
    Claim(
        "A6",
        "A",
        STATED["A6"],
        (_A3, f"{_hA}.improved.final_train_accuracy"),
        curve=(_A3, f"{_hA}.improved.curve", "train"),
    ),
    Claim(
        "A7",
        "A",
        STATED["A7"],
        (_A3, f"{_hA}.improved.final_val_accuracy"),
        curve=(_A3, f"{_hA}.improved.curve", "val"),
    ),
    Claim(
        "A8",
        "A",
        STATED["A8"],
        (_A3, f"{_hA}.basic.final_val_accuracy"),
        curve=(_A3, f"{_hA}.basic.curve", "val"),
    ),
    Claim(
        "A9",
        "A",
        STATED["A9"],
        ("02_downsampling", "per_class_after_downsampling"),
        rule="rounded",
    ),
    Claim(
        "A10",
        "A",
        STATED["A10"],
        (_A3, "paper_a_split.improved_beats_basic"),
        rule="paired",
    ),
    Claim(
        "A11",
        "A",
        STATED["A11"],
        ("04_grid_search", "best_matches_table1"),
        rule="grid",
    ),
    Claim(
        "B1",
        "B",
        STATED["B1"],
        ("05_ga_search", "final.paper/ga_best"),
        curve=("05_ga_search", "final.paper/ga_best.curve", "val"),
        power=("05_ga_search", "search_power.paper"),
    ),
    Claim(
        "B1c",
        "B",
        STATED["B1c"],
        ("05_ga_search", "final.clean/ga_best"),
        beyond_paper=True,
        curve=("05_ga_search", "final.clean/ga_best.curve", "val"),
        power=("05_ga_search", "search_power.clean"),
    ),
    Claim(
        "B2",
        "B",
        STATED["B2"],
        ("05_ga_search", "final.paper/table2"),
        curve=("05_ga_search", "final.paper/table2.curve", "val"),
    ),
    Claim(
        "B2c",
        "B",
        STATED["B2c"],
        ("05_ga_search", "final.clean/table2"),
        beyond_paper=True,
        curve=("05_ga_search", "final.clean/table2.curve", "val"),
    ),
    *[
        Claim(
            f"B3.{g}",
            "B",
            STATED[f"B3.{g}"],
            ("05_ga_search", f"generations.paper.{g}.best"),
            maximum=True,
            power=("05_ga_search", "search_power.paper"),
        )
        for g in range(3)
    ],
    Claim(
        "B3.3",
        "B",
        STATED["B3.3"],
        ("05_ga_search", "final.paper/table2.best_epoch_on_report"),
        maximum=True,
        curve=("05_ga_search", "final.paper/table2.curve", "val"),
    ),
    Claim(
        "B4",
        "B",
        STATED["B4"],
    ),
    Claim(
        "B5",
        "B",
        STATED["B5"],
        ("05_ga_search", "time_arithmetic"),
        rule="times",
    ),
    Claim(
        "A12",
        "A",
        STATED["A12"],
        ("01_data_exploration", "counts"),
        derive="all_images",
        rule="count",
    ),
    Claim(
        "A13",
        "A",
        STATED["A13"],
        ("01_data_exploration", "counts"),
        derive="training_images",
        rule="count",
    ),
    Claim(
        "A14",
        "A",
        STATED["A14"],
        ("01_data_exploration", "counts"),
        derive="test_images",
        rule="count",
    ),
    Claim(
        "A15",
        "A",
        STATED["A15"],
        ("01_data_exploration", "counts"),
        derive="four_classes",
        rule="count",
    ),
    Claim(
        "A16",
        "A",
        STATED["A16"],
    ),
    Claim(
        "A17",
        "A",
        STATED["A17"],
    ),
    Claim(
        "A18",
        "A",
        STATED["A18"],
    ),
    Claim(
        "A19",
        "A",
        STATED["A19"],
        (_A3, f"{_hA}.basic.train_val_gap"),
        curve=(_A3, f"{_hA}.basic.curve", "train"),
        accuracy=False,
    ),
    Claim(
        "A20",
        "A",
        STATED["A20"],
        (_A3, f"{_hA}.improved.train_val_gap"),
        curve=(_A3, f"{_hA}.improved.curve", "train"),
        accuracy=False,
    ),
    Claim(
        "B7",
        "B",
        STATED["B7"],
    ),
    Claim(
        "B8",
        "B",
        STATED["B8"],
        ("05_ga_search", "generations.paper"),
        rule="trend",
        power=("05_ga_search", "search_power.paper"),
    ),
    Claim(
        "B9",
        "B",
        STATED["B9"],
    ),
    Claim(
        "B10",
        "B",
        STATED["B10"],
        ("05_ga_search", "time_arithmetic"),
        rule="times",
    ),
    Claim(
        "B6",
        "B",
        STATED["B6"],
        ("01_data_exploration", "duplicates.exact.images"),
        rule="duplicates",
    ),
]


# Search settings that reduce paper B's search against the paper profile: with any of them reduced,
# a search's maxima say nothing about the paper's.
_SEARCH_BUDGET = ("b_population", "b_generations", "b_filters_max_exp", "b_kernel_max", "b_epochs", "b_train_images")


def lookup(facts: Mapping[str, dict], ref: tuple) -> Any:
    """The value at (notebook, 'a.b.c') in the notebooks' facts; integer-like parts index lists.
    A missing notebook or field raises ClaimDataError naming both."""
    notebook, path = ref[0], ref[1]
    if notebook not in facts:
        raise ClaimDataError(f"summaries/{notebook}.json: missing (run notebook {notebook[:2]} first)")
    node: Any = facts[notebook]
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise ClaimDataError(f"summaries/{notebook}.json: no field '{part}' on the path 'facts.{path}'")
    return node


def _failed_on_path(facts: Mapping, ref: tuple) -> bool:
    """Does any record on the path to a measurement say its model failed to train?"""
    node: Any = facts.get(ref[0], {})
    for part in ref[1].split("."):
        if isinstance(node, dict) and node.get("failed_to_train"):
            return True
        node = node.get(part) if isinstance(node, dict) else None
    return isinstance(node, dict) and bool(node.get("failed_to_train"))


def skipped(claim: Claim, settings: Mapping[str, Settings] | None) -> str:
    """Why the profile does not measure `claim` ('' when it does). Only a declared setting can
    skip a claim; anything else missing from a summary is an error."""
    if not settings or claim.measure is None:
        return ""
    st = settings.get(claim.measure[0])
    if st is None:
        return ""
    path = claim.measure[1]
    gen = re.fullmatch(r"generations\.\w+\.(\d+)\..*", path)
    if gen and int(gen.group(1)) > st.paper_b.b_generations:
        return f"the profile runs {st.paper_b.b_generations} generation(s) (b_generations)"
    for proto in ("paper", "clean"):
        if f"{proto}/" in path or f".{proto}" in path:
            if proto not in st.paper_b.b_protocols:
                return f"protocol '{proto}' is not in b_protocols"
    if path.startswith("official_split") and not st.paper_a.a_official_split:
        return "a_official_split is off"
    return ""


def named_interval(measure: Any, n: int | None = None, maximum: bool = False) -> tuple[list | None, str]:
    """Our 95 % interval for a measurement and its name. A summary's own named interval (t over
    seeds, or the bootstrap over test images of one seed); a Wilson interval for a bare accuracy
    over n images; none for a maximum over a search (it is selected, not sampled)."""
    if maximum:
        return None, "none: a maximum over the search's evaluations on its selection images"
    if isinstance(measure, dict) and "interval" in measure:
        return list(measure["interval"]), measure["interval_kind"]
    if isinstance(measure, dict) and "ci95" in measure:
        return list(measure["ci95"]), f"bootstrap over test images (seed {measure.get('ci_seed', '?')})"
    if isinstance(measure, (int, float)) and n:
        return binomial_interval(float(measure), int(n)), f"Wilson interval over {n} images"
    return None, ""


def _search_limited(claim: Claim, facts: Mapping, settings: Mapping | None) -> str:
    """Why the claim's search cannot decide it ('' when it can)."""
    if claim.power is None:
        return ""
    pw = lookup(facts, claim.power)
    b = pw["budget"]
    d = pw.get("deciding_search")
    decide = "deciding it needs the paper profile's search (30 epochs per genome on the whole training part, filters to 1024)"
    if d:
        h = d.get("cpu_hours")
        cpu = (
            ""
            if h is None
            else (f"about {h / 8766:,.0f} years" if h > 8766 else f"about {h:,.0f} h") + " on this machine"
        )
        decide = (
            f"deciding it needs the paper profile's search: {d['trainings']} trainings of {d['epochs']} epochs on "
            f"{d['train_images']} images, filters to {d['filters_max']} and kernels to {d['kernel_max']}, about "
            f"{d['training_pflop']:,.0f} PFLOP by our FLOP count: {cpu} (measured {d['cpu_gflops_measured']} GFLOP/s), "
            f"about {d['gpu_hours']:,.{1 if d['gpu_hours'] < 10 else 0}f} GPU hours at an assumed "
            f"{d['gpu_tflops_assumed']:g} TFLOP/s"
        )
    if not pw["can_rank"]:
        return (
            f"{pw['near_chance']} of {pw['n_evaluations']} genomes scored within 2 points of chance "
            f"({100 * pw['chance']:.1f} %) at {b['epochs']} epochs on {b['train_images']} images with "
            f"filters up to {b['filters_max']}: this search cannot rank genomes; {decide}"
        )
    st = (settings or {}).get(claim.power[0])
    reduced = [k for k in _SEARCH_BUDGET if st is not None and k in st.reductions]
    if reduced:
        return f"the search ran at a reduced budget ({', '.join(reduced)}): its genomes say nothing about the paper's search; {decide}"
    return ""


def _grid_verdict(matches: Mapping, t: Mapping) -> tuple[str, str]:
    """A11: the grid's choice differs from Table 1's only when its winner beats Table 1's setting
    significantly (one-sided paired test on the same validation images, p < 0.05, in every seed)."""
    if all(matches.values()):
        return REPRODUCED, ""
    if not t.get("in_grid"):
        return INCONCLUSIVE, "Table 1's setting is not in our grid, so the grid cannot test it"
    diff = 100 * (t["best_accuracy"] - t["table1_accuracy"])
    said = (
        f"the winner beats Table 1's setting by {diff:.2f} points on the same {t['n_val']} validation images "
        f"({t['only_best_correct']} vs {t['only_table1_correct']} discordant images, one-sided p = {t['p_value']:.2g}, "
        f"{t['seeds']} seed, {t['epochs']} epochs per trial)"
    )
    if t["p_value"] < 0.05:
        return NOT_REPRODUCED, said
    cost = 3 * 2 * t["seconds_per_trial"]
    return INCONCLUSIVE, (
        f"{said}: not significant; deciding it needs both settings trained on 3 or more seeds at the grid's budget "
        f"(about {_hours(cost)} on this machine for 3 seeds each)"
    )


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def _pts(x: float) -> str:
    return f"{100 * x:+.3f}"


def _curve_verdict(claim: Claim, c: Mapping, target: float) -> tuple[str, str]:
    """The curve rule (settings v_curve_*, v_spread_factor; metrics.curve_trend and reachable): can
    more of the same training reach the paper's value? NOT_REPRODUCED when the paper's value lies
    above the most the fitted curve could reach at the paper's epochs (or, where the paper states
    none, when the runs stopped early or their slope cannot be positive); else INCONCLUSIVE, naming
    the run that would decide it and what it costs on this machine."""
    kind = claim.curve[2]
    tr = c[kind]
    epochs, paper_epochs, factor = c["epochs"], c.get("paper_epochs"), c["spread_factor"]
    spe, seeds = c.get("seconds_per_epoch"), tr.get("seeds") or 1
    es = c.get("early_stopping") or {}
    if es and es.get("stopped") and all(es["stopped"].values()):
        return NOT_REPRODUCED, (
            f"trained to convergence: early stopping on validation loss (patience {es['patience']}) stopped "
            f"every seed, best weights restored, and the paper's {100 * target:.1f} % lies outside our interval"
        )

    def cost(more_epochs: int) -> str:
        if not spe:
            return ""
        return f" (about {_hours(more_epochs * seeds * spe)} of training on this machine at {spe:.0f} s per epoch)"

    if paper_epochs:
        decide = f"deciding it needs the paper's {paper_epochs} epochs for {seeds} seed(s){cost(paper_epochs)}"
    else:
        cap = 200
        decide = (
            "deciding it needs training until early stopping on a validation carve-out (the paper states no epochs)"
            f"; at most {cap} epochs{cost(cap)}"
        )
    if tr["state"] == "too short":
        return INCONCLUSIVE, (
            f"only {epochs} epochs: too few to fit the {kind} curve's slope (the rule needs {tr['min_window']}); {decide}"
        )
    lo, hi = tr["slope_interval"]
    fit = (
        f"the {kind} curve's slope over epochs {tr['window'][0]}-{tr['window'][1]} ({tr['seeds']} seed(s), a "
        f"level per seed) is {_pts(tr['slope'])} points per epoch ({100 * tr['confidence']:.0f} % interval "
        f"{_pts(lo)} to {_pts(hi)}: {tr['state']})"
    )
    more = (paper_epochs - epochs) if paper_epochs else (0 if hi <= 0 else None)
    if more is None:
        return INCONCLUSIVE, f"{fit}; the paper states no epochs and the curve may still rise; {decide}"
    reach = metrics_reachable(tr, more, factor)
    how = (
        f"level {100 * tr['level']:.1f} % at epoch {epochs}"
        + (f" + {_pts(max(0.0, hi))} x {more} more epochs" if more else "")
        + f" + {factor:g} x spread {100 * tr['spread']:.1f} ({tr['spread_kind']})"
    )
    where = f"at the paper's {paper_epochs} epochs" if paper_epochs else "at any number of epochs"
    if target > reach:
        return NOT_REPRODUCED, (
            f"extrapolated from a {tr['state']} curve: {fit}; {where} it reaches at most {100 * reach:.1f} % "
            f"({how}), below the paper's {100 * target:.1f} %"
        )
    return INCONCLUSIVE, (
        f"the paper's {100 * target:.1f} % is within reach: {fit}; {where} it could reach {100 * reach:.1f} % "
        f"({how}); {decide}"
    )


def _budget_verdict(claim: Claim, facts: Mapping, settings: Mapping | None, ours: float) -> tuple[str, str]:
    """NOT_REPRODUCED or INCONCLUSIVE for a value outside our interval, with the reason."""
    limited = _search_limited(claim, facts, settings)
    if limited:
        return INCONCLUSIVE, limited
    if claim.maximum and claim.curve is None:
        return NOT_REPRODUCED, "the search ran at the paper profile's budget and its best stays below the paper's"
    if ours > claim.value:
        return NOT_REPRODUCED, "ours is above the paper's value; more training would not lower it"
    if claim.curve is None:
        return NOT_REPRODUCED, ""
    c = lookup(facts, claim.curve[:2])
    if c.get("paper_epochs") and c["epochs"] >= c["paper_epochs"]:
        return NOT_REPRODUCED, f"trained for the paper's {c['paper_epochs']} epochs"
    target = claim.value
    if claim.curve_scale == "one_vs_rest":
        target = top1_from_one_vs_rest(claim.value, 4)
    return _curve_verdict(claim, c, target)


def _row(claim: Claim) -> dict[str, Any]:
    """A claim's row before it is measured: what the paper states, and a verdict only where the
    paper's own numbers rule it out."""
    return {
        "id": claim.id,
        "paper": claim.paper,
        "claim": claim.statement,
        "where": claim.where,
        "accuracy": claim.accuracy,
        "paper value": claim.value,
        "ours": None,
        "interval": None,
        "interval kind": "",
        "difference": None,
        "verdict": NOT_AS_SPECIFIED if claim.reason else None,
        "why": claim.reason or claim.caveat,
    }


def _join(*parts: str) -> str:
    return "; ".join(x for x in parts if x)


def _paired(claim: Claim, m: Any, row: dict, facts: Mapping, settings: Mapping | None) -> dict:
    """The paper's direction, one-sided, paired on the same images, in every seed."""
    seeds = sorted(m, key=int)
    ps = {sd: m[sd]["p_value"] for sd in seeds}
    better = [sd for sd in seeds if m[sd]["only_b_correct"] > m[sd]["only_a_correct"]]
    row["ours"] = "; ".join(
        f"seed {sd}: improved-only {m[sd]['only_b_correct']} vs basic-only "
        f"{m[sd]['only_a_correct']}, one-sided p = {ps[sd]:.3g}"
        for sd in seeds
    )
    row["interval kind"] = "exact one-sided binomial test on discordant pairs, per seed"
    if seeds and all(ps[sd] < 0.05 for sd in seeds):
        row["verdict"] = REPRODUCED
    elif seeds and not better:
        row["verdict"] = NOT_REPRODUCED
        row["why"] = "the basic CNN is at least as accurate in every seed; " + row["why"]
    else:
        row["verdict"] = INCONCLUSIVE
        row["why"] = "the seeds disagree or the difference is not significant at 5 %; " + row["why"]
    return row


def _grid(claim: Claim, m: Any, row: dict, facts: Mapping, settings: Mapping | None) -> dict:
    row["ours"] = ", ".join(f"{k} {'=' if v else '≠'}" for k, v in m.items())
    row["verdict"], why = _grid_verdict(m, lookup(facts, (claim.measure[0], "table1_vs_best")))
    row["why"] = _join(why, row["why"])
    return row


def _rounded(claim: Claim, m: Any, row: dict, facts: Mapping, settings: Mapping | None) -> dict:
    """A count the paper may state rounded (to hundreds or thousands)."""
    row.update(ours=m, difference=m - claim.value)
    exact, rounded = m == claim.value, round(m, -2) == claim.value or round(m, -3) == claim.value
    row["verdict"] = REPRODUCED if exact or rounded else NOT_REPRODUCED
    if rounded and not exact:
        row["why"] = f"the paper's {claim.value:,} is our {m:,} rounded; " + row["why"]
    return row


def _count(claim: Claim, m: Any, row: dict, facts: Mapping, settings: Mapping | None) -> dict:
    """An exact count derived from notebook 01's record ("About ..." claims: to the hundred)."""
    ours = DERIVED[claim.derive](m)
    row.update(ours=ours, difference=ours - claim.value, **{"interval kind": "exact count"})
    rounded = claim.statement.startswith("About") and round(ours, -2) == round(claim.value, -2)
    row["verdict"] = row["verdict"] or (REPRODUCED if ours == claim.value or rounded else NOT_REPRODUCED)
    return row


def _trend(claim: Claim, m: Any, row: dict, facts: Mapping, settings: Mapping | None) -> dict:
    """Rising mean fitness over the generations (the best cannot fall under elitism)."""
    means = [g["mean"] for g in m]
    row["ours"] = "mean fitness per generation: " + ", ".join(f"{100 * v:.1f} %" for v in means)
    row["interval kind"] = "none: one search"
    limited = _search_limited(claim, facts, settings)
    if len(means) < 2:
        row.update(verdict=NOT_MEASURED, why="not measured: one generation (b_generations)")
    elif limited:  # a search that cannot rank genomes says nothing either way
        row.update(verdict=INCONCLUSIVE, why=_join(limited, row["why"]))
    elif all(b > a for a, b in zip(means, means[1:])):
        row["verdict"] = REPRODUCED
    else:
        row.update(verdict=NOT_REPRODUCED, why=_join("the mean fitness falls in some generation", row["why"]))
    return row


def _times(claim: Claim, m: Any, row: dict, facts: Mapping, settings: Mapping | None) -> dict:
    row["ours"] = f"Table 3 sums to {m['sum_printed']} (as printed), {m['sum_hours_over_10']} (hours / 10)"
    return row


def _duplicates(claim: Claim, m: Any, row: dict, facts: Mapping, settings: Mapping | None) -> dict:
    row["ours"] = f"{m} images are exact duplicates of another (notebook 01)"
    return row


def _compare(claim: Claim, m: Any, row: dict, facts: Mapping, settings: Mapping | None) -> dict:
    """The paper's value inside our named interval: reproduced; outside it, the budget rules
    (curve, search power) decide between not reproduced and inconclusive."""
    ours = m["mean"] if isinstance(m, dict) else m
    n = lookup(facts, claim.n_from) if claim.n_from else None
    row["ours"] = ours
    row["interval"], row["interval kind"] = named_interval(m, n, claim.maximum)
    if not (isinstance(claim.value, (int, float)) and isinstance(ours, (int, float))):
        return row
    row["difference"] = ours - claim.value
    if row["verdict"] is not None:
        return row
    lo, hi = row["interval"] if row["interval"] else (ours, ours)
    if lo <= claim.value <= hi or (claim.maximum and ours >= claim.value):
        row["verdict"] = REPRODUCED
    else:
        row["verdict"], why = _budget_verdict(claim, facts, settings, ours)
        row["why"] = _join(why, row["why"])
    return row


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


def verdict(claim: Claim, facts: Mapping[str, dict], settings: Mapping[str, Settings] | None = None) -> dict:
    """Our measurement for `claim`, its named interval, the difference to the paper, and the verdict
    with its reason, by the claim's rule (RULES). `settings` (per notebook) tells which steps the
    profile skips."""
    row = _row(claim)
    if claim.measure is None:
        return row
    skip = skipped(claim, settings)
    if skip:
        row["verdict"] = row["verdict"] or NOT_MEASURED
        row["why"] = _join(f"not measured: {skip}", row["why"])
        return row
    m = lookup(facts, claim.measure)
    if _failed_on_path(facts, claim.measure) and not claim.reason:
        row.update(
            verdict=INCONCLUSIVE,
            ours=m.get("mean") if isinstance(m, dict) else m,
            why=_join(
                "every seed of this model failed to train at this budget (notebook 03 says why); its numbers are not a result",
                row["why"],
            ),
        )
        return row
    return RULES[claim.rule](claim, m, row, facts, settings)


def table(facts: Mapping[str, dict], settings: Mapping[str, Settings] | None = None) -> list[dict]:
    """Every claim of the registry with our measurement and its verdict."""
    return [verdict(c, facts, settings) for c in REGISTRY]
