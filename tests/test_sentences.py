"""The sentence after each table and figure, rendered from the numbers it follows: pinned on small
inputs whose answer is known by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fer_study.nn.runs import History
from fer_study.reporting import comparison, controls
from fer_study.reporting import exploration as explore_words
from fer_study.reporting import paper_a as a_words
from fer_study.reporting import paper_b as b_words

FIXTURE = Path(__file__).parent / "fixtures" / "smoke_summaries"


def test_the_count_sentences_name_the_totals_and_the_imbalance():
    counts = pd.DataFrame({"Training": [100, 10], "PublicTest": [20, 2]}, index=["happy", "disgust"])
    text = explore_words.counts_text(counts)
    assert text.startswith("132 images: Training 110, PublicTest 22.")
    assert "happy (120), holds 10.0 times as many images as the smallest, disgust (12)" in text
    assert "rank the classes in the same order" in explore_words.counts_figure_text(counts)
    assert "by at most 0.0 points" in explore_words.counts_figure_text(counts)


def test_the_downsampling_sentence_counts_what_is_kept():
    text = explore_words.downsampling_figure_text({"angry": 50, "happy": 90}, {"angry": 50, "happy": 50})
    assert (
        text
        == "Downsampling keeps 100 of 140 images (71 %); happy loses the most (40 images); angry keeps all its images."
    )


def test_the_curve_sentence_reads_the_gap_and_where_validation_loss_turned():
    runs = [
        History(
            "improved",
            s,
            {
                "accuracy": [0.5, 0.7, 0.9],
                "val_accuracy": [0.5, 0.6, 0.55],
                "loss": [1.0, 0.6, 0.3],
                "val_loss": [1.0, 0.8, 1.1],
            },
        )
        for s in (0, 1)
    ]
    text = a_words.curves_text(runs)
    assert text.startswith("Means over 2 seed(s). improved: at epoch 3 training 90.0 % and validation 55.0 %")
    assert "(a gap of 35.0 points)" in text and "peaked at epoch 2 (60.0 %)" in text
    assert "lowest at epoch 2, then rose by 0.30" in text


def test_the_trials_sentence_counts_the_trials_too_close_to_rank():
    trials = pd.DataFrame({"val_accuracy": [0.50, 0.49, 0.40]})
    text = a_words.trials_text(trials, 400)  # two standard errors at 50 % on 400 images: 5.0 points
    assert "from 40.0 % to 50.0 % over 3 trials; 2 of them lie within two standard errors (5.0 points" in text
    # Three seeds per point: the best mean's seed-to-seed spread (sd 6 points / sqrt 3 -> 2 se = 6.9 points).
    points = pd.DataFrame({"val_accuracy": [0.50, 0.44, 0.40], "val_accuracy_sd": [0.06, 0.01, 0.01], "seeds": [3] * 3})
    text = a_words.trials_text(points, 400)
    assert "Mean validation accuracy over 3 seeds runs from 40.0 % to 50.0 % over 3 grid points; 2 of them" in text
    assert "(6.9 points: its seed-to-seed spread over 3 seeds" in text
    assert "best mean over its 3 seeds on the validation carve-out (50.0 %)" in a_words.interpret_grid(
        {"dropout": 0.5}, 0.5, {"dropout": 0.2}, 48, 0, seeds=3
    )


def test_the_vs_random_and_forensic_sentences():
    vs = pd.DataFrame({"trainings": [40], "GA best fitness": [0.34], "random best fitness": [0.36]}, index=["paper"])
    assert (
        "'paper': the GA's best is 2.0 points below random search's after 40 trainings each"
        in b_words.vs_random_text(vs)
    )
    slips = pd.DataFrame(
        {
            "slip": ["none", "one-vs-rest"],
            "ours %": [60.0, 88.0],
            "paper figure": ["78 % (Table 2)", "89 % (Table 2)"],
            "paper value %": [78.0, 89.0],
            "difference (points)": [-18.0, -1.0],
            "can produce it": [False, True],
        }
    )
    text = a_words.forensics_text(slips)
    assert text.startswith("1 of 2 ways of measuring land within 2 points") and "(one-vs-rest)" in text
    assert text.endswith("The closest: 'one-vs-rest', 88.0 % against 89 % (Table 2).")


def test_the_claims_and_control_sentences_on_the_smoke_summaries():
    summaries = {p.stem: json.loads(p.read_text()) for p in sorted(FIXTURE.glob("*.json"))}
    typed = comparison.from_bodies(summaries)
    table = comparison.claim_table(typed)
    text = comparison.claims_text(comparison.claim_rows(typed))
    for paper in ("A", "B"):
        n = int((table["id"].str[0] == paper).sum())
        assert f"paper {paper}'s {n} claims: " in text
    rows = controls.control_table(typed.of("06_controls").control)
    assert "published 66 %" in controls.control_table_text(rows)


def test_the_pixel_sentence_tells_an_equalized_set_from_a_plain_one():
    from types import SimpleNamespace

    from fer_study.experiments import exploration as explore

    even = np.arange(48 * 48, dtype=np.int64).reshape(48, 48) % 256  # every grey value 9 times: equalized
    plain = np.full((48, 48), 100, dtype=np.int64)
    white = plain.copy()
    white[:24] = 255  # half white
    data = SimpleNamespace(images=np.stack([even, even, plain, white]).astype(np.uint8))
    profile = explore.grey_level_profile(data)
    assert profile["even_images"] == 0.5 and profile["white_pixels"] == pytest.approx(
        (24 * 48 + 2 * 9) / (4 * 48 * 48)
    )  # the half-white image, and 255 nine times in each even one
    text = explore_words.pixels_figure_text({"Training/PublicTest": 0.01}, profile)
    assert "50 % spread their grey values evenly" in text and "within 20 %" in text
    assert "that is what flattens the histogram" in text and "12.7 % of all pixels are pure white" in text
    profile["even_images"] = 0.1
    assert "not an equalization's" in explore_words.pixels_figure_text({}, profile)


def test_the_grid_check_sentence_gives_every_seed_and_says_whether_the_lead_holds_in_all():
    from fer_study.core import schema

    t = schema.GridVsTable1(
        in_grid=True,
        table1={},
        n_val=1585,
        epochs=6,
        seeds=[0, 1],
        best_accuracy=[0.62, 0.61],
        table1_accuracy=[0.60, 0.605],
        only_best_correct=[80, 60],
        only_table1_correct=[48, 52],
        p_value=[0.0021, 0.26],
    )
    text = a_words.grid_check_text(t)
    assert (
        "seed 0: 62.0 % vs 60.0 %, +2.00 points (80 vs 48 images only one of them gets right, one-sided p = 0.0021)"
        in text
    )
    assert text.endswith("The winner's lead is not significant in every seed.")
    one = schema.GridVsTable1(**{**vars(t), "seeds": [0], "p_value": [0.0021]})
    assert a_words.grid_check_text(one).endswith("significant, but on one seed only.")
    assert "nothing to compare" in a_words.grid_check_text(schema.GridVsTable1(in_grid=True, table1={}, same=True))
