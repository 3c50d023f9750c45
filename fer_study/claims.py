"""Numbers the papers state (facts from their text, in our words), with where they stand."""

# Paper A (Fatimatuzzahra et al., 2024)
PAPER_A = {
    "per_class_after_downsampling": {"value": 5000, "where": "section 2.2, Fig. 5 ('5,000 each')"},
    "table2_improved": {"value": {"tp": 156, "fp": 44, "fn": 44, "tn": 556}, "where": "Table 2 (200 test images)",
                        "stated": {"accuracy": 0.89, "precision": 0.78, "recall": 0.78, "f1": 0.78}},
    "table3_basic": {"value": {"tp": 155, "fp": 43, "fn": 47, "tn": 555}, "where": "Table 3, basic CNN row",
                     "stated": {"accuracy": 0.8875, "precision": 0.782, "recall": 0.767, "f1": 0.767}},
    "train_accuracy_improved": {"value": 0.9889, "where": "section 3, Fig. 9"},
    "val_accuracy_improved": {"value": 0.899, "where": "section 3, Fig. 9"},
    "val_accuracy_basic": {"value": 0.70, "where": "section 3, Fig. 8 (train 100 %)"},
}

# Paper A's Table 1, the hyperparameters of its improved model (grid search picked them).
PAPER_A_TABLE1 = {"n_conv": 4, "dense_layers": 1, "dropout": 0.2, "loss": "categorical cross-entropy",
                  "activation": "relu", "optimizer": "adam", "learning_rate": 0.001, "epochs": 100,
                  "batch_size": 16}

# Paper B (CNN hyperparameters by a genetic algorithm)
PAPER_B = {
    "headline_accuracy": {"value": 76.11, "unit": "%", "where": "abstract; section 3; Table 3 (generation 3); Table 4"},
    # Table 3: best accuracy per phase, and compute time as printed (° read as hours).
    "table3": [
        {"phase": "Initial", "generation": 0, "best_accuracy": 58.72, "time_printed": "70°30'57\""},
        {"phase": "Generation 1", "generation": 1, "best_accuracy": 71.69, "time_printed": "60°08'37\""},
        {"phase": "Generation 2", "generation": 2, "best_accuracy": 72.77, "time_printed": "140°18'50\""},
        {"phase": "Generation 3", "generation": 3, "best_accuracy": 76.11, "time_printed": "160°45'04\""},
    ],
    "text_generation2_accuracy": {"value": 72.11, "where": "section 3 text (Table 3 says 72.77)"},
    "text_increments": {"value": {"1": 12.97, "2": 1.08, "3": 3.33}, "where": "section 3 text, increases in points"},
    "total_time_stated": {"value": "37:57:55", "where": "abstract and conclusion (37 h 57 min 55 s)"},
    "generation3_time_text": {"value": "16:45:04", "where": "abstract (16 h 45 min 4 s)"},
    "ga_settings": {"value": {"population": 10, "generations": 3, "cxpb": 0.2, "mutpb": 0.1},
                    "where": "sections 2.2 and 3"},
    "n_images": {"value": 35887, "where": "section 2 (80/20 split of 35,887 images)"},
    "table4": [  # earlier FER2013 results as paper B lists them (reference, model, accuracy %)
        ("[21]", "Tang's network structure", 71.2), ("[37]", "Caffe-imageNet", 65.5),
        ("[22]", "MNF CNN+L2 SVM", 70.3), ("[38]", "Raspberry Pi", 65.97), ("[39]", "DenseNet", 63.50),
        ("[40]", "VGG16", 69.40), ("[41]", "Attention CNN", 70.02), ("[42]", "ResNet with gate implementation", 71.80),
        ("[43]", "VGGNet", 73.28), ("[44]", "VGG progressive SpinalNet", 74.39), ("[44]", "VGG SpinalNet", 74.45),
        ("[45]", "Mini-Xception", 66.00), ("[46]", "CNN with transfer learning", 72.00),
        ("[47]", "CNN with HOG feature", 75.10), ("paper B", "CNN-GA", 76.11),
    ],
}


# --- The registry: every quantitative claim, where it stands, and which measurement answers it ----------
#
# A claim is answered by a path into a notebook's summary (summaries/<notebook>.json, key "facts"),
# or carries the reason it cannot be reproduced as specified. Verdict rule for numbers (documented
# in notebook 07): "reproduced" when the paper's value lies inside our interval — the wider of the
# 95% bootstrap CI (first seed) and mean ± 2 std over seeds — otherwise "not reproduced". A single
# accuracy without a CI (one search) gets a binomial 95% interval over its n test images.

from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

REPRODUCED, NOT_REPRODUCED, NOT_AS_SPECIFIED = "reproduced", "not reproduced", "not reproducible as specified"
NOT_MEASURED = "not measured in this profile"


@dataclass(frozen=True)
class Claim:
    id: str
    paper: str  # "A" or "B"
    statement: str  # in our words
    value: Any  # the paper's number (fractions for accuracies), or text
    unit: str
    where: str
    measure: tuple | None = None  # (notebook, "dotted.path") into that notebook's facts
    n_from: tuple | None = None  # (notebook, "dotted.path") to the number of test images, for a binomial CI
    reason: str = ""  # why it cannot be reproduced as specified (then the verdict says so)
    caveat: str = ""  # a protocol problem worth stating next to the verdict
    beyond_paper: bool = False


_A3 = "03_basic_vs_improved"
_hA = "paper_a_split.headline"
REGISTRY: list[Claim] = [
    Claim("A1", "A", "Improved CNN 'accuracy' (mean one-vs-rest) on 200 test images", 0.89, "fraction",
          "Table 2; abstract", (_A3, f"{_hA}.improved.mean_one_vs_rest_accuracy_200"),
          caveat="the paper's 'accuracy' is mean one-vs-rest accuracy, not top-1"),
    Claim("A2", "A", "Improved CNN precision = recall = F1 (from Table 2's totals, i.e. micro = top-1) on 200 images",
          0.78, "fraction", "Table 2; abstract", (_A3, f"{_hA}.improved.top1_200")),
    Claim("A3", "A", "Improved CNN top-1 accuracy implied by Table 2 (156 of 200), on the full test part", 0.78,
          "fraction", "Table 2 (derived: TP/200)", (_A3, f"{_hA}.improved.top1")),
    Claim("A4", "A", "Basic CNN 'accuracy' (mean one-vs-rest) on 200 test images", 0.8875, "fraction", "Table 3",
          (_A3, f"{_hA}.basic.mean_one_vs_rest_accuracy_200")),
    Claim("A5", "A", "Basic CNN precision 78.2 %, recall 76.7 %, F1 76.7 %", 0.767, "fraction", "Table 3",
          (_A3, f"{_hA}.basic.top1_200"),
          reason="Table 3's basic row (TP 155, FP 43, FN 47, TN 555) cannot come from 200 single-label images: "
                 "TP + FN = 202, and FP differs from FN although the two totals are equal in any multi-class confusion matrix"),
    Claim("A6", "A", "Improved CNN training accuracy at the end of training", 0.9889, "fraction", "abstract; Fig. 9",
          (_A3, f"{_hA}.improved.final_train_accuracy")),
    Claim("A7", "A", "Improved CNN validation accuracy at the end of training", 0.899, "fraction", "Fig. 9",
          (_A3, f"{_hA}.improved.final_val_accuracy"),
          caveat="the paper does not say which images its validation curve uses"),
    Claim("A8", "A", "Basic CNN validation accuracy at the end of training (training accuracy 100 %)", 0.70, "fraction",
          "Fig. 8", (_A3, f"{_hA}.basic.final_val_accuracy")),
    Claim("A9", "A", "Images per class after downsampling to the smallest class", 5000, "images", "section 2.2; Fig. 5",
          ("02_downsampling", "per_class_after_downsampling"),
          caveat="downsampling to the smallest class keeps exactly as many images as that class holds (notebook 02 counts it)"),
    Claim("A10", "A", "The improved CNN is more accurate than the basic CNN", "improved > basic", "comparison",
          "Tables 2-3; section 3", (_A3, "paper_a_split.mcnemar")),
    Claim("A11", "A", "Grid search arrives at Table 1 (lr 0.001, batch 16, dropout 0.2, 4 conv layers)", "Table 1",
          "settings", "Table 1; section 2.4", ("04_grid_search", "best_matches_table1"),
          caveat="the paper does not give its grid; ours is defined in the profile"),
    Claim("B1", "B", "CNN-GA test accuracy (paper protocol: fitness on the reported 20 %)", 0.7611, "fraction",
          "abstract; Table 3; Table 4", ("05_ga_search", "final.paper/ga_best"),
          caveat="the paper's protocol selects on its test set: the reported number is the best of every genome tried on those images"),
    Claim("B1c", "B", "CNN-GA test accuracy, clean protocol (select on PublicTest, report PrivateTest)", 0.7611,
          "fraction", "beyond the paper", ("05_ga_search", "final.clean/ga_best"), beyond_paper=True),
    Claim("B2", "B", "Paper B's best genome (Table 2) reaches the headline accuracy (paper protocol)", 0.7611,
          "fraction", "Table 2; Table 3", ("05_ga_search", "final.paper/table2"),
          caveat="epochs, batch size, dense width and dropout rates of the network are not stated"),
    Claim("B2c", "B", "Paper B's best genome (Table 2), clean protocol", 0.7611, "fraction", "beyond the paper",
          ("05_ga_search", "final.clean/table2"), beyond_paper=True),
    *[Claim(f"B3.{g}", "B", f"Best fitness in {'the initial population' if g == 0 else f'generation {g}'} (paper protocol)",
            [0.5872, 0.7169, 0.7277, 0.7611][g], "fraction", "Table 3; Fig. 4",
            ("05_ga_search", f"generations.paper.{g}.best"), n_from=("05_ga_search", "protocols.paper.n_select"))
      for g in range(4)],
    Claim("B4", "B", "Generation 2's best accuracy", 0.7211, "fraction", "section 3 text",
          reason="the text gives 72.11 % for generation 2, Table 3 gives 72.77 %; the text's own increments "
                 "(+1.08, then +3.33 to 76.11) follow the table's 72.77, not 72.11"),
    Claim("B5", "B", "Total compute time of the search", "37:57:55", "h:m:s", "abstract; conclusion",
          ("05_ga_search", "time_arithmetic"),
          reason="Table 3's four times sum to 431:43:28 as printed (degree sign read as hours), or 44:43:28 reading "
                 "each hour figure as a tenth; neither is the stated 37:57:55"),
    Claim("B6", "B", "All 35,887 FER2013 images used, after removing duplicate images", 35887, "images",
          "section 2; section 2.2", ("01_data_exploration", "duplicates.exact.images"),
          reason="FER2013 holds 35,887 images only with its duplicates; removing them leaves fewer, so the two statements "
                 "cannot both hold"),
]


def lookup(facts: dict[str, dict], ref: tuple) -> Any:
    """The value at (notebook, 'a.b.c') in the notebooks' facts; integer-like parts index lists."""
    notebook, path = ref
    if notebook not in facts:
        raise KeyError(f"no summary of notebook {notebook} (run it first)")
    node: Any = facts[notebook]
    for part in path.split("."):
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(f"{notebook}: no '{part}' in the path '{path}' of its summary")
    return node


def interval(measure: Any, n: int | None = None) -> tuple[float, float] | None:
    """Our 95% interval for a measurement: the wider of its bootstrap CI and mean ± 2 std, or a
    binomial interval for a bare accuracy over n images."""
    if isinstance(measure, dict) and "mean" in measure:
        lo, hi = measure["mean"] - 2 * measure["std"], measure["mean"] + 2 * measure["std"]
        if "ci95" in measure:
            lo, hi = min(lo, measure["ci95"][0]), max(hi, measure["ci95"][1])
        return lo, hi
    if isinstance(measure, (int, float)) and n:
        se = (measure * (1 - measure) / n) ** 0.5
        return measure - 1.96 * se, measure + 1.96 * se
    return None


def verdict(claim: Claim, facts: dict[str, dict]) -> dict:
    """Our measurement for `claim`, the difference to the paper, and the verdict with its reason."""
    row: dict[str, Any] = {"id": claim.id, "paper": claim.paper, "claim": claim.statement, "where": claim.where,
                           "paper value": claim.value, "ours": None, "interval": None, "difference": None,
                           "verdict": NOT_AS_SPECIFIED if claim.reason else None,
                           "why": claim.reason or claim.caveat}
    if claim.measure is None:
        return row
    try:
        m = lookup(facts, claim.measure)
        n = lookup(facts, claim.n_from) if claim.n_from else None
    except (KeyError, IndexError) as err:  # e.g. generation 3 in a profile that runs 1 generation
        row["verdict"] = row["verdict"] or NOT_MEASURED
        row["why"] = f"not measured in this run ({str(err).strip(chr(39))})" + (f"; {row['why']}" if row["why"] else "")
        return row
    if claim.id == "A10":  # a comparison: improved vs basic, McNemar on the same images
        a3 = facts[_A3]["paper_a_split"]["headline"]
        diff = a3["improved"]["top1"]["mean"] - a3["basic"]["top1"]["mean"]
        row.update(ours=f"top-1 improved − basic = {diff:+.4f}; McNemar p = {m['p_value']:.3g}", difference=diff)
        row["verdict"] = REPRODUCED if diff > 0 and m["p_value"] < 0.05 else NOT_REPRODUCED
        return row
    if claim.id == "A11":
        row["ours"] = ", ".join(f"{k} {'=' if v else '≠'}" for k, v in m.items())
        row["verdict"] = REPRODUCED if all(m.values()) else NOT_REPRODUCED
        return row
    if claim.id == "A9":
        row.update(ours=m, difference=m - claim.value)
        row["verdict"] = REPRODUCED if m == claim.value else NOT_REPRODUCED
        return row
    if claim.id == "B5":
        row["ours"] = f"Table 3 sums to {m['sum_printed']} (as printed), {m['sum_hours_over_10']} (hours / 10)"
        return row
    if claim.id == "B6":
        row["ours"] = f"{m} images are exact duplicates of another (notebook 01)"
        return row
    ours = m["mean"] if isinstance(m, dict) else m
    row["ours"] = ours
    row["interval"] = interval(m, n)
    if isinstance(claim.value, (int, float)) and isinstance(ours, (int, float)):
        row["difference"] = ours - claim.value
        if row["verdict"] is None:
            lo, hi = row["interval"] if row["interval"] else (ours, ours)
            row["verdict"] = REPRODUCED if lo <= claim.value <= hi else NOT_REPRODUCED
    return row


def table(facts: dict[str, dict]) -> list[dict]:
    """Every claim of the registry with our measurement and its verdict."""
    return [verdict(c, facts) for c in REGISTRY]
