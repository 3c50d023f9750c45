"""Paper B's genetic algorithm on DEAP, checkpointed after every evaluation so a killed search resumes
to the same result as an uninterrupted one.

One generation: tournament selection of parents, then crossover (probability `cxpb` per pair; one of
one-point, two-point or three-point, drawn per pair, as the paper names all three) and mutation
(probability `mutpb` per child; every gene redrawn from its own domain), with the best `elite`
individuals carried over unchanged (elitism). Fitness is validation accuracy. The GA's random draws
come from its own `random.Random`, saved in the checkpoint; training seeds do not touch it.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any, cast

import numpy as np
from deap import base, tools

from fer_study.core import atomic
from fer_study.core.progress import Progress
from fer_study.core.settings import PaperB
from fer_study.search import genome as G
from fer_study.search.executors import InProcess
from fer_study.search.trial_log import SearchStateError, TrialLog, trial_key

# 2: JSON (version 1 was a pickle, which runs code on load and cannot be read by other tools).
CHECKPOINT_VERSION = 2


class FitnessMax(base.Fitness):
    weights = (1.0,)


class Individual(list):
    """A genome (list of genes) with a DEAP fitness."""

    def __init__(self, genes=()):
        super().__init__(genes)
        self.fitness = FitnessMax()


@dataclass(frozen=True)
class GASettings:
    population: int = 10
    generations: int = 3
    cxpb: float = 0.2
    mutpb: float = 0.1
    elite: int = 1
    tournament: int = 3
    gene_prob: float = 0.2
    seed: int = 0

    @classmethod
    def from_settings(cls, st: PaperB, seed: int) -> GASettings:
        return cls(
            population=st.b_population,
            generations=st.b_generations,
            cxpb=st.b_cxpb,
            mutpb=st.b_mutpb,
            elite=st.b_elite,
            tournament=st.b_tournament,
            gene_prob=st.b_gene_mutation_prob,
            seed=seed,
        )


@contextlib.contextmanager
def _stream(rng: random.Random):
    """Run DEAP's operators (which draw from the global `random`) on the GA's own stream."""
    saved = random.getstate()
    random.setstate(rng.getstate())
    try:
        yield
    finally:
        rng.setstate(random.getstate())
        random.setstate(saved)


def cx_multi_point(a: list, b: list, points: int = 3) -> tuple[list, list]:
    """k-point crossover (DEAP ships one- and two-point only): swap every other segment."""
    cuts = sorted(random.sample(range(1, len(a)), points))
    swap, prev = False, 0
    for c in cuts + [len(a)]:
        if swap:
            a[prev:c], b[prev:c] = b[prev:c], a[prev:c]
        swap, prev = not swap, c
    return a, b


CROSSOVERS = {"one_point": tools.cxOnePoint, "two_point": tools.cxTwoPoint, "multi_point": cx_multi_point}


@dataclass
class State:
    """Everything a resumed search needs; written as JSON after every evaluation."""

    settings: GASettings
    context_key: str
    rng_state: Any
    generation: int = 0
    population: list = field(default_factory=list)
    hall_of_fame: Any = None
    logbook: Any = None
    generation_started: float = 0.0  # wall seconds already spent in this generation before a restart
    history: list = field(default_factory=list)  # every individual of every generation, with fitness
    # Individuals of this generation that had no fitness when it started: recorded before the first
    # evaluation, so a resumed generation reports the same evaluations and cache hits.
    pending_at_start: int | None = None

    def to_json(self) -> dict:
        ind = lambda i: {"genes": list(i), "fitness": list(i.fitness.values) if i.fitness.valid else None}
        return {
            "settings": self.settings.__dict__,
            "context_key": self.context_key,
            "rng_state": [self.rng_state[0], list(self.rng_state[1]), self.rng_state[2]],
            "generation": self.generation,
            "population": [ind(i) for i in self.population],
            "hall_of_fame": [ind(i) for i in self.hall_of_fame] if self.hall_of_fame is not None else [],
            "hall_of_fame_size": self.hall_of_fame.maxsize if self.hall_of_fame is not None else 1,
            "logbook": list(self.logbook or []),
            "logbook_header": list(getattr(self.logbook, "header", []) or []),
            "generation_started": self.generation_started,
            "history": self.history,
            "pending_at_start": self.pending_at_start,
        }

    @classmethod
    def from_json(cls, d: dict) -> State:
        def ind(rec):
            i = Individual(rec["genes"])
            if rec["fitness"] is not None:
                i.fitness.values = tuple(rec["fitness"])
            return i

        hof = tools.HallOfFame(d["hall_of_fame_size"])
        hof.update([ind(r) for r in d["hall_of_fame"]])
        book = tools.Logbook()
        book.header = d["logbook_header"]
        for rec in d["logbook"]:
            book.record(**rec)
        rng = d["rng_state"]
        return cls(
            GASettings(**d["settings"]),
            d["context_key"],
            (rng[0], tuple(rng[1]), rng[2]),
            d["generation"],
            [ind(r) for r in d["population"]],
            hof,
            book,
            d["generation_started"],
            d["history"],
            d["pending_at_start"],
        )


class GeneticSearch:
    """The search: `run()` evaluates, checkpoints, varies, until the last generation is evaluated."""

    def __init__(
        self,
        space: G.Space,
        settings: GASettings,
        fitness: Callable[[list], Mapping[str, Any]],
        folder: str | os.PathLike,
        context: Mapping[str, Any] | None = None,
        executor=None,
        log: Callable[[str], None] = print,
        name: str = "ga",
    ):
        self.space, self.settings, self.fitness = space, settings, fitness
        self.folder = Path(folder)
        self.checkpoint_path = self.folder / f"{name}_checkpoint.json"
        self.evaluations = TrialLog(self.folder / f"{name}_evaluations.jsonl")
        self.context = dict(context or {})
        self.context_key = trial_key({"context": self.context, "settings": settings.__dict__})
        self.executor = executor or InProcess()
        self.log = log
        self.name = name
        self.evaluation_hook: Callable[[int], None] = lambda n: None  # tests use it to kill a search
        self._trained = 0

    # --- fitness cache: the evaluation log, keyed by genome and context ---------------------------
    def _cache_key(self, genes) -> str:
        return trial_key({"genome": G.key(genes), "context": self.context})

    def _context_keys(self, state: State) -> set:
        return {self._cache_key(ind) for ind in state.population}

    def cached(self, genes) -> dict | None:
        return self.evaluations.done().get(self._cache_key(genes))

    def records(self, state: State) -> list[dict]:
        """The log's records of this search: the genomes `state` evaluated, under this context. The
        log can also hold records of other settings or data (a rerun into the same folder after a
        change of budget); they belong to another search and are never reported as this one's."""
        keys = {self._cache_key(h["genome"]) for h in state.history}
        return [r for r in self.evaluations.records if r["key"] in keys]

    # --- checkpoint -------------------------------------------------------------------------------
    def _save(self, state: State) -> None:
        # Atomic: a kill never leaves half a checkpoint.
        atomic.write_json(self.checkpoint_path, {"version": CHECKPOINT_VERSION, "state": state.to_json()})

    def _load(self) -> State | None:
        if not self.checkpoint_path.exists():
            return None
        try:
            blob = json.loads(self.checkpoint_path.read_text())
            if not isinstance(blob, dict) or "version" not in blob:
                raise ValueError("not a GA checkpoint (no version)")
            if blob["version"] != CHECKPOINT_VERSION:
                raise SearchStateError(
                    self.checkpoint_path,
                    f"checkpoint version {blob['version']}, expected {CHECKPOINT_VERSION}; delete it to start over",
                )
            state = State.from_json(blob["state"])
        except SearchStateError:
            raise
        except Exception as err:  # noqa: BLE001 - any malformed content means the same to the user
            raise SearchStateError(
                self.checkpoint_path,
                f"cannot read the GA checkpoint ({type(err).__name__}: {err}); delete it to start over",
            ) from None
        if state.context_key != self.context_key:
            raise SearchStateError(
                self.checkpoint_path,
                "written by a search with other settings or data; delete it or use another output folder",
            )
        return state

    def _fresh(self) -> State:
        rng = random.Random(self.settings.seed)
        pop = [Individual(self.space.sample(rng)) for _ in range(self.settings.population)]
        stats = tools.Logbook()
        stats.header = ["gen", "evals", "trained", "cache_hits", "best", "mean", "std", "min", "seconds"]
        return State(
            self.settings,
            self.context_key,
            rng.getstate(),
            0,
            pop,
            tools.HallOfFame(max(1, self.settings.elite)),
            stats,
        )

    # --- the loop ----------------------------------------------------------------------------------
    def run(self) -> State:
        state = self._load()
        if state is None:
            state = self._fresh()
            self.folder.mkdir(parents=True, exist_ok=True)
            self._save(state)
        else:
            self.log(
                f"resuming from {self.checkpoint_path}: generation {state.generation}, "
                f"{sum(ind.fitness.valid for ind in state.population)}/{len(state.population)} evaluated"
            )
        while True:
            self._evaluate(state)
            if state.generation >= self.settings.generations:
                # The finished search's log holds its own records only (a committed log must not
                # carry another budget's evaluations).
                self.evaluations.keep({self._cache_key(h["genome"]) for h in state.history})
                return state
            self._vary(state)

    def _evaluate(self, state: State) -> None:
        started = time.monotonic() - state.generation_started
        if len(state.logbook) > state.generation:  # this generation was finished before a restart
            return
        pending = [ind for ind in state.population if not ind.fitness.valid]
        if state.pending_at_start is None:
            state.pending_at_start = len(pending)
            self._save(state)
        todo = self._uncached(pending)
        bar = Progress(
            len(todo), f"{self.name} generation {state.generation}: genomes trained", every=1, enabled=bool(todo)
        )
        for i, result in self.executor.run(self.fitness, [list(ind) for ind in todo]):
            rec = self.evaluations.append(
                self._cache_key(todo[i]), {"genome": list(todo[i])}, {"generation": state.generation, **dict(result)}
            )
            bar.update(note=f"last fitness {rec['fitness']:.3f}")
            self._trained += 1
            state.generation_started = time.monotonic() - started
            self.log(
                f"gen {state.generation}: {G.short(todo[i])} -> {rec['fitness']:.4f} ({rec.get('wall_seconds', 0):.0f} s)"
            )
            for ind in state.population:  # duplicates inside one generation share the training
                if not ind.fitness.valid and self._cache_key(ind) == self._cache_key(todo[i]):
                    ind.fitness.values = (rec["fitness"],)
            self._save(state)
            self.evaluation_hook(self._trained)
        self._close_generation(state, started)

    def _uncached(self, pending: list) -> list:
        """The genomes to train: those without a cached fitness (which the cache fills in), once each."""
        todo: list[Any] = []
        for ind in pending:
            rec = self.cached(ind)
            if rec is not None:
                ind.fitness.values = (rec["fitness"],)
            elif all(G.key(ind) != G.key(t) for t in todo):
                todo.append(ind)
        return todo

    def _close_generation(self, state: State, started: float) -> None:
        """The generation's logbook row, hall of fame and history; the state saved for the next."""
        # Counted from the log, so a generation resumed after a kill reports the same number.
        trained = sum(
            r.get("generation") == state.generation and r["key"] in self._context_keys(state)
            for r in self.evaluations.records
        )
        fits = np.array([ind.fitness.values[0] for ind in state.population])
        state.hall_of_fame.update(state.population)
        evals = state.pending_at_start
        state.logbook.record(
            gen=state.generation,
            evals=evals,
            trained=trained,
            cache_hits=evals - trained,
            best=float(fits.max()),
            mean=float(fits.mean()),
            std=float(fits.std()),
            min=float(fits.min()),
            seconds=round(time.monotonic() - started, 1),
        )
        state.history += [
            {"generation": state.generation, "genome": list(ind), "fitness": ind.fitness.values[0]}
            for ind in state.population
        ]
        state.generation_started = 0.0
        state.pending_at_start = None
        self._save(state)

    def _vary(self, state: State) -> None:
        s, rng = self.settings, random.Random()
        rng.setstate(state.rng_state)
        elites = [Individual(list(ind)) for ind in state.hall_of_fame[: s.elite]]
        for e, h in zip(elites, state.hall_of_fame):
            e.fitness.values = h.fitness.values
        with _stream(rng):
            parents = tools.selTournament(state.population, s.population - len(elites), tournsize=s.tournament)
            kids = [Individual(list(p)) for p in parents]
            for kid, p in zip(kids, parents):
                kid.fitness.values = p.fitness.values
            for a, b in zip(kids[::2], kids[1::2]):
                if random.random() < s.cxpb:
                    op = random.choice(sorted(CROSSOVERS))
                    CROSSOVERS[op](a, b)
                    del a.fitness.values, b.fitness.values
            for kid in kids:
                if random.random() < s.mutpb:
                    # the module's functions are its global Random's methods: the same draws as before
                    self.space.mutate(kid, cast(Random, random), s.gene_prob)
                    del kid.fitness.values
        state.population = elites + kids
        state.rng_state = rng.getstate()
        state.generation += 1
        self._save(state)

    def close(self) -> None:
        self.executor.close()


def random_search(
    space: G.Space,
    n: int,
    seed: int,
    fitness,
    folder,
    context=None,
    executor=None,
    log: Callable[[str], None] = print,
    name: str = "random",
) -> list[dict]:
    """The baseline: `n` genomes drawn uniformly from the same space (distinct), each trained once;
    logged and resumable like the GA. Returns one record per genome, in draw order."""
    rng = random.Random(seed + 1_000_003)  # a stream apart from the GA's
    genomes: list[list] = []
    while len(genomes) < n:
        g = space.sample(rng)
        if all(G.key(g) != G.key(h) for h in genomes):
            genomes.append(g)
    trials = TrialLog(Path(folder) / f"{name}_evaluations.jsonl")
    ctx = dict(context or {})
    k = lambda g: trial_key({"genome": G.key(g), "context": ctx})
    todo = [g for g in genomes if k(g) not in trials.done()]
    bar = Progress(len(todo), f"{name}: genomes trained", every=1, enabled=bool(todo))
    for i, result in (executor or InProcess()).run(fitness, todo):
        rec = trials.append(k(todo[i]), {"genome": todo[i]}, dict(result))
        bar.update(note=f"last fitness {rec['fitness']:.3f}")
        log(f"random: {G.short(todo[i])} -> {rec['fitness']:.4f}")
    trials.keep({k(g) for g in genomes})  # this search's records only (see GeneticSearch.run)
    done = trials.done()
    return [
        {"draw": i, "genome": g, **{kk: v for kk, v in done[k(g)].items() if kk not in ("key", "params")}}
        for i, g in enumerate(genomes)
    ]
