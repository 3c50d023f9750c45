"""Trained models saved in Keras's native format with their class list and preprocessing, loadable by name."""

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
    """Write <folder>/<name>.keras and <name>.json (classes, preprocessing, where it came from).

    `model` is a Keras model or the path of a .keras file (a stored run's), which is copied byte for
    byte: re-saving a model writes new zip timestamps, so every re-render of the results from the
    run store would otherwise change (and re-commit) megabytes of identical weights."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.keras"
    if isinstance(model, (str, Path)):
        atomic.write_bytes(path, Path(model).read_bytes())
    else:
        atomic.write_with(path, lambda tmp: model.save(tmp), suffix=".keras")
    atomic.write_text(
        folder / f"{name}.json",
        json.dumps(
            {
                "name": name,
                "classes": list(classes),
                "preprocessing": PREPROCESSING,
                "input_shape": [48, 48, 1],
                **meta,
            },
            indent=2,
            default=str,
        )
        + "\n",
    )
    return path


def available(results_root: str | Path | None = None) -> list[Path]:
    root = Path(results_root) if results_root else project_root() / "results"
    found = []
    for profile in PROFILE_ORDER:
        found += sorted((root / profile / "models").glob("*.keras"))
    found += sorted(p for p in root.glob("*/models/*.keras") if p.parts[-3] not in PROFILE_ORDER)
    return found


def resolve(name_or_file: str, results_root: str | Path | None = None) -> Path:
    """A model file: an existing .keras path, or a name (e.g. 'improved-cnn') looked up under
    results/<profile>/models/ in the order paper, cpu, smoke."""
    p = Path(name_or_file)
    if p.suffix == ".keras":
        if not p.exists():
            raise ModelNotFound(f"{p}: no such model file")
        return p
    for candidate in available(results_root):
        if candidate.stem == name_or_file:
            return candidate
    names = sorted({c.stem for c in available(results_root)})
    raise ModelNotFound(
        f"unknown model '{name_or_file}'; available: {', '.join(names) or 'none yet'} "
        "(models are saved by notebooks 03 and 05: run `fer-study run` first, or pass a .keras file)"
    )


def load(name_or_file: str, results_root: str | Path | None = None):
    """(keras model, its metadata) for a name or file; the metadata must name the classes."""
    from fer_study.core.quiet import import_keras

    keras = import_keras()

    path = resolve(name_or_file, results_root)
    meta_path = path.with_suffix(".json")
    if not meta_path.exists():
        raise ModelNotFound(f"{path}: no {meta_path.name} next to it naming the model's classes")
    meta = json.loads(meta_path.read_text())
    return keras.saving.load_model(path), {**meta, "file": str(path)}
