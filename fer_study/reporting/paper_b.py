"""Paper B's search and retrains in words and tables (notebook 05), rendered from the numbers the
experiments compute (experiments/paper_b.py)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import pandas as pd

from fer_study.core import schema
from fer_study.core.papers import PAPER_B, hms
from fer_study.search import genome as G
from fer_study.search.runs import SearchRun


def ga_title(st, data_label: str) -> str:
    """The fitness figure's title: the search's budget, and what the profile reduced against paper B."""
    b = st.paper_b
    budget = (
        f"population {b.b_population}, {b.b_generations} generation{'s' if b.b_generations != 1 else ''}, "
        f"{b.b_epochs} epoch{'s' if b.b_epochs != 1 else ''} per genome"
    )
    keys = ("b_population", "b_generations", "b_epochs", "b_train_images", "b_filters_max_exp", "b_kernel_max")
    reduced = [st.reductions[k].split(" (")[0] for k in keys if k in st.reductions]
    line = f"Fitness per generation ({data_label}): {budget}"
    if not reduced:
        return line
    return line + "\n" + textwrap.fill(f"reduced (profile {st.profile}): " + "; ".join(reduced), 110)


def generations_table(state, train_seconds: Mapping[int, float] | None = None) -> pd.DataFrame:
    """Best, mean, spread and time per generation, beside paper B's Table 3. With `train_seconds`
    (generation_train_seconds), "our time" is the trainings' own time, not this pass's."""
    rows = []
    paper = {r.generation: r for r in PAPER_B.table3}
    for rec in state.logbook:
        p = paper.get(rec["gen"])  # None: a generation paper B's Table 3 does not have
        rows.append(
            {
                "phase": p.phase if p else f"Generation {rec['gen']}",
                "best %": 100 * rec["best"],
                "mean %": 100 * rec["mean"],
                "std %": 100 * rec["std"],
                "min %": 100 * rec["min"],
                "trainings": rec["trained"],
                "cache hits": rec["cache_hits"],
                "our time": hms(train_seconds.get(rec["gen"], 0.0) if train_seconds is not None else rec["seconds"]),
                "paper best %": p.best_accuracy if p else None,
                "paper time (printed)": p.time_printed if p else None,
            }
        )
    return pd.DataFrame(rows)


def protocols_table(protocols: Mapping) -> pd.DataFrame:
    """Each protocol's parts (experiments.paper_b.Protocol): images to fit, to select on, to report on."""
    return pd.DataFrame(
        {
            name: {
                "fit (train)": len(p.fit),
                "select (fitness)": len(p.select),
                "report (test)": len(p.report),
                "selects on the reported test set": p.selects_on_report,
            }
            for name, p in protocols.items()
        }
    ).T


def generations_frame(searches: Mapping[str, SearchRun]) -> pd.DataFrame:
    """Every protocol's generations (`generations_table`, timed by the trainings' own seconds)."""
    return pd.concat(
        {name: generations_table(s.state, s.generation_train_seconds()) for name, s in searches.items()},
        names=["protocol", "row"],
    )


def evaluations_table(searches: Mapping[str, SearchRun]) -> pd.DataFrame:
    """Every genome the GAs trained, one row each: generation, genome, fitness, time, size, health."""
    return pd.DataFrame(
        [
            {
                "protocol": name,
                "generation": r["generation"],
                "genome": G.short(r["params"]["genome"]),
                "fitness": r["fitness"],
                "wall_seconds": r["wall_seconds"],
                "train_seconds": r["train_seconds"],
                "n_params": r["n_params"],
                "trained": not r.get("failed", False),
                "run_key": r.get("run_key"),
            }
            for name, s in searches.items()
            for r in s.evaluations
        ]
    )


def best_vs_table2(best: Mapping[str, list]) -> pd.DataFrame:
    """Paper B's Table 2 genome beside each protocol's best, layer by layer."""
    return pd.DataFrame(
        {"paper B Table 2": G.as_dict(G.TABLE2), **{f"best ({name})": G.as_dict(g) for name, g in best.items()}}
    )


def vs_random_table(searches: Mapping[str, SearchRun]) -> pd.DataFrame:
    """Per protocol, the GA's best against random search's at the same number of trainings."""
    return pd.DataFrame(
        {
            name: {
                "trainings": s.n_trained,
                "GA best fitness": s.best_fitness,
                "random best fitness": s.random_best if s.random_best is not None else float("nan"),
                **s.phase_train_seconds(),
            }
            for name, s in searches.items()
        }
    ).T


def compute_time_table(searches: Mapping[str, SearchRun]) -> pd.DataFrame:
    """Per protocol and generation, our trainings' time beside the time paper B's Table 3 prints."""
    return pd.DataFrame(
        [
            {
                "protocol": name,
                "phase": row["phase"],
                "our time": row["our time"],
                "paper time (printed)": row["paper time (printed)"],
            }
            for name, s in searches.items()
            for _, row in generations_table(s.state, s.generation_train_seconds()).iterrows()
        ]
    )


def interpret(
    searches: Mapping[str, SearchRun], final: Mapping[str, schema.Retrain], power: Mapping[str, schema.SearchPower]
) -> str:
    """Notebook 05's outcome in words, per protocol."""
    lines = ["**What this shows.**"]
    for name, s in searches.items():
        pw = power[name]
        ga_best = s.best_fitness
        rnd = s.random_best if s.random_best is not None else float("nan")
        rank = (
            "so it can rank genomes"
            if pw.can_rank
            else "so at this budget it **cannot rank genomes** and its claims are inconclusive"
        )
        lines.append(
            f"* {name} protocol: the GA's best fitness is {100 * ga_best:.1f} % (a maximum over {s.n_trained} "
            f"genomes on the selection images, not an estimate), random search's best {100 * rnd:.1f} %; "
            f"{pw.near_chance} of {pw.n_evaluations} genomes scored within 2 points of chance "
            f"({100 * pw.chance:.1f} %), {rank}."
        )
    for key, v in final.items():
        iv = v.interval
        lines.append(
            f"* {key} retrained: {100 * v.mean:.1f} %"
            + (f" ({v.interval_kind}: {100 * iv[0]:.1f}–{100 * iv[1]:.1f} %)" if iv else "")
            + f" against paper B's {PAPER_B.headline_accuracy.value:.2f} %."
        )
    return "\n".join(lines)


def final_table(final: Mapping[str, schema.Retrain]) -> pd.DataFrame:
    """Notebook 05's final retrains: each genome and protocol, mean over seeds, the first seed's
    bootstrap interval and the test images, beside paper B's headline."""
    return pd.DataFrame(
        {
            k: {
                "mean %": 100 * v.mean,
                "std %": 100 * v.std,
                "seeds": v.n,
                "CI95 % (bootstrap, first seed)": "%.2f-%.2f" % tuple(100 * c for c in v.ci95 or (float("nan"),) * 2),
                "test images": v.n_test,
                "paper B %": PAPER_B.headline_accuracy.value,
            }
            for k, v in final.items()
        }
    ).T


# --- One sentence after each table and figure, rendered from what it shows -------------------------------

from fer_study.reporting.paper_a import forensics_text, slips_table  # noqa: E402,F401  (shared with notebook 03)


def protocols_text(sizes: pd.DataFrame) -> str:
    """After the protocols table: where each protocol selects and what it reports."""
    parts = []
    for name, row in sizes.iterrows():
        on = (
            "the same images it reports" if bool(row["selects on the reported test set"]) else "images it never reports"
        )
        parts.append(
            f"'{name}' fits on {int(row['fit (train)']):,} images, selects genomes on {int(row['select (fitness)']):,} "
            f"({on}) and reports on {int(row['report (test)']):,}"
        )
    return "; ".join(parts) + "."


def ga_figure_text(searches: Mapping[str, SearchRun], chance: Mapping) -> str:
    """After the fitness-per-generation figure: per protocol, the best and mean from the first
    generation to the last, against chance and random search."""
    parts = []
    for name, s in searches.items():
        book = list(s.state.logbook)
        first, last = book[0], book[-1]
        rnd = s.random_best
        parts.append(
            f"'{name}': best {100 * first['best']:.1f} → {100 * last['best']:.1f} %, mean {100 * first['mean']:.1f} → "
            f"{100 * last['mean']:.1f} % over generations {first['gen']}-{last['gen']}, chance "
            f"{100 * chance.get(name, float('nan')):.1f} %"
            + (f", random search's best {100 * rnd:.1f} %" if rnd is not None else "")
        )
    table3 = [r.best_accuracy for r in PAPER_B.table3]
    return (
        "; ".join(parts)
        + f". Paper B's Table 3 climbs from {table3[0]:.1f} to {table3[-1]:.1f} % over its generations."
    )


def generations_text(gens: pd.DataFrame) -> str:
    """After the generation table: how far our best per generation lies below paper B's."""
    rows = gens.dropna(subset=["paper best %"])
    if not len(rows):
        return "Paper B's Table 3 has no generation this search ran."
    gap = rows["paper best %"] - rows["best %"]
    return (
        f"Per generation, our best lies {gap.min():.1f} to {gap.max():.1f} points below paper B's Table 3 "
        f"(over {len(rows)} protocol-generation rows)."
    )


def evaluations_text(evals: pd.DataFrame) -> str:
    """After the evaluations table: how many genomes were trained and how their fitness spreads."""
    if not len(evals):
        return "No genome was evaluated."
    fit = 100 * evals["fitness"].astype(float)
    failed = int((~evals["trained"].astype(bool)).sum())
    return (
        f"{len(evals)} evaluations ({failed} flagged as not trained): fitness median {fit.median():.1f} %, "
        f"range {fit.min():.1f}-{fit.max():.1f} %."
    )


def best_genome_text(layers: pd.DataFrame) -> str:
    """After the best genomes beside Table 2: how many genes each shares with it."""
    table2 = layers["paper B Table 2"]
    parts = []
    for col in layers.columns:
        if col == "paper B Table 2":
            continue
        same = int((layers[col].astype(str) == table2.astype(str)).sum())
        parts.append(f"{col} shares {same} of {len(table2)} genes with Table 2's genome")
    return "; ".join(parts) + "."


def vs_random_text(vs_random: pd.DataFrame) -> str:
    """After GA against random search at equal trainings."""
    parts = []
    for name, row in vs_random.iterrows():
        diff = 100 * (float(row["GA best fitness"]) - float(row["random best fitness"]))
        parts.append(
            f"'{name}': the GA's best is {abs(diff):.1f} points {'above' if diff >= 0 else 'below'} random search's "
            f"after {int(row['trainings'])} trainings each"
        )
    return "; ".join(parts) + " (one search each: no interval, so a small difference says nothing)."


def compute_time_text(ours_time: pd.DataFrame) -> str:
    """After our time per generation beside paper B's: our total per protocol."""

    def seconds(text) -> float:
        h, m, sec = (float(x) for x in str(text).split(":"))
        return 3600 * h + 60 * m + sec

    totals = ours_time.groupby("protocol", sort=False)["our time"].apply(lambda col: sum(seconds(t) for t in col))
    return (
        "Our searches' trainings took "
        + ", ".join(f"{hms(t)} ('{name}')" for name, t in totals.items())
        + " on this study's machine and budget; paper B's times are as printed, and its per-generation times do "
        "not add up to its stated total (the arithmetic above), so neither column is a speed comparison."
    )
