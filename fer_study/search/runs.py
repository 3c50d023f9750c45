"""A finished search as the experiments hand it on: the GA's state under one protocol, its trial
records, and the random search with as many trainings beside it (experiments.paper_b.search).

The trial records are the searches' log rows (genome, fitness, seconds, run key, ...), one per
genome trained; what is computed from them here is arithmetic over those rows only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fer_study.search.ga import State


@dataclass(frozen=True)
class SearchRun:
    """One protocol's genetic search and the random search beside it."""

    name: str  # the protocol
    state: State = field(repr=False)  # logbook, history of every evaluation, hall of fame
    evaluations: list[dict] = field(repr=False)  # the GA's trial records, one per genome trained
    random: list[dict] = field(repr=False)  # the random search's trial records
    n_trained: int  # distinct genomes the GA trained (the random search trains as many)
    ga_seconds: float  # wall time of this pass (a replay from the store is fast: see train_seconds)
    random_seconds: float
    protocol: Any = field(default=None, repr=False)  # experiments.paper_b.Protocol: its fit/select/report parts

    @property
    def best_genome(self) -> list:
        return list(self.state.hall_of_fame[0])

    @property
    def best_fitness(self) -> float:
        """The GA's best fitness: a maximum over its evaluations, not an estimate."""
        return self.state.hall_of_fame[0].fitness.values[0]

    @property
    def random_best(self) -> float | None:
        return max((r["fitness"] for r in self.random), default=None)

    @property
    def scored(self) -> list[dict]:
        """Every genome scored on the selection images, GA and random search alike."""
        return [*self.evaluations, *self.random]

    def train_seconds(self) -> float:
        """What the searches' trainings (GA and random) took when they ran, from their records."""
        return round(sum(float(e.get("train_seconds", 0.0)) for e in self.scored), 1)

    def phase_train_seconds(self) -> dict[str, float]:
        """What the GA's and the random search's trainings took when they ran (stored, so a
        re-render that loads them prints the same seconds)."""
        took = lambda records: round(sum(float(e.get("train_seconds", 0.0)) for e in records), 1)  # noqa: E731
        return {"GA training s": took(self.evaluations), "random training s": took(self.random)}

    def generation_train_seconds(self) -> dict[int, float]:
        """Per generation, what its trainings took when they ran (the records' stored training time;
        a search replayed from the run store would otherwise show the seconds it took to load them)."""
        out: dict[int, float] = {}
        for e in self.evaluations:
            g = int(e.get("generation", 0))
            out[g] = out.get(g, 0.0) + float(e.get("train_seconds", 0.0))
        return {g: round(v, 1) for g, v in sorted(out.items())}
