"""Paper B's search and retrains in words and tables (notebook 05), rendered from the numbers the
experiments compute (experiments/paper_b.py)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from fer_study.core.papers import PAPER_B, hms


def generations_table(state, train_seconds: Mapping[int, float] | None = None) -> pd.DataFrame:
    """Best, mean, spread and time per generation, beside paper B's Table 3. With `train_seconds`
    (generation_train_seconds), "our time" is the trainings' own time, not this pass's."""
    rows = []
    paper = {r["generation"]: r for r in PAPER_B["table3"]}
    for rec in state.logbook:
        p = paper.get(rec["gen"], {})
        rows.append(
            {
                "phase": p.get("phase", f"Generation {rec['gen']}"),
                "best %": 100 * rec["best"],
                "mean %": 100 * rec["mean"],
                "std %": 100 * rec["std"],
                "min %": 100 * rec["min"],
                "trainings": rec["trained"],
                "cache hits": rec["cache_hits"],
                "our time": hms(train_seconds.get(rec["gen"], 0.0) if train_seconds is not None else rec["seconds"]),
                "paper best %": p.get("best_accuracy"),
                "paper time (printed)": p.get("time_printed"),
            }
        )
    return pd.DataFrame(rows)


def interpret(searches: Mapping, final: Mapping, power: Mapping) -> str:
    """Notebook 05's outcome in words, per protocol."""
    lines = ["**What this shows.**"]
    for name, s in searches.items():
        pw = power[name]
        ga_best = s["state"].hall_of_fame[0].fitness.values[0]
        rnd = max((r["fitness"] for r in s["random"]), default=float("nan"))
        rank = (
            "so it can rank genomes"
            if pw["can_rank"]
            else "so at this budget it **cannot rank genomes** and its claims are inconclusive"
        )
        lines.append(
            f"* {name} protocol: the GA's best fitness is {100 * ga_best:.1f} % (a maximum over {s['n_trained']} "
            f"genomes on the selection images, not an estimate), random search's best {100 * rnd:.1f} %; "
            f"{pw['near_chance']} of {pw['n_evaluations']} genomes scored within 2 points of chance "
            f"({100 * pw['chance']:.1f} %), {rank}."
        )
    for key, v in final.items():
        iv = v.get("interval")
        lines.append(
            f"* {key} retrained: {100 * v['mean']:.1f} %"
            + (f" ({v['interval_kind']}: {100 * iv[0]:.1f}–{100 * iv[1]:.1f} %)" if iv else "")
            + f" against paper B's {PAPER_B['headline_accuracy']['value']:.2f} %."
        )
    return "\n".join(lines)
