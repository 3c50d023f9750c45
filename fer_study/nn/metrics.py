"""Classification metrics from predictions, paper A's "accuracy" audit, bootstrap CIs and McNemar."""

from __future__ import annotations

from math import comb

import numpy as np

from fer_study.core import schema
from fer_study.core.settings import Verdicts


def confusion(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    """k x k confusion matrix, rows = true class, columns = predicted class."""
    m = np.zeros((k, k), dtype=np.int64)
    np.add.at(m, (np.asarray(y_true, np.int64), np.asarray(y_pred, np.int64)), 1)
    return m


def _safe_div(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.divide(a, b, out=np.zeros_like(a), where=b > 0)


def report(cm: np.ndarray) -> dict:
    """Top-1 accuracy, per-class/macro/micro precision, recall, F1, and mean one-vs-rest accuracy."""
    cm = np.asarray(cm, dtype=np.int64)
    n = cm.sum()
    tp = np.diag(cm).astype(float)
    fp = cm.sum(axis=0) - tp
    fn = cm.sum(axis=1) - tp
    tn = n - tp - fp - fn
    precision, recall = _safe_div(tp, tp + fp), _safe_div(tp, tp + fn)
    f1 = _safe_div(2 * precision * recall, precision + recall)
    micro_p = tp.sum() / (tp.sum() + fp.sum())
    micro_r = tp.sum() / (tp.sum() + fn.sum())
    return {
        "n": int(n),
        "top1": float(tp.sum() / n),
        "per_class": {
            "precision": precision.tolist(),
            "recall": recall.tolist(),
            "f1": f1.tolist(),
            "tp": tp.astype(int).tolist(),
            "fp": fp.astype(int).tolist(),
            "fn": fn.astype(int).tolist(),
            "tn": tn.astype(int).tolist(),
        },
        "macro": {"precision": float(precision.mean()), "recall": float(recall.mean()), "f1": float(f1.mean())},
        "micro": {
            "precision": float(micro_p),
            "recall": float(micro_r),
            "f1": float(2 * micro_p * micro_r / (micro_p + micro_r)) if micro_p + micro_r else 0.0,
        },
        "totals": {"tp": int(tp.sum()), "fp": int(fp.sum()), "fn": int(fn.sum()), "tn": int(tn.sum())},
        # Paper A's "accuracy" = (TP+TN)/(TP+TN+FP+FN) over the summed one-vs-rest tables.
        "mean_one_vs_rest_accuracy": float((tp + tn).sum() / (tp + tn + fp + fn).sum()),
    }


def one_vs_rest_from_top1(top1: float, k: int) -> float:
    """Mean one-vs-rest accuracy implied by top-1 accuracy over k classes: 1 - 2(1 - top1)/k.

    Each wrong prediction is one FN (for its true class) and one FP (for the predicted class), so
    the k summed one-vs-rest tables hold 2(1 - top1)·n errors out of k·n entries.
    """
    return 1 - 2 * (1 - top1) / k


def top1_from_one_vs_rest(acc: float, k: int) -> float:
    """The inverse: the top-1 accuracy that a mean one-vs-rest accuracy over k classes implies."""
    return 1 - (1 - acc) * k / 2


def totals_audit(tp: int, fp: int, fn: int, tn: int, k: int) -> dict:
    """What summed one-vs-rest totals (as in paper A's Tables 2 and 3) can and cannot mean."""
    n_images = tp + fn  # every image is either a TP or an FN of its own class
    entries = tp + fp + fn + tn
    return {
        "images_implied_by_tp_plus_fn": n_images,
        "entries": entries,
        "entries_equal_k_times_images": entries == k * n_images,
        "fp_equals_fn": fp == fn,  # in a single-label confusion matrix the two totals are equal
        "top1": tp / n_images,
        "mean_one_vs_rest_accuracy": (tp + tn) / entries,
        "micro_precision": tp / (tp + fp),
        "micro_recall": tp / (tp + fn),
    }


def bootstrap_ci(
    y_true: np.ndarray, y_pred: np.ndarray, stat=None, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap CI of a statistic of (y_true, y_pred), resampling test images."""
    stat = stat or (lambda t, p: float(np.mean(t == p)))
    rng = np.random.default_rng(seed)
    n = len(y_true)
    values = np.array([stat(y_true[i], y_pred[i]) for i in (rng.integers(0, n, n) for _ in range(n_boot))])
    lo, hi = np.quantile(values, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(lo), float(hi)


def mcnemar(y_true: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray) -> dict:
    """Exact McNemar test of two classifiers on the same images (two-sided binomial on discordant pairs)."""
    a_ok, b_ok = pred_a == y_true, pred_b == y_true
    b = int(np.sum(a_ok & ~b_ok))  # only A right
    c = int(np.sum(~a_ok & b_ok))  # only B right
    n = b + c
    if n == 0:
        return {"only_a_correct": b, "only_b_correct": c, "p_value": 1.0}
    tail = sum(comb(n, i) for i in range(0, min(b, c) + 1)) / 2**n
    return {"only_a_correct": b, "only_b_correct": c, "p_value": float(min(1.0, 2 * tail))}


def mean_std(values) -> schema.Spread:
    """A value over seeds: its mean, standard deviation (0 for one value), count and the values."""
    v = np.asarray(values, float)
    return schema.Spread(
        mean=float(v.mean()), std=float(v.std(ddof=1)) if len(v) > 1 else 0.0, n=int(len(v)), values=v.tolist()
    )


def stratified_sample(y: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """Positions of a fixed-seed sample of `per_class` items of every class (paper A's 200 images: 50 x 4)."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(y == c), size=per_class, replace=False) for c in np.unique(y)]
    return np.sort(np.concatenate(picks))


def t_interval(values, confidence: float = 0.95) -> list[float] | None:
    """Student-t interval of the mean over `values` (seeds); None for fewer than two values."""
    from scipy import stats

    v = np.asarray(values, float)
    if len(v) < 2:
        return None
    half = stats.t.ppf(0.5 + confidence / 2, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
    return [float(v.mean() - half), float(v.mean() + half)]


def binomial_interval(p: float, n: int) -> list[float]:
    """Wilson 95 % interval of an accuracy p over n independent images."""
    z = 1.959964
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [float(centre - half), float(centre + half)]


def with_interval(spread: schema.Spread, ci95=None, ci_seed: int | None = None) -> schema.Measure:
    """`spread` (maybe with a first-seed bootstrap `ci95` over `ci_seed`'s test images) with one
    named 95 % interval: a t-interval of the mean over seeds when there are two or more, else the
    bootstrap over the test images of the one seed. Never a mix of the two."""
    ci = None if ci95 is None else [float(c) for c in ci95]
    t = t_interval(spread.values)
    interval, kind = None, ""
    if t is not None:
        interval, kind = t, f"t-interval of the mean over {spread.n} seeds"
    elif ci is not None:
        interval, kind = list(ci), f"bootstrap over test images (seed {'?' if ci_seed is None else ci_seed})"
    return schema.Measure(
        spread.mean,
        spread.std,
        spread.n,
        spread.values,
        interval=interval,
        interval_kind=kind,
        ci95=ci,
        ci_seed=ci_seed,
    )


def curve_trend(curves: list, min_window: int, window_share: float, confidence: float = 0.95) -> schema.Trend:
    """Where is a training curve heading, given its noise? One slope fitted over the last
    max(`min_window`, ceil(`window_share` x E)) epochs of every seed's curve, pooled over seeds with
    a per-seed intercept (least squares; seeds differ in level, not in trend), with its Student-t
    `confidence` interval. The level is the fitted value at the last epoch, averaged over seeds; the
    spread is the standard deviation of the seeds' levels (one seed: the residual standard
    deviation, the epoch-to-epoch noise that a single curve shows). The state is "rising" when the
    whole interval lies above zero, "falling" when it lies below, else "flat"; "too short" when
    fewer than `min_window` epochs ran. Values are fractions; slopes per epoch."""
    series = [np.asarray(c, float) for c in curves if len(c)]
    epochs = min((len(c) for c in series), default=0)
    best = mean_std([c.max() for c in series]) if series else None
    if not series or epochs < min_window:
        return schema.Trend(epochs, len(series), best, "too short", None, min_window)
    w = min(epochs, max(min_window, int(np.ceil(window_share * epochs))))
    x = np.arange(epochs - w + 1, epochs + 1, dtype=float)  # epochs counted from 1
    ys = [c[epochs - w : epochs] for c in series]
    slope, sd, half = _pooled_slope(x, ys, confidence)
    levels = [float(y.mean() + slope * (epochs - x.mean())) for y in ys]
    spread = float(np.std(levels, ddof=1)) if len(levels) > 1 else sd
    lo, hi = slope - half, slope + half
    return schema.Trend(
        epochs,
        len(series),
        best,
        "rising" if lo > 0 else "falling" if hi < 0 else "flat",
        [int(x[0]), int(x[-1])],
        min_window,
        slope=float(slope),
        slope_interval=[float(lo), float(hi)],
        confidence=confidence,
        level=float(np.mean(levels)),
        spread=spread,
        spread_kind="std of the seeds' levels" if len(levels) > 1 else "residual std (one seed)",
        residual_sd=sd,
    )


def _pooled_slope(x: np.ndarray, ys: list[np.ndarray], confidence: float) -> tuple[float, float, float]:
    """One least-squares slope over `x` for every series in `ys`, each with its own intercept: the
    slope, the residual standard deviation and the half-width of its Student-t `confidence` interval
    (infinite when no degree of freedom is left)."""
    from scipy import stats

    xd = x - x.mean()
    sxx = len(ys) * float(xd @ xd)
    slope = sum(float(xd @ (y - y.mean())) for y in ys) / sxx
    resid = np.concatenate([y - y.mean() - slope * xd for y in ys])
    dof = len(resid) - len(ys) - 1
    sd = float(np.sqrt(resid @ resid / dof)) if dof > 0 else 0.0
    half = float(stats.t.ppf(0.5 + confidence / 2, dof)) * sd / np.sqrt(sxx) if dof > 0 else float("inf")
    return slope, sd, half


def reachable(trend: schema.Trend, more_epochs: int, spread_factor: float) -> float | None:
    """The most a curve could reach after `more_epochs` more epochs of the same training: its
    level + the upper end of its slope interval (at least 0) x `more_epochs` + `spread_factor` x
    its spread. None when the curve is too short to fit."""
    if trend.state in (None, "too short") or trend.slope_interval is None:
        return None
    assert trend.level is not None and trend.spread is not None  # set with the slope
    up = max(0.0, trend.slope_interval[1])
    return trend.level + up * max(0, more_epochs) + spread_factor * trend.spread


def epochs_to_reach(trend: schema.Trend, target: float, spread_factor: float) -> float | None:
    """How many more epochs of the same training `reachable` needs before the curve could reach
    `target` (0 when it already could); None when it never could (the slope's upper end is not
    above 0) or the curve is too short to fit. Linear growth is the optimistic case: curves bend down."""
    now = reachable(trend, 0, spread_factor)
    if now is None or trend.slope_interval is None:
        return None
    if now >= target:
        return 0.0
    up = trend.slope_interval[1]
    return None if up <= 0 else (target - now) / up


def curve_record(
    histories: list,
    rule: Verdicts,
    paper_epochs: int | None,
    seconds: list | None = None,
    early_stopping: schema.EarlyStopping | None = None,
) -> schema.Curve:
    """The evidence the claims' curve rule reads for one model: the trend of its validation and
    training accuracy over its seeds' histories (the verdict settings `rule`), the epochs run,
    the paper's epochs (None where the paper states none), the seconds per epoch the runs took
    (`seconds`: each run's training time; what a longer run would cost) and, for runs that train
    until early stopping, how they stopped."""

    def trend(key: str) -> schema.Trend:
        return curve_trend(
            [h[key] for h in histories],
            rule.v_curve_min_window,
            rule.v_curve_window_share,
            rule.v_curve_confidence,
        )

    epochs = [len(h["val_accuracy"]) for h in histories]
    return schema.Curve(
        val=trend("val_accuracy"),
        train=trend("accuracy"),
        epochs=max(epochs, default=0),
        paper_epochs=paper_epochs,
        spread_factor=rule.v_spread_factor,
        seconds_per_epoch=round(sum(seconds) / sum(epochs), 2) if seconds and sum(epochs) else None,
        early_stopping=early_stopping,
    )


def one_sided_paired(y_true: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray) -> schema.PairedTest:
    """Is B more accurate than A on the same images? Exact one-sided binomial test on the discordant
    pairs (b = only B right, c = only A right): p = P(X >= b) for X ~ Bin(b + c, 1/2)."""
    a_ok, b_ok = pred_a == y_true, pred_b == y_true
    only_b, only_a = int(np.sum(b_ok & ~a_ok)), int(np.sum(a_ok & ~b_ok))
    n = only_a + only_b
    p = 1.0 if n == 0 else sum(comb(n, i) for i in range(only_b, n + 1)) / 2**n
    return schema.PairedTest(only_b_correct=only_b, only_a_correct=only_a, p_value=float(p))
