"""Paper A's results in words and tables (notebooks 03 and 04), rendered from the numbers the
experiments compute (experiments/paper_a.py), never typed by hand."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import pandas as pd

from fer_study.core import schema
from fer_study.core.papers import PAPER_A, PAPER_A_TABLE1
from fer_study.core.settings import Settings
from fer_study.nn import metrics
from fer_study.nn.runs import History
from fer_study.reporting.units import SLIP_PERCENT, in_percent


def setting_text(params: Mapping) -> str:
    """A grid setting in words, for legends and sentences: 'lr 0.001, batch 16, dropout 0.5, 4 conv'."""
    words = {"learning_rate": "lr {}", "batch_size": "batch {}", "dropout": "dropout {}", "n_conv": "{} conv"}
    return ", ".join(words.get(k, k + " {}").format(v) for k, v in params.items())


def _pct(m: schema.Measure) -> str:
    """'61.2 % (t-interval of the mean over 3 seeds: 59.8-62.6 %)' from a headline measure."""
    iv = m.interval
    return f"{100 * m.mean:.1f} %" + (f" ({m.interval_kind}: {100 * iv[0]:.1f}–{100 * iv[1]:.1f} %)" if iv else "")


def slips_table(slips: list[schema.Slip]) -> pd.DataFrame:
    """The protocol slips (experiments.forensics) as a table: the summary's columns, accuracies in %."""
    return in_percent(pd.DataFrame([schema.encode(s) for s in slips]), SLIP_PERCENT)


def tables_audit() -> pd.DataFrame:
    """Paper A's Tables 2 and 3 recomputed from their printed totals (what the totals imply)."""
    tables = (("Table 2 (improved)", PAPER_A.table2_improved), ("Table 3 (basic)", PAPER_A.table3_basic))
    return pd.DataFrame({name: metrics.totals_audit(**table.value.as_dict(), k=4) for name, table in tables}).T


def best_vs_table1(best: Mapping, grid: Mapping) -> pd.DataFrame:
    """The grid's best setting beside paper A's Table 1 and the values the grid searched."""
    return pd.DataFrame(
        {
            "paper A Table 1": {k: PAPER_A_TABLE1[k] for k in best},
            "our grid's best (validation)": best,
            "values searched": {k: ", ".join(map(str, grid[k])) for k in best},
        }
    )


def headline_frame(headline: Mapping[str, schema.ModelHeadline], n_classes: int) -> pd.DataFrame:
    """Notebook 03's headline table: per model and measure, mean ± std over seeds with the one
    named 95 % interval it carries (t over seeds, or one seed's bootstrap), and the identity
    check 1 - 2(1 - top-1)/K that ties the paper's 'accuracy' to top-1."""

    def cell(v: schema.Measure) -> str:
        iv = v.interval
        named = f" [{iv[0]:.3f}, {iv[1]:.3f}; {v.interval_kind}]" if iv else ""
        return f"{v.mean:.3f} ± {v.std:.3f} (n={v.n}){named}"

    def measures(h: schema.ModelHeadline) -> dict[str, str]:  # in the record's field order
        values = {f.name: getattr(h, f.name) for f in dataclasses.fields(h)}
        return {k: cell(v) for k, v in values.items() if isinstance(v, schema.Measure)}

    models = [m for m in ("basic", "improved") if m in headline]
    frame = pd.DataFrame({m: measures(headline[m]) for m in models}).T
    frame["identity check: 1-2(1-top1)/K"] = [
        f"{metrics.one_vs_rest_from_top1(headline[m].top1.mean, n_classes):.3f}" for m in models
    ]
    return frame


def interpret(ev: schema.Evaluation, st: Settings, split_name: str) -> str:
    """What notebook 03's numbers show, in words, rendered from them (never typed by hand)."""
    h = ev.headline
    lines = [
        f"**What this shows ({split_name}, {st.paper_a.a_epochs} of paper A's {PAPER_A_TABLE1['epochs']} epochs).**"
    ]
    for model, table in (("improved", PAPER_A.table2_improved), ("basic", PAPER_A.table3_basic)):
        if model not in h:
            continue
        paper_top1 = table.value.tp / PAPER_A.n_eval_images.value
        paper_ovr = table.stated["accuracy"]
        m = h[model]
        state = " Every seed of it **failed to train**; these numbers are not a result." if m.failed_to_train else ""
        lines.append(
            f"* The {model} CNN: top-1 {_pct(m.top1)} against the {100 * paper_top1:.1f} % implied by the paper's "
            f"table; mean one-vs-rest accuracy (what the paper calls 'accuracy') "
            f"{100 * m.mean_one_vs_rest_accuracy.mean:.1f} % against {100 * paper_ovr:.2f} %.{state}"
        )
    tests = ev.improved_beats_basic
    if tests:
        wins = sum(t.only_b_correct > t.only_a_correct for t in tests.values())
        sig = sum(t.p_value < 0.05 for t in tests.values())
        lines.append(
            f"* Improved against basic on the same test images: more accurate in {wins} of {len(tests)} seed(s), "
            f"significantly so (one-sided paired test, p < 0.05) in {sig}."
        )
    if ev.failed_runs:
        lines.append(f"* Trainings that failed to train and are left out: {ev.failed_runs}.")
    lines.append("* Whether a gap is decided at this budget is notebook 07's verdict (the curve rule).")
    return "\n".join(lines)


def grid_title(epochs: int, seeds: int, data_label: str) -> str:
    """The grid heatmap's title: what each cell holds."""
    over = "" if seeds == 1 else f", mean over {seeds} seeds"
    return f"Grid search, validation accuracy after {epochs} epoch{'' if epochs == 1 else 's'}{over} ({data_label})"


def interpret_grid(
    best: Mapping, best_val: float, table1: Mapping, n_trials: int, n_failed: int, seeds: int = 1
) -> str:
    """Notebook 04's outcome in words (`best_val`: the best point's mean over its `seeds`)."""
    same = [k for k in best if best[k] == table1.get(k)]
    differ = [f"{k} {best[k]} (Table 1: {table1.get(k)})" for k in best if best[k] != table1.get(k)]
    chosen = (
        f"the best on the validation carve-out ({100 * best_val:.1f} %)"
        if seeds == 1
        else f"the best mean over its {seeds} seeds on the validation carve-out ({100 * best_val:.1f} %)"
    )
    return (
        f"**What this shows.** Of {n_trials} grid trials ({n_failed} failed to train), {chosen} agrees with "
        f"paper A's Table 1 on {', '.join(same) or 'nothing'}"
        + (f" and differs on {'; '.join(differ)}" if differ else "")
        + ". The paper does not give its grid, so this tests whether Table 1 is the optimum of ours, not of theirs."
    )


def grid_pairs(t: schema.GridVsTable1) -> list[str]:
    """The grid's winner against Table 1's setting, one phrase per seed (notebook 04 and claim A11)."""
    return [
        f"seed {s}: {100 * b:.1f} % vs {100 * a:.1f} %, {100 * (b - a):+.2f} points ({nb} vs {na} images only one "
        f"of them gets right, one-sided p = {p:.2g})"
        for s, b, a, nb, na, p in zip(
            t.seeds or [],
            t.best_accuracy or [],
            t.table1_accuracy or [],
            t.only_best_correct or [],
            t.only_table1_correct or [],
            t.p_value or [],
        )
    ]


def grid_check_text(t: schema.GridVsTable1) -> str:
    """After the grid's winner meets Table 1's setting seed by seed (paper_a.grid_vs_table1)."""
    if not t.in_grid:
        return "Table 1's setting is not a point of this grid, so the grid cannot be compared with it."
    if t.same:
        return "The grid's winner is Table 1's setting: there is nothing to compare."
    seeds = t.seeds or []
    parts = grid_pairs(t)
    every = all(p < 0.05 for p in t.p_value or [])
    if len(seeds) == 1:
        verdict = "significant, but on one seed only" if every else "not significant, on one seed"
    else:
        verdict = "significant in every seed" if every else "not significant in every seed"
    epochs = f"{t.epochs} epoch{'' if t.epochs == 1 else 's'}"
    return (
        f"The grid's winner against Table 1's setting on the same {t.n_val} validation images, both trained "
        f"{epochs} with each seed: {'; '.join(parts)}. The winner's lead is {verdict}."
    )


def first_seed_text(first: Mapping, t: schema.GridVsTable1) -> str:
    """A11's deciding ranking (the rule book's "grid" rule): the grid's choice on its first seed alone,
    and that choice against Table 1's setting seed by seed."""
    return (
        f"Ranked on its first seed alone (the rule book's ranking for A11, fixed before the grid's further "
        f"seeds trained), the grid chooses {setting_text(first)}. " + grid_check_text(t)
    )


# --- One sentence after each table and figure, rendered from what it shows -------------------------------


def _mean_curve(runs: Sequence[History], model: str, key: str):
    import numpy as np

    mine = [r.history[key] for r in runs if r.model == model]
    n = min(len(h) for h in mine)
    return np.mean([h[:n] for h in mine], axis=0)


def curves_text(runs: Sequence[History], names: Mapping | None = None) -> str:
    """After a training-curve figure: per model, the last epoch's training and validation accuracy
    (mean over seeds), their gap, and where validation accuracy peaked and validation loss bottomed."""
    import numpy as np

    parts = []
    for model in dict.fromkeys(r.model for r in runs):
        acc, val = _mean_curve(runs, model, "accuracy"), _mean_curve(runs, model, "val_accuracy")
        vloss = _mean_curve(runs, model, "val_loss")
        low = int(np.argmin(vloss))
        shown = (names or {}).get(model, model)
        parts.append(
            f"{shown}: at epoch {len(val)} training {100 * acc[-1]:.1f} % and validation {100 * val[-1]:.1f} % "
            f"(a gap of {100 * (acc[-1] - val[-1]):.1f} points); validation accuracy peaked at epoch "
            f"{int(np.argmax(val)) + 1} ({100 * val.max():.1f} %); "
            + (
                f"validation loss was lowest at epoch {low + 1}, then rose by {vloss[-1] - vloss[low]:.2f}"
                if low + 1 < len(vloss)
                else "validation loss was still falling at the last epoch"
            )
        )
    seeds = len({r.seed for r in runs})
    return f"Means over {seeds} seed(s). " + "; ".join(parts) + "."


def confusion_text(headline: Mapping[str, schema.ModelHeadline], classes: list[str]) -> str:
    """After the confusion matrices: each model's best and worst recognised class and its most
    frequent confusion."""
    import numpy as np

    parts = []
    for model in ("basic", "improved"):
        if model not in headline:
            continue
        cm = np.asarray(headline[model].confusion)
        recall = np.diag(cm) / np.maximum(cm.sum(axis=1), 1)
        off = cm - np.diag(np.diag(cm))
        t, p = np.unravel_index(np.argmax(off), off.shape)
        parts.append(
            f"the {model} CNN recognises {classes[int(np.argmax(recall))]} best (recall {100 * recall.max():.0f} %) "
            f"and {classes[int(np.argmin(recall))]} worst ({100 * recall.min():.0f} %); its most frequent confusion "
            f"is {classes[t]} taken for {classes[p]} ({int(off[t, p]):,} images)"
        )
    return "On the test part: " + "; ".join(parts) + "."


def audit_text(audit: pd.DataFrame) -> str:
    """After the audit of paper A's Tables 2 and 3: what their totals imply."""
    parts = []
    for name, row in audit.iterrows():
        problems = [
            what
            for what, ok in (
                ("its entries are not four per image", row["entries_equal_k_times_images"]),
                ("its FP and FN totals differ, impossible for one label per image", row["fp_equals_fn"]),
            )
            if not ok
        ]
        parts.append(
            f"{name} implies {int(row['images_implied_by_tp_plus_fn']):,} images, top-1 {100 * row['top1']:.1f} % and "
            f"a mean one-vs-rest accuracy of {100 * row['mean_one_vs_rest_accuracy']:.2f} %"
            + (f" ({'; '.join(problems)})" if problems else "")
        )
    return "; ".join(parts) + ". The paper's 'accuracy' is the one-vs-rest figure, not top-1."


def per_run_text(per_run: pd.DataFrame, what: str, names: Mapping | None = None) -> str:
    """After a per-run table: the spread of test top-1 over seeds and the runs that failed to
    train. `names` relabels models (the grid's "gridbest" as its setting)."""
    parts = []
    for model, g in per_run.groupby("model", sort=False):
        top1 = 100 * g["top1"]
        failed = int((~g["trained"].astype(bool)).sum()) if "trained" in g else 0
        spread = (
            f"{top1.iloc[0]:.1f} % (one seed)"
            if len(g) == 1
            else f"{top1.min():.1f}-{top1.max():.1f} % over {len(g)} seeds"
        )
        parts.append(
            f"{(names or {}).get(model, model)} {spread}" + (f", {failed} of them failed to train" if failed else "")
        )
    return f"Test top-1 {what}: " + "; ".join(parts) + "."


def forensics_text(slips: pd.DataFrame) -> str:
    """After a table of protocol slips: which of them could produce the paper's figure."""
    if slips is None or not len(slips):
        return "No slip could be measured in this run."
    can = slips[slips["can produce it"].astype(bool)]
    best = slips.iloc[int(slips["difference (points)"].abs().argmin())]
    head = (
        f"{len(can)} of {len(slips)} ways of measuring land within 2 points of the paper figure they could explain"
        + (f" ({'; '.join(can['slip'])})" if len(can) else "")
        + "."
    )
    return head + f" The closest: '{best['slip']}', {best['ours %']:.1f} % against {best['paper figure']}."


def trials_text(points: pd.DataFrame, n_val: int) -> str:
    """After the grid's table (`grid.ranked`: one row per point, its mean over seeds): the range of
    validation accuracy and how many points lie within two standard errors of the best, too close
    to rank. One seed: the binomial error over the validation images; several: the best point's
    seed-to-seed standard deviation over the square root of the number of seeds, or the binomial
    error of that mean when it is larger."""
    acc = points["val_accuracy"].astype(float)
    i = int(acc.to_numpy().argmax())
    best = float(acc.iloc[i])
    seeds = int(points["seeds"].iloc[i]) if "seeds" in points else 1
    binomial = (best * (1 - best) / max(n_val, 1) / seeds) ** 0.5
    spread = float(points["val_accuracy_sd"].iloc[i]) / seeds**0.5 if seeds > 1 else 0.0
    se = max(binomial, spread)
    close = int((acc >= best - 2 * se).sum())
    if seeds == 1:
        return (
            f"Validation accuracy runs from {100 * acc.min():.1f} % to {100 * best:.1f} % over {len(points)} trials; "
            f"{close} of them lie within two standard errors ({100 * 2 * se:.1f} points on {n_val:,} images) of the "
            "best, so one seed cannot rank those."
        )
    return (
        f"Mean validation accuracy over {seeds} seeds runs from {100 * acc.min():.1f} % to {100 * best:.1f} % over "
        f"{len(points)} grid points; {close} of them lie within two standard errors of the best mean "
        f"({100 * 2 * se:.1f} points: its seed-to-seed spread over {seeds} seeds on {n_val:,} images), so the grid "
        "cannot rank those."
    )


_PARAM_WORDS = {
    "learning_rate": "the learning rate",
    "batch_size": "the batch size",
    "n_conv": "the number of conv layers",
}


def heatmap_text(trials: pd.DataFrame, params: list[str]) -> str:
    """After the grid heatmap: which parameter moves validation accuracy most (mean over the
    other parameters, highest level minus lowest)."""
    effects = {}
    for p in params:
        means = trials.groupby(p)["val_accuracy"].mean()
        effects[p] = (means.idxmax(), float(means.max() - means.min()))
    order = sorted(effects, key=lambda p: -effects[p][1])
    return (
        "Averaged over the other settings, "
        + "; ".join(
            f"{_PARAM_WORDS.get(p, p)} moves validation accuracy by {100 * effects[p][1]:.1f} points "
            f"(best at {effects[p][0]})"
            for p in order
        )
        + "."
    )
