"""No refactor may change a run key: every stored training (hours of it under results/cpu/runs)
must load after the change, not train again. The keys every notebook asks for are pinned, per
profile, on the demo data (anywhere) and for the cpu profile on FER2013 (where it is set)."""

from __future__ import annotations

import json
from pathlib import Path

import keyplan
import pytest
from conftest import REAL_FER2013

from fer_study.data.dataset import load

FIXTURES = Path(__file__).parent / "fixtures"


def _check(pinned: dict, data, profiles) -> None:
    assert data.sha256 == pinned["data_sha256"]
    for profile in profiles:
        got = keyplan.plan(profile, data)
        for name, keys in pinned["plans"][profile].items():
            assert got[name] == keys, f"profile {profile}: the keys of '{name}' changed (stored runs would retrain)"
        assert set(got) == set(pinned["plans"][profile])


def test_every_run_key_and_search_context_is_unchanged_on_the_demo_data():
    _check(
        json.loads((FIXTURES / "run_keys_demo.json").read_text()), load(None, verbose=False), ("smoke", "cpu", "paper")
    )


@pytest.mark.skipif(not REAL_FER2013, reason="needs FER2013 (FER2013_PATH)")
def test_every_cpu_run_key_is_unchanged_on_fer2013():
    _check(
        json.loads((FIXTURES / "run_keys_fer2013_cpu.json").read_text()), load(REAL_FER2013, verbose=False), ("cpu",)
    )


def test_the_figure_style_changes_no_run_key():
    """A paper-style re-render loads every stored training: `fig_style` is rendering only."""
    data = load(None, verbose=False)
    assert keyplan.plan("smoke", data, {"fig_style": "paper"}) == keyplan.plan("smoke", data)
