"""The study's trained models by name: `results/<profile>/models/<name>.json` names a stored run
(its key in `runs/`), its classes and preprocessing; the weights stay once, in the run store.

A model saved from a Keras object rather than a stored run (a test, a user's own model) is written
as `<name>.keras` beside its `<name>.json`, and loads the same way."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fer_study.core import atomic
from fer_study.core.paths import project_root

PREPROCESSING = "grey uint8 48x48, face centred (FER2013's crops); scaling to [0, 1] happens inside the model"
# Where `load` looks for a model name, best budget first.
PROFILE_ORDER = ("paper", "cpu", "smoke")
# A run key is 24 hex digits (store.TrainRequest.key); anything else in an index (`../..`, an
# absolute path) would load a model from outside the store.
RUN_KEY = re.compile(r"[0-9a-f]{24}")


class ModelNotFound(LookupError):
    """An unknown model name or file; the message lists what is available."""


def save(model, name: str, classes: Sequence[str], folder: str | Path, meta: Mapping[str, Any]) -> Path:
    """Name a model in <folder>/<name>.json (classes, preprocessing, where it came from) and return
    the file its weights are in.

    `model` is the path of a stored run's model.keras (its run key in `meta["run_key"]`): only the
    index is written, so the weights are held once, in the run store, however often the results are
    re-rendered. A Keras model object is written as <folder>/<name>.keras."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(model, (str, Path)):
        if not meta.get("run_key"):
            raise ValueError(f"{model}: a stored run's model is indexed by its run key; meta has none")
        weights = Path(model)
        entry = {"weights": "run store", "run_key": meta["run_key"]}
    else:
        weights = folder / f"{name}.keras"
        atomic.write_with(weights, lambda tmp: model.save(tmp), suffix=".keras")
        entry = {"weights": weights.name}
    body = {
        "name": name,
        "classes": list(classes),
        "preprocessing": PREPROCESSING,
        "input_shape": [48, 48, 1],
        **meta,
        **entry,
    }
    atomic.write_text(folder / f"{name}.json", json.dumps(body, indent=2, default=str) + "\n")
    return weights


def available(results_root: str | Path | None = None) -> list[Path]:
    """Every model index (<name>.json) under results/<profile>/models/, best budget first."""
    root = Path(results_root) if results_root else project_root() / "results"
    found = []
    for profile in PROFILE_ORDER:
        found += sorted((root / profile / "models").glob("*.json"))
    found += sorted(p for p in root.glob("*/models/*.json") if p.parts[-3] not in PROFILE_ORDER)
    return found


def read_index(index: Path) -> dict:
    """A model index's metadata, checked: a JSON object naming two or more distinct classes, and its
    weights as a run key of the store beside it or a .keras file beside the index."""
    try:
        meta = json.loads(index.read_text())
    except (OSError, ValueError, RecursionError) as err:
        raise ModelNotFound(f"{index}: not a readable model index ({type(err).__name__})") from None
    if not isinstance(meta, dict):
        raise ModelNotFound(f"{index}: a model index is a JSON object, this is a {type(meta).__name__}")
    classes = meta.get("classes")
    if not (
        isinstance(classes, list)
        and len(classes) >= 2
        and all(isinstance(c, str) and c for c in classes)
        and len(set(classes)) == len(classes)
    ):
        raise ModelNotFound(f"{index}: 'classes' must list two or more distinct class names, found {classes!r}")
    if meta.get("weights") == "run store":
        key = meta.get("run_key")
        if not (isinstance(key, str) and RUN_KEY.fullmatch(key)):
            raise ModelNotFound(f"{index}: run_key {key!r} is not a run key (24 hex digits)")
    else:
        name = meta.get("weights", f"{index.stem}.keras")
        if not (isinstance(name, str) and name.endswith(".keras") and Path(name).name == name):
            raise ModelNotFound(f"{index}: weights {name!r} must be a .keras file name beside the index")
    return meta


def weights_of(index: Path, meta: Mapping[str, Any] | None = None) -> Path:
    """The .keras file a model index names: its stored run's model in the run store beside
    models/ (../runs/<key>/model.keras), checked against that entry's seal, or the file beside
    the index."""
    from fer_study.nn.store import RunStore

    meta = read_index(index) if meta is None else meta
    if meta.get("weights") == "run store":
        folder = index.parent.parent / "runs" / meta["run_key"]
        if not (folder / "model.keras").exists():
            raise ModelNotFound(
                f"{index}: its stored run {meta['run_key']} has no model.keras under {folder.parent} "
                "(re-run the notebook that trained it, which restores it from the run store or trains it)"
            )
        return RunStore.model_of(folder)
    return index.with_name(meta.get("weights") or f"{index.stem}.keras")


def resolve(name_or_file: str, results_root: str | Path | None = None) -> tuple[Path, Path]:
    """(weights, index) for an existing .keras or .json path, or for a name (e.g. 'improved-cnn')
    looked up under results/<profile>/models/ in the order paper, cpu, smoke."""
    p = Path(name_or_file)
    if p.suffix in (".keras", ".json"):
        if not p.exists():
            raise ModelNotFound(f"{p}: no such model file")
        index = p.with_suffix(".json")
        if not index.exists():
            raise ModelNotFound(f"{p}: no {index.name} next to it naming the model's classes")
        return (p if p.suffix == ".keras" else weights_of(index)), index
    for candidate in available(results_root):
        if candidate.stem == name_or_file:
            return weights_of(candidate), candidate
    names = sorted({c.stem for c in available(results_root)})
    raise ModelNotFound(
        f"unknown model '{name_or_file}'; available: {', '.join(names) or 'none yet'} "
        "(models are saved by notebooks 03 and 05: run `fer-study run` first, or pass a .keras file)"
    )


def load(name_or_file: str, results_root: str | Path | None = None):
    """(keras model, its metadata) for a name or file; the model must predict exactly the classes
    its index names (issue 36: an index listing 2 names for a 4-class model labelled faces wrongly)."""
    from fer_study.core.quiet import import_keras

    keras = import_keras()

    path, index = resolve(name_or_file, results_root)
    meta = read_index(index)
    try:
        model = keras.saving.load_model(path)
    except Exception as err:  # noqa: BLE001 - zip, HDF5, JSON and Keras errors alike mean an unusable file
        raise ModelNotFound(f"{path}: not a loadable Keras model ({type(err).__name__})") from None
    outputs = model.output_shape[-1] if isinstance(model.output_shape, tuple) else None
    if outputs != len(meta["classes"]):
        raise ModelNotFound(
            f"{index}: names {len(meta['classes'])} classes ({', '.join(meta['classes'])}) but {path.name} "
            f"predicts {outputs}"
        )
    return model, {"name": index.stem, **meta, "file": str(path)}
