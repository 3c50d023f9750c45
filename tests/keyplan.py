"""The run keys (and the GA's search contexts) every notebook asks the run store for, computed
without training: a store that records what it is asked and stops. Pinned in
fixtures/run_keys.json, so a refactor that changes any key (and would retrain every stored run)
fails a test instead of hour 3 of a re-render."""

from __future__ import annotations

import hashlib
import json

from fer_study.core import profiles
from fer_study.data import sampling
from fer_study.experiments import controls, paper_a, paper_b
from fer_study.search import ga, grid
from fer_study.search import genome as G


class Asked(Exception):
    pass


class RecordingStore:
    """Answers nothing: records the keys of the first batch of trainings asked for (every seed's,
    where they are asked together), then stops."""

    root = "/nonexistent-store"

    def __init__(self):
        self.keys: list[str] = []

    def get(self, request, labels):
        self.keys.append(request.key)
        raise Asked

    def run(self, request, images, labels, *args, **kwargs):
        self.keys.append(request.key)
        raise Asked

    def run_many(self, requests, images, labels, *args, **kwargs):
        self.keys.extend(r.key for r in requests)
        raise Asked

    train_each = run_many


def _asked(call) -> list[str]:
    store = RecordingStore()
    try:
        call(store)
    except Asked:
        pass
    return store.keys


def _sha(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:24]


def plan(profile: str, data, overrides: dict | None = None) -> dict[str, list[str]]:
    """name -> the run keys (or a search context's digest) the `profile` (with `overrides`) asks
    for on `data`."""
    st = profiles.resolve(profile, overrides or {})
    classes = tuple(st.paper_a.a_classes)
    split = sampling.paper_a_split(data, classes, st.paper_a.a_test_fraction, st.runtime.seed)
    split_o = sampling.official_split(data, classes, st.runtime.seed)
    out: dict[str, list[str]] = {}
    out["03 paper_a"] = _asked(lambda s: paper_a.run(data, split, st, s))
    out["03 official"] = _asked(
        lambda s: paper_a.run(data, split_o, st, s, seeds=st.paper_a.a_official_seeds, epochs=paper_a.extra_epochs(st))
    )
    seeds = paper_a.grid_seeds(st)
    out["04 grid"] = [paper_a.grid_request(data, split, st, p, seeds[0]).key for p in grid.combinations(st.grid.a_grid)]
    if seeds[1:]:  # a grid over several seeds: its first seed's trials are the keys above, unchanged
        out["04 grid more seeds"] = [
            paper_a.grid_request(data, split, st, p, s).key
            for p in grid.combinations(st.grid.a_grid)
            for s in seeds[1:]
        ]
    best = grid.combinations(st.grid.a_grid)[-1]
    out["04 retrain"] = _asked(lambda s: paper_a.retrain(data, split, st, best, s))
    # The last grid point differs from Table 1's setting in every profile: both are trained per seed.
    out["04 grid vs table1"] = _asked(lambda s: paper_a.grid_vs_table1(data, split, st, best, s))
    for name in st.paper_b.b_protocols:
        proto = paper_b.protocol(data, name, st)
        out[f"05 {name} table2 converge"] = _asked(
            lambda s: paper_b.retrain(data, proto, G.TABLE2, st, "table2", s, converge=True)
        )
        out[f"05 {name} table2 final"] = _asked(lambda s: paper_b.retrain(data, proto, G.TABLE2, st, "ga_best", s))
        task = paper_b.make_task(data, proto, st, "")
        out[f"05 {name} genome"] = [paper_b.genome_request(G.TABLE2, task, data.source).key]
        space = G.Space.from_settings(st.paper_b)
        out[f"05 {name} context"] = [_sha(paper_b.task_context(task, name, space))]
        out[f"05 {name} ga settings"] = [_sha(vars(ga.GASettings.from_settings(st.paper_b, st.runtime.seed)))]
    out["06 control"] = [controls.control_request(data, st, seed).key for seed in st.control.c_seeds]
    authors = [controls.authors_request(data, st, seed).key for seed in st.control.c_authors_seeds]
    out["06 authors"] = authors[:1]
    if authors[1:]:  # the control's further seeds (c_authors_seeds); its first seed's key is the one above
        out["06 authors more seeds"] = authors[1:]
    out["06 readings A"] = _asked(lambda s: controls.paper_a_readings(data, split, st, s))
    out["06 readings B"] = _asked(lambda s: controls.paper_b_readings(data, st, s))
    return out
