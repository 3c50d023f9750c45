"""The run store: every training of the study runs once and is kept under results/<profile>/runs/.

A `TrainRequest` says everything that decides a training's result: the model (architecture name
and settings), the training settings, the data's sha256, the exact train/validation/test indices,
the label mapping, the seed, the Keras backend and the training code's version. Its sha256 is the
entry's key. `RunStore.run` returns the stored result when the key exists and trains otherwise;
any change to any of those parts gives another key, so a stale entry is never read.

An entry is a folder `runs/<key>/` holding `run.json` (key material, per-epoch history, health,
timings, provenance), `arrays.npz` (indices and predicted probabilities for the validation and test
images) and, where a later step needs it, `model.keras`. It is written into a temporary folder and
renamed into place, so a killed write leaves no entry. While a training runs, its per-epoch
checkpoint lives in `runs/.partial/<key>.npz`; a rerun resumes from it. Labels are never stored
(FER2013's are not ours to publish): only their sha256, checked against the data on every load.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fer_study.core import atomic, provenance
from fer_study.core.progress import Progress
from fer_study.core.progress import mirror as mirror_line
from fer_study.core.quiet import import_keras
from fer_study.data import load
from fer_study.nn import architectures, health
from fer_study.nn.fit import TRAINING_VERSION, FitSettings, fit, predict

if TYPE_CHECKING:  # the type checker reads Keras's own types; at run time it is imported quietly
    import keras
else:
    keras = import_keras()

STORE_VERSION = 1

# What an entry's "sealed" checksums cover. Version 1 sealed the result fields below and every file in
# the folder; it left out fields a verdict reads (stopped_early and best_epoch decide paper B's rows),
# let an entry drop a file from its own list, and sealed whatever stray file lay in the folder.
# Version 2 seals every field of run.json but the seal itself, and exactly the entry's files, of which
# arrays.npz is always required (issue 36). `fer-study runs --seal` re-seals a version-1 entry after
# checking it against its old seal: it trains nothing and keeps every key.
SEAL_VERSION = 2
SEALED_FIELDS_V1 = (
    "key",
    "key_material",
    "history",
    "seconds",
    "health",
    "n_params",
    "has_model",
    "train_accuracy_inference",
    "labels_sha256",
    "n",
)
ENTRY_FILES = ("arrays.npz", "model.keras")  # what an entry may hold besides run.json


def keras_backend() -> str:
    """The Keras backend trainings run on (part of every key: results differ between backends)."""
    return keras.backend.backend()


class StoreError(ValueError):
    """A store entry that cannot be used; the message names the file and the problem."""

    def __init__(self, path, problem: str):
        super().__init__(f"{path}: {problem}")


def _file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fields_sha(record: dict, version: int = SEAL_VERSION) -> str:
    if version == 1:
        body = {k: record.get(k) for k in SEALED_FIELDS_V1}
    else:
        body = {k: v for k, v in record.items() if k != "sealed"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


def seal(folder: Path, record: dict) -> dict:
    """`record` with the checksums of the entry's files (those of ENTRY_FILES it holds, never a stray
    or temporary file) and of every other field of run.json."""
    files = {name: _file_sha(folder / name) for name in ENTRY_FILES if (folder / name).is_file()}
    body = {k: v for k, v in record.items() if k != "sealed"}
    return {**body, "sealed": {"version": SEAL_VERSION, "files": files, "fields": _fields_sha(body)}}


def _sha(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(np.asarray(array, dtype=np.int64)).tobytes()).hexdigest()


@dataclass(frozen=True, eq=False)
class TrainRequest:
    """One training: what decides its result (the key) plus where its data comes from."""

    arch: str  # a name in architectures.ARCHITECTURES
    arch_settings: Mapping[str, Any]  # JSON values only
    n_classes: int
    fit: FitSettings
    data_sha256: str
    train_index: np.ndarray  # indices into the dataset
    val_index: np.ndarray  # validated after every epoch (curves, schedules); may be empty
    test_index: np.ndarray  # predicted once at the end; may be empty
    label_map: tuple  # canonical class index (0..6) -> model class (0..k-1), -1 where unused
    data_source: str = ""  # where a worker process loads the data; not part of the key
    keep_model: bool = False  # store model.keras for later steps (detection); not part of the key
    purpose: str = ""  # what the study uses it for; not part of the key

    def key_material(self) -> dict:
        return {
            "store_version": STORE_VERSION,
            "training_version": TRAINING_VERSION,
            "backend": keras_backend(),
            "model": {"arch": self.arch, "n_classes": self.n_classes, "settings": dict(self.arch_settings)},
            "fit": self.fit.key(),
            "data_sha256": self.data_sha256,
            "train_index": _sha(self.train_index),
            "val_index": _sha(self.val_index),
            "test_index": _sha(self.test_index),
            "label_map": [int(v) for v in self.label_map],
        }

    @property
    def key(self) -> str:
        text = json.dumps(self.key_material(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    def labels(self, all_labels: np.ndarray, part: str) -> np.ndarray:
        index = {"train": self.train_index, "val": self.val_index, "test": self.test_index}[part]
        return np.asarray(self.label_map, dtype=np.int64)[np.asarray(all_labels)[index]]


@dataclass(frozen=True)
class RunRecord:
    """The fields of a stored entry's run.json that readers use, typed (the store writes and seals
    the file; `StoredRun.info` reads it). Entries written before a field existed get its default."""

    key: str
    purpose: str
    history: dict[str, list[float]]
    seconds: float
    n_params: int
    n: dict[str, int]  # images per part: train, val, test
    labels_sha256: dict[str, str]
    has_model: bool = False
    train_accuracy_inference: float = float("nan")
    stopped_early: bool = False  # under early stopping: did it stop before its epochs ran out
    best_epoch: int = 0  # restore_best: the epoch whose weights it kept (1-based; 0 = the last)

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> RunRecord:
        return cls(**{k: v for k, v in record.items() if k in cls.__dataclass_fields__})


@dataclass
class StoredRun:
    """A finished training as the store holds it."""

    key: str
    folder: Path
    record: dict  # run.json
    probs_val: np.ndarray
    probs_test: np.ndarray
    val_index: np.ndarray
    test_index: np.ndarray
    trained_now: bool = False
    y_val: np.ndarray | None = None  # the validation labels (set when read with the data): health is judged on them

    @property
    def info(self) -> RunRecord:
        """run.json's fields, typed; an entry lacking one is a StoreError naming its file."""
        try:
            return RunRecord.of(self.record)
        except TypeError as err:  # a required field missing
            raise StoreError(self.folder / "run.json", f"not a stored run's record ({err})") from None

    @property
    def origin(self) -> str:
        """For progress lines: 'ran' (not 'trained', which a failed training contradicts) or 'loaded'."""
        return "ran" if self.trained_now else "loaded from the store"

    @property
    def history(self) -> dict:
        return self.record["history"]

    @property
    def seconds(self) -> float:
        return self.record["seconds"]

    @property
    def health(self) -> health.Health:
        """Judged on the validation predictions (inference mode) when the labels are known
        (nn/health.judge); the stored training-time judgment otherwise."""
        if self.y_val is not None:
            return health.judge(self.record["health"], self.probs_val, self.y_val)
        return health.Health.from_json(self.record["health"])

    @property
    def failed(self) -> bool:
        return not self.health.trained

    @property
    def model_file(self) -> Path:
        path = self.folder / "model.keras"
        if not self.record.get("has_model"):
            raise StoreError(self.folder, "this run was stored without its model (keep_model was off)")
        if not path.exists():
            raise StoreError(path, "missing: the entry was stored with its model and the file has since been deleted")
        return path

    def model(self) -> keras.Model:
        return keras.saving.load_model(self.model_file, compile=False)


@dataclass
class Payload:
    """What a training hands back to the store (picklable, so a worker process can send it)."""

    history: dict
    seconds: float
    health: health.Health  # judged on the training history and the dead units (nn/health.assess)
    n_params: int
    probs_val: np.ndarray
    probs_test: np.ndarray
    resumed_from_epoch: int
    model_bytes: bytes | None = None
    train_accuracy_inference: float = float("nan")
    # Set for runs with early stopping or restore_best: did it stop before its epochs ran out, and
    # which epoch's weights it ended with (1-based; 0 = the last epoch's).
    stopped_early: bool = False
    best_epoch: int = 0


def execute(
    request: TrainRequest,
    images: np.ndarray,
    labels: np.ndarray,
    checkpoint: Path | None,
    on_epoch: Callable[[int, dict], None] | None = None,
    callbacks=(),
) -> Payload:
    """Train `request` on the given arrays (the whole dataset's images and canonical labels)."""
    r = request
    xtr, ytr = images[r.train_index], r.labels(labels, "train")
    xva, yva = images[r.val_index], r.labels(labels, "val")
    xte, yte = images[r.test_index], r.labels(labels, "test")
    result = fit(
        lambda: architectures.build(r.arch, r.n_classes, **dict(r.arch_settings)),
        xtr,
        ytr,
        xva if len(xva) else None,
        yva if len(yva) else None,
        r.fit,
        checkpoint=checkpoint,
        on_epoch=on_epoch,
        callbacks=callbacks,
        monitor=(xte, yte),
    )
    model = result.model
    # Accuracy on the training images in inference mode (no dropout, moving BN statistics): what
    # "evaluating on the training set" would report (forensic table). At most 5,000 images.
    sub = np.random.default_rng(0).permutation(len(xtr))[:5000]
    train_acc = float(np.mean(predict(model, xtr[sub]).argmax(1) == ytr[sub])) if len(sub) else float("nan")
    probe = xva if len(xva) else xtr
    dead = health.dead_fractions(model, probe)
    h = health.assess(result.history, ytr, dead)
    model_bytes = None
    if r.keep_model:
        # An uncompiled copy: the stored model is for inference, and Adam's two moments would
        # triple the file (the resumable state lives in the checkpoint, not here).
        bare = architectures.build(r.arch, r.n_classes, **dict(r.arch_settings))
        bare.set_weights(model.get_weights())
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / "model.keras"
            bare.save(p)
            model_bytes = p.read_bytes()
    return Payload(
        result.history,
        round(result.seconds, 2),
        h,
        int(model.count_params()),
        predict(model, xva),
        predict(model, xte),
        result.resumed_from_epoch,
        model_bytes,
        train_accuracy_inference=train_acc,
        stopped_early=result.stopped_early,
        best_epoch=result.best_epoch,
    )


def execute_remote(request: TrainRequest, checkpoint: str | None) -> Payload:
    """`execute` in a worker process: loads its own copy of the data (checked by sha256)."""
    data = load(request.data_source, verbose=False)
    if data.sha256 != request.data_sha256:
        raise RuntimeError(
            f"{request.data_source}: sha256 {data.sha256[:12]} on this worker, expected {request.data_sha256[:12]}"
        )
    # A worker has no display of its own: its progress goes only to the run's progress file
    # (core.progress.mirror), which `fer-study run` relays to the terminal.
    label, epochs = f"training {request.purpose or request.key}", request.fit.epochs
    started = time.monotonic()

    def mirror(epoch: int, rec: dict) -> None:
        elapsed = time.monotonic() - started
        mirror_line(
            f"{label}: epoch {epoch}/{epochs} ({elapsed / 60:.0f} min in this process) · "
            f"validation accuracy {rec.get('val_accuracy', float('nan')):.3f}"
        )

    return execute(request, data.images, data.labels, Path(checkpoint) if checkpoint else None, on_epoch=mirror)


class RunStore:
    """The entries under one folder; counts what it trained and what it loaded."""

    def __init__(self, root: str | os.PathLike, log: Callable[[str], None] = print, progress: bool = True):
        self.root = Path(root)
        self.progress = progress  # a progress line per training (epochs, time left); off inside searches
        self.partial = self.root / ".partial"
        self.log = log
        self.trained: list[str] = []  # keys trained by this instance, in order
        self.loaded: list[str] = []  # keys read from disk by this instance
        # Taken when the store opens (a notebook's start), not when an entry is written: a long run
        # must record the commit whose code it runs, even if the checkout moves on meanwhile.
        self.provenance = {
            "git": provenance.git_commit(),
            "packages": provenance.package_versions(),
            "machine": provenance.machine(),
        }

    # --- reading --------------------------------------------------------------------------------
    def folder(self, key: str) -> Path:
        return self.root / key

    def get(self, request: TrainRequest, labels: np.ndarray) -> StoredRun | None:
        """The stored run of `request`, or None; its labels' sha256 must match `labels`."""
        folder = self.folder(request.key)
        if not folder.exists():
            return None
        if not (folder / "run.json").exists():
            # Training now would end in "another process stored it meanwhile" and lose the result.
            raise StoreError(
                folder, "an entry without run.json (damaged or made by hand): delete the folder to train it again"
            )
        run = self.read(folder)
        if request.keep_model and not run.record.get("has_model"):
            # keep_model is not part of the key: a run stored without its model is trained again
            # (same key, same result) and replaces the model-less entry.
            self.log(f"{folder.name}: stored without the model this step needs; training it again to keep it")
            return None
        for part in ("val", "test"):
            want = run.record["labels_sha256"][part]
            if _sha(request.labels(labels, part)) != want:
                raise StoreError(folder, f"the {part} labels of this data differ from those the run was made with")
        run.y_val = request.labels(labels, "val")
        self.loaded.append(request.key)
        return run

    def read(self, folder: Path) -> StoredRun:
        """An entry, verified: its files and result fields must match the checksums written with them."""
        record = self.record_of(folder)
        self.verify(folder, record)
        try:
            with np.load(folder / "arrays.npz", allow_pickle=False) as z:
                arrays = {k: z[k] for k in ("probs_val", "probs_test", "val_index", "test_index")}
        except Exception as err:  # noqa: BLE001 - BadZipFile, EOFError, KeyError...: all mean a damaged file
            raise StoreError(
                folder / "arrays.npz", f"damaged ({type(err).__name__}: {err}); delete the folder to train it again"
            ) from None
        n = record.get("n", {})
        for part in ("val", "test"):
            if len(arrays[f"probs_{part}"]) != n.get(part) or len(arrays[f"{part}_index"]) != n.get(part):
                raise StoreError(
                    folder / "arrays.npz",
                    f"holds {len(arrays[f'probs_{part}'])} {part} predictions, run.json says {n.get(part)}",
                )
        return StoredRun(folder.name, folder, record, **arrays)

    @staticmethod
    def record_of(folder: Path) -> dict:
        """An entry's run.json as a dict, its key and version checked (not yet its seal)."""
        try:
            record = json.loads((folder / "run.json").read_text())
        except (OSError, ValueError, RecursionError) as err:
            raise StoreError(
                folder / "run.json", f"unreadable ({type(err).__name__}: {err}); delete the folder to train it again"
            ) from None
        if not isinstance(record, dict):
            raise StoreError(folder / "run.json", "not a JSON object; delete the folder to train it again")
        if record.get("store_version") != STORE_VERSION or record.get("key") != folder.name:
            raise StoreError(folder, "not an entry of this store version; delete the folder to train it again")
        return record

    @classmethod
    def model_of(cls, folder: Path) -> Path:
        """The entry's model.keras, checked against its seal like its predictions (issue 36: a model
        copied in from another entry was served)."""
        record = cls.record_of(folder)
        cls.verify(folder, record)
        if not record.get("has_model"):
            raise StoreError(folder, "this run was stored without its model (keep_model was off)")
        return folder / "model.keras"

    @staticmethod
    def verify(folder: Path, record: dict) -> None:
        """Raise StoreError naming the entry and the file when anything differs from its seal."""
        sealed = record.get("sealed")
        if not isinstance(sealed, dict):
            raise StoreError(
                folder,
                "written before entries carried checksums: run `fer-study runs --seal` once (it adds them, "
                "trains nothing and keeps every key)",
            )
        version = sealed.get("version", 1)
        if version != SEAL_VERSION:
            raise StoreError(
                folder / "run.json",
                f"sealed by store seal version {version}, which left fields a verdict reads unsealed: run "
                "`fer-study runs --seal` once (it checks the old seal, re-seals, trains nothing and keeps every key)",
            )
        RunStore._verify_seal(folder, record, version)

    @staticmethod
    def _verify_seal(folder: Path, record: dict, version: int) -> None:
        sealed = record["sealed"]
        if sealed.get("fields") != _fields_sha(record, version):
            raise StoreError(folder / "run.json", "its results differ from the checksum stored with them (edited?)")
        files = sealed.get("files")
        if not isinstance(files, dict):
            raise StoreError(folder / "run.json", "its seal lists no files")
        required = {"arrays.npz"} | ({"model.keras"} if record.get("has_model") else set())
        for name in sorted(required - set(files)):
            raise StoreError(folder / name, "not covered by the entry's checksums (every entry must seal it)")
        for name, want in files.items():
            path = folder / name
            if version >= 2 and name not in ENTRY_FILES:
                raise StoreError(path, "sealed, but not a file an entry holds")
            if not path.exists():
                raise StoreError(path, "missing: the entry was stored with it and the file has since been deleted")
            if _file_sha(path) != want:
                raise StoreError(
                    path, "differs from the checksum stored with it (changed, truncated or another entry's)"
                )

    def seal_all(self) -> list[str]:
        """Seal every entry with this store's seal version: add checksums where an entry (written
        before they existed) has none, as its files are now; re-seal an older seal after checking the
        entry against it. Trains nothing, keys unchanged. Returns the keys sealed."""
        done = []
        for folder in sorted(p for p in self.root.glob("*") if p.is_dir() and not p.name.startswith(".")):
            path = folder / "run.json"
            try:
                record = json.loads(path.read_text())
            except (OSError, ValueError) as err:
                raise StoreError(path, f"unreadable ({type(err).__name__}: {err})") from None
            if not isinstance(record, dict):
                raise StoreError(path, "not a JSON object")
            sealed = record.get("sealed")
            if isinstance(sealed, dict) and sealed.get("version", 1) == SEAL_VERSION:
                continue
            if isinstance(sealed, dict):
                self._verify_seal(folder, record, sealed.get("version", 1))  # an edit is refused, not re-sealed
            atomic.write_text(path, json.dumps(seal(folder, record), indent=1) + "\n")
            done.append(folder.name)
        return done

    # --- training -------------------------------------------------------------------------------
    def run(
        self,
        request: TrainRequest,
        images: np.ndarray,
        labels: np.ndarray,
        on_epoch: Callable[[int, dict], None] | None = None,
    ) -> StoredRun:
        """The stored result of `request`, training it first (resuming a partial one) if needed."""
        found = self.get(request, labels)
        if found is not None:
            return found
        ckpt = self.checkpoint_path(request.key)
        with Progress(
            request.fit.epochs,
            f"training {request.purpose or request.key}",
            enabled=self.progress,
            cap=bool(request.fit.early_stop_patience),  # until early stopping: the epochs are a cap
        ) as bar:

            def epoch_done(epoch: int, rec: dict) -> None:
                bar.update(epoch - bar.done, note=f"validation accuracy {rec.get('val_accuracy', float('nan')):.3f}")
                if on_epoch is not None:
                    on_epoch(epoch, rec)

            payload = execute(request, images, labels, ckpt, on_epoch=epoch_done)
        return self.put(request, payload, labels)

    def run_many(
        self,
        requests: Sequence[TrainRequest],
        images: np.ndarray,
        labels: np.ndarray,
        executor=None,
        on_done: Callable[[TrainRequest, StoredRun], None] | None = None,
    ) -> list[StoredRun]:
        """Every request's stored run, training the missing ones through `executor` (in this process
        when None); results come back in request order."""
        results: dict[int, StoredRun] = {}
        todo: list[int] = []
        for i, req in enumerate(requests):
            found = self.get(req, labels)
            if found is not None:
                results[i] = found
            elif all(requests[j].key != req.key for j in todo):
                todo.append(i)
        done = on_done or (lambda req, run: None)
        if executor is None or getattr(executor, "name", "") == "inprocess":
            for i in todo:
                results[i] = self.run(requests[i], images, labels)
                done(requests[i], results[i])
        else:
            self._run_remote(requests, todo, labels, executor, results, done)
        for i, req in enumerate(requests):  # duplicates inside one batch share the training
            if i not in results:
                shared = self.get(req, labels)
                if shared is None:
                    raise StoreError(self.folder(req.key), "a duplicate's training was not stored")
                results[i] = shared
        return [results[i] for i in range(len(requests))]

    def _run_remote(self, requests, todo: list[int], labels: np.ndarray, executor, results: dict, done) -> None:
        """The requests `todo` trained through `executor` (each job resumes from its checkpoint),
        stored here as each finishes, into `results`."""
        jobs = [(requests[i], str(self.checkpoint_path(requests[i].key))) for i in todo]
        for n, payload in executor.run(partial(_remote_job), jobs):
            i = todo[n]
            results[i] = self.put(requests[i], payload, labels)
            done(requests[i], results[i])

    def train_each(
        self,
        requests: Sequence[TrainRequest],
        images: np.ndarray,
        labels: np.ndarray,
        executor=None,
        log: Callable[[str], None] = print,
        result: Callable[[TrainRequest, StoredRun], str] | None = None,
    ) -> list[StoredRun]:
        """Every request's stored run (`run_many`), each announced by the study's one progress line:
        its purpose, whether it ran or was loaded, its training time and epochs, what it scored
        (`result`) and, where it did, that it failed to train. The experiments' per-seed loops all
        train through here."""
        shown: set[str] = set()

        def line(req: TrainRequest, run: StoredRun) -> None:
            shown.add(req.key)
            scored = result(req, run) if result else ""
            log(
                f"{req.purpose}: {run.origin} ({run.seconds:.0f} s of training, {len(run.history['loss'])} epochs)"
                + (f", {scored}" if scored else "")
                + ("" if not run.failed else f"; FAILED TO TRAIN: {run.health.reason}")
            )

        runs = self.run_many(requests, images, labels, executor, on_done=line)
        for req, run in zip(requests, runs):
            if req.key not in shown:
                line(req, run)
        return runs

    @staticmethod
    def _lacks_model(folder: Path) -> bool:
        try:
            return not json.loads((folder / "run.json").read_text()).get("has_model")
        except (OSError, ValueError, AttributeError):
            return False

    def checkpoint_path(self, key: str) -> Path:
        return self.partial / f"{key}.npz"

    def put(self, request: TrainRequest, payload: Payload, labels: np.ndarray) -> StoredRun:
        """Write an entry atomically (temporary folder, then one rename) and drop its checkpoint."""
        key = request.key
        record = {
            "store_version": STORE_VERSION,
            "key": key,
            "key_material": request.key_material(),
            "purpose": request.purpose,
            "history": payload.history,
            "seconds": payload.seconds,
            "health": payload.health.to_json(),
            "n_params": payload.n_params,
            "resumed_from_epoch": payload.resumed_from_epoch,
            "has_model": payload.model_bytes is not None,
            "train_accuracy_inference": payload.train_accuracy_inference,
            **(
                {"stopped_early": payload.stopped_early, "best_epoch": payload.best_epoch}
                if request.fit.early_stop_patience or request.fit.restore_best
                else {}
            ),
            "labels_sha256": {p: _sha(request.labels(labels, p)) for p in ("val", "test")},
            "n": {
                "train": int(len(request.train_index)),
                "val": int(len(request.val_index)),
                "test": int(len(request.test_index)),
            },
            "written_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "provenance": self.provenance,
        }
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=self.root))
        except OSError as err:
            raise atomic.OutputError(self.root, err) from None
        try:
            np.savez_compressed(
                tmp / "arrays.npz",
                probs_val=payload.probs_val,
                probs_test=payload.probs_test,
                val_index=np.asarray(request.val_index, dtype=np.int32),
                test_index=np.asarray(request.test_index, dtype=np.int32),
            )
            if payload.model_bytes is not None:
                (tmp / "model.keras").write_bytes(payload.model_bytes)
            (tmp / "run.json").write_text(json.dumps(seal(tmp, record), indent=1) + "\n")
            for f in tmp.iterdir():
                with open(f, "rb") as fh:
                    os.fsync(fh.fileno())
                os.chmod(f, 0o666 & ~atomic.current_umask())
            os.chmod(tmp, 0o777 & ~atomic.current_umask())  # mkdtemp makes 0700
            target = self.folder(key)
            if target.exists() and self._lacks_model(target) and payload.model_bytes is not None:
                # Retrained to keep its model (get): the new entry, same key and result, replaces it.
                old = target.with_name(f".{key}.replaced")
                os.rename(target, old)
                os.rename(tmp, target)
                shutil.rmtree(old, ignore_errors=True)
            elif target.exists():  # another process stored the same training meanwhile: keep theirs
                shutil.rmtree(tmp)
            else:
                os.rename(tmp, target)
        except OSError as err:
            shutil.rmtree(tmp, ignore_errors=True)
            raise atomic.OutputError(self.folder(key), err) from None
        self.checkpoint_path(key).unlink(missing_ok=True)
        self.trained.append(key)
        run = self.read(self.folder(key))
        run.trained_now = True
        run.y_val = request.labels(labels, "val")
        return run

    # --- listing and pruning --------------------------------------------------------------------
    def entries(self) -> list[dict]:
        """One line of facts per stored run (key, purpose, model, epochs, seconds, health); an entry
        whose run.json cannot be read as one is listed as damaged, never an error (issue 36: one stray
        malformed entry broke `runs` and `run`)."""
        folders = sorted(p for p in self.root.glob("*") if p.is_dir() and not p.name.startswith("."))
        return [_entry_line(folder) for folder in folders]

    def prune(self, keep: Iterable[str], dry_run: bool = False) -> list[str]:
        """Delete entries whose key is not in `keep`; returns the deleted keys. A symlinked entry loses
        its link, never the folder it points to (that is another store's)."""
        keep = set(keep)
        gone = [e["key"] for e in self.entries() if e["key"] not in keep]
        if not dry_run:
            for key in gone:
                folder = self.folder(key)
                if folder.is_symlink():
                    folder.unlink()
                else:
                    shutil.rmtree(folder)
        return gone


def _entry_line(folder: Path) -> dict:
    try:
        rec = json.loads((folder / "run.json").read_text())
        km = rec["key_material"]
        return {
            "key": folder.name,
            "purpose": str(rec.get("purpose", "")),
            "arch": str(km["model"]["arch"]),
            "epochs": len(rec["history"].get("loss", [])),
            "seconds": float(rec["seconds"]),
            "trained": bool(rec["health"]["trained"]),
            "bytes": _size(folder),
        }
    except (OSError, ValueError, RecursionError, KeyError, TypeError, AttributeError):
        return {
            "key": folder.name,
            "purpose": "(damaged)",
            "arch": "",
            "epochs": 0,
            "seconds": 0.0,
            "trained": False,
            "bytes": _size(folder),
        }


def _remote_job(job: tuple[TrainRequest, str]) -> Payload:
    request, checkpoint = job
    return execute_remote(request, checkpoint)


def _size(folder: Path) -> int:
    try:
        return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    except OSError:  # a dangling link, a file gone meanwhile: the size is a courtesy
        return 0


def referenced_keys(summaries_dir: Path, strict: bool = False) -> set[str]:
    """Every run key named by the summaries of a results folder (what the current study uses).
    With `strict`, a summary that cannot be read is an error naming it (pruning on a partial list
    would delete trainings a damaged summary still needs)."""
    keys: set[str] = set()
    for path in sorted(Path(summaries_dir).glob("*.json")):
        try:
            facts = json.loads(path.read_text())["facts"]
            # A notebook that trains nothing (01, 02, 07) declares no run keys: it uses none.
            named = facts.get("run_keys", [])
            if not isinstance(named, list) or not all(isinstance(k, str) for k in named):
                raise TypeError("run_keys is not a list of keys")
            keys.update(named)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            if strict:
                raise StoreError(path, f"cannot read the run keys it uses ({type(err).__name__}: {err})") from None
    return keys


def training_time(results_folder: str | os.PathLike) -> dict:
    """What the trainings a results folder uses (those its summaries name) took when they ran, per
    notebook that trained them (the first two characters of their purpose). A re-render that loads
    them from the store does not repeat this time, so run.json's wall time alone would hide it."""
    folder = Path(results_folder)
    used = referenced_keys(folder / "summaries")
    per: dict[str, dict] = {}
    if (folder / "runs").is_dir():
        for e in RunStore(folder / "runs", log=lambda m: None).entries():
            if e["key"] in used:
                stage = per.setdefault(e["purpose"][:2], {"seconds": 0.0, "trainings": 0})
                stage["seconds"] += e["seconds"]
                stage["trainings"] += 1
    per = {nb: {"seconds": round(v["seconds"], 1), "trainings": v["trainings"]} for nb, v in sorted(per.items())}
    return {
        "what": "seconds each stored training took when it ran (possibly in earlier sessions), per notebook",
        "total_seconds": round(sum(v["seconds"] for v in per.values()), 1),
        "per_notebook": per,
    }
