"""The rule book and its ledger: every change to a verdict rule is recorded, and the references are
the values checked at their source."""

from __future__ import annotations

import json

from fer_study.core import ledger, rulebook
from fer_study.core.papers import MINI_XCEPTION
from fer_study.reporting.claims import REGISTRY


def test_the_rule_book_changes_only_with_a_ledger_entry():
    # Change a rule, a tolerance or a reference and this fails until core/ledger.py gains an entry
    # that says what changed, which results already existed, and carries the new hash.
    assert ledger.current_digest() == rulebook.digest(), (
        f"the rule book changed without a ledger entry: add one to core/ledger.py with digest={rulebook.digest()!r}"
    )


def test_the_hash_covers_every_parameter_and_reference():
    base = rulebook.digest()
    control = rulebook.BY_ID["control"]
    control.parameters["tolerance"] = 0.03
    try:
        assert rulebook.digest() != base
    finally:
        control.parameters["tolerance"] = rulebook.CONTROL_TOLERANCE
    assert rulebook.digest() == base
    assert json.loads(rulebook.canonical())[-1]["references"][1]["value"] == MINI_XCEPTION["checkpoint_log"]["accuracy"]


def test_ledger_is_ordered_and_names_real_rules_and_claims():
    dates = [c.date for c in ledger.LEDGER]
    assert dates == sorted(dates)
    ids = {c.id for c in REGISTRY} | {"control", "B1s"}
    for ch in ledger.LEDGER:
        assert ch.what and ch.results_existing
        assert set(ch.rules) <= set(rulebook.BY_ID), ch
        assert set(ch.post_hoc) <= ids and set(ch.restores) <= ids
    # Only the last entry may be uncommitted when it was written; earlier ones name their commit.
    assert all(len(c.commit) == 7 for c in ledger.LEDGER[:-1])


def test_every_rule_decides_known_claims():
    ids = {c.id for c in REGISTRY} | {"control"}
    for rule in rulebook.RULES:
        assert rule.kind in (rulebook.SIZE, rulebook.DIRECTION, rulebook.COUNT)
        assert set(rule.claims) <= ids, (rule.id, set(rule.claims) - ids)


def test_post_hoc_follows_the_ledger():
    # 229db20's mean ranking (post hoc for A11) and 4b2a2ef's "gap explained" (post hoc for the control)
    # are withdrawn by the rule book, which restores the rules in force before their results; B1's new
    # reading came after its results.
    assert set(ledger.post_hoc()) == {"B1"}


def test_control_references_are_the_authors_logged_values():
    # github.com/oarriaga/face_classification: every demo script loads fer2013_mini_XCEPTION.102-0.66.hdf5;
    # fer2013_emotion_training.log row 102 reads val_acc 0.65505713174.
    refs = {r.name: r for r in rulebook.BY_ID["control"].references}
    assert refs["published"].value == 0.66
    assert refs["deployed checkpoint, their log"].value == 0.655057
    assert "102-0.66" in refs["deployed checkpoint, their log"].source
    assert rulebook.BY_ID["control"].parameters["seeds"] == [0, 1, 2]


def test_every_post_hoc_claim_names_the_rule_it_replaced():
    by = {c.id: c for c in REGISTRY}
    for cid in ledger.post_hoc():
        assert by[cid].earlier is not None, f"{cid} is post hoc in the ledger but its claim names no earlier rule"
