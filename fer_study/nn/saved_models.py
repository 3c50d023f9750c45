"""The study's trained models by name: `results/<profile>/models/<name>.json` names a stored run
(its key in `runs/`), its classes and preprocessing; the weights stay once, in the run store.

A model saved from a Keras object rather than a stored run (a test, a user's own model) is written
as `<name>.keras` beside its `<name>.json`, and loads the same way."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fer_study.core import atomic
from fer_study.core.paths import project_root

PREPROCESSING = "grey uint8 48x48, face centred (FER2013's crops); scaling to [0, 1] happens inside the model"
# Where `load` looks for a model name, best budget first.
PROFILE_ORDER = ("paper", "cpu", "smoke")


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


def weights_of(index: Path) -> Path:
    """The .keras file a model index names: its stored run's model in the run store beside
    models/ (../runs/<key>/model.keras), or the file beside the index."""
    meta = json.loads(index.read_text())
    if meta.get("weights") == "run store":
        path = index.parent.parent / "runs" / meta["run_key"] / "model.keras"
        if not path.exists():
            raise ModelNotFound(
                f"{index}: its stored run {meta['run_key']} has no model.keras under {path.parent.parent} "
                "(re-run the notebook that trained it, which restores it from the run store or trains it)"
            )
        return path
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
    """(keras model, its metadata) for a name or file; the metadata must name the classes."""
    from fer_study.core.quiet import import_keras

    keras = import_keras()

    path, index = resolve(name_or_file, results_root)
    meta = json.loads(index.read_text())
    return keras.saving.load_model(path), {**meta, "file": str(path)}
