"""Paper A's results in words and tables (notebooks 03 and 04), rendered from the numbers the
experiments compute (experiments/paper_a.py), never typed by hand."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from fer_study.core.papers import PAPER_A, PAPER_A_TABLE1
from fer_study.core.settings import Settings
from fer_study.nn import metrics


def setting_text(params: Mapping) -> str:
    """A grid setting in words, for legends and sentences: 'lr 0.001, batch 16, dropout 0.5, 4 conv'."""
    words = {"learning_rate": "lr {}", "batch_size": "batch {}", "dropout": "dropout {}", "n_conv": "{} conv"}
    return ", ".join(words.get(k, k + " {}").format(v) for k, v in params.items())


def _pct(m: dict) -> str:
    """'61.2 % (t-interval of the mean over 3 seeds: 59.8-62.6 %)' from a headline measure."""
    iv = m.get("interval")
    kind = m.get("interval_kind", "")
    return f"{100 * m['mean']:.1f} %" + (f" ({kind}: {100 * iv[0]:.1f}–{100 * iv[1]:.1f} %)" if iv else "")


def headline_frame(ev: dict, n_classes: int) -> pd.DataFrame:
    """Notebook 03's headline table: per model and measure, mean ± std over seeds with the one
    named 95 % interval it carries (t over seeds, or one seed's bootstrap), and the identity
    check 1 - 2(1 - top-1)/K that ties the paper's 'accuracy' to top-1."""

    def cell(v: dict) -> str:
        iv = v.get("interval")
        named = f" [{iv[0]:.3f}, {iv[1]:.3f}; {v.get('interval_kind', '')}]" if iv else ""
        return f"{v['mean']:.3f} ± {v['std']:.3f} (n={v['n']}){named}"

    models = [m for m in ("basic", "improved") if m in ev["headline"]]
    frame = pd.DataFrame(
        {m: {k: cell(v) for k, v in ev["headline"][m].items() if isinstance(v, dict) and "mean" in v} for m in models}
    ).T
    frame["identity check: 1-2(1-top1)/K"] = [
        f"{metrics.one_vs_rest_from_top1(ev['headline'][m]['top1']['mean'], n_classes):.3f}" for m in models
    ]
    return frame


def interpret(ev: dict, st: Settings, split_name: str) -> str:
    """What notebook 03's numbers show, in words, rendered from them (never typed by hand)."""
    h = ev["headline"]
    lines = [
        f"**What this shows ({split_name}, {st.paper_a.a_epochs} of paper A's {PAPER_A_TABLE1['epochs']} epochs).**"
    ]
    for model, table in (("improved", "table2_improved"), ("basic", "table3_basic")):
        if model not in h:
            continue
        paper_top1 = PAPER_A[table]["value"]["tp"] / PAPER_A["n_eval_images"]["value"]
        paper_ovr = PAPER_A[table]["stated"]["accuracy"]
        m = h[model]
        state = (
            " Every seed of it **failed to train**; these numbers are not a result." if m.get("failed_to_train") else ""
        )
        lines.append(
            f"* The {model} CNN: top-1 {_pct(m['top1'])} against the {100 * paper_top1:.1f} % implied by the paper's "
            f"table; mean one-vs-rest accuracy (what the paper calls 'accuracy') "
            f"{100 * m['mean_one_vs_rest_accuracy']['mean']:.1f} % against {100 * paper_ovr:.2f} %.{state}"
        )
    tests = ev.get("improved_beats_basic") or {}
    if tests:
        wins = sum(t["only_b_correct"] > t["only_a_correct"] for t in tests.values())
        sig = sum(t["p_value"] < 0.05 for t in tests.values())
        lines.append(
            f"* Improved against basic on the same test images: more accurate in {wins} of {len(tests)} seed(s), "
            f"significantly so (one-sided paired test, p < 0.05) in {sig}."
        )
    if ev.get("failed_runs"):
        lines.append(f"* Trainings that failed to train and are left out: {ev['failed_runs']}.")
    lines.append("* Whether a gap is decided at this budget is notebook 07's verdict (the curve rule).")
    return "\n".join(lines)


def interpret_grid(best: Mapping, best_val: float, table1: Mapping, n_trials: int, n_failed: int) -> str:
    """Notebook 04's outcome in words."""
    same = [k for k in best if best[k] == table1.get(k)]
    differ = [f"{k} {best[k]} (Table 1: {table1.get(k)})" for k in best if best[k] != table1.get(k)]
    return (
        f"**What this shows.** Of {n_trials} grid trials ({n_failed} failed to train), the best on the validation "
        f"carve-out ({100 * best_val:.1f} %) agrees with paper A's Table 1 on {', '.join(same) or 'nothing'}"
        + (f" and differs on {'; '.join(differ)}" if differ else "")
        + ". The paper does not give its grid, so this tests whether Table 1 is the optimum of ours, not of theirs."
    )
