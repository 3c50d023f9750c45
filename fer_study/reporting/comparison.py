"""Notebook 07's tables, built only from the saved summaries of notebooks 01-06."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from fer_study.core import rulebook, schema
from fer_study.core.papers import hms, time_arithmetic
from fer_study.core.settings import Settings, from_json
from fer_study.nn import metrics
from fer_study.reporting import claims, controls
from fer_study.reporting.units import READING_PERCENT, SLIP_PERCENT, in_percent


class SummaryError(ValueError):
    """Summaries that are missing, unreadable or from different data or profiles."""


NOTEBOOKS = ("01_data_exploration", "02_downsampling", "03_basic_vs_improved", "04_grid_search", "05_ga_search")
OPTIONAL = ("06_controls",)  # read when present: the controls are checks on the study, not claims of the papers


@dataclass(frozen=True)
class Summaries:
    """Notebooks 01-06's summaries as notebook 07 reads them: one profile and one data checksum,
    every notebook's facts and settings typed (`core.schema`, `core.settings`)."""

    profile: str
    data: dict[str, Any]  # the data stamp they share (core.provenance: file name, sha256, label)
    facts: schema.Facts
    settings: dict[str, Settings]
    sources: dict[str, schema.Source]  # notebook -> its profile, data checksum and commit

    @property
    def names(self) -> list[str]:
        return list(self.facts.notebooks)

    def has(self, notebook: str) -> bool:
        return notebook in self.facts.notebooks

    def of(self, notebook: str) -> Any:
        """A notebook's facts as its declared class (MissingSummary when it has not run)."""
        return self.facts.of(notebook)

    @property
    def data_label(self) -> str:
        return self.data["data_label"]


def load_summaries(root: str | Path) -> Summaries:
    """Every summaries/<notebook>.json under `root`, typed; all must share one data checksum and profile."""
    folder = Path(root) / "summaries"
    found = {}
    for name in NOTEBOOKS:
        path = folder / f"{name}.json"
        if not path.exists():
            raise SummaryError(
                f"{path}: missing; run notebook {name[:2]} with the same profile and output folder first"
            )
        found[name] = _load(path)
    for name in OPTIONAL:
        path = folder / f"{name}.json"
        if path.exists():
            found[name] = _load(path)
    try:
        return from_bodies(found, folder)
    except schema.SchemaError as err:
        raise SummaryError(str(err)) from None


def from_bodies(bodies: dict[str, dict], folder: str | Path = "summaries") -> Summaries:
    """Summary files' JSON bodies (notebook -> body), checked and typed: one data checksum and one
    profile (else SummaryError), this code's schema version and every declared field (else
    SchemaError naming `folder/<notebook>.json` and the field)."""
    folder = Path(folder)
    shas = {b["data"]["sha256"] for b in bodies.values()}
    profiles = {b["profile"] for b in bodies.values()}
    if len(shas) > 1 or len(profiles) > 1:
        detail = ", ".join(f"{n}: {b['profile']}/{b['data']['sha256'][:12]}" for n, b in bodies.items())
        raise SummaryError(f"{folder}: summaries come from different data or profiles ({detail})")
    typed = {}
    for name, body in bodies.items():  # each against this code's version and its declared layout
        schema.check_body(body, folder / f"{name}.json")
        typed[name] = schema.typed(name, body["facts"], f"summaries/{name}.json")
    return Summaries(
        profile=profiles.pop(),
        data=bodies["01_data_exploration"]["data"],
        facts=schema.Facts(typed),
        settings={name: from_json(body.get("settings", {})) for name, body in bodies.items()},
        sources={
            n: schema.Source(profile=b["profile"], sha256=b["data"]["sha256"], git=b["provenance"].get("git"))
            for n, b in bodies.items()
        },
    )


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except ValueError as err:
        raise SummaryError(f"{path}: not valid JSON ({err})") from None


def _fmt(v, unit):
    if isinstance(v, float) and unit == "fraction":
        return f"{100 * v:.2f} %"
    if isinstance(v, float) and unit == "gap":  # a difference of two accuracies: points, not a percentage
        return f"{100 * v:.2f} pts"
    return "" if v is None else str(v)


def claim_rows(s: Summaries) -> list[schema.ClaimRow]:
    """Every claim of the registry against these summaries (reporting.claims.table)."""
    return claims.table(s.facts, s.settings)


def rule_book_note() -> str:
    """The line every claims table carries under it: the rule book that decided its verdicts."""
    return f"rule book {rulebook.digest()} (fer_study/core/rulebook.py; changes: fer_study/core/ledger.py)"


def claim_table(s: Summaries, rows: list[schema.ClaimRow] | None = None) -> pd.DataFrame:
    """The claim-by-claim table: the paper's value, ours with its interval, difference and verdict."""
    seeds = {
        "A": len(s.settings["03_basic_vs_improved"].paper_a.a_seeds),
        "B": len(s.settings["05_ga_search"].paper_b.b_seeds),
    }
    out = []
    for c, r in zip(claims.REGISTRY, claim_rows(s) if rows is None else rows):
        iv = r.interval
        out.append(
            {
                "id": c.id,
                "claim": c.statement + (" [beyond the paper]" if c.beyond_paper else ""),
                "where": c.where,
                "paper": _fmt(c.value, c.unit),
                "ours": _fmt(r.ours, c.unit),
                "95% interval": ""
                if iv is None
                else f"{100 * iv[0]:.2f}–{100 * iv[1]:.2f} {'pts' if c.unit == 'gap' else '%'}",
                "interval kind": r.interval_kind,
                "difference": ""
                if r.difference is None
                else (f"{100 * r.difference:+.2f} pts" if c.unit in ("fraction", "gap") else f"{r.difference:+g}"),
                "verdict": r.verdict,
                # The ledger's mark (core/ledger.py): the rule deciding it changed after its results existed.
                "post hoc": "post hoc" if r.post_hoc else "",
                "verdict under the earlier rule": r.earlier_verdict,
                "why / caveat": r.why,
                "post-hoc reading": r.post_hoc_reading,
                "profile": s.profile,
                "seeds": seeds[c.paper],
                "rule book": rulebook.digest(),
            }
        )
    return pd.DataFrame(out)


def claims_for_print(table: pd.DataFrame) -> pd.DataFrame:
    """The claims table at a page's width (its LaTeX): each interval with its kind in one cell, and
    the ledger's post-hoc mark with the verdict, so the kind is named wherever an interval is printed."""
    iv, kind = table["95% interval"].astype(str), table["interval kind"].astype(str)
    verdict, mark = table["verdict"].astype(str), table["post hoc"].astype(str)
    return pd.DataFrame(
        {
            "id": table["id"],
            "claim": table["claim"],
            "paper": table["paper"],
            "ours": table["ours"],
            "95% interval (kind)": [f"{i} ({k})" if i and k else i for i, k in zip(iv, kind)],
            "verdict": [f"{v} ({m})" if m else v for v, m in zip(verdict, mark)],
        }
    )


def table4(s: Summaries) -> pd.DataFrame:
    """Paper B's Table 4 (earlier FER2013 results) with our rows added."""
    rows = [
        {"ref": r, "model": m, "test accuracy %": a, "source": "paper B Table 4"} for r, m, a in claims.PAPER_B.table4
    ]

    def ours(model: str, v: schema.Measure) -> dict:
        iv, kind = claims.named_interval(v)
        interval = f"; 95 % {kind}: {100 * iv[0]:.1f}–{100 * iv[1]:.1f}" if iv is not None else ""
        return {
            "ref": "this study",
            "model": model,
            "test accuracy %": round(100 * v.mean, 2),
            "source": f"profile {s.profile}, mean of {v.n} seed(s){interval}",
        }

    label = {"ga_best": "our GA winner", "table2": "paper B's Table 2 genome"}
    for key, v in s.facts.genetic_search.final.items():
        proto, model = key.split("/")
        rows.append(ours(f"{label[model]}, {proto} protocol", v))
    control = s.facts.controls.control if s.has("06_controls") else None
    if control is not None and control.private_accuracy is not None:
        pa = control.private_accuracy
        named = metrics.with_interval(pa, pa.ci95, pa.ci_seed)
        rows.append(ours("Mini-Xception [45], positive control, PrivateTest", named))
    if control is not None and control.authors is not None and control.authors.accuracy is not None:
        rows.append(
            ours(
                "Mini-Xception [45], positive control, its authors' protocol (PublicTest + PrivateTest)",
                control.authors.accuracy,
            )
        )
    return pd.DataFrame(rows).sort_values("test accuracy %", ascending=False, ignore_index=True)


def audit_table(s: Summaries) -> pd.DataFrame:
    """Paper A's metric audit: top-1, mean one-vs-rest accuracy, macro and micro F1, paper beside ours."""
    rows = []
    for name, table in (
        ("paper A Table 2 (improved)", claims.PAPER_A.table2_improved),
        ("paper A Table 3 (basic)", claims.PAPER_A.table3_basic),
    ):
        t = table.value
        a = metrics.totals_audit(**t.as_dict(), k=4)
        rows.append(
            {
                "source": name,
                "images": t.tp + t.fn,
                "top-1": a["top1"],
                "mean one-vs-rest accuracy": a["mean_one_vs_rest_accuracy"],
                "micro F1": 2 * t.tp / (2 * t.tp + t.fp + t.fn),
                "macro F1": None,
            }
        )
    headline = s.facts.paper_a.paper_a_split.headline
    for model in ("improved", "basic"):
        h = headline[model]
        # On single-label images micro F1 equals top-1; macro F1 is kept for the full test part only.
        for images, top1, ovr, macro in (
            ("200 (50/class)", h.top1_200, h.mean_one_vs_rest_accuracy_200, None),
            ("full test", h.top1, h.mean_one_vs_rest_accuracy, h.macro_f1),
        ):
            rows.append(
                {
                    "source": f"ours, {model} ({images})",
                    "images": images,
                    "top-1": top1.mean,
                    "mean one-vs-rest accuracy": ovr.mean,
                    "micro F1": top1.mean,
                    "macro F1": None if macro is None else macro.mean,
                }
            )
    metrics_ = ("top-1", "mean one-vs-rest accuracy", "micro F1", "macro F1")
    return in_percent(pd.DataFrame(rows), {m: f"{m} %" for m in metrics_})


def compute_table(s: Summaries) -> pd.DataFrame:
    """Wall time per stage of our run beside the times the papers state."""
    a, grid, b = s.facts.paper_a, s.facts.grid, s.facts.genetic_search
    rows = [
        {
            "stage": "03 training, paper A split (both models, all seeds)",
            "ours": hms(a.wall_seconds_training),
            "paper": "not stated",
        },
        {
            "stage": "04 grid search (all trials, every seed)",
            "ours": hms(grid.wall_seconds_search),
            "paper": "not stated",
        },
        # Only when the check trained beyond the grid (a grid over one seed): over several seeds its
        # pairs are grid trials, and a 0:00:00 row would read as a missing time.
        *(
            [
                {
                    "stage": "04 grid's winner and Table 1's setting on further seeds",
                    "ours": hms(grid.table1_vs_best.seconds_beyond_grid),
                    "paper": "not stated",
                }
            ]
            if grid.table1_vs_best.seconds_beyond_grid
            else []
        ),
        {"stage": "04 best configuration retrained", "ours": hms(grid.wall_seconds_retrain), "paper": "not stated"},
    ]
    if a.wall_seconds_training_official:
        rows.insert(
            1,
            {
                "stage": "03 training, official split",
                "ours": hms(a.wall_seconds_training_official),
                "paper": "not in the paper",
            },
        )
    table3 = {r.generation: r.time_printed for r in claims.PAPER_B.table3}
    for proto, book in b.generations.items():
        spent = b.generation_train_seconds[proto]
        for rec in book:
            rows.append(
                {
                    "stage": f"05 GA generation {rec.gen} ({proto} protocol), training time when it ran",
                    "ours": hms(spent.get(str(rec.gen), 0.0)),
                    # Paper B ran one protocol (its own): its times stand beside that protocol's rows only.
                    "paper": (table3.get(rec.gen, "") + (" (printed)" if rec.gen in table3 else ""))
                    if proto == "paper"
                    else "not run in the paper",
                }
            )
        rows.append(
            {
                "stage": f"05 GA + random search, training time when it ran ({proto} protocol)",
                "ours": hms(b.train_seconds[proto]),
                "paper": claims.PAPER_B.total_time_stated.value + " (GA, stated)"
                if proto == "paper"
                else "not run in the paper",
            }
        )
    rows.append(
        {
            "stage": "05 final retrains (all protocols, genomes, seeds)",
            "ours": hms(b.wall_seconds_retrains),
            "paper": "not stated",
        }
    )
    return pd.DataFrame(rows)


def inconsistencies(s: Summaries) -> pd.DataFrame:
    """The papers' internal inconsistencies, each with the arithmetic that shows it."""
    t3 = claims.PAPER_A.table3_basic.value
    t = time_arithmetic()
    gens = [r.best_accuracy for r in claims.PAPER_B.table3]
    t2, n200 = claims.PAPER_A.table2_improved.value, claims.PAPER_A.n_eval_images.value
    inc = claims.PAPER_B.text_increments.value
    text2 = claims.PAPER_B.text_generation2_accuracy.value
    rows = [
        {
            "paper": "A",
            "where": "Table 2 / abstract",
            "what": "'accuracy' 89 % is mean one-vs-rest accuracy; top-1 is 78 %",
            "arithmetic": f"TP {t2.tp} of {n200} → top-1 {t2.tp / n200:.2f}; "
            f"1 − 2(1 − {t2.tp / n200:.2f})/4 = {1 - 2 * (1 - t2.tp / n200) / 4:.2f}",
        },
        {
            "paper": "A",
            "where": "Table 3, basic CNN",
            "what": "cannot come from 200 single-label test images",
            "arithmetic": f"TP + FN = {t3.tp} + {t3.fn} = {t3.tp + t3.fn} ≠ 200; FP = {t3.fp} ≠ FN = {t3.fn}",
        },
        # Paper A's 5,000 images per class (section 2.2) is not listed: it is the smallest class's
        # count rounded (claim A9, reproduced), not a contradiction.
        {
            "paper": "B",
            "where": "Table 1",
            "what": "KZ and NF ranges swapped",
            "arithmetic": "kernel size 2..1024 and filters 1..9 as printed; Table 2 has filters 8..256 and kernels 3x3..9x9",
        },
        {
            "paper": "B",
            "where": "section 3 vs Table 3",
            "what": f"generation 2 best: {text2:.2f} % (text) vs {gens[2]:.2f} % (table)",
            "arithmetic": f"table increments {gens[1] - gens[0]:.2f}, {gens[2] - gens[1]:.2f}, {gens[3] - gens[2]:.2f}; "
            f"text increments {inc['1']}, {inc['2']}, {inc['3']} ({text2:.2f} would give {text2 - gens[1]:.2f} and "
            f"{gens[3] - text2:.2f})",
        },
        {
            "paper": "B",
            "where": "abstract vs Table 3",
            "what": "total compute time",
            "arithmetic": f"Table 3 as printed: {' + '.join(t['table3_printed'])} = {t['sum_printed']}; hours/10: "
            f"{' + '.join(t['table3_hours_over_10'])} = {t['sum_hours_over_10']}; stated {t['stated_total']}",
        },
        {
            "paper": "B",
            "where": "section 2 vs 2.2",
            "what": f"duplicates removed, yet all {claims.PAPER_B.n_images.value:,} images split 80/20",
            "arithmetic": f"{s.facts.exploration.duplicates['exact'].images} images are exact duplicates "
            f"in this data ({s.data_label})",
        },
    ]
    return pd.DataFrame(rows)


def _controls(s: Summaries) -> schema.Controls | None:
    return s.facts.controls if s.has("06_controls") else None


def controls_text(s: Summaries, st: Settings) -> str:
    """The positive control's result in words, or why it is absent."""
    c = _controls(s)
    if c is None:
        return "Notebook 06 (the controls) has not run for this profile and output folder."
    if c.control is None:
        return "The positive control is off in this profile (`c_enabled`)."
    return controls.control_text(c.control, st)


def readings(s: Summaries) -> list[schema.Reading] | None:
    """Notebook 06's sensitivity readings, None when they did not run."""
    c = _controls(s)
    return None if c is None or not c.sensitivity else c.sensitivity


def sensitivity_table(rows: list[schema.Reading] | None) -> pd.DataFrame | None:
    """Notebook 06's readings table, for citing beside the claims."""
    if not rows:
        return None
    df = pd.DataFrame([schema.encode(r) for r in rows])
    df = df[["paper", "reading", "what", "test top-1", "final val accuracy", "most dead ReLU layer", "trained"]]
    return in_percent(df, READING_PERCENT).round(2)


# The headline claim each paper's readings bear on: the top-1 figure a different reading could move.
SENSITIVITY_CLAIMS = {"A": "A3", "B": "B2"}


def sensitivity_verdicts(rows: list[schema.Reading] | None) -> pd.DataFrame | None:
    """Would another reading of what a paper leaves out change a verdict? Each reading's test top-1
    with its Wilson interval over its test images (one seed each, so the seed spread is not in it),
    beside the figure of the headline claim it bears on. A reading whose interval reaches that
    figure where the chosen reading's does not (or the reverse) would change the verdict."""
    if not rows:
        return None
    registry = {c.id: c for c in claims.REGISTRY}
    out = []
    for r in rows:
        claim = registry[SENSITIVITY_CLAIMS[r.paper]]
        lo, hi = metrics.binomial_interval(r.test_top1, r.n_test)
        out.append(
            {
                "paper": r.paper,
                "reading": r.reading,
                "claim": claim.id,
                "paper figure %": 100 * claim.value,
                "test top-1 %": 100 * r.test_top1,
                "95% interval (Wilson) %": f"{100 * lo:.1f}-{100 * hi:.1f}",
                "test images": r.n_test,
                "reaches the figure": r.trained and hi >= claim.value,
                "trained": r.trained,
            }
        )
    return pd.DataFrame(out)


def sensitivity_verdict_text(table: pd.DataFrame | None, st: Settings | None = None) -> str:
    """Per paper, whether any other reading would change the verdict of its headline claim. With
    `st`, each line names the readings' budget: they are one seed at a shorter budget than the
    claim's own row (paper A's runs beyond the headline, paper B's fixed-epoch retrain), so their
    chosen reading is not the number in the claim table."""
    if table is None or table.empty:
        return "No other reading was trained in this profile, so the readings' effect on the verdicts is not measured."
    lines = []
    for paper, g in table.groupby("paper", sort=True):
        chosen = g[g["reading"] == "chosen"]
        others = g[g["reading"] != "chosen"]
        if not (chosen.empty or others.empty):
            lines.append(_readings_line(str(paper), chosen.iloc[0], others, st))
    return "\n".join(lines) or "No other reading was trained in this profile."


def _side(reaches: bool) -> str:
    return "reaches" if reaches else "stays below"


def _readings_line(paper: str, c: pd.Series, others: pd.DataFrame, st: Settings | None) -> str:
    """One paper's line: the chosen reading against the paper's figure, each other reading, and
    whether any of them would change the verdict."""
    each = "; ".join(
        f"{r['reading']} {r['test top-1 %']:.1f} % ({'failed to train' if not r['trained'] else _side(r['reaches the figure'])})"
        for _, r in others.iterrows()
    )
    lo, hi = (float(x) for x in c["95% interval (Wilson) %"].split("-"))
    state = f"{_side(c['reaches the figure'])} the paper's figure" if c["trained"] else "failed to train"
    budget = ""
    if st is not None:
        epochs = st.paper_a.extra_epochs if paper == "A" else st.paper_b.b_final_epochs
        budget = f", {epochs} epochs, the readings' budget, not the claim row's run"
    head = (
        f"* Claim {c['claim']} (paper {paper}, {c['paper figure %']:.2f} %): the chosen reading's "
        f"{c['test top-1 %']:.1f} % (Wilson 95 % {lo:.1f}-{hi:.1f} %, {c['test images']:,} test images, one seed{budget}) "
        f"{state}; the other readings: {each}."
    )
    differ = others[others["reaches the figure"] != c["reaches the figure"]]
    failed = others[~others["trained"]]
    if differ.empty:
        tail = " **No reading changes this verdict.**"
    else:
        tail = f" **The verdict depends on the reading**: {', '.join(differ['reading'])} would change it."
    if not failed.empty:
        tail += f" {', '.join(failed['reading'])} failed to train, so it decides nothing."
    if not c["trained"]:
        tail += " The chosen reading failed to train, so this comparison rests on no trained run of it."
    return head + tail


def reference_lines(s: Summaries) -> dict:
    """Reference accuracies for the claims figure: chance for each paper's task (paper A's balanced
    4 classes; paper B's 7 classes, always answering the majority class of its selection images
    where notebook 05 measured it) and the best earlier result in paper B's Table 4."""
    chance = {"paper A (4 balanced classes)": 0.25}
    power = s.facts.genetic_search.search_power if s.has("05_ga_search") else {}
    if "paper" in power:
        chance["paper B (majority class)"] = power["paper"].chance
    earlier = [a for ref, _, a in claims.PAPER_B.table4 if ref != "paper B"]
    return {"chance": chance, "best_published": max(earlier) / 100}


def forensic_table(s: Summaries) -> pd.DataFrame | None:
    """Notebooks 03 and 05's protocol slips side by side: what each would report from our runs,
    the paper's figure it could explain, and whether it lands within 2 points of it."""
    rows = [
        {"paper": paper, **schema.encode(slip)}
        for name, paper in (("03_basic_vs_improved", "A"), ("05_ga_search", "B"))
        if s.has(name)
        for slip in s.of(name).forensics
    ]
    return in_percent(pd.DataFrame(rows), SLIP_PERCENT) if rows else None


def verdict_counts(rows: list[schema.ClaimRow]) -> dict[str, int]:
    """How many rows got each verdict, most first (ties in the rows' order)."""
    return dict(Counter(r.verdict for r in rows).most_common())


def summary(s: Summaries, rows: list[schema.ClaimRow], t4: pd.DataFrame, issues: pd.DataFrame) -> schema.Comparison:
    """Notebook 07's summary: every claim's row and verdict, the verdict counts, Table 4 with our
    rows, the papers' inconsistencies and which summaries (profile, data, commit) it was built from."""
    return schema.Comparison(
        claims=rows,
        verdicts=verdict_counts(rows),
        table4=t4.to_dict(orient="records"),
        inconsistencies=issues.to_dict(orient="records"),
        sources=s.sources,
    )


# --- One sentence after each table and figure of notebook 07, rendered from what it shows -----------------


def claims_text(rows: list[schema.ClaimRow]) -> str:
    """After the claims table: verdict counts per paper."""
    parts = []
    for paper in sorted({r.paper for r in rows}):
        mine = [r for r in rows if r.paper == paper]
        counts = verdict_counts(mine)
        parts.append(f"paper {paper}'s {len(mine)} claims: " + ", ".join(f"{n} {v}" for v, n in counts.items()))
    return "; ".join(parts) + "."


def claims_figure_text(rows: list[schema.ClaimRow]) -> str:
    """After the claims figure: of the accuracy claims drawn, how many lie inside our interval and
    how far the others are."""
    drawn = claims.drawn(rows)
    if not drawn:
        return "No accuracy claim has a number of ours in this run."
    gaps = sorted(100 * (float(r.paper_value) - float(r.ours or 0.0)) for r in drawn)  # drawn: both numbers
    above = sum(g > 0 for g in gaps)
    return (
        f"Of the {len(drawn)} accuracy claims drawn, the paper's value lies above ours in {above}; the gaps run "
        f"from {gaps[0]:+.1f} to {gaps[-1]:+.1f} points (paper minus ours)."
    )


def table4_text(t4: pd.DataFrame) -> str:
    """After paper B's Table 4 with our rows."""
    ours = t4[~t4["source"].astype(str).str.startswith("paper B")]
    best = t4.loc[pd.to_numeric(t4["test accuracy %"], errors="coerce").idxmax()]
    line = (
        f"The highest accuracy in the table is {best['model']}'s {float(best['test accuracy %']):.2f} % ({best['ref']})"
    )
    if len(ours):
        line += "; ours: " + ", ".join(f"{r['model']} {float(r['test accuracy %']):.2f} %" for _, r in ours.iterrows())
    return line + "."


def audit_table_text(audit: pd.DataFrame) -> str:
    """After the metric audit: how far 'mean one-vs-rest accuracy' sits above top-1 in each row."""
    parts = [
        f"{r['source']}: top-1 {float(r['top-1 %']):.1f} % reads as {float(r['mean one-vs-rest accuracy %']):.1f} % "
        "one-vs-rest"
        for _, r in audit.iterrows()
        if pd.notna(r["top-1 %"]) and pd.notna(r["mean one-vs-rest accuracy %"])
    ]
    return (
        "; ".join(parts) + ". With four classes one-vs-rest accuracy is 1 - (1 - top-1)/2, so it always reads higher."
    )


def compute_text(compute: pd.DataFrame) -> str:
    """After the compute table: how many stages the papers give a time for."""
    paper = compute["paper"].astype(str).str.strip()
    stated = compute[(paper != "") & ~paper.str.startswith("not")]
    return (
        f"{len(compute)} stages timed; the papers state a time for {len(stated)} of them (paper B's search, per "
        "generation and in all). Ours are the stored trainings' own, on this study's machine and budget: a record "
        "of what this run cost, not a speed comparison."
    )


def forensic_text(forensic: pd.DataFrame | None) -> str:
    """After the forensic table (both papers)."""
    from fer_study.reporting.paper_a import forensics_text

    return forensics_text(forensic)


def sensitivity_table_text(sensitivity: pd.DataFrame | None) -> str:
    """After the sensitivity table: how far the readings move each paper's test top-1."""
    if sensitivity is None or not len(sensitivity):
        return "No sensitivity readings in this run (`c_sensitivity`)."
    parts = []
    for paper, g in sensitivity.groupby("paper", sort=True):
        top1 = pd.to_numeric(g["test top-1 %"], errors="coerce")
        parts.append(f"paper {paper}'s {len(g)} readings span {top1.min():.1f}-{top1.max():.1f} % test top-1")
    return "; ".join(parts) + " (one seed each; whether that moves a verdict is in notebook 06)."


def inconsistencies_text(issues: pd.DataFrame) -> str:
    """After the list of the papers' inconsistencies."""
    counts = issues["paper"].value_counts().sort_index()
    return (
        f"{len(issues)} inconsistencies that the papers' own numbers show, without any run of ours: "
        + ", ".join(f"{n} in paper {p}" for p, n in counts.items())
        + "."
    )
