"""Profiles: one source of truth; named overrides only."""

import pytest

from fer_study import profiles


def test_every_profile_resolves_with_the_same_keys():
    keys = {p: set(profiles.resolve(p)) for p in profiles.names()}
    assert set(profiles.names()) == {"smoke", "cpu", "paper"}
    assert len({frozenset(k) for k in keys.values()}) == 1


def test_override_replaces_a_named_key_and_is_recorded():
    cfg = profiles.resolve("smoke", {"seed": 7})
    assert cfg["seed"] == 7 and cfg["overrides"] == {"seed": 7}
    assert profiles.resolve("smoke")["seed"] == 0  # the profile itself is untouched


def test_unknown_key_is_an_error():
    with pytest.raises(profiles.ProfileError, match="unknown setting 'epoch'"):
        profiles.resolve("cpu", {"epoch": 3})


def test_wrong_type_is_an_error():
    with pytest.raises(profiles.ProfileError, match="expects int"):
        profiles.resolve("cpu", {"seed": "three"})


def test_unknown_profile_is_an_error():
    with pytest.raises(profiles.ProfileError, match="unknown profile 'gpu'"):
        profiles.resolve("gpu")


def test_settings_are_read_only():
    with pytest.raises(TypeError):
        profiles.resolve("smoke")["seed"] = 1


def test_cli_assignments_parse_as_json_where_they_can():
    assert profiles.parse_assignments(["seed=3", "a_classes=[\"angry\",\"sad\"]", "x=abc"]) == {
        "seed": 3, "a_classes": ["angry", "sad"], "x": "abc"}
    with pytest.raises(profiles.ProfileError, match="key=value"):
        profiles.parse_assignments(["seed"])
