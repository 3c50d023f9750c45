"""The claims registry: every claim answered by a measurement or a stated reason; verdict rules."""

import json
from pathlib import Path

import pytest

from fer_study import claims, comparison
from fer_study.core.paths import project_root


def test_every_claim_has_a_measurement_or_a_reason():
    ids = [c.id for c in claims.REGISTRY]
    assert len(ids) == len(set(ids))
    for c in claims.REGISTRY:
        assert c.measure or c.reason, c.id
        assert c.where and c.statement and c.paper in ("A", "B")
        if c.measure:
            assert c.measure[0] in comparison.NOTEBOOKS, c.id


def test_the_headline_claims_are_registered():
    values = {c.value for c in claims.REGISTRY}
    assert {0.89, 0.78, 0.8875, 0.7611, 0.5872, 0.7169, 0.7277, 0.7211, "37:57:55", 5000} <= values


def test_verdict_rule():
    c = claims.Claim("X", "A", "x", 0.8, "fraction", "t", ("n", "m"))
    inside = {"n": {"m": {"mean": 0.78, "std": 0.005, "n": 3, "ci95": [0.76, 0.81]}}}
    outside = {"n": {"m": {"mean": 0.70, "std": 0.01, "n": 3, "ci95": [0.68, 0.72]}}}
    assert claims.verdict(c, inside)["verdict"] == claims.REPRODUCED
    r = claims.verdict(c, outside)
    assert r["verdict"] == claims.NOT_REPRODUCED and r["difference"] == pytest.approx(-0.1)
    # a wide spread over seeds widens the interval beyond the bootstrap CI
    spread = {"n": {"m": {"mean": 0.75, "std": 0.03, "n": 3, "ci95": [0.74, 0.76]}}}
    assert claims.verdict(c, spread)["verdict"] == claims.REPRODUCED
    # a bare accuracy over n images gets a binomial interval
    b = claims.Claim("Y", "B", "y", 0.8, "fraction", "t", ("n", "acc"), n_from=("n", "size"))
    assert claims.verdict(b, {"n": {"acc": 0.79, "size": 1000}})["verdict"] == claims.REPRODUCED
    assert claims.verdict(b, {"n": {"acc": 0.70, "size": 1000}})["verdict"] == claims.NOT_REPRODUCED


def test_a_claim_with_a_reason_is_never_called_reproduced():
    c = next(c for c in claims.REGISTRY if c.id == "A5")
    facts = {"03_basic_vs_improved": {"paper_a_split": {"headline": {"basic": {"top1_200": {"mean": 0.767, "std": 0.0, "n": 1}}}}}}
    assert claims.verdict(c, facts)["verdict"] == claims.NOT_AS_SPECIFIED


def test_missing_measurement_in_a_reduced_run_is_labelled():
    c = next(c for c in claims.REGISTRY if c.id == "B3.3")
    facts = {"05_ga_search": {"generations": {"paper": [{"best": 0.3}]}, "protocols": {"paper": {"n_select": 100}}}}
    r = claims.verdict(c, facts)
    assert r["verdict"] == claims.NOT_MEASURED and "not measured" in r["why"]


REFERENCE = project_root() / "results" / "cpu"


@pytest.mark.skipif(not (REFERENCE / "summaries" / "05_ga_search.json").exists(), reason="no committed reference run")
def test_every_claim_resolves_against_the_committed_reference_run():
    summaries = comparison.load_summaries(REFERENCE)
    for row in claims.table(comparison.facts(summaries)):
        assert row["verdict"] in (claims.REPRODUCED, claims.NOT_REPRODUCED, claims.NOT_AS_SPECIFIED), row
        assert row["verdict"] == claims.NOT_AS_SPECIFIED or row["ours"] is not None, row


def test_summaries_from_different_data_are_refused(tmp_path):
    (tmp_path / "summaries").mkdir()
    for i, name in enumerate(comparison.NOTEBOOKS):
        body = {"profile": "smoke", "data": {"sha256": "a" * 64 if i else "b" * 64}, "facts": {}}
        (tmp_path / "summaries" / f"{name}.json").write_text(json.dumps(body))
    with pytest.raises(comparison.SummaryError, match="different data or profiles"):
        comparison.load_summaries(tmp_path)
    (tmp_path / "summaries" / "05_ga_search.json").unlink()
    with pytest.raises(comparison.SummaryError, match="05_ga_search.json: missing"):
        comparison.load_summaries(tmp_path)
