"""Where fitness evaluations run: in this process, a local process pool, or a Dask cluster.

Every executor has one method, `run(fn, items)`, yielding `(index, result)` as each evaluation
finishes (in any order), so the caller can log and checkpoint after every single one. `fn` must be
a picklable top-level function (or a functools.partial of one) for the pool and Dask executors.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any


def _quiet_worker(parent: int | None = None) -> None:
    """A worker ends without a traceback on an interrupt: papermill interrupts the kernel's whole
    process group when a notebook ends, which printed a KeyboardInterrupt traceback from every idle
    worker into the terminal. A Ctrl-C still stops a training at once (its checkpoint is per
    epoch and written atomically). And it dies with the process that started it."""
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()


def _watch_parent(parent: int, every: float = 0.5) -> None:
    """End this worker once its parent is gone (issue 36: after kill -9 of a run, an isolated worker
    went on writing checkpoints into the unlocked folder; on cpu it would have run for hours). A
    polled parent pid works on every platform, unlike Linux's PR_SET_PDEATHSIG, which also fires
    when merely the thread that spawned the worker ends."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(137)


class InProcess:
    """Evaluations one after the other in this process (the default; deterministic order)."""

    name = "inprocess"

    def run(self, fn: Callable[[Any], Any], items: Sequence) -> Iterator[tuple[int, Any]]:
        for i, item in enumerate(items):
            yield i, fn(item)

    def close(self) -> None:
        pass


class ProcessPool:
    """A local pool of `workers` processes (spawned, so each has its own TensorFlow runtime)."""

    name = "pool"

    def __init__(self, workers: int = 2):
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_quiet_worker,
            initargs=(os.getpid(),),
        )

    def run(self, fn, items):
        futures = {self.pool.submit(fn, item): i for i, item in enumerate(items)}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class Isolated(ProcessPool):
    """Every evaluation in a fresh process (spawned, at most `workers` at a time): whatever a
    training leaves behind in its process (TensorFlow graphs, allocator caches) goes with it, so
    memory stays flat over a search of any length. Costs a process start (about 5 s) per training."""

    name = "isolated"

    def __init__(self, workers: int = 1):
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=1,
            initializer=_quiet_worker,
            initargs=(os.getpid(),),
        )


class Dask:
    """dask.distributed: a `LocalCluster` on loopback by default, or the scheduler at `address`
    (e.g. 'tcp://10.0.0.5:8786') whose workers may sit on other machines or GPUs."""

    name = "dask"

    def __init__(self, workers: int = 2, address: str = ""):
        from distributed import Client, LocalCluster

        self.cluster = None
        if address:
            self.client = Client(address)
        else:
            # One thread per worker process: TensorFlow already uses the cores inside a worker.
            self.cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
            )
            self.client = Client(self.cluster)

    def run(self, fn, items):
        from distributed import as_completed

        # pure=False: a retried evaluation must run again, not reuse a cached failure.
        futures = [self.client.submit(fn, item, pure=False) for item in items]
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in as_completed(futures):
            yield index[fut.key], fut.result()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


# "auto" trains in this process up to this many trainings, then in a fresh process each: the
# in-process executor's memory grows by about 19 MB per training (TensorFlow keeps per-model state
# that clear_session does not return), which a long search turns into gigabytes.
AUTO_ISOLATE_OVER = 20


def resolve(name: str, n_tasks: int | None = None) -> str:
    """The executor 'auto' stands for, given how many trainings the caller will run."""
    if name != "auto":
        return name
    return "isolated" if (n_tasks or 0) > AUTO_ISOLATE_OVER else "inprocess"


def make(name: str, workers: int = 2, address: str = "", n_tasks: int | None = None):
    """An executor by name: 'inprocess', 'pool', 'isolated', 'dask' or 'auto' (resolve)."""
    name = resolve(name, n_tasks)
    if name == "inprocess":
        return InProcess()
    if name == "pool":
        return ProcessPool(workers)
    if name == "isolated":
        return Isolated(workers)
    if name == "dask":
        return Dask(workers, address)
    raise ValueError(f"unknown executor '{name}' (choose from auto, inprocess, pool, isolated, dask)")
