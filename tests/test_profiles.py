"""Profiles: one source of truth; named overrides only."""

import dataclasses
import json

import pytest

from fer_study.core import profiles


def test_every_profile_resolves_with_the_same_keys():
    keys = {p: set(profiles.resolve(p).to_json()) for p in profiles.names()}
    assert set(profiles.names()) == {"smoke", "cpu", "paper"}
    assert len({frozenset(k) for k in keys.values()}) == 1


def test_override_replaces_a_named_key_and_is_recorded():
    st = profiles.resolve("smoke", {"seed": 7})
    assert st.runtime.seed == 7 and st.overrides == {"seed": 7}
    assert profiles.resolve("smoke").runtime.seed == 0  # the profile itself is untouched


def test_unknown_key_is_an_error():
    with pytest.raises(profiles.ProfileError, match="unknown setting 'epoch'"):
        profiles.resolve("cpu", {"epoch": 3})


def test_wrong_type_is_an_error():
    with pytest.raises(profiles.ProfileError, match="expects int"):
        profiles.resolve("cpu", {"seed": "three"})


def test_unknown_profile_is_an_error():
    with pytest.raises(profiles.ProfileError, match="unknown profile 'gpu'"):
        profiles.resolve("gpu")


def test_settings_are_read_only_and_variants_are_validated():
    st = profiles.resolve("smoke")
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.runtime.seed = 1  # type: ignore[misc]
    variant = st.replace(a_block_dropout=0.3)
    assert variant.paper_a.a_block_dropout == 0.3 and st.paper_a.a_block_dropout == 0.0
    assert variant.profile == "smoke" and variant.overrides == {"a_block_dropout": 0.3}
    with pytest.raises(profiles.ProfileError, match="a_block_dropout"):
        st.replace(a_block_dropout=1.5)  # a variant is checked like any profile


def test_settings_round_trip_through_the_json_a_summary_records():
    st = profiles.resolve("cpu", {"seed": 3})
    again = S.from_json(json.loads(json.dumps(st.to_json())))
    assert again == st
    with pytest.raises(profiles.ProfileError, match="unknown setting 'a_epoch'"):
        S.from_json({**st.to_json(), "a_epoch": 3})


def test_cli_assignments_parse_as_json_where_they_can():
    assert profiles.parse_assignments(["seed=3", 'a_classes=["angry","sad"]', "x=abc"]) == {
        "seed": 3,
        "a_classes": ["angry", "sad"],
        "x": "abc",
    }
    with pytest.raises(profiles.ProfileError, match="key=value"):
        profiles.parse_assignments(["seed"])


# --- typed settings: every value validated before anything runs ----------------------------------
import pytest as _pytest  # noqa: E402

from fer_study import cli, study  # noqa: E402
from fer_study.core import settings as S  # noqa: E402

BAD = {
    "a_epochs": -1,
    "a_batch_size": 0,
    "b_population": 0,
    "b_cxpb": 1.5,
    "b_mutpb": -0.1,
    "a_learning_rate": 0.0,
    "a_seeds": [],
    "b_seeds": [-1],
    "a_test_fraction": 1.0,
    "a_dropout": 1.0,
    "b_elite": 10,
    "executor": "gpu",
    "a_improved_order": "sideways",
    "a_grid": {"n_conv": [0]},
    "b_lr_range": [0.01, 0.001],
    "a_grid_train_images": -5,
    "b_filters_max_exp": 11,
    "a_classes": ["joy"],
    "a_epochs ": 3,
}


# Values that passed validation yet meant something else or failed hours later (fault injection,
# round 3): a repeated seed counted one training as two, a repeated class counted images twice.
MEANT_ELSE = {
    "a_seeds": ([0, 0], "must not repeat"),
    "a_classes": (["angry", "angry"], "must not repeat"),
    "seed": (2**32, "<= 4294967295"),
    "b_seeds": ([2**32], "<= 4294967295"),
    "a_test_fraction": (0.999, "<= 0.9"),
    "a_epochs": (10**9, "<= 100000"),
    "workers": (100000, "<= 256"),
    "a_learning_rate": (float("inf"), "finite"),
    "b_lr_range": ([0.001, float("inf")], "finite"),
    "a_grid": ({"learning_rate": [float("inf")]}, "out of range"),
}


@_pytest.mark.parametrize("key", sorted(MEANT_ELSE))
def test_settings_that_would_mean_something_else_are_refused(key):
    value, says = MEANT_ELSE[key]
    with _pytest.raises(profiles.ProfileError, match=key) as err:
        profiles.resolve("smoke", {key: value})
    assert says in str(err.value)


def test_infinity_from_the_command_line_is_refused():
    # --set parses values as JSON, and Python's json reads Infinity.
    with _pytest.raises(profiles.ProfileError, match="finite"):
        profiles.resolve("smoke", profiles.parse_assignments(["a_learning_rate=Infinity"]))


@_pytest.mark.parametrize("key", sorted(BAD))
def test_out_of_range_settings_are_refused_naming_the_key(key):
    with _pytest.raises(profiles.ProfileError, match=key.strip()):
        profiles.resolve("smoke", {key: BAD[key]})


@_pytest.mark.parametrize("key", ["a_epochs", "b_population"])
def test_cli_refuses_before_anything_runs_and_writes_nothing(tmp_path, capsys, key):
    out = tmp_path / "out"
    code = cli.main(["run", "--profile", "smoke", "--data", "demo", "--out", str(out), "--set", f"{key}={BAD[key]}"])
    assert code == 2 and key in capsys.readouterr().err
    assert not out.exists()


def test_a_notebooks_overrides_are_refused_the_same_way(tmp_path):
    with _pytest.raises(profiles.ProfileError, match="b_population"):
        study.setup("05_ga_search", "smoke", "demo", tmp_path / "out", {"b_population": 0}, log=lambda s: None)
    assert not (tmp_path / "out").exists()


def test_first_round_key_names_keep_working():
    st = profiles.resolve("smoke", {"b_executor": "pool", "b_workers": 3})
    assert st.runtime.executor == "pool" and st.runtime.workers == 3


def test_every_setting_belongs_to_one_stage_and_every_profile_validates():
    stages = [stage for stage, _, _ in S.fields().values()]
    assert set(stages) == set(S.STAGES)
    for name in profiles.names():
        typed = profiles.resolve(name)
        assert typed.paper_b.b_population >= 2 and typed.runtime.steps_per_execution >= 1


def test_one_table_gives_every_override_its_reason_and_derives_the_reductions():
    """Issue 34: profiles and their reductions were two dicts kept in step by hand. One table now:
    every override has a reason beside it, names a known setting, and the reductions a result lists
    are exactly the overrides marked as reducing the papers' budget."""
    from fer_study.core import settings

    known = settings.defaults()
    for name, prof in profiles.PROFILES.items():
        assert prof.description
        for key, o in prof.overrides.items():
            assert key in known, (name, key)
            assert len(o.why) > 10, (name, key, o.why)
        st = profiles.resolve(name)
        assert st.reductions == {k: o.why for k, o in prof.overrides.items() if o.reduces}
        assert all(st.flat()[k] == o.value for k, o in prof.overrides.items())
    assert profiles.resolve("paper").reductions == {}  # the papers' own settings reduce nothing
    assert "a_epochs" in profiles.resolve("smoke").reductions
