"""Paper B's experiment: protocols (data splits), the fitness of a genome, and the final retrains."""

from __future__ import annotations

import dataclasses
import hashlib
import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from fer_study.core import atomic, profiles, schema
from fer_study.core.labels import CLASSES, SPLITS
from fer_study.core.papers import PAPER_B, time_arithmetic
from fer_study.core.settings import Settings
from fer_study.data import FERData, load
from fer_study.nn import health, metrics, saved_models
from fer_study.nn.fit import TRAINING_VERSION, FitSettings
from fer_study.nn.runs import ModelRun, Predictions
from fer_study.nn.store import STORE_VERSION, RunStore, TrainRequest, keras_backend
from fer_study.search import executors, ga
from fer_study.search import genome as G
from fer_study.search.runs import SearchRun

PROTOCOLS = {
    "paper": f"paper B as written: a random stratified 80/20 split of all {PAPER_B.n_images.value:,} images; "
    "fitness is accuracy on the 20 %, which is then reported as the test accuracy (this selects on the test set)",
    "clean": "train on Training, fitness on PublicTest, the winner reported once on PrivateTest",
}


@dataclass(frozen=True)
class Protocol:
    """Index sets of one protocol: `fit` trains, `select` scores fitness, `report` is the reported test."""

    name: str
    fit: np.ndarray
    select: np.ndarray
    report: np.ndarray

    @property
    def selects_on_report(self) -> bool:
        return np.array_equal(self.select, self.report)


def protocol(data: FERData, name: str, st: Settings, final: bool = False) -> Protocol:
    """The index sets of protocol `name`; the training side is subsampled (stratified) to
    `b_train_images` (the search) or `b_final_train_images` (`final`: the retrains) when that is
    positive (a reduced profile)."""
    if name == "paper":
        every = data.indices(SPLITS, CLASSES)
        fit, test = train_test_split(every, test_size=0.2, stratify=data.labels[every], random_state=st.runtime.seed)
        fit, select, report = fit, test, test
    elif name == "clean":
        fit, select, report = (data.indices((s,), CLASSES) for s in SPLITS)
    else:
        raise ValueError(f"unknown protocol '{name}' (choose from {', '.join(PROTOCOLS)})")
    n = st.paper_b.b_final_train_images if final else st.paper_b.b_train_images
    if 0 < n < len(fit):
        fit, _ = train_test_split(fit, train_size=n, stratify=data.labels[fit], random_state=st.runtime.seed)
    return Protocol(name, np.sort(fit), np.sort(select), np.sort(report))


@dataclass(frozen=True, eq=False)
class Task:
    """What a worker needs to score genomes: where the data is (so a remote worker loads its own
    copy, checked by sha256), which images, the training settings and the run store's folder
    (shared between workers on one machine; on a cluster, a shared file system). Small and picklable."""

    data_source: str
    data_sha256: str
    fit: np.ndarray
    select: np.ndarray
    training: GenomeTraining  # how every genome trains
    seed: int
    store_root: str


@dataclass(frozen=True)
class GenomeTraining:
    """What trains a genome besides its genes: the settings a search's fitness and its cache keys
    depend on (their names are the settings' keys, which the GA's logs record)."""

    b_epochs: int
    b_batch_size: int
    b_dense: int
    b_dropout_conv: float
    b_dropout_dense: float
    b_template: str
    steps_per_execution: int
    precision: str

    @classmethod
    def of(cls, st: Settings, final: bool = False) -> GenomeTraining:
        """The search's training, or with `final` a retrain's (`b_final_epochs`)."""
        b = st.paper_b
        return cls(
            b_epochs=b.b_final_epochs if final else b.b_epochs,
            b_batch_size=b.b_batch_size,
            b_dense=b.b_dense,
            b_dropout_conv=b.b_dropout_conv,
            b_dropout_dense=b.b_dropout_dense,
            b_template=b.b_template,
            steps_per_execution=st.runtime.steps_per_execution,
            precision=st.runtime.precision,
        )


def make_task(
    data: FERData, proto: Protocol, st: Settings, store_root, seed: int | None = None, final: bool = False
) -> Task:
    """The search's task, or with `final` a retrain's (trained for `b_final_epochs`)."""
    return Task(
        data.source,
        data.sha256,
        proto.fit,
        proto.select,
        GenomeTraining.of(st, final),
        st.runtime.seed if seed is None else seed,
        str(store_root),
    )


def task_context(task: Task, protocol_name: str, space: G.Space | None = None) -> dict:
    """What decides a fitness besides the genome, and what a search searched: part of the GA's
    fitness-cache keys and of its checkpoint's key. The store's and the training code's versions
    and the Keras backend are in it (a TRAINING_VERSION bump once left a search resuming 16
    fitnesses of the old code from its log), and so is the search space (a rerun with another
    space once resumed the old, finished search and reported its genomes as the new space's)."""
    ctx = {
        "protocol": protocol_name,
        "data_sha256": task.data_sha256,
        "n_fit": int(len(task.fit)),
        "n_select": int(len(task.select)),
        "seed": task.seed,
        **dataclasses.asdict(task.training),
        "training_version": TRAINING_VERSION,
        "store_version": STORE_VERSION,
        "backend": keras_backend(),
    }
    if space is not None:
        ctx["space"] = {k: list(v) if isinstance(v, tuple) else v for k, v in space.__dict__.items()}
    return ctx


def genome_request(
    genes, task: Task, data_source: str, test: np.ndarray | None = None, keep_model: bool = False, purpose: str = ""
) -> TrainRequest:
    """The training of one genome: trained on the protocol's fit part, validated every epoch on its
    select part (the fitness), and predicted once on `test` where given (the final retrains)."""
    s, L = task.training, G.layers(genes)
    arch = {
        "filters": [int(f) for f in L["filters"]],
        "kernels": [int(k) for k in L["kernels"]],
        "activations": list(L["activations"]),
        "dense": s.b_dense,
        "dropout_conv": s.b_dropout_conv,
        "dropout_dense": s.b_dropout_dense,
        "template": s.b_template,
    }
    fs = FitSettings(
        epochs=s.b_epochs,
        batch_size=s.b_batch_size,
        learning_rate=float(L["learning_rate"]),
        optimizer=L["optimizer"],
        seed=task.seed,
        steps_per_execution=s.steps_per_execution,
        precision=s.precision,
    )
    return TrainRequest(
        arch="paper_b_cnn",
        arch_settings=arch,
        n_classes=len(CLASSES),
        fit=fs,
        data_sha256=task.data_sha256,
        train_index=task.fit,
        val_index=task.select,
        test_index=np.zeros(0, dtype=np.int64) if test is None else test,
        label_map=tuple(range(len(CLASSES))),
        data_source=data_source,
        keep_model=keep_model,
        purpose=purpose or f"05 genome {G.short(genes)}",
    )


def _dataset(task: Task, data: FERData | None) -> FERData:
    if data is not None:
        return data
    d = load(task.data_source, verbose=False)
    if d.sha256 != task.data_sha256:
        raise RuntimeError(
            f"{task.data_source}: sha256 {d.sha256[:12]} on this worker, expected {task.data_sha256[:12]}"
        )
    return d


def fitness(genes: list, task: Task, data: FERData | None = None) -> dict[str, Any]:
    """Train (or load from the run store) a genome on `task.fit` and score it on `task.select`.
    A top-level function, so process pools and Dask can ship it; `data` is the loaded dataset for
    in-process calls (a worker loads its own). Returns fitness (= accuracy) and timings."""
    t0 = time.monotonic()
    d = _dataset(task, data)
    store = RunStore(task.store_root, log=lambda m: None, progress=False)  # the search shows its own progress
    run = store.run(genome_request(genes, task, d.source), d.images, d.labels)
    y = d.labels[task.select]
    probs = run.probs_val
    # A diverged genome (NaN weights) predicts garbage: its fitness is 0, not an argmax of NaNs.
    acc = float(np.mean(probs.argmax(1) == y)) if np.isfinite(probs).all() else 0.0
    return {
        "fitness": acc,
        "train_accuracy": run.history["accuracy"][-1],
        "n_params": run.info.n_params,
        "train_seconds": round(run.seconds, 2),
        "wall_seconds": round(time.monotonic() - t0, 2),
        "trained_now": run.trained_now,
        "failed": run.failed,
        "run_key": run.key,
    }


def fitness_of(task: Task, data: FERData | None = None):
    """The one-argument fitness function executors call: genome -> result. Pass `data` only for the
    in-process executor (workers load their own copy)."""
    return partial(fitness, task=task, data=data)


def converge_request(
    data: FERData, proto: Protocol, genes, st: Settings, seed: int, keep_model: bool, purpose: str
) -> TrainRequest:
    """A genome trained until convergence: on the protocol's fit part less a stratified carve-out
    (`b_converge_val_fraction`) whose validation loss stops it (`b_converge_patience`, at most
    `b_converge_max_epochs`) and picks the weights it ends with; the report part is predicted once
    at the end and watched per epoch (never steering), for the most favourable number paper B's
    protocol could print."""
    fit, val = train_test_split(
        proto.fit, test_size=st.paper_b.b_converge_val_fraction, stratify=data.labels[proto.fit], random_state=seed
    )
    inner = replace(proto, fit=np.sort(fit), select=np.sort(val))
    req = genome_request(
        genes, make_task(data, inner, st, "", seed=seed, final=True), data.source, proto.report, keep_model, purpose
    )
    fs = replace(
        req.fit,
        epochs=st.paper_b.b_converge_max_epochs,
        early_stop_patience=st.paper_b.b_converge_patience,
        restore_best=True,
    )
    return replace(req, fit=fs)


def retrain(
    data: FERData,
    proto: Protocol,
    genes,
    st: Settings,
    label: str,
    store: RunStore,
    log=print,
    save_as: str = "",
    model_dir=None,
    converge: bool = False,
) -> Predictions:
    """A genome trained once per seed in `b_seeds` for `b_final_epochs` on the protocol's fit part
    (whole, or `b_final_train_images`), validated on its select part and evaluated on its report
    part; with `converge`, until early stopping instead (converge_request). Same result layout as
    paper A's runs. `proto` is the search's protocol: its select and report parts are used as they
    are, its fit part is rebuilt at the retrains' size. With `save_as` and `model_dir`, the first
    seed's model is saved there under that name (.keras). The runs' model is `label`."""
    proto = protocol(data, proto.name, st, final=True)
    y = data.labels[proto.report]
    seeds, reqs = list(st.paper_b.b_seeds), []
    for seed in seeds:
        keep = bool(save_as and model_dir is not None and seed == seeds[0])
        purpose = f"05 {proto.name} {label} seed {seed}"
        if converge:
            reqs.append(converge_request(data, proto, genes, st, seed, keep, purpose + " until early stopping"))
        else:
            task = make_task(data, proto, st, store.root, seed=seed, final=True)
            reqs.append(genome_request(genes, task, data.source, test=proto.report, keep_model=keep, purpose=purpose))

    def scored(req, run) -> str:
        return f"report accuracy {np.mean(run.probs_test.argmax(1) == y):.4f}"

    runs = []
    for seed, req, run in zip(seeds, reqs, store.train_each(reqs, data.images, data.labels, log=log, result=scored)):
        runs.append(ModelRun.of(label, seed, run, early_stopping=converge))
        if req.keep_model:
            saved_models.save(
                run.model_file,
                save_as,
                CLASSES,
                model_dir,
                {
                    "notebook": "05_ga_search",
                    "protocol": proto.name,
                    "genome": list(genes),
                    "seed": seed,
                    "epochs": len(run.history["loss"]),
                    "profile": st.profile,
                    "data_sha256": data.sha256,
                    "data": data.label_text,
                    "report_accuracy": runs[-1].accuracy(y),
                    "run_key": run.key,
                },
            )
    return Predictions(proto.name, list(CLASSES), proto.report, y, runs)


def final_accuracies(retrains: list[Predictions], st: Settings) -> dict[str, schema.Retrain]:
    """Every retrain's accuracy (`summarize_runs`), keyed "protocol/genome" as the summary keeps them."""
    return {f"{r.split}/{r.runs[0].model}": summarize_runs(r, st) for r in retrains}


def retrain_of(retrains: list[Predictions], protocol_name: str, model: str) -> Predictions:
    """The retrain of genome `model` ("ga_best", "table2") under `protocol_name`."""
    return next(r for r in retrains if r.split == protocol_name and r.runs[0].model == model)


def summary(
    protocols: Mapping[str, Protocol],
    searches: Mapping[str, SearchRun],
    best: Mapping[str, list],
    power: Mapping[str, schema.SearchPower],
    final: Mapping[str, schema.Retrain],
    retrains: list[Predictions],
    slips: list[schema.Slip],
) -> schema.GeneticSearch:
    """Notebook 05's summary: each protocol's search (logbook, best genome, the random search
    beside it, whether it can rank genomes), the retrains, paper B's time arithmetic, the forensic
    rows, the time spent and every stored run it rests on."""
    evaluated = {r["run_key"] for s in searches.values() for r in s.scored if r.get("run_key")}
    return schema.GeneticSearch(
        protocols={name: _sizes(name, p) for name, p in protocols.items()},
        best_genome={name: G.as_dict(g) for name, g in best.items()},
        search_power=dict(power),
        final=dict(final),
        time_arithmetic=schema.TimeArithmetic(**time_arithmetic()),
        forensics=slips,
        wall_seconds_retrains=sum(x.seconds for r in retrains for x in r.runs),
        run_keys=sorted(evaluated | {x.key for r in retrains for x in r.runs}),
        **_per_search(searches),
    )


def _sizes(name: str, p: Protocol) -> schema.ProtocolSizes:
    return schema.ProtocolSizes(
        n_fit=len(p.fit),
        n_select=len(p.select),
        n_report=len(p.report),
        selects_on_report=bool(p.selects_on_report),
        description=PROTOCOLS[name],
    )


def _per_search(searches: Mapping[str, SearchRun]) -> dict[str, Any]:
    """The summary's fields that hold one value per protocol's search."""
    return {
        "generations": {name: [schema.Generation(**rec) for rec in s.state.logbook] for name, s in searches.items()},
        "best_fitness": {name: s.best_fitness for name, s in searches.items()},
        "random_search_best": {name: s.random_best for name, s in searches.items()},
        "n_trainings": {name: s.n_trained for name, s in searches.items()},
        "train_seconds": {name: s.train_seconds() for name, s in searches.items()},
        "generation_train_seconds": {
            name: {str(g): t for g, t in s.generation_train_seconds().items()} for name, s in searches.items()
        },
    }


def search(data: FERData, name: str, st: Settings, folder, store: RunStore, log=print) -> SearchRun:
    """The GA under protocol `name`, then (if `b_random_search`) random search with as many trainings
    as the GA used. Both checkpoint and log under `folder` and resume after an interruption."""
    proto = protocol(data, name, st)
    task = make_task(data, proto, st, store.root)
    space, settings = G.Space.from_settings(st.paper_b), ga.GASettings.from_settings(st.paper_b, st.runtime.seed)
    ctx = task_context(task, name, space)
    n_tasks = st.paper_b.b_population * (st.paper_b.b_generations + 1) * (2 if st.paper_b.b_random_search else 1)
    kind = executors.resolve(st.runtime.executor, n_tasks)  # at most this many trainings
    executor = executors.make(kind, st.runtime.workers, st.runtime.scheduler)
    fit = fitness_of(task, data if kind == "inprocess" else None)
    try:
        t0 = time.monotonic()
        gs = ga.GeneticSearch(space, settings, fit, folder, ctx, executor, log, name=f"ga_{name}")
        state = gs.run()
        ga_seconds = time.monotonic() - t0
        n_trained = len({G.key(h["genome"]) for h in state.history})
        rand, t1 = [], time.monotonic()
        if st.paper_b.b_random_search:
            rand = ga.random_search(
                space, n_trained, st.runtime.seed, fit, folder, ctx, executor, log, name=f"random_{name}"
            )
        rand_seconds = time.monotonic() - t1
    finally:
        executor.close()
    # "Failed to train" for a genome is its fitness (held-out, inference mode) at chance; the flag
    # its log kept may come from an older rule (logged training accuracy with dropout on).
    n_select = len(proto.select)
    chance = float(np.bincount(data.labels[proto.select], minlength=len(CLASSES)).max() / n_select)
    evals = {r["key"]: r for r in gs.records(state)}
    for e in [*evals.values(), *rand]:
        e["failed"] = not health.above_chance(e["fitness"], chance, n_select)
    return SearchRun(name, state, list(evals.values()), rand, n_trained, ga_seconds, rand_seconds, proto)


def summarize_runs(result: Predictions, st: Settings) -> schema.Retrain:
    """Accuracy per seed, mean ± std over the seeds that trained (a failed training is listed, never
    averaged), one named 95 % interval (t over seeds, or the bootstrap over test images of a single
    seed), and the validation curves' evidence for the verdict rule."""
    y = result.y_test
    ok = [r for r in result.runs if not r.failed] or result.runs
    first = ok[0]
    ci = metrics.bootstrap_ci(y, first.probs.argmax(1), n_boot=st.paper_b.b_bootstrap, seed=st.runtime.seed)
    m = metrics.with_interval(metrics.mean_std([r.accuracy(y) for r in ok]), ci, first.seed)
    # The most favourable number paper B's protocol could print: the best epoch on the reported
    # images (watched every epoch, never steering); for the paper protocol, what its fitness reads.
    watched = [max(r.history["test_accuracy"]) for r in ok if r.history.get("test_accuracy")]
    return schema.Retrain(
        **{f.name: getattr(m, f.name) for f in dataclasses.fields(m)},
        **_seeds(result),
        n_test=int(len(y)),
        curve=metrics.curve_record(  # paper B states no epochs
            [r.history for r in ok], st.verdicts, None, [r.seconds for r in ok], _stopping(ok, st)
        ),
        best_epoch_on_report=metrics.mean_std(watched) if watched else None,
    )


def _seeds(result: Predictions) -> dict[str, Any]:
    """Each seed's accuracy, the seeds that failed (listed, never averaged) and their health flags."""
    y = result.y_test
    failed = [r.seed for r in result.runs if r.failed]
    return {
        "per_seed": {str(r.seed): float(r.accuracy(y)) for r in result.runs},
        "failed_seeds": failed,
        "health_flags": {str(r.seed): r.flags for r in result.runs if r.flags},
        "failed_to_train": len(failed) == len(result.runs),  # the claims read this flag
    }


def _stopping(ok: list, st: Settings) -> schema.EarlyStopping | None:
    """How the seeds' trainings ended, where every one trained until early stopping (converge_request)."""
    if not all(r.stopped_early is not None for r in ok):
        return None
    return schema.EarlyStopping(
        patience=st.paper_b.b_converge_patience,
        stopped={str(r.seed): bool(r.stopped_early) for r in ok},
        max_epochs=st.paper_b.b_converge_max_epochs,
        best_epoch={str(r.seed): int(r.best_epoch) for r in ok},
    )


def _flops_and_seconds(search: SearchRun, st: Settings) -> tuple[float, float]:
    """A search's training FLOPs (our count) and its stored training seconds, over its evaluations."""
    n_fit = st.paper_b.b_train_images or int(len(search.protocol.fit))
    genome_of = lambda e: e["params"]["genome"] if "params" in e else e["genome"]
    evals = search.scored
    done = sum(G.training_flops(genome_of(e), st.paper_b.b_dense) * n_fit * st.paper_b.b_epochs for e in evals)
    return float(done), sum(float(e.get("train_seconds", 0.0)) for e in evals)


def measured_rate(searches: Iterable[SearchRun], st: Settings) -> float:
    """This machine's training rate in FLOP/s, pooled over `searches` (their FLOPs over their
    seconds): one rate for every deciding search, so one search is given one cost, whichever
    protocol names it (per protocol, the rates differed by the machine's noise)."""
    pairs = [_flops_and_seconds(s, st) for s in searches]
    done, seconds = sum(f for f, _ in pairs), sum(t for _, t in pairs)
    return done / seconds if seconds else float("nan")


def deciding_search(
    search: SearchRun, data: FERData, st: Settings, cpu_rate: float | None = None
) -> schema.DecidingSearch:
    """What the paper profile's search (filters to 1024, kernels to 9, 30 epochs per genome on the
    protocol's whole training part) would cost, scaled from this search by training FLOPs: this
    machine's measured rate (`cpu_rate`, by default this search's training FLOPs over its stored
    training seconds) and, for a GPU, the assumed sustained rate `v_gpu_tflops` (an assumption: no
    GPU measured it). As many trainings as this search's GA needed. A cost estimate, not a
    prediction of its result."""
    if cpu_rate is None:
        cpu_rate = measured_rate([search], st)
    paper_space = G.Space(lr_min=st.paper_b.b_lr_range[0], lr_max=st.paper_b.b_lr_range[1])  # Table 1's ranges
    rng = random.Random(st.runtime.seed)
    mean_flops = float(np.mean([G.training_flops(paper_space.sample(rng), st.paper_b.b_dense) for _ in range(2000)]))
    full_fit = int(len(protocol(data, search.name, st.replace(b_train_images=0)).fit))
    epochs = profiles.resolve("paper").paper_b.b_epochs  # the paper profile's (paper B states none)
    total = search.n_trained * mean_flops * full_fit * epochs
    return schema.DecidingSearch(
        trainings=search.n_trained,
        epochs=epochs,
        train_images=full_fit,
        filters_max=2**paper_space.filters_max_exp,
        kernel_max=paper_space.kernel_max,
        training_pflop=round(total / 1e15, 1),
        cpu_gflops_measured=round(cpu_rate / 1e9, 1),
        cpu_hours=round(total / cpu_rate / 3600, 0) if cpu_rate > 0 else None,  # NaN (nothing stored) is not > 0
        gpu_tflops_assumed=st.verdicts.v_gpu_tflops,
        gpu_hours=round(total / (st.verdicts.v_gpu_tflops * 1e12) / 3600, 1),
    )


def search_power(search: SearchRun, data: FERData, st: Settings, cpu_rate: float | None = None) -> schema.SearchPower:
    """Can this search rank genomes at all? The share of its evaluations (GA and random) whose
    score lies within 2 points of always answering the majority class of the selection images (the
    scores only). Above `v_near_chance_share`, its claims are inconclusive at this budget. Its
    deciding search is costed at `cpu_rate` (`measured_rate`; this search's own by default)."""
    select = search.protocol.select
    chance = float(np.bincount(data.labels[select], minlength=len(CLASSES)).max() / len(select))
    evals = search.scored
    near = [e for e in evals if not e["fitness"] >= chance + 0.02]
    share = len(near) / len(evals) if evals else 1.0
    budget = schema.SearchBudget(
        epochs=st.paper_b.b_epochs,
        train_images=st.paper_b.b_train_images or int(len(search.protocol.fit)),
        filters_max=2**st.paper_b.b_filters_max_exp,
    )
    return schema.SearchPower(
        chance=chance,
        n_evaluations=len(evals),
        near_chance=len(near),
        near_chance_share=share,
        can_rank=share <= st.verdicts.v_near_chance_share,
        budget=budget,
        deciding_search=deciding_search(search, data, st, cpu_rate),
    )


def save_predictions(results: list[Predictions], path) -> None:
    """Every reported prediction of the final retrains, so the summary can be recomputed. The labels
    are FER2013's and never stored: only their sha256, to check them against the data."""
    arrays: dict[str, Any] = {}
    for res in results:
        arrays[f"{res.split}__test_index"] = res.test_index  # labels come from the data, not this file
        arrays[f"{res.split}__labels_sha256"] = np.asarray(
            hashlib.sha256(np.ascontiguousarray(np.asarray(res.y_test, dtype=np.int64)).tobytes()).hexdigest()
        )
        for r in res.runs:
            arrays[f"{res.split}__{r.model}__seed{r.seed}"] = r.probs
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    atomic.write_with(path, lambda tmp: np.savez_compressed(tmp, **arrays), suffix=".npz")
