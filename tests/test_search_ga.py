"""Paper B's GA: seeded, resumable to the identical result, cached, and runnable on a Dask LocalCluster."""

import json
import random

import pytest

from fer_study.search import executors, ga
from fer_study.search import genome as G
from fer_study.search.trial_log import SearchStateError

# Trains models, runs notebooks or spawns processes: left out of the fast tier (pytest -m 'not slow').
pytestmark = pytest.mark.slow

SPACE = G.Space(filters_max_exp=6, kernel_max=5)
SETTINGS = ga.GASettings(population=6, generations=3, cxpb=0.5, mutpb=0.3, elite=1, seed=7)


def fake_fitness(genes):
    """A deterministic stand-in for training: favours many filters, small kernels, Adam."""
    L = G.layers(genes)
    score = sum(L["filters"]) / (6 * 64) - sum(L["kernels"]) / 60 + (L["optimizer"] == "Adam") * 0.2
    return {"fitness": round(score + L["learning_rate"], 6), "wall_seconds": 0.0}


class Killed(RuntimeError):
    pass


def outcome(state):
    return (
        [(h["generation"], h["genome"], h["fitness"]) for h in state.history],
        [list(i) for i in state.hall_of_fame],
        # per-generation counts must match after a resume too (never negative cache hits)
        [(r["gen"], r["best"], r["mean"], r["evals"], r["trained"], r["cache_hits"]) for r in state.logbook],
    )


def search(folder, fitness=fake_fitness, settings=SETTINGS, **kw):
    return ga.GeneticSearch(SPACE, settings, fitness, folder, context={"data": "x"}, log=lambda s: None, **kw)


def test_space_draws_respect_types_and_ranges():
    rng = random.Random(0)
    for _ in range(200):
        g = SPACE.sample(rng)
        assert SPACE.contains(g)
        assert SPACE.contains(SPACE.mutate(list(g), rng, 0.5))
    assert G.Space().contains(G.TABLE2)
    assert G.layers(G.TABLE2)["filters"] == [8, 8, 2, 256, 16, 128]


def test_multi_point_crossover_keeps_genes_in_place():
    a, b = list(range(20)), list(range(100, 120))
    random.seed(3)
    x, y = ga.cx_multi_point(list(a), list(b))
    assert all(v in (a[i], b[i]) for i, v in enumerate(x)) and x != a and x != b
    assert [a[i] if v == b[i] else b[i] for i, v in enumerate(x)] == y


def test_same_seed_same_search_and_elitism(tmp_path):
    one, two = search(tmp_path / "a").run(), search(tmp_path / "b").run()
    assert outcome(one) == outcome(two)
    other = search(tmp_path / "c", settings=ga.GASettings(**{**SETTINGS.__dict__, "seed": 8})).run()
    assert outcome(other) != outcome(one)
    bests = [r["best"] for r in one.logbook]
    assert bests == sorted(bests)  # elitism: the best never gets worse
    assert len(one.logbook) == SETTINGS.generations + 1


@pytest.mark.parametrize("kill_after", [1, 5, 8])
def test_killed_search_resumes_to_the_identical_result(tmp_path, kill_after):
    full = search(tmp_path / "full").run()
    s = search(tmp_path / "cut")

    def hook(n):
        if n == kill_after:
            raise Killed

    s.evaluation_hook = hook
    with pytest.raises(Killed):
        s.run()
    calls = []
    resumed = search(tmp_path / "cut", fitness=lambda g: calls.append(g) or fake_fitness(g)).run()
    assert outcome(resumed) == outcome(full)
    trained_before = len(search(tmp_path / "full").evaluations.records)
    assert kill_after + len(calls) == trained_before  # nothing trained twice, nothing lost
    assert all(r["cache_hits"] >= 0 for r in resumed.logbook)


def test_fitness_cache_prevents_retraining(tmp_path):
    calls = []
    state = search(tmp_path, fitness=lambda g: calls.append(G.key(g)) or fake_fitness(g)).run()
    assert len(calls) == len(set(calls))  # no genome trained twice
    seen = {G.key(h["genome"]) for h in state.history}
    assert len(calls) == len(seen)
    assert sum(r["trained"] for r in state.logbook) == len(calls)
    # A rerun of the finished search trains nothing.
    again = []
    search(tmp_path, fitness=lambda g: again.append(g) or fake_fitness(g)).run()
    assert again == []


def test_records_of_other_settings_in_the_log_are_not_reported_and_a_finished_search_drops_them(tmp_path):
    """A log shared with a search under other settings (same folder, budget changed, checkpoint
    gone) never reports their evaluations as this search's, and once this search finishes its log
    holds its own records only (the run store keeps the other trainings)."""
    first = search(tmp_path).run()
    (tmp_path / "ga_checkpoint.json").unlink()
    other = ga.GeneticSearch(SPACE, SETTINGS, fake_fitness, tmp_path, context={"data": "y"}, log=lambda s: None)
    state = other.run()
    assert len(other.evaluations.records) == len(other.records(state))
    on_disk = [json.loads(line) for line in (tmp_path / "ga_evaluations.jsonl").read_text().splitlines()]
    assert {r["key"] for r in on_disk} == {r["key"] for r in other.records(state)}
    mine = other.records(state)
    assert {r["key"] for r in mine} == {other._cache_key(h["genome"]) for h in state.history}
    assert all('"y"' in r["key"] for r in mine) and len(first.history) == len(state.history)


def test_checkpoint_from_other_settings_is_refused(tmp_path):
    search(tmp_path).run()
    with pytest.raises(SearchStateError, match="other settings"):
        search(tmp_path, settings=ga.GASettings(**{**SETTINGS.__dict__, "cxpb": 0.9})).run()
    (tmp_path / "ga_checkpoint.json").write_bytes(b"not json")
    with pytest.raises(SearchStateError, match="ga_checkpoint.json: cannot read"):
        search(tmp_path).run()
    # Valid JSON of the wrong kind names the file too (the pickle of a str once gave an AttributeError).
    (tmp_path / "ga_checkpoint.json").write_text('"a string"')
    with pytest.raises(SearchStateError, match="ga_checkpoint.json: cannot read"):
        search(tmp_path).run()
    (tmp_path / "ga_checkpoint.json").write_text('{"version": 2, "state": {"population": 3}}')
    with pytest.raises(SearchStateError, match="ga_checkpoint.json: cannot read"):
        search(tmp_path).run()


def test_random_search_is_distinct_and_resumable(tmp_path):
    recs = ga.random_search(SPACE, 8, 0, fake_fitness, tmp_path, log=lambda s: None)
    assert len({G.key(r["genome"]) for r in recs}) == 8
    calls = []
    again = ga.random_search(SPACE, 8, 0, lambda g: calls.append(g) or fake_fitness(g), tmp_path, log=lambda s: None)
    assert calls == [] and [r["fitness"] for r in again] == [r["fitness"] for r in recs]


def test_dask_local_cluster_runs_a_generation(tmp_path):
    pytest.importorskip("distributed")
    ex = executors.make("dask", workers=2)
    try:
        state = search(tmp_path, executor=ex, settings=ga.GASettings(**{**SETTINGS.__dict__, "generations": 1})).run()
    finally:
        ex.close()
    serial = search(tmp_path / "serial", settings=ga.GASettings(**{**SETTINGS.__dict__, "generations": 1})).run()
    assert outcome(state) == outcome(serial)


def test_unknown_executor_is_an_error():
    with pytest.raises(ValueError, match="unknown executor 'gpu'"):
        executors.make("gpu")


def test_training_flops_are_pinned():
    from fer_study.search import genome as G

    # Pinned, so a change of the formula is a decision: 3 x forward, a multiply-add counts 2.
    assert G.training_flops(G.TABLE2, dense=256) == pytest.approx(98_382_336)
    one = G.training_flops([2, 1, "relu"] * 6 + ["Adam", 0.001], dense=1, n_classes=1)
    # 1x1 convs of 2 filters at 48, 48, 24, 24, 12, 12 pixels; the dense layer on 6x6x2; the output layer
    forward = 2 * (48 * 48 * 1 * 2 + 48 * 48 * 2 * 2 + 2 * 24 * 24 * 2 * 2 + 2 * 12 * 12 * 2 * 2 + 36 * 2 + 1)
    assert one == 3 * forward


def test_a_search_under_another_space_or_training_version_never_resumes_the_old_one(tmp_path, monkeypatch):
    """Round 3: rerunning notebook 05 with a smaller space into the same folder resumed the old,
    finished search and reported its genomes as the new space's; after a TRAINING_VERSION bump, a
    search resumed 16 fitnesses of the old code from its log. Both are in the search's context now."""
    import numpy as np

    from fer_study.core import profiles
    from fer_study.experiments import paper_b
    from fer_study.search import genome as G
    from fer_study.search.trial_log import SearchStateError

    training = paper_b.GenomeTraining.of(profiles.resolve("smoke"))
    task = paper_b.Task("demo", "a" * 64, np.arange(10), np.arange(10, 20), training, 0, str(tmp_path))
    wide, narrow = G.Space(), G.Space(kernel_max=1, filters_max_exp=1)
    ctx = paper_b.task_context(task, "paper", wide)
    assert ctx != paper_b.task_context(task, "paper", narrow)
    monkeypatch.setattr(paper_b, "TRAINING_VERSION", paper_b.TRAINING_VERSION + 1)
    assert ctx != paper_b.task_context(task, "paper", wide)
    monkeypatch.undo()
    first = ga.GeneticSearch(SPACE, SETTINGS, fake_fitness, tmp_path, context=ctx, log=lambda s: None)
    first.run()
    other = ga.GeneticSearch(
        SPACE, SETTINGS, fake_fitness, tmp_path, context=paper_b.task_context(task, "paper", narrow), log=lambda s: None
    )
    with pytest.raises(SearchStateError, match="other settings"):
        other.run()
    # The fitness cache is keyed by the context too: nothing of the first search is served to it.
    assert all(other.cached(h["genome"]) is None for h in first.run().history)


def test_auto_trains_a_handful_in_process_and_a_long_search_in_fresh_processes():
    """Round 3: the in-process executor grows about 19 MB per training; a long search by default
    now trains each genome in a fresh process."""
    from fer_study.core import profiles
    from fer_study.search import executors

    assert profiles.resolve("smoke").runtime.executor == "auto"
    assert executors.resolve("auto", 16) == "inprocess"  # the smoke GA and random search
    assert executors.resolve("auto", 10 * 4 * 2) == "isolated"  # paper B's GA and random search
    assert executors.resolve("pool", 1000) == "pool"  # an explicit choice stands
    assert executors.make("auto", n_tasks=3).name == "inprocess"
